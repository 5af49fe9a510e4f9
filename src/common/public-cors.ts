import type { FastifyInstance, FastifyReply } from 'fastify';

/**
 * CORS (Fetch standard) for the routes a verifier running in a browser on another origin must
 * read: keys, the issuer profile, status lists and verification. They carry nothing private
 * and take no cookies or tokens, so any origin may read them (`*`, never with credentials).
 * Every other route sends no CORS headers at all: the web pages are same-origin, and the
 * signed-in API must never become readable from another origin.
 */

/** What a browser may send on these routes (beyond the CORS-safelisted request headers). */
export const PUBLIC_CORS_ALLOWED_HEADERS = [
  'Content-Type',
  'Accept',
  'Accept-Language',
  'If-None-Match',
  'If-Modified-Since',
];

/**
 * Answer headers a browser script may read besides the safelisted ones (Cache-Control,
 * Content-Language, Content-Length, Content-Type, Expires, Last-Modified, Pragma): the
 * validators it revalidates a status list with, how long to wait after a 429, and the
 * request id to quote when reporting a problem. Last-Modified is safelisted; naming it too
 * costs nothing and helps older browsers.
 */
export const PUBLIC_CORS_EXPOSED_HEADERS = ['ETag', 'Last-Modified', 'Retry-After', 'X-Request-Id'];

/**
 * How long a browser may reuse a preflight answer, in seconds (Chromium caps it at 2 hours,
 * Firefox at 24): a verifier checking many credentials sends one OPTIONS, not one per check.
 */
export const PUBLIC_CORS_MAX_AGE_SECONDS = 7200;

interface PublicCorsRoute {
  pattern: RegExp;
  methods: readonly string[];
}

const READ = ['GET', 'HEAD'] as const;

/**
 * The public credential routes, by path. `/verify` itself is the HTML form (GET) and the
 * credential check (POST); `/credentials/verify` and `/presentations/verify` are the VC API's.
 */
const PUBLIC_CORS_ROUTES: readonly PublicCorsRoute[] = [
  { pattern: /^\/\.well-known\/[^?]*$/, methods: READ },
  { pattern: /^\/issuer$/, methods: READ },
  { pattern: /^\/credentials\/status\/[^/]+(?:\/[^/]+)?$/, methods: READ },
  { pattern: /^\/verify\/[^/]+$/, methods: READ },
  { pattern: /^\/verify$/, methods: [...READ, 'POST'] },
  { pattern: /^\/credentials\/verify$/, methods: ['POST'] },
  { pattern: /^\/presentations\/verify$/, methods: ['POST'] },
];

/** The methods a cross-origin caller may use on this URL, or null when it is not public. */
export function publicCorsMethods(url: string): readonly string[] | null {
  const path = url.split('?', 1)[0];
  return PUBLIC_CORS_ROUTES.find((route) => route.pattern.test(path))?.methods ?? null;
}

function setCorsHeaders(reply: FastifyReply): void {
  void reply
    .header('Access-Control-Allow-Origin', '*')
    .header('Access-Control-Expose-Headers', PUBLIC_CORS_EXPOSED_HEADERS.join(', '))
    // helmet's default (same-origin) would make a browser drop a cross-origin no-cors fetch
    // of a key or a status list; these answers are meant to be read from anywhere.
    .header('Cross-Origin-Resource-Policy', 'cross-origin');
}

/**
 * Registers the CORS hooks on the app's Fastify instance; call after the security headers'
 * hook, so a preflight answer carries them too. Preflights are answered here, before routing:
 * they carry no credentials and reveal nothing, and there is no OPTIONS route to authorize.
 * Every answer on these paths, errors included (404 unknown serial, 400, 429, 503), gets the
 * headers in onSend, so a browser verifier can read why it was refused.
 */
export function registerPublicCors(fastify: FastifyInstance): void {
  fastify.addHook('onRequest', async (request, reply) => {
    if (request.method !== 'OPTIONS') return;
    const methods = publicCorsMethods(request.url);
    if (!methods) return;
    setCorsHeaders(reply);
    void reply
      .code(204)
      .header('Access-Control-Allow-Methods', [...methods, 'OPTIONS'].join(', '))
      .header('Access-Control-Allow-Headers', PUBLIC_CORS_ALLOWED_HEADERS.join(', '))
      .header('Access-Control-Max-Age', String(PUBLIC_CORS_MAX_AGE_SECONDS))
      .header('Allow', [...methods, 'OPTIONS'].join(', '))
      .send();
    return reply;
  });
  fastify.addHook('onSend', async (request, reply) => {
    if (publicCorsMethods(request.url)) setCorsHeaders(reply);
  });
}
