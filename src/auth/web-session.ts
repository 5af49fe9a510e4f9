import { Injectable, Logger } from '@nestjs/common';
import { createHmac, timingSafeEqual } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { forbidden } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';

/**
 * The browser's session: the same access and refresh tokens API clients get, kept in cookies
 * that scripts cannot read, so a new tab or a reopened browser is still signed in and an
 * injected script finds no token to steal.
 *
 * - `coe_access`: the access token (HttpOnly, Path=/api/, Max-Age = access token lifetime).
 * - `coe_refresh`: the refresh token (HttpOnly, Path=/api/v1/auth/web-session, so it travels
 *   only to the routes that renew or end the web session; Max-Age = refresh token lifetime).
 * - `coe_csrf`: readable by the page (Path=/, Max-Age = refresh token lifetime); the page
 *   echoes it in `X-CSRF-Token` on every unsafe request (double submit). It is an HMAC of the
 *   session id under a key derived from JWT_SECRET, so a value planted from elsewhere (a
 *   sibling subdomain, an old session) does not match, and the server keeps no copy.
 *
 * All three are SameSite=Strict, and Secure when PUBLIC_BASE_URL is https. A browser keeps a
 * Secure cookie only over HTTPS, so marking them Secure on a plain-http address (development,
 * tests, `docker compose` on localhost) would only make signing in impossible; a production
 * instance on http is warned about at start.
 *
 * A request with an `Authorization` header is an API client's: its Bearer token alone counts
 * (cookies are ignored), and it needs no CSRF token, since another site cannot make a browser
 * send that header.
 */
export const ACCESS_COOKIE = 'coe_access';
export const REFRESH_COOKIE = 'coe_refresh';
export const CSRF_COOKIE = 'coe_csrf';
export const CSRF_HEADER = 'x-csrf-token';
export const WEB_SESSION_PATH = '/api/v1/auth/web-session';
const ACCESS_PATH = '/api/';

/** RFC 7235: the scheme is case-insensitive; one or more spaces, then the token68. */
const BEARER = /^bearer +([A-Za-z0-9._~+/-]+=*)$/i;
/** RFC 9110 safe methods: they change nothing, so they need no proof of intent. */
const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export interface AccessCredential {
  token: string;
  /** True when the token came from the web session cookie: unsafe requests need CSRF proof. */
  viaCookie: boolean;
}

/** The cookies of a request by name (the first of duplicates: the most specific path). */
export function parseCookies(header: string | string[] | undefined): Map<string, string> {
  const cookies = new Map<string, string>();
  for (const part of [header ?? []].flat().join(';').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length > 1) {
      value = value.slice(1, -1);
    }
    if (name && !cookies.has(name)) cookies.set(name, value);
  }
  return cookies;
}

/** A cookie of the request, or undefined. */
export function cookieOf(request: FastifyRequest, name: string): string | undefined {
  return parseCookies(request.headers.cookie).get(name) || undefined;
}

/**
 * The access token a request presents: the Bearer token when an Authorization header is sent
 * (a malformed header counts as none, never falling back to the cookie), else the web session
 * cookie.
 */
export function accessCredential(request: FastifyRequest): AccessCredential | null {
  const header = request.headers.authorization;
  if (header !== undefined) {
    const match = typeof header === 'string' ? BEARER.exec(header) : null;
    return match ? { token: match[1], viaCookie: false } : null;
  }
  const token = cookieOf(request, ACCESS_COOKIE);
  return token ? { token, viaCookie: true } : null;
}

export const isSafeMethod = (method: string) => SAFE_METHODS.has(method.toUpperCase());

/** Whether cookies for this public address are marked Secure (see above). */
export const secureCookiesFor = (publicBaseUrl: string) =>
  publicBaseUrl.toLowerCase().startsWith('https:');

interface CookieOptions {
  path: string;
  maxAge: number;
  httpOnly: boolean;
  secure: boolean;
}

export function serializeCookie(name: string, value: string, options: CookieOptions): string {
  return [
    `${name}=${value}`,
    `Path=${options.path}`,
    `Max-Age=${options.maxAge}`,
    options.httpOnly && 'HttpOnly',
    options.secure && 'Secure',
    'SameSite=Strict',
  ]
    .filter(Boolean)
    .join('; ');
}

