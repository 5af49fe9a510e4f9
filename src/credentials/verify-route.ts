import { Logger } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteHandlerMethod } from 'fastify';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { errorAnswer, sendError } from '../common/all-exceptions.filter.js';
import { AppConfig } from '../config/app-config.js';
import { directRequestLog } from '../logging.js';
import { SerialVerificationResponder } from './serial-verification.responder.js';

/** The route PublicController declares and this file serves. */
const VERIFY_BY_SERIAL_URL = '/verify/:serial';

/**
 * `GET /verify/:serial` is the busiest route, public and unauthenticated: inspectors scan
 * certificates from the whole register, so most answers cannot come from the cache and each
 * costs a database round trip. Measured under that load (bench/README.md, "Where the time
 * goes"), Nest's per-request pipeline (execution context, guard, pipes for four parameters,
 * the rxjs handler chain, the exception zone) cost about as much as the lookup itself, and
 * none of it does anything here: the guard's answer for a `@Public()` route is always yes, and
 * the parameters are plain strings.
 *
 * So the handler Nest registers for this route is replaced, as Fastify registers it, by one
 * that calls the same SerialVerificationResponder directly. Everything Fastify runs for every
 * route still runs: the request id, the security headers, CORS, the shutdown refusal, the rate
 * limit (in the responder), and errors take the api.md shape through the same errorAnswer as
 * the exception filter. The request log line is the same pino-http line, written from here
 * rather than by the middleware (logging.ts, DIRECTLY_LOGGED: why).
 */
export function serveVerificationFromFastify(app: NestFastifyApplication): void {
  const logger = new Logger('Errors');
  let responder: SerialVerificationResponder | undefined;
  let logRequest: ((req: IncomingMessage, res: ServerResponse) => void) | undefined;
  const handler: RouteHandlerMethod = async function (
    request: FastifyRequest,
    reply: FastifyReply,
  ) {
    // Resolved on first use: the providers (and the root logger) exist only once the
    // application is initialised.
    responder ??= app.get(SerialVerificationResponder) as SerialVerificationResponder;
    logRequest ??= directRequestLog(app.get(AppConfig));
    // The request line the logging middleware writes for other routes (it skips this one).
    logRequest(request.raw, reply.raw);
    const { serial } = request.params as { serial: string };
    const { lang } = request.query as { lang?: unknown };
    try {
      return await responder.answer(serial, lang, request, reply);
    } catch (error) {
      const { body, headers } = errorAnswer(error, request, logger);
      return sendError(reply, body, headers);
    }
  };
  app
    .getHttpAdapter()
    .getInstance()
    .addHook('onRoute', (route) => {
      if (route.url === VERIFY_BY_SERIAL_URL && [route.method].flat().includes('GET'))
        route.handler = handler;
    });
}
