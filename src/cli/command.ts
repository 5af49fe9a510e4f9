import { hostname, userInfo } from 'node:os';
import type { ParseArgsConfig } from 'node:util';
import type { Actor } from '../common/actor.js';
import type { CliApp } from './app-context.js';
import type { CliIo } from './cli-io.js';
import type { DatabaseLocation, OpenDatabase } from './database.js';

/** What a command may reach: the streams, and the application or database on demand. */
export interface CliEnvironment {
  io: CliIo;
  openApp(): Promise<CliApp>;
  locateDatabase(): Promise<DatabaseLocation>;
  /** The database itself, the embedded one started if need be (else locateDatabase's URL). */
  openDatabase?(): Promise<OpenDatabase>;
  /** The secret the signing keys are encrypted with, as the application would use it. */
  keyEncryptionSecret?(): string;
}

export interface CommandInput {
  values: Record<string, string | boolean | undefined>;
  positionals: string[];
  env: CliEnvironment;
}

export interface CliCommand {
  name: string;
  summary: string;
  usage: string;
  details: string;
  options: NonNullable<ParseArgsConfig['options']>;
  run(input: CommandInput): Promise<number>;
}

/**
 * Who the audit trail names for work done at the command line: no account, the admin role,
 * and as request id the command and the operating-system user who ran it.
 */
export function cliActor(command: string): Actor {
  let who = 'unknown';
  try {
    who = `${userInfo().username}@${hostname()}`;
  } catch {
    // no passwd entry (some containers): the command alone still says where the change came from
  }
  return {
    userId: null,
    roles: ['admin'],
    traineeId: null,
    instructorId: null,
    requestId: `cli:${command}:${who}`,
    ip: null,
  };
}

/** Runs work with the application open, and always closes it (and the database it started). */
export async function withApp<T>(env: CliEnvironment, work: (app: CliApp['app']) => Promise<T>) {
  const cli = await env.openApp();
  try {
    return await work(cli.app);
  } finally {
    await cli.close();
  }
}
