import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Organisation } from '../src/organisations/organisation.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, TEST_PASSWORD, type SignedInUser } from './factories.js';

/**
 * The browser's session (api.md: "Web sessions use an HttpOnly cookie with CSRF protection;
 * Bearer tokens stay for API clients"), over HTTP as a browser would hold it: cookies in a
 * jar, the readable CSRF cookie echoed in X-CSRF-Token.
 */
interface SetCookie {
  value: string;
  attributes: Map<string, string>;
  raw: string;
}

function setCookies(res: { headers: Record<string, unknown> }): Map<string, SetCookie> {
  const header = res.headers['set-cookie'];
  const lines = Array.isArray(header) ? (header as string[]) : header ? [String(header)] : [];
  const cookies = new Map<string, SetCookie>();
  for (const raw of lines) {
    const [pair, ...rest] = raw.split(';').map((p) => p.trim());
    const eq = pair.indexOf('=');
    const attributes = new Map<string, string>();
    for (const attr of rest) {
      const [k, ...v] = attr.split('=');
      attributes.set(k.toLowerCase(), v.join('='));
    }
    cookies.set(pair.slice(0, eq), { value: pair.slice(eq + 1), attributes, raw });
  }
  return cookies;
}

/** What the browser holds after a sign-in or a refresh. */
interface Jar {
  access: string;
  refresh: string;
  csrf: string;
}

const jarOf = (res: { headers: Record<string, unknown> }): Jar => {
  const c = setCookies(res);
  return {
    access: c.get('coe_access')!.value,
    refresh: c.get('coe_refresh')!.value,
    csrf: c.get('coe_csrf')!.value,
  };
};

/** The Cookie header a browser sends to `path` (each cookie only where its Path reaches). */
const cookieHeader = (jar: Jar, path: string) =>
  [
    path.startsWith('/api/') && `coe_access=${jar.access}`,
    path.startsWith('/api/v1/auth/web-session') && `coe_refresh=${jar.refresh}`,
    `coe_csrf=${jar.csrf}`,
  ]
    .filter(Boolean)
    .join('; ');

