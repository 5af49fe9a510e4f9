import type { Writable } from 'node:stream';

/** Exit codes scripts can rely on (documented in `--help`). */
export const EXIT = {
  ok: 0,
  /** Something went wrong: the database, a file that cannot be read or written, a refusal. */
  failure: 1,
  /** Unknown command or option, missing or malformed argument. */
  usage: 2,
  /** The file has invalid rows (with --skip-invalid the valid ones went in; else nothing did). */
  invalidRows: 3,
} as const;

export const EXIT_CODES_HELP = `Exit codes:
  0  done
  1  failed (database unreachable, file unreadable, request refused)
  2  usage error (unknown command or option, missing argument)
  3  the file has invalid rows (nothing imported, or with --skip-invalid only the valid rows)`;

export class UsageError extends Error {}

export interface CliIo {
  stdout: Writable;
  stderr: Writable;
  stdin: NodeJS.ReadableStream;
  /** Draw progress bars (on stderr, when it is a terminal). */
  progress: boolean;
}

export const line = (stream: Writable, text = '') => stream.write(`${text}\n`);
