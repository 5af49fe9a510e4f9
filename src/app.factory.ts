import helmet from 'helmet';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, type NestFastifyApplication } from '@nestjs/platform-fastify';
import { SwaggerModule } from '@nestjs/swagger';
import type { IncomingMessage } from 'node:http';
import { Logger } from 'nestjs-pino';
import { AppModule } from './app.module.js';
import { sendError } from './common/all-exceptions.filter.js';
import { STATUS_TEXT } from './common/errors.js';
import { limitConnectionsPerAddress } from './common/connection-limit.js';
import { buildOpenApiDocument } from './common/openapi.js';
import { registerPublicCors } from './common/public-cors.js';
import {
  DEFAULT_JSON_LIMITS,
  jsonLimitBreach,
  type JsonLimitsRouteConfig,
} from './common/json-limits.js';
import { OversizedBody, UnparsableBody } from './common/validation.js';
import type { AppConfig } from './config/app-config.js';
import { requestIdFor } from './logging.js';
import { serveVerificationFromFastify } from './credentials/verify-route.js';
import { registerImportUploads } from './imports/upload-parsers.js';

export const BODY_LIMIT_BYTES = 1024 * 1024;

export interface RegisteredRoute {
  method: string;
  url: string;
}

const routeTables = new WeakMap<object, RegisteredRoute[]>();

/**
 * Every route the running app serves (HEAD aside), as registered: the authorization-matrix
 * test walks this list, so a new route cannot ship without a decision about who may call it.
 */
export function registeredRoutes(app: NestFastifyApplication): RegisteredRoute[] {
  return [...(routeTables.get(app) ?? [])];
}

/** Builds the fully configured application (used by main.ts and by the tests alike). */
export async function createApp(
  config: AppConfig,
  options: { logs?: boolean; preview?: boolean } = {},
): Promise<NestFastifyApplication> {
  const adapter = new FastifyAdapter({
    bodyLimit: BODY_LIMIT_BYTES,
    trustProxy: config.trustProxy,
    // A client has this long for a whole request (Node answers 408 and closes): a body sent a
    // byte at a time cannot hold a connection for minutes.
    requestTimeout: config.requestTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    http: {
      requestTimeout: config.requestTimeoutMs,
      headersTimeout: config.headersTimeoutMs,
      // How often Node looks for requests past those timeouts (its default is 30 s).
      connectionsCheckingInterval: Math.min(1000, config.headersTimeoutMs / 2),
    },
    genReqId: (req: IncomingMessage) => {
      const id = requestIdFor(req);
      (req as IncomingMessage & { requestId?: string }).requestId = id;
      return id;
    },
    // On shutdown, idle keep-alive connections close at once; busy ones finish their request.
    forceCloseConnections: 'idle',
    // Fastify's own 503 while closing lacks the api.md error shape; a hook below answers.
    return503OnClosing: false,
    routerOptions: { maxParamLength: 500 },
  });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(config), adapter, {
    bufferLogs: true,
    abortOnError: false,
    // Our own JSON parser is registered below (parse errors are decided after authorization).
    bodyParser: false,
    // Preview builds the module graph without running a provider (no database connection):
    // enough for the OpenAPI document (src/openapi-document.ts), never for serving.
    preview: options.preview,
  });
  if (options.logs !== false) app.useLogger(app.get(Logger));
  else app.useLogger(false);

  const fastify = app.getHttpAdapter().getInstance();
  limitConnectionsPerAddress(fastify.server, config.maxConnectionsPerAddress);
  const routes: RegisteredRoute[] = [];
  routeTables.set(app, routes);
  fastify.addHook('onRoute', (route) => {
    for (const method of [route.method].flat())
      if (method !== 'HEAD') routes.push({ method, url: route.url });
  });
  serveVerificationFromFastify(app);
  // Set when close() begins (SIGTERM): requests in flight finish, anything newer is turned away.
  let closing = false;
  fastify.addHook('preClose', (done) => {
    closing = true;
    done();
  });
  fastify.addHook('onRequest', (_request, reply, done) => {
    if (!closing) return done();
    void sendError(
      reply,
      {
        statusCode: 503,
        error: STATUS_TEXT[503],
        code: 'SERVICE_UNAVAILABLE',
        message: 'The service is shutting down, try again shortly',
        details: {},
      },
      { 'Retry-After': '5', Connection: 'close' },
    );
  });
  fastify.addHook('onSend', async (request, reply) => {
    void reply.header('x-request-id', request.id);
    // API answers (tokens, personal data) are never for shared caches; routes that may be
    // cached (JWKS, status lists, pages) say so themselves, outside /api.
    if (
      (request.url.startsWith('/api/') || request.headers.authorization !== undefined) &&
      !reply.hasHeader('Cache-Control')
    )
      void reply.header('Cache-Control', 'no-store');
    // A keep-alive connection that outlives its last request would hold the shutdown open
    // until the keep-alive timeout (and main.ts's watchdog exits 1): close it with this answer.
    if (closing) void reply.header('Connection', 'close');
  });
  // Parse errors and bodies past their route's JSON limits are parked, not thrown:
  // authorization is decided first (see UnparsableBody). The limits are checked on the text,
  // before parsing and validation, which would spend seconds on 100,000 unknown keys.
  const defaultJson = fastify.getDefaultJsonParser('error', 'error');
  fastify.removeContentTypeParser('application/json');
  fastify.addContentTypeParser('application/json', { parseAs: 'string' }, (request, body, done) => {
    const text = typeof body === 'string' ? body : body.toString('utf8');
    if (text.trim() === '') return done(null, undefined);
    const own = (request.routeOptions.config as JsonLimitsRouteConfig | undefined)?.jsonLimits;
    const breach = jsonLimitBreach(text, { ...DEFAULT_JSON_LIMITS, ...own });
    if (breach) return done(null, new OversizedBody(breach));
    void defaultJson(request, text, (error, value) =>
      done(null, error ? new UnparsableBody(error.message) : value),
    );
  });

  // Built once: @fastify/helmet builds helmet's middleware anew on every request (its CSP
  // parsing alone was about 1% of a busy instance's CPU).
  const securityHeaders = helmet({
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:'],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    crossOriginEmbedderPolicy: false,
  });
  fastify.addHook('onRequest', (request, reply, done) =>
    securityHeaders(request.raw, reply.raw, (error?: unknown) =>
      done(error instanceof Error ? error : undefined),
    ),
  );
  // After the security headers: keys, status lists and verification open to every origin.
  registerPublicCors(fastify);
  await registerImportUploads(app);

  // API_DOCS: off by default in production, where the route list need not be public.
  if (config.apiDocs) setUpApiDocs(app);
  return app;
}

function setUpApiDocs(app: NestFastifyApplication): void {
  SwaggerModule.setup('docs', app, buildOpenApiDocument(app), { jsonDocumentUrl: 'docs-json' });
}
