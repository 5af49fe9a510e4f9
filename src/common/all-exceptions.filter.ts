import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { AccessDeniedRecorder } from '../audit/access-denied.recorder.js';
import { pickLanguage, type Lang } from '../web/i18n.js';
import type { ErrorCode } from './error-codes.js';
import { localizeErrorBody } from './error-messages.js';
import { DomainError, ErrorBody, STATUS_TEXT } from './errors.js';
import { isDatabaseUnavailable, pgErrorCode } from './database-errors.js';

/**
 * The one place where anything thrown becomes an HTTP answer, always in the api.md shape.
 * Unknown errors are logged with the request id and answered 500 without internals.
 */
@Catch()
export class AllExceptionsFilter implements ExceptionFilter {
  private readonly logger = new Logger('Errors');

  constructor(private readonly accessDenied: AccessDeniedRecorder) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const http = host.switchToHttp();
    const reply = http.getResponse<FastifyReply>();
    const request = http.getRequest<FastifyRequest>();
    const { body, headers } = errorAnswer(exception, request, this.logger);
    // A refused signed-in caller is on the record before they see the 403.
    void this.accessDenied.record(request, body).then(() => sendError(reply, body, headers));
  }
}

/**
 * The answer to anything thrown while serving `request`, in the caller's language
 * (Accept-Language; else English; never the code), logged when it is the server's fault.
 * Also used by routes served outside Nest's pipeline (credentials/verify-route.ts).
 */
export function errorAnswer(
  exception: unknown,
  request: FastifyRequest | undefined,
  logger: Pick<Logger, 'error' | 'warn'>,
): { body: ErrorBody; headers?: Record<string, string> } {
  const lang = pickLanguage(undefined, request?.headers?.['accept-language']);
  const answer = toErrorResponse(exception, lang);
  const { statusCode } = answer.body;
  if (statusCode >= 500 && statusCode !== 503) {
    logger.error({ err: exception, requestId: request?.id, url: request?.url }, 'Unhandled error');
  } else if (statusCode === 503) {
    logger.warn({ requestId: request?.id, code: pgErrorCode(exception) }, 'Database unavailable');
  }
  return answer;
}

export function sendError(
  reply: FastifyReply,
  body: ErrorBody,
  headers: Record<string, string> = {},
) {
  for (const [name, value] of Object.entries(headers)) void reply.header(name, value);
  return reply.status(body.statusCode).type('application/json; charset=utf-8').send(body);
}

function body(
  statusCode: number,
  code: ErrorCode,
  message: string,
  details: Record<string, unknown> = {},
): ErrorBody {
  return {
    statusCode,
    error: STATUS_TEXT[statusCode] ?? 'Error',
    code,
    message,
    details,
  };
}

const FASTIFY_CODES: Record<string, { status: number; code: ErrorCode; message: string }> = {
  FST_ERR_CTP_BODY_TOO_LARGE: {
    status: 413,
    code: 'PAYLOAD_TOO_LARGE',
    message: 'The request body is larger than 1 MB',
  },
  FST_ERR_CTP_INVALID_MEDIA_TYPE: {
    status: 415,
    code: 'UNSUPPORTED_MEDIA_TYPE',
    message: 'Unsupported content type',
  },
  FST_ERR_CTP_EMPTY_JSON_BODY: {
    status: 400,
    code: 'MALFORMED_BODY',
    message: 'The JSON body is empty',
  },
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: {
    status: 400,
    code: 'MALFORMED_BODY',
    message: 'Invalid Content-Length',
  },
};

/** The answer to anything thrown, worded in `lang` (see error-messages.ts). */
export function toErrorResponse(
  exception: unknown,
  lang: Lang = 'en',
): {
  body: ErrorBody;
  headers?: Record<string, string>;
} {
  if (exception instanceof DomainError) {
    const own = exception.inLanguage(lang);
    if (own) {
      return {
        body: body(exception.status, exception.code, own.message, own.details),
        headers: exception.headers,
      };
    }
    return {
      body: localizeErrorBody(
        body(exception.status, exception.code, exception.message, exception.details),
        lang,
      ),
      headers: exception.headers,
    };
  }
  const { body: answer, headers } = toGenericResponse(exception);
  return { body: localizeErrorBody(answer, lang), headers };
}

function toGenericResponse(exception: unknown): {
  body: ErrorBody;
  headers?: Record<string, string>;
} {
  if (exception instanceof HttpException) {
    const status = exception.getStatus();
    const response = exception.getResponse();
    const message =
      typeof response === 'string'
        ? response
        : typeof (response as { message?: unknown }).message === 'string'
          ? (response as { message: string }).message
          : exception.message;
    return { body: body(status, defaultCode(status), message) };
  }
  if (typeof exception === 'object' && exception !== null) {
    const fastifyCode = (exception as { code?: string }).code;
    const known = fastifyCode ? FASTIFY_CODES[fastifyCode] : undefined;
    if (known) return { body: body(known.status, known.code, known.message) };
    const statusCode = (exception as { statusCode?: number }).statusCode;
    if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
      // Errors Fastify raises itself while reading a request (bad JSON, bad headers).
      return {
        body: body(
          statusCode,
          defaultCode(statusCode),
          (exception as Error).message || 'Bad request',
        ),
      };
    }
  }
  if (isDatabaseUnavailable(exception)) {
    return {
      body: body(503, 'SERVICE_UNAVAILABLE', 'The database is unavailable, try again shortly'),
      headers: { 'Retry-After': '5' },
    };
  }
  switch (pgErrorCode(exception)) {
    case '22P02': // invalid text representation (e.g. a malformed uuid that slipped through)
    case '22007': // invalid datetime format
    case '22008': // datetime field overflow
    case '22003': // numeric value out of range
    case '22001': // string too long
    case '22021': // invalid byte sequence (NUL in text)
    case '54000': // program limit exceeded (e.g. index row too large)
      return { body: body(400, 'INVALID_VALUE', 'A value in the request is not acceptable') };
    case '23502': // not_null_violation: a required value was sent as null
      return { body: body(400, 'INVALID_VALUE', 'A required value is missing') };
    case '23503': // foreign_key_violation: a referenced record does not exist (or is still in use)
      return {
        body: body(422, 'REFERENCE_NOT_FOUND', 'A referenced record does not exist or is in use'),
      };
    case '23514': // check_violation: the database's own rule refused the change
      return { body: body(422, 'RULE_VIOLATION', 'The change breaks a rule of the register') };
    case '23505':
      return { body: body(409, 'CONFLICT', 'This conflicts with an existing record') };
    case '40001':
    case '40P01':
      return { body: body(409, 'CONCURRENT_UPDATE', 'A concurrent change interfered, try again') };
    default:
      break;
  }
  return { body: body(500, 'INTERNAL_ERROR', 'An unexpected error occurred') };
}

function defaultCode(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'BAD_REQUEST';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'FORBIDDEN';
    case 404:
      return 'NOT_FOUND';
    case 405:
      return 'METHOD_NOT_ALLOWED';
    case 406:
      return 'NOT_ACCEPTABLE';
    case 409:
      return 'CONFLICT';
    case 413:
      return 'PAYLOAD_TOO_LARGE';
    case 415:
      return 'UNSUPPORTED_MEDIA_TYPE';
    case 422:
      return 'UNPROCESSABLE';
    case 429:
      return 'RATE_LIMITED';
    case 503:
      return 'SERVICE_UNAVAILABLE';
    default:
      return status >= 500 ? 'INTERNAL_ERROR' : 'ERROR';
  }
}
