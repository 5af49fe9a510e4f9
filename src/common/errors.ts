import type { Lang } from '../web/i18n.js';
import type { ErrorCode, ErrorDetails } from './error-codes.js';

/**
 * Domain errors carry an HTTP status, a stable machine-readable code (one of ERROR_CODES,
 * src/common/error-codes.ts) and optional details. Services throw them with an English
 * message; the one exception filter turns them into the api.md error shape, in the caller's
 * language (src/common/error-messages.ts).
 */
export class DomainError extends Error {
  constructor(
    readonly status: number,
    readonly code: ErrorCode,
    message: string,
    readonly details?: Record<string, unknown>,
    readonly headers?: Record<string, string>,
  ) {
    super(message);
    this.name = 'DomainError';
  }

  /**
   * The message and details in a language, for errors that word themselves (field problems);
   * undefined leaves it to the code's message in src/web/messages (error.<CODE>).
   */
  inLanguage(_lang: Lang): { message: string; details?: Record<string, unknown> } | undefined {
    return undefined;
  }
}

export const badRequest = <C extends ErrorCode>(
  code: C,
  message: string,
  details?: ErrorDetails<C>,
) => new DomainError(400, code, message, details);

export const unauthorized = (
  message = 'Authentication required',
  code: ErrorCode = 'UNAUTHENTICATED',
) => new DomainError(401, code, message);

export const forbidden = (
  message = 'You are not allowed to do this',
  code: ErrorCode = 'FORBIDDEN',
) => new DomainError(403, code, message);

export const notFound = (what: string, details?: Record<string, unknown>) =>
  new DomainError(404, 'NOT_FOUND', `${what} not found`, details);

export const conflict = <C extends ErrorCode>(
  code: C,
  message: string,
  details?: ErrorDetails<C>,
) => new DomainError(409, code, message, details);

/**
 * The caller hung up while its request waited for its turn (nginx's 499): nobody reads this
 * answer; it ends the work and marks the request in the log.
 */
export const clientClosedRequest = () =>
  new DomainError(499, 'CLIENT_CLOSED_REQUEST', 'The client went away before its turn came');

/** The body names a record (by id) that does not exist: the request itself is understood. */
export const referenceNotFound = (field: string, what: string) =>
  new DomainError(422, 'REFERENCE_NOT_FOUND', `${what} given in ${field} does not exist`, {
    field,
  });

/** A well-formed request that breaks a business rule (prerequisite, eligibility, ...). */
export const ruleViolation = <C extends ErrorCode>(
  code: C,
  message: string,
  details?: ErrorDetails<C>,
) => new DomainError(422, code, message, details);

export const tooManyRequests = (retryAfterSeconds: number, message = 'Too many attempts') =>
  new DomainError(
    429,
    'RATE_LIMITED',
    message,
    { retryAfterSeconds },
    {
      'Retry-After': String(Math.max(1, Math.ceil(retryAfterSeconds))),
    },
  );

export const serviceUnavailable = (message = 'The database is unavailable, try again shortly') =>
  new DomainError(503, 'SERVICE_UNAVAILABLE', message);

/** The JSON body of every error response. */
export interface ErrorBody {
  statusCode: number;
  error: string;
  code: ErrorCode;
  message: string;
  details: Record<string, unknown>;
}

export const STATUS_TEXT: Record<number, string> = {
  400: 'Bad Request',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  413: 'Payload Too Large',
  415: 'Unsupported Media Type',
  422: 'Unprocessable Entity',
  429: 'Too Many Requests',
  499: 'Client Closed Request',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};
