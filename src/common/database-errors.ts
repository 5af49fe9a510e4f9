import { QueryRunnerAlreadyReleasedError, QueryRunnerProviderAlreadyReleasedError } from 'typeorm';

/** Recognises PostgreSQL driver errors by what they mean to a client. */

interface PgLikeError {
  code?: string;
  message?: string;
  driverError?: PgLikeError;
  constraint?: string;
  detail?: string;
}

const UNAVAILABLE_NODE_CODES = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'ENOTFOUND',
  'EPIPE',
  'EHOSTUNREACH',
]);

function driverError(error: unknown): PgLikeError | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const e = error as PgLikeError;
  return e.driverError ?? e;
}

/** True when the database cannot be reached or went away: the client should retry later (503). */
export function isDatabaseUnavailable(error: unknown): boolean {
  // TypeORM hands a connection back to the pool the moment it reports an error; when it dies
  // between two statements of a transaction, the next statement finds its query runner
  // released and the connection error itself is never thrown (test/faults).
  if (
    error instanceof QueryRunnerAlreadyReleasedError ||
    error instanceof QueryRunnerProviderAlreadyReleasedError
  ) {
    return true;
  }
  const e = driverError(error);
  if (!e) return false;
  const code = e.code ?? '';
  if (UNAVAILABLE_NODE_CODES.has(code)) return true;
  // 08xxx connection exceptions; 57P01-57P03 admin shutdown, crash shutdown, cannot connect now.
  if (/^08/.test(code) || /^57P0[1-3]$/.test(code)) return true;
  // 53300 too_many_connections; 53xxx insufficient resources (disk full, out of memory).
  if (/^53/.test(code)) return true;
  const message = e.message ?? '';
  return /Connection terminated|timeout exceeded when trying to connect|Client has encountered a connection error|connect ECONNREFUSED|the database system is (starting up|shutting down)|Connection terminated unexpectedly/i.test(
    message,
  );
}

export function pgErrorCode(error: unknown): string | undefined {
  return driverError(error)?.code;
}

export function pgConstraint(error: unknown): string | undefined {
  return driverError(error)?.constraint;
}

export const isUniqueViolation = (error: unknown, constraint?: string) =>
  pgErrorCode(error) === '23505' && (!constraint || pgConstraint(error) === constraint);

/** Serialization failure or deadlock: the transaction may simply be retried. */
export const isRetryableTransactionError = (error: unknown) =>
  ['40001', '40P01'].includes(pgErrorCode(error) ?? '');
