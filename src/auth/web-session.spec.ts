import { describe, expect, it } from '@jest/globals';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import {
  accessCredential,
  parseCookies,
  secureCookiesFor,
  serializeCookie,
  WebSessions,
} from './web-session.js';

const request = (headers: Record<string, string>, method = 'GET') =>
  ({ headers, method }) as unknown as FastifyRequest;

const sessions = (jwtSecret = 'a-secret-long-enough-for-the-test-0123456789') =>
  new WebSessions(
    new AppConfig({
      jwtSecret,
      publicBaseUrl: 'http://coe.test',
      nodeEnv: 'test',
      accessTokenTtlSeconds: 900,
      refreshTokenTtlSeconds: 3600,
    } as AppConfig),
  );

describe('web session cookies', () => {
  it('reads cookies by name, the first of duplicates, quoted or not', () => {
    const cookies = parseCookies('a=1; coe_access="tok.en"; b=; a=2;junk; c=x=y');
    expect(cookies.get('a')).toBe('1');
    expect(cookies.get('coe_access')).toBe('tok.en');
    expect(cookies.get('b')).toBe('');
    expect(cookies.get('c')).toBe('x=y');
    expect(parseCookies(undefined).size).toBe(0);
  });

  it('takes the Bearer token when an Authorization header is sent, never the cookie then', () => {
    expect(
      accessCredential(request({ authorization: 'bearer abc', cookie: 'coe_access=x' })),
    ).toEqual({ token: 'abc', viaCookie: false });
    expect(accessCredential(request({ authorization: 'Basic abc', cookie: 'coe_access=x' }))).toBe(
      null,
    );
    expect(accessCredential(request({ cookie: 'coe_access=x' }))).toEqual({
      token: 'x',
      viaCookie: true,
    });
    expect(accessCredential(request({ cookie: 'coe_access=' }))).toBe(null);
    expect(accessCredential(request({}))).toBe(null);
  });

  it('marks cookies Secure exactly when the public address is https', () => {
    expect(secureCookiesFor('https://coe.example')).toBe(true);
    expect(secureCookiesFor('HTTPS://coe.example')).toBe(true);
    expect(secureCookiesFor('http://localhost:3000')).toBe(false);
    expect(
      serializeCookie('n', 'v', { path: '/api/', maxAge: 9, httpOnly: true, secure: true }),
    ).toBe('n=v; Path=/api/; Max-Age=9; HttpOnly; Secure; SameSite=Strict');
    expect(serializeCookie('n', '', { path: '/', maxAge: 0, httpOnly: false, secure: false })).toBe(
      'n=; Path=/; Max-Age=0; SameSite=Strict',
    );
  });

  it('binds the CSRF token to the session and the server secret', () => {
    const web = sessions();
    const sid = '7c7ada36-f412-44b7-a1bc-0be7f2e2b045';
    const token = web.csrfTokenFor(sid);
    expect(token).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(web.csrfTokenFor(sid)).toBe(token);
    expect(web.csrfTokenFor('another-session')).not.toBe(token);
    expect(sessions('another-secret-long-enough-0123456789').csrfTokenFor(sid)).not.toBe(token);
    expect(web.hasCsrfProof(request({ 'x-csrf-token': token }, 'POST'), sid)).toBe(true);
    expect(web.hasCsrfProof(request({ 'x-csrf-token': `${token}x` }, 'POST'), sid)).toBe(false);
    expect(web.hasCsrfProof(request({}, 'POST'), sid)).toBe(false);
  });

  it('asks CSRF proof only of unsafe requests authenticated by the cookie', () => {
    const web = sessions();
    const sid = '7c7ada36-f412-44b7-a1bc-0be7f2e2b045';
    const cookie = { token: 't', viaCookie: true };
    const bearer = { token: 't', viaCookie: false };
    expect(() => web.assertCsrf(request({}, 'GET'), cookie, sid)).not.toThrow();
    expect(() => web.assertCsrf(request({}, 'POST'), bearer, sid)).not.toThrow();
    for (const method of ['POST', 'PUT', 'PATCH', 'DELETE']) {
      expect(() => web.assertCsrf(request({}, method), cookie, sid)).toThrow(
        expect.objectContaining({ status: 403, code: 'CSRF_TOKEN_INVALID' }),
      );
    }
    const proof = { 'x-csrf-token': web.csrfTokenFor(sid) };
    expect(() => web.assertCsrf(request(proof, 'DELETE'), cookie, sid)).not.toThrow();
  });
});
