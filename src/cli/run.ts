import { parseArgs } from 'node:util';
import { ConfigurationError } from '../config/environment.js';
import { DomainError } from '../common/errors.js';
import { EXIT, EXIT_CODES_HELP, line, UsageError } from './cli-io.js';
import type { CliCommand, CliEnvironment } from './command.js';
import {
  createAdminCommand,
  dbLocationCommand,
  rotateKeyCommand,
  verifyAuditCommand,
} from './commands/admin.js';
import { backupCommand, restoreCommand } from './commands/backup.js';
import { exportCommand, importCommand } from './commands/data.js';

export const COMMANDS: CliCommand[] = [
  createAdminCommand,
  importCommand,
  exportCommand,
  rotateKeyCommand,
  verifyAuditCommand,
  dbLocationCommand,
  backupCommand,
  restoreCommand,
];

const PROGRAM = 'npm run cli --';

function overview(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  return [
    `Usage: ${PROGRAM} <command> [options]`,
    '',
    'Commands:',
    ...COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `Run "${PROGRAM} <command> --help" for a command's options.`,
    'The database is DATABASE_URL, or the embedded PostgreSQL under DATA_DIR (started for the',
    'command when the service is not running it).',
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return [
    `Usage: ${PROGRAM} ${command.usage}`,
    '',
    command.summary + '.',
    '',
    command.details,
    '',
    EXIT_CODES_HELP,
  ].join('\n');
}

/** Runs one command line; returns the exit code (see EXIT). */
export async function runCli(argv: string[], env: CliEnvironment): Promise<number> {
  const { io } = env;
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    line(name === undefined ? io.stderr : io.stdout, overview());
    return name === undefined ? EXIT.usage : EXIT.ok;
  }
  const command = COMMANDS.find((c) => c.name === name);
  if (!command) {
    line(io.stderr, `Unknown command "${name}".\n\n${overview()}`);
    return EXIT.usage;
  }
  try {
    const { values, positionals } = parseArgs({
      args: rest,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    }) as { values: Record<string, string | boolean | undefined>; positionals: string[] };
    if (values.help) {
      line(io.stdout, commandHelp(command));
      return EXIT.ok;
    }
    return await command.run({ values, positionals, env });
  } catch (error) {
    if (error instanceof UsageError || isParseArgsError(error)) {
      line(io.stderr, `${(error as Error).message}\nUsage: ${PROGRAM} ${command.usage}`);
      return EXIT.usage;
    }
    line(io.stderr, describe(error));
    return EXIT.failure;
  }
}

function isParseArgsError(error: unknown): boolean {
  const code = (error as { code?: string } | null)?.code ?? '';
  return code.startsWith('ERR_PARSE_ARGS_');
}

function describe(error: unknown): string {
  if (error instanceof DomainError) return `Refused (${error.code}): ${error.message}`;
  if (error instanceof ConfigurationError) return error.message;
  if (error instanceof Error) return `Failed: ${error.message}`;
  return `Failed: ${String(error)}`;
}
