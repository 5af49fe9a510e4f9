/* global fetch, sessionStorage, window, URLSearchParams */
/**
 * Calls /api/v1 with the signed-in user's token, so the pages can do exactly what the API
 * lets this user do. Tokens live in sessionStorage: they end with the tab, and another site
 * cannot read them. A 401 triggers one refresh (shared by calls that fail together); when the
 * refresh fails too, the user is signed out.
 */
import { lang } from './i18n.js';

const KEY = 'coe.session';

export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message || `HTTP ${status}`);
    this.status = status;
    this.code = body?.code || (status === 0 ? 'NETWORK' : `HTTP_${status}`);
    this.details = body?.details && typeof body.details === 'object' ? body.details : {};
  }
}

export function session() {
  try {
    return JSON.parse(sessionStorage.getItem(KEY) || 'null');
  } catch {
    return null;
  }
}

function save(pair) {
  sessionStorage.setItem(
    KEY,
    JSON.stringify({
      accessToken: pair.accessToken,
      refreshToken: pair.refreshToken,
      user: pair.user,
    }),
  );
}

export function clearSession() {
  sessionStorage.removeItem(KEY);
}

export function currentUser() {
  return session()?.user ?? null;
}

export function hasRole(...roles) {
  const user = currentUser();
  return !!user && roles.some((r) => user.roles.includes(r));
}

let onSignedOut = () => undefined;
/** What to do when the session cannot be renewed (main.js shows the sign-in form). */
export function whenSignedOut(handler) {
  onSignedOut = handler;
}

async function send(method, path, { body, accept = 'application/json', token } = {}) {
  // The API words its refusals (field problems too) in the page's language.
  const headers = { Accept: accept, 'Accept-Language': lang };
  if (token) headers.Authorization = `Bearer ${token}`;
  if (body !== undefined) headers['Content-Type'] = 'application/json';
  try {
    return await fetch(path, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      credentials: 'omit',
      cache: 'no-store',
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

export async function login(email, password) {
  const response = await send('POST', '/api/v1/auth/login', { body: { email, password } });
  if (!response.ok) throw await errorOf(response);
  const pair = await response.json();
  save(pair);
  return pair.user;
}

let refreshing = null;
function refresh() {
  refreshing ??= (async () => {
    const refreshToken = session()?.refreshToken;
    if (!refreshToken) return false;
    const response = await send('POST', '/api/v1/auth/refresh', { body: { refreshToken } });
    if (!response.ok) return false;
    save(await response.json());
    return true;
  })()
    .catch(() => false)
    .finally(() => {
      refreshing = null;
    });
  return refreshing;
}

/** A fetch with the token; retried once after a refresh. Answers the raw Response when ok. */
export async function raw(method, path, options = {}) {
  let response = await send(method, path, { ...options, token: session()?.accessToken });
  if (response.status === 401 && session()) {
    if (await refresh()) {
      response = await send(method, path, { ...options, token: session()?.accessToken });
    }
    if (response.status === 401) {
      clearSession();
      onSignedOut();
      throw await errorOf(response);
    }
  }
  if (!response.ok) throw await errorOf(response);
  return response;
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

export async function logout() {
  const refreshToken = session()?.refreshToken;
  try {
    if (refreshToken) await raw('POST', '/api/v1/auth/logout', { body: { refreshToken } });
  } catch {
    // Signing out locally is what matters; the server forgets the token when it expires.
  } finally {
    clearSession();
  }
}

/** Downloads a protected file (PDF, CSV): fetched with the token, saved from a blob. */
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