describe('web sessions: HttpOnly cookies with CSRF protection', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  const signIn = (email: string, password = TEST_PASSWORD) =>
    t.http.post('/api/v1/auth/web-session').send({ email, password });
  const signedIn = async (email: string) => {
    const res = await signIn(email);
    expect(res.status).toBe(200);
    return jarOf(res);
  };
  const as = (jar: Jar, method: 'get' | 'post' | 'patch' | 'delete', path: string) =>
    t.http[method](path).set('Cookie', cookieHeader(jar, path));
  const refresh = (jar: Jar, csrf: string | null = jar.csrf) => {
    const req = as(jar, 'post', '/api/v1/auth/web-session/refresh');
    return csrf === null ? req : req.set('X-CSRF-Token', csrf);
  };
  const organisations = () => t.db.getRepository(Organisation).count();
  const newOrganisation = () => ({
    name: `Field Team ${Math.random()}`,
    country: 'AZ',
    type: 'ngo',
  });

  it('signs in with HttpOnly, SameSite cookies scoped by path, and answers no token to the page', async () => {
    const user = await createUser(t, ['trainee']);
    const res = await signIn(user.email);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      user: expect.objectContaining({ id: user.id, email: user.email, roles: ['trainee'] }),
    });
    expect(JSON.stringify(res.body)).not.toMatch(/token/i);

    const cookies = setCookies(res);
    const access = cookies.get('coe_access')!;
    const refreshCookie = cookies.get('coe_refresh')!;
    const csrf = cookies.get('coe_csrf')!;
    expect(access.attributes.has('httponly')).toBe(true);
    expect(access.attributes.get('path')).toBe('/api/');
    expect(access.attributes.get('max-age')).toBe('900');
    expect(refreshCookie.attributes.has('httponly')).toBe(true);
    // The refresh credential goes only to the routes that renew or end the web session.
    expect(refreshCookie.attributes.get('path')).toBe('/api/v1/auth/web-session');
    // Persistent: a new tab or a reopened browser is still signed in.
    expect(refreshCookie.attributes.get('max-age')).toBe('3600');
    expect(csrf.attributes.has('httponly')).toBe(false);
    expect(csrf.attributes.get('path')).toBe('/');
    expect(csrf.attributes.get('max-age')).toBe('3600');
    for (const cookie of [access, refreshCookie, csrf]) {
      expect(cookie.attributes.get('samesite')).toBe('Strict');
      // The test app's public address is http: a Secure cookie would never come back.
      expect(cookie.attributes.has('secure')).toBe(false);
    }
  });

  it('refuses a wrong password without setting a cookie', async () => {
    const res = await signIn(admin.email, 'Wrong-password-123');
    expectError(res, 401, 'INVALID_CREDENTIALS');
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('sets no cookie from a cross-site form posting text/plain', async () => {
    const res = await t.http
      .post('/api/v1/auth/web-session')
      .set('Content-Type', 'text/plain')
      .send(JSON.stringify({ email: admin.email, password: TEST_PASSWORD }));
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('keeps the API contract for Bearer clients: login answers tokens and sets no cookie', async () => {
    const res = await t.http
      .post('/api/v1/auth/login')
      .send({ email: admin.email, password: TEST_PASSWORD });
    expect(res.status).toBe(200);
    expect(Object.keys(res.body as object).sort()).toEqual(
      ['accessToken', 'expiresIn', 'refreshToken', 'tokenType', 'user'].sort(),
    );
    expect(res.headers['set-cookie']).toBeUndefined();
  });

  it('answers a GET authenticated by the cookie alone', async () => {
    const user = await createUser(t, ['auditor']);
    const jar = await signedIn(user.email);
    const me = await as(jar, 'get', '/api/v1/auth/me');
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ id: user.id, email: user.email });
    expectError(await t.http.get('/api/v1/auth/me').set('Cookie', 'coe_access=forged'), 401);
  });

  it('refuses an unsafe request without the right CSRF token (403, nothing changed), before reading the body', async () => {
    const jar = await signedIn(admin.email);
    const before = await organisations();
    const path = '/api/v1/organisations';
    expectError(await as(jar, 'post', path).send(newOrganisation()), 403, 'CSRF_TOKEN_INVALID');
    expectError(
      await as(jar, 'post', path).set('X-CSRF-Token', 'guessed').send(newOrganisation()),
      403,
      'CSRF_TOKEN_INVALID',
    );
    // Another session's token (the attacker's own sign-in) is not this session's.
    const other = await signedIn(admin.email);
    expectError(
      await as(jar, 'post', path).set('X-CSRF-Token', other.csrf).send(newOrganisation()),
      403,
      'CSRF_TOKEN_INVALID',
    );
    // Authorization is decided before the body is read: no 400 for a bad body.
    expectError(await as(jar, 'post', path).send({ name: 42 }), 403, 'CSRF_TOKEN_INVALID');
    expect(await organisations()).toBe(before);

    const ok = await as(jar, 'post', path).set('X-CSRF-Token', jar.csrf).send(newOrganisation());
    expect(ok.status).toBe(201);
    expect(await organisations()).toBe(before + 1);
  });

  it('answers the CSRF refusal in the caller language', async () => {
    const jar = await signedIn(admin.email);
    const res = await as(jar, 'post', '/api/v1/organisations')
      .set('Accept-Language', 'ru')
      .send(newOrganisation());
    const body = expectError(res, 403, 'CSRF_TOKEN_INVALID');
    expect(body.message).toMatch(/[а-я]/i);
  });

  it('leaves Bearer clients alone: no CSRF token needed, and cookies beside the header are ignored', async () => {
    const before = await organisations();
    const res = await t.http.post('/api/v1/organisations').set(admin.auth).send(newOrganisation());
    expect(res.status).toBe(201);
    // A malformed Authorization header is not rescued by a valid cookie.
    const jar = await signedIn(admin.email);
    expectError(await as(jar, 'get', '/api/v1/auth/me').set('Authorization', 'Basic abc'), 401);
    expect(await organisations()).toBe(before + 1);
  });

  it('renews through the refresh cookie: the refresh cookie rotates, the CSRF token stays', async () => {
    const user = await createUser(t, ['trainee']);
    const first = await signedIn(user.email);
    // Renewing is unsafe too: without the token it is refused and the refresh cookie kept.
    expectError(await refresh(first, null), 403, 'CSRF_TOKEN_INVALID');
    expectError(await refresh(first, 'wrong'), 403, 'CSRF_TOKEN_INVALID');

    const res = await refresh(first);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ user: expect.objectContaining({ id: user.id }) });
    const second = jarOf(res);
    // (The access token may be byte-identical within the same second: same claims, same iat.)
    expect(second.access).toEqual(expect.any(String));
    expect(second.refresh).not.toBe(first.refresh);
    expect(second.csrf).toBe(first.csrf);
    expect((await as(second, 'get', '/api/v1/auth/me')).status).toBe(200);
    expect((await refresh(second)).status).toBe(200);
  });

  it('refuses an old refresh cookie presented again and ends the whole sign-in', async () => {
    const user = await createUser(t, ['trainee']);
    const first = await signedIn(user.email);
    const second = jarOf(await refresh(first));
    const reused = await refresh(first);
    expectError(reused, 401, 'INVALID_REFRESH_TOKEN');
    // The browser is told to forget the cookies of the ended session.
    expect(setCookies(reused).get('coe_access')?.attributes.get('max-age')).toBe('0');
    expectError(await as(second, 'get', '/api/v1/auth/me'), 401);
    expectError(await refresh(second), 401, 'INVALID_REFRESH_TOKEN');
  });

  it('answers 401 to a refresh without a cookie', async () => {
    expectError(
      await t.http.post('/api/v1/auth/web-session/refresh'),
      401,
      'INVALID_REFRESH_TOKEN',
    );
  });

  it('signs out: the cookies are cleared and stop working at once', async () => {
    const user = await createUser(t, ['trainee']);
    const jar = await signedIn(user.email);
    // Signing out from another site is refused like any unsafe request.
    expectError(await as(jar, 'delete', '/api/v1/auth/web-session'), 403, 'CSRF_TOKEN_INVALID');
    expect((await as(jar, 'get', '/api/v1/auth/me')).status).toBe(200);

    const res = await as(jar, 'delete', '/api/v1/auth/web-session').set('X-CSRF-Token', jar.csrf);
    expect(res.status).toBe(204);
    const cleared = setCookies(res);
    for (const name of ['coe_access', 'coe_refresh', 'coe_csrf']) {
      expect(cleared.get(name)?.value).toBe('');
      expect(cleared.get(name)?.attributes.get('max-age')).toBe('0');
    }
    expectError(await as(jar, 'get', '/api/v1/auth/me'), 401);
    expectError(await refresh(jar), 401, 'INVALID_REFRESH_TOKEN');
    // Signing out again is harmless.
    expect((await t.http.delete('/api/v1/auth/web-session')).status).toBe(204);
  });

  it('ends the web session when the password is changed', async () => {
    const user = await createUser(t, ['trainee']);
    const jar = await signedIn(user.email);
    const res = await as(jar, 'post', '/api/v1/auth/password')
      .set('X-CSRF-Token', jar.csrf)
      .send({ currentPassword: TEST_PASSWORD, newPassword: 'Another-Field-Area-42' });
    expect(res.status).toBe(204);
    expect(setCookies(res).get('coe_refresh')?.attributes.get('max-age')).toBe('0');
    expectError(await as(jar, 'get', '/api/v1/auth/me'), 401);
    expectError(await refresh(jar), 401, 'INVALID_REFRESH_TOKEN');
  });

  describe('behind an https address', () => {
    let secure: TestApp;
    beforeAll(async () => {
      secure = await startTestApp({ publicBaseUrl: 'https://coe.example' });
    });
    afterAll(() => secure?.close());

    it('marks every cookie Secure', async () => {
      const user = await createUser(secure, ['trainee']);
      const res = await secure.http
        .post('/api/v1/auth/web-session')
        .send({ email: user.email, password: TEST_PASSWORD });
      expect(res.status).toBe(200);
      const cookies = setCookies(res);
      expect([...cookies.keys()].sort()).toEqual(['coe_access', 'coe_csrf', 'coe_refresh']);
      for (const cookie of cookies.values()) expect(cookie.attributes.has('secure')).toBe(true);
    });
  });
});
