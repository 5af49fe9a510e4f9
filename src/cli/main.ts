import 'reflect-metadata';
import { buildAppConfig } from '../config/app-config.js';
import { loadEnvironment, openCliApp } from './app-context.js';
import { line } from './cli-io.js';
import { locateDatabase, openDatabase } from './database.js';
import { runCli } from './run.js';

/** `npm run cli -- <command>`: the operator's command line (see `--help`). */
const log = (message: string) => line(process.stderr, message);

process.exitCode = await runCli(process.argv.slice(2), {
  io: {
    stdout: process.stdout,
    stderr: process.stderr,
    stdin: process.stdin,
    progress: process.stderr.isTTY === true,
  },
  openApp: () => openCliApp(log),
  locateDatabase: () => locateDatabase(loadEnvironment()),
  openDatabase: () => openDatabase(loadEnvironment(), log),
  keyEncryptionSecret: () => buildAppConfig(loadEnvironment(), '').keyEncryptionSecret,
});

// The command is over. An application that failed halfway through its start (a signing key
// the configured secret cannot open, say) leaves its database connections open, since Nest
// does not close what it had created; without this the command would print its error and
// never exit. Unreferenced: a clean run ends before it fires.
setTimeout(() => process.exit(), 1000).unref();
