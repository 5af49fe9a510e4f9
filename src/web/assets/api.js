/* global document, fetch, navigator, window, URLSearchParams */
/**
 * Calls /api/v1 as the signed-in user, so the pages can do exactly what the API lets this user
 * do. The session lives in cookies the server sets (src/auth/web-session.ts): its tokens are
 * HttpOnly, so no script on the page, an injected one included, can read them; every tab
 * shares them, and they outlive a closed browser. Unsafe requests echo the readable coe_csrf
 * cookie in X-CSRF-Token, which another site cannot read. A 401 triggers one renewal (shared
 * by calls that fail together, and taken in turns by tabs); when that fails too, the user is
 * signed out.
 */
import { lang } from './i18n.js';

const CSRF_COOKIE = 'coe_csrf';
const SAFE_METHODS = new Set(['GET', 'HEAD']);
/** Tabs renew one at a time (see refresh()). */
const RENEWAL_LOCK = 'coe.web-session.renewal';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || (status === 0 ? 'NETWORK' : `HTTP_${status}`);
    this.details = body?.details && typeof body.details === 'object' ? body.details : {};
  }
}

/** The signed-in user as the server last answered it (kept in memory only). */
let user = null;

function csrfToken() {
  for (const part of document.cookie.split(';')) {
    const [name, ...value] = part.trim().split('=');
    if (name === CSRF_COOKIE) return value.join('=');
  }
  return '';
}

/**
 * Forgets the session in this page. The server has ended it (sign-out, password change) or
 * refused to renew it; the readable CSRF cookie goes too, as it is what tells a page that a
 * session may exist.
 */
export function clearSession() {
  user = null;
  const secure = window.location.protocol === 'https:' ? '; Secure' : '';
  document.cookie = `${CSRF_COOKIE}=; Max-Age=0; Path=/; SameSite=Strict${secure}`;
}

export function currentUser() {
  return user;
}

let onSignedOut = () => undefined;
/** What to do when the session cannot be renewed (main.js shows the sign-in form). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

async function send(
  method,
  path,
  { body, accept = 'application/json', contentType, keepalive = false } = {},
) {
  // The API words its refusals (field problems too) in the page's language.
  const headers = { Accept: accept, 'Accept-Language': lang };
  if (body !== undefined) headers['Content-Type'] = contentType ?? 'application/json';
  const csrf = csrfToken();
  if (csrf && !SAFE_METHODS.has(method)) headers['X-CSRF-Token'] = csrf;
  try {
    return await fetch(path, {
      method,
      headers,
      // A file (contentType given) goes as it is; anything else as JSON.
      body: body === undefined || contentType ? body : JSON.stringify(body),
      credentials: 'same-origin',
      cache: 'no-store',
      keepalive,
    });
  } catch {
    throw new ApiError(0, null);
  }
}

async function errorOf(response) {
  // An error without a JSON body (a proxy's page, a dropped connection) is still an error.
  const body = await response.json().catch(() => null);
  return new ApiError(response.status, body);
}

/** Signs in: the server answers the user and sets the session's cookies. */
export async function login(email, password) {
  const response = await send('POST', '/api/v1/auth/web-session', { body: { email, password } });
  if (!response.ok) throw await errorOf(response);
  user = (await response.json()).user;
  return user;
}

async function renew() {
  // The server rotates the refresh cookie as it answers, and takes the old one presented again
  // for theft. A renewal cut off by leaving the page (a link followed, a reload) after the
  // server used the cookie but before its answer came back would leave the browser holding the
  // used one, and the next page would end the sign-in. A keepalive request outlives the page,
  // so the browser still stores the new cookies it is answered with.
  const response = await send('POST', '/api/v1/auth/web-session/refresh', { keepalive: true });
  if (!response.ok) return false;
  user = (await response.json()).user;
  return true;
}

let refreshing = null;
/**
 * Renews the session from its refresh cookie. Every tab holds the same one, and presenting it
 * again after use ends the sign-in (the server takes that for theft), so tabs renewing at once
 * (a browser reopened with several) take turns under one of the browser's locks; each sends
 * the cookie as the previous renewal left it. Without Web Locks (an http address other than
 * localhost) tabs renew unguarded.
 */
function refresh() {
  refreshing ??= (navigator.locks ? navigator.locks.request(RENEWAL_LOCK, renew) : renew())
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

function signedOut() {
  clearSession();
  onSignedOut();
}

/** A fetch with the session's cookies; retried once after a renewal. Answers the raw Response when ok. */
export async function raw(method, path, options = {}) {
  let response = await send(method, path, options);
  // Without the CSRF cookie there is no session to renew (never signed in, or signed out).
  if (response.status === 401 && csrfToken()) {
    if (await refresh()) response = await send(method, path, options);
    if (response.status === 401) {
      signedOut();
      throw await errorOf(response);
    }
  }
  if (!response.ok) throw await errorOf(response);
  return response;
}

/**
 * Who is signed in, as the server says (renewing the session if need be), or null. Without
 * the CSRF cookie nobody is, and the server is not asked; a session that can no longer be
 * renewed signs out (whenSignedOut).
 */
export async function signedInUser() {
  if (!csrfToken()) return null;
  try {
    user = await api('GET', '/api/v1/auth/me');
  } catch (err) {
    if (err instanceof ApiError && err.status === 401) return null;
    throw err;
  }
  return user;
}

export async function api(method, path, body) {
  const response = await raw(method, path, { body });
  if (response.status === 204) return null;
  return response.json();
}

export const get = (path, query) => api('GET', withQuery(path, query));
export const post = (path, body) => api('POST', path, body ?? {});
export const patch = (path, body) => api('PATCH', path, body);
export const put = (path, body) => api('PUT', path, body);
export const del = (path) => api('DELETE', path);

export function withQuery(path, query = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) {
    if (v === undefined || v === null || v === '') continue;
    params.set(k, String(v));
  }
  const qs = params.toString();
  return qs ? `${path}?${qs}` : path;
}

/** Every page of a list (for the small lists a page needs whole: courses, organisations). */
export async function all(path, query = {}, max = 2000) {
  const items = [];
  let cursor;
  do {
    const page = await get(path, { ...query, limit: 200, cursor });
    items.push(...page.items);
    cursor = page.nextCursor;
  } while (cursor && items.length < max);
  return items;
}

/** Signs out: the server ends the session (in every tab) and clears its cookies. */
export async function logout() {
  try {
    await send('DELETE', '/api/v1/auth/web-session');
  } catch {
    // Signing out in this page is what matters now; the session ends when it expires.
  } finally {
    clearSession();
  }
}

/** Downloads a protected file (PDF, CSV): fetched with the session, saved from a blob. */
export async function download(path, accept, fallbackName) {
  const response = await raw('GET', path, { accept });
  const blob = await response.blob();
  const disposition = response.headers.get('Content-Disposition') || '';
  const match = /filename="?([^";]+)"?/i.exec(disposition);
  const url = window.URL.createObjectURL(blob);
  const a = window.document.createElement('a');
  a.href = url;
  a.download = match ? match[1] : fallbackName;
  window.document.body.append(a);
  a.click();
  a.remove();
  window.setTimeout(() => window.URL.revokeObjectURL(url), 60_000);
}

/**
 * Sends a file as the request body (a CSV to the import routes), as its bytes: the server
 * decodes it. A File can be sent again, so the retry after a renewal sends it whole.
 */
export async function upload(path, file, contentType) {
  const response = await raw('POST', path, { body: file, contentType });
  return response.json();
}
