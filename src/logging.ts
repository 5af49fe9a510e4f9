import { RequestMethod } from '@nestjs/common';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { PinoLogger, type Params } from 'nestjs-pino';
import pino, { type DestinationStream } from 'pino';
import { pinoHttp, type Options as HttpLogOptions } from 'pino-http';
import { clientRequestId, serverRequestId } from './common/request-id.js';
import { redactSecrets } from './log-redaction.js';
import type { AppConfig } from './config/app-config.js';

/** Where log lines go: stdout unless replaced before the app is built (tests read them). */
let logDestination: DestinationStream | undefined;

export function setLogDestination(destination: DestinationStream | undefined): void {
  logDestination = destination;
}

/**
 * The request's id: always the server's own. A client's X-Request-Id is not used as the id (a
 * client could make two requests, and their audit events, share one); the request log line
 * records it beside the id as `clientRequestId` (see the `req` serializer below).
 */
export function requestIdFor(_req: IncomingMessage): string {
  return serverRequestId();
}

/**
 * In production, log lines are buffered (up to 4 KB, or one second) instead of one write(2)
 * per line: with a line per request, the writes alone took 5-15% of a busy instance's CPU.
 * pino flushes the buffer synchronously when the process exits; only a SIGKILL can lose the
 * last second. Elsewhere every line is written at once (tests and development read them).
 */
function productionDestination(): DestinationStream {
  const destination = pino.destination({ dest: 1, sync: false, minLength: 4096 });
  setInterval(() => {
    // After the stream is closed (shutdown) there is nothing left to flush.
    try {
      destination.flush();
    } catch {
      /* closed */
    }
  }, 1_000).unref();
  return destination;
}

/**
 * Routes whose request line is written by their own Fastify handler through `directRequestLog`
 * instead of nestjs-pino's middleware: `GET /verify/:serial` (src/credentials/verify-route.ts).
 * The middleware runs through @fastify/middie and opens an AsyncLocalStorage scope for
 * request-scoped logs, which that route does not use (its error lines carry the request id
 * themselves); measured at a million certificates, the middleware was about a seventh of the
 * route's cost (bench/README.md). The line itself is the same: same pino-http, same options.
 */
const DIRECTLY_LOGGED = [{ path: 'verify/{*serial}', method: RequestMethod.GET }];

export function loggerOptions(config: AppConfig): Params {
  const stream = logDestination ?? (config.isProduction ? productionDestination() : undefined);
  return {
    // nestjs-pino's default pattern ('{/*splat}') reaches @fastify/middie as '/{/*splat}' under
    // Nest 12, which matches no request: without this, not one request was logged.
    forRoutes: [{ path: '{*path}', method: RequestMethod.ALL }],
    exclude: DIRECTLY_LOGGED,
    pinoHttp: { ...(stream ? { stream } : {}), ...httpLogOptions(config) },
  };
}

/** pino-http's options (but where lines go): the middleware's and `directRequestLog`'s. */
function httpLogOptions(config: AppConfig): HttpLogOptions {
  return {
    level: config.logLevel,
    // Fastify already chose the id (see main.ts); reuse it so logs and errors agree.
    genReqId: (req) =>
      (req as IncomingMessage & { requestId?: string }).requestId ?? requestIdFor(req),
    // Secrets and personal data never reach a line, whatever is logged (log-redaction.ts).
    formatters: { log: redactSecrets },
    serializers: {
      req: (req: {
        id: string;
        method: string;
        url: string;
        remoteAddress?: string;
        headers?: Record<string, unknown>;
      }) => ({
        id: req.id,
        clientRequestId: clientRequestId(req.headers) ?? undefined,
        method: req.method,
        // Query strings may carry search terms about people; the path is enough to trace.
        url: req.url?.split('?')[0],
        remoteAddress: req.remoteAddress,
      }),
      res: (res: { statusCode: number }) => ({ statusCode: res.statusCode }),
    },
    customLogLevel: (_req, res, err) =>
      err || res.statusCode >= 500 ? 'error' : res.statusCode >= 400 ? 'warn' : 'info',
    // The middleware sees req.url with its matched prefix stripped; originalUrl is the path.
    autoLogging: {
      ignore: (req) =>
        (
          (req as IncomingMessage & { originalUrl?: string }).originalUrl ??
          req.url ??
          ''
        ).startsWith('/health/'),
    },
  };
}

/**
 * The request log of a route in DIRECTLY_LOGGED: pino-http with the application's options,
 * writing through the application's root logger (PinoLogger.root, set up by LoggerModule), so
 * its line is the one the middleware writes for every other route. Call with the raw request
 * and response when the request arrives.
 */
export function directRequestLog(
  config: AppConfig,
): (req: IncomingMessage, res: ServerResponse) => void {
  const log = pinoHttp({ ...httpLogOptions(config), logger: PinoLogger.root });
  return (req, res) => log(req, res);
}