/** The tokens of one sign-in, as AuthService issues them. */
export interface IssuedTokens {
  accessToken: string;
  refreshToken: string;
}

@Injectable()
export class WebSessions {
  private readonly csrfKey: Buffer;
  private readonly secure: boolean;

  constructor(private readonly config: AppConfig) {
    // A key of its own, derived so that no new secret has to be configured; a CSRF value
    // reveals nothing usable as a token signature.
    this.csrfKey = createHmac('sha256', config.jwtSecret).update('coe web-session csrf').digest();
    this.secure = secureCookiesFor(config.publicBaseUrl);
    if (config.isProduction && !this.secure) {
      new Logger('WebSessions').warn(
        'PUBLIC_BASE_URL is not https: web session cookies are sent without the Secure flag ' +
          'and travel unencrypted. Serve the app over HTTPS.',
      );
    }
  }

  /** The CSRF token of a session: the same for all its tabs and refreshes, and only for it. */
  csrfTokenFor(sessionId: string): string {
    return createHmac('sha256', this.csrfKey).update(sessionId).digest('base64url');
  }

  /** Whether the request's X-CSRF-Token is the session's. */
  hasCsrfProof(request: FastifyRequest, sessionId: string): boolean {
    const sent = request.headers[CSRF_HEADER];
    if (typeof sent !== 'string') return false;
    const expected = Buffer.from(this.csrfTokenFor(sessionId));
    const given = Buffer.from(sent);
    return given.length === expected.length && timingSafeEqual(given, expected);
  }

  /**
   * Refuses an unsafe request authenticated by the web session cookie without the session's
   * CSRF token: another site can make the browser send the cookie, not read `coe_csrf`.
   */
  assertCsrf(request: FastifyRequest, credential: AccessCredential, sessionId: string): void {
    if (!credential.viaCookie || isSafeMethod(request.method)) return;
    this.assertCsrfProof(request, sessionId);
  }

  /** The same proof, for the routes that renew or end the session (always unsafe). */
  assertCsrfProof(request: FastifyRequest, sessionId: string): void {
    if (!this.hasCsrfProof(request, sessionId)) {
      throw forbidden(
        `Send the ${CSRF_COOKIE} cookie's value in the X-CSRF-Token header`,
        'CSRF_TOKEN_INVALID',
      );
    }
  }

  /** Sets the three cookies for a sign-in or a refresh of session `sessionId`. */
  set(reply: FastifyReply, tokens: IssuedTokens, sessionId: string): void {
    const refreshMaxAge = this.config.refreshTokenTtlSeconds;
    void reply.header('set-cookie', [
      serializeCookie(ACCESS_COOKIE, tokens.accessToken, {
        path: ACCESS_PATH,
        maxAge: this.config.accessTokenTtlSeconds,
        httpOnly: true,
        secure: this.secure,
      }),
      serializeCookie(REFRESH_COOKIE, tokens.refreshToken, {
        path: WEB_SESSION_PATH,
        maxAge: refreshMaxAge,
        httpOnly: true,
        secure: this.secure,
      }),
      serializeCookie(CSRF_COOKIE, this.csrfTokenFor(sessionId), {
        path: '/',
        maxAge: refreshMaxAge,
        httpOnly: false,
        secure: this.secure,
      }),
    ]);
  }

  /** Tells the browser to forget the session's cookies (sign-out, an ended session). */
  clear(reply: FastifyReply): void {
    const gone = (name: string, path: string, httpOnly: boolean) =>
      serializeCookie(name, '', { path, maxAge: 0, httpOnly, secure: this.secure });
    void reply.header('set-cookie', [
      gone(ACCESS_COOKIE, ACCESS_PATH, true),
      gone(REFRESH_COOKIE, WEB_SESSION_PATH, true),
      gone(CSRF_COOKIE, '/', false),
    ]);
  }

  /** Whether the request came with any of the web session's cookies. */
  carriesSession(request: FastifyRequest): boolean {
    const cookies = parseCookies(request.headers.cookie);
    return [ACCESS_COOKIE, REFRESH_COOKIE, CSRF_COOKIE].some((name) => cookies.has(name));
  }
}
