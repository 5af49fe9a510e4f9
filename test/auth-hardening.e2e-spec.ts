import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { setLogDestination } from '../src/logging.js';
import { startTestApp, testConfig, type TestApp } from './app.js';
import { createTestDatabase } from './database.js';
import { createUser, expectError, TEST_PASSWORD, type SignedInUser } from './factories.js';
import { withFlippedSignatureBit } from './tamper.js';

/*
 * Refresh-token reuse revoking the whole chain is proven in test/auth.e2e-spec.ts
 * ("rotates: the old token stops working and reuse revokes the whole chain").
 */

const b64url = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');
const claimsOf = (token: string) =>
  JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString()) as Record<string, unknown>;
const sessionOf = (token: string) => claimsOf(token).sid as string;
const issuedAt = (token: string) => claimsOf(token).iat as number;
/** Resolves just after the clock's next whole second begins. */
const nextSecond = () => new Promise((r) => setTimeout(r, 1005 - (Date.now() % 1000)));

async function startApp(databaseUrl: string, overrides = {}, logs = false) {
  const config = testConfig(databaseUrl, overrides);
  const app: NestFastifyApplication = await createApp(config, { logs });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: supertest(app.getHttpServer()),
    db: app.get<DataSource>(getDataSourceToken()),
    config,
    close: () => app.close(),
  } satisfies TestApp;
}

// First in the file on purpose: nestjs-pino keeps one pino-http instance per process, built by
// the first app, and every later app logs through it (so this app's destination must be first).
describe('secrets never reach the logs', () => {
  let database: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    setLogDestination({ write: (line: string) => void lines.push(line) });
    try {
      t = await startApp(database.url, { logLevel: 'debug' }, true);
    } finally {
      setLogDestination(undefined);
    }
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('logs requests at debug level without passwords, tokens or password hashes', async () => {
    const admin = await createUser(t, ['admin']);
    const user = await createUser(t, ['trainee']);
    const secrets: string[] = [TEST_PASSWORD, t.config.jwtSecret, t.config.keyEncryptionSecret];

    const failed = 'Wrong-Guess-Passphrase-77';
    secrets.push(failed);
    expect(
      (await t.http.post('/api/v1/auth/login').send({ email: user.email, password: failed }))
        .status,
    ).toBe(401);

    const login = await t.http
      .post('/api/v1/auth/login')
      .send({ email: user.email, password: TEST_PASSWORD });
    expect(login.status).toBe(200);
    secrets.push(login.body.accessToken, login.body.refreshToken, admin.token, user.token);
    expect((await t.http.get('/api/v1/auth/me').set(user.auth)).status).toBe(200);
    expect((await t.http.get('/api/v1/users').set(admin.auth)).status).toBe(200);

    const refreshed = await t.http
      .post('/api/v1/auth/refresh')
      .send({ refreshToken: login.body.refreshToken });
    expect(refreshed.status).toBe(200);
    secrets.push(refreshed.body.accessToken, refreshed.body.refreshToken);
    // A reused refresh token (401 and a revoked chain) is logged as a warning: still no token.
    expect(
      (await t.http.post('/api/v1/auth/refresh').send({ refreshToken: login.body.refreshToken }))
        .status,
    ).toBe(401);

    const newPassword = 'Brand-New-Passphrase-2026';
    secrets.push(newPassword);
    // The reuse above ended that sign-in's session; the user's first sign-in goes on.
    const badChange = await t.http
      .post('/api/v1/auth/password')
      .set(user.auth)
      .send({ currentPassword: 'Not-My-Current-One-1', newPassword });
    expect(badChange.status).toBe(400);
    const changed = await t.http
      .post('/api/v1/auth/password')
      .set(user.auth)
      .send({ currentPassword: TEST_PASSWORD, newPassword });
    expect(changed.status).toBe(204);

    const created = await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        email: `logged-${randomUUID()}@coe.test`,
        password: newPassword,
        roles: ['auditor'],
      });
    expect(created.status).toBe(201);
    // A refused password (too common) is not echoed into the log either.
    secrets.push('qwerty123456');
    expect(
      (
        await t.http
          .post('/api/v1/users')
          .set(admin.auth)
          .send({ email: `x-${randomUUID()}@coe.test`, password: 'qwerty123456', roles: [] })
      ).status,
    ).toBe(400);

    expect((await t.http.get('/health/ready')).status).toBe(200);
    const text = lines.join('');
    // The capture did see the traffic: a line per request, with its path and outcome.
    expect(text).toContain('"url":"/api/v1/auth/login"');
    expect(text).toContain('"url":"/api/v1/auth/password"');
    expect(text).toContain('"statusCode":401');
    // Health probes (every few seconds from a load balancer) are not logged.
    expect(text).not.toContain('"url":"/health/');
    for (const secret of secrets) expect(text).not.toContain(secret);
    expect(text).not.toContain('$argon2id$');
    expect(text).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}\.eyJ/);
  });
});

describe('auth hardening', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  const me = (token: string) =>
    t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${token}`);

  /** Every refused token gets the same answer, so none tells an attacker what was wrong. */
  async function expectRefused(token: string) {
    const body = expectError(await me(token), 401, 'INVALID_TOKEN');
    expect(body.message).toBe('The access token is invalid or expired');
  }

  describe('access tokens', () => {
    let user: SignedInUser;
    const secret = () => new TextEncoder().encode(t.config.jwtSecret);
    const claims = () => ({ sub: user.id, typ: 'access' });

    beforeAll(async () => {
      user = await createUser(t, ['trainee']);
      expect((await me(user.token)).status).toBe(200);
    });

    it('refuses a token whose signature is wrong', async () => {
      const [header, payload, signature] = user.token.split('.');
      // The same claims signed with another key, and the real signature with a changed payload.
      const otherKey = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(new TextEncoder().encode('another-secret-that-is-long-enough-0123456789'));
      await expectRefused(otherKey);
      const promoted = b64url({ ...claims(), sub: admin.id, iat: Math.floor(Date.now() / 1000) });
      await expectRefused(`${header}.${promoted}.${signature}`);
      await expectRefused(withFlippedSignatureBit(user.token));
      await expectRefused(`${header}.${payload}.`);
    });

    it('refuses alg "none" in every spelling', async () => {
      const payload = b64url({ ...claims(), iat: Math.floor(Date.now() / 1000) });
      for (const alg of ['none', 'None', 'NONE', 'nOnE']) {
        await expectRefused(`${b64url({ alg, typ: 'JWT' })}.${payload}.`);
        await expectRefused(`${b64url({ alg, typ: 'JWT' })}.${payload}`);
      }
    });

    it('refuses another algorithm, even with the right secret (HS512) or a key of its own (RS256)', async () => {
      const hs512 = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS512', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(secret());
      await expectRefused(hs512);
      const hs384 = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS384', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(secret());
      await expectRefused(hs384);

      const { privateKey, publicKey } = await generateKeyPair('RS256');
      const rs256 = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
      await expectRefused(rs256);
      // The attacker's own public key offered in the header (the "embedded jwk" trick).
      const withJwk = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'RS256', typ: 'JWT', jwk: await exportJWK(publicKey) })
        .setIssuedAt()
        .setExpirationTime('10m')
        .sign(privateKey);
      await expectRefused(withJwk);
      const es256 = await generateKeyPair('ES256');
      await expectRefused(
        await new SignJWT(claims())
          .setProtectedHeader({ alg: 'ES256', typ: 'JWT' })
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(es256.privateKey),
      );
    });

    it('refuses an expired token', async () => {
      const now = Math.floor(Date.now() / 1000);
      const expired = await new SignJWT(claims())
        .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
        .setIssuedAt(now - 3600)
        .setExpirationTime(now - 60)
        .sign(secret());
      await expectRefused(expired);
    });

    it('refuses a correctly signed token that is not an access token or names nobody', async () => {
      const sign = (payload: Record<string, unknown>) =>
        new SignJWT(payload)
          .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
          .setIssuedAt()
          .setExpirationTime('10m')
          .sign(secret());
      await expectRefused(await sign({ sub: user.id, typ: 'refresh' }));
      await expectRefused(await sign({ sub: user.id }));
      await expectRefused(await sign({ typ: 'access' }));
      await expectRefused(await sign({ sub: randomUUID(), typ: 'access' }));
      // Every access token names its session (sign-in); one without it, or naming a session
      // that is not the user's, is refused.
      const sid = sessionOf(user.token);
      await expectRefused(await sign({ sub: randomUUID(), typ: 'access', sid }));
      await expectRefused(await sign({ sub: user.id, typ: 'access', sid: randomUUID() }));
      await expectRefused(await sign({ sub: user.id, typ: 'access', sid: sessionOf(admin.token) }));
      await expectRefused(await sign({ sub: admin.id, typ: 'access', sid }));
      // The token's own claims never grant roles: the account's roles are read each time.
      const withRoles = await sign({ sub: user.id, typ: 'access', sid, roles: ['admin'] });
      expect((await me(withRoles)).status).toBe(200);
      expectError(
        await t.http.get('/api/v1/users').set('Authorization', `Bearer ${withRoles}`),
        403,
      );
    });

    it("refuses a disabled user's token at once, before it expires", async () => {
      const victim = await createUser(t, ['instructor']);
      expect((await me(victim.token)).status).toBe(200);
      const disabled = await t.http
        .patch(`/api/v1/users/${victim.id}`)
        .set(admin.auth)
        .send({ disabled: true });
      expect(disabled.status).toBe(200);
      await expectRefused(victim.token);
    });
  });

  describe('sessions', () => {
    const login = (email: string, password: string) =>
      t.http.post('/api/v1/auth/login').send({ email, password });
    const refresh = (refreshToken: string) =>
      t.http.post('/api/v1/auth/refresh').send({ refreshToken });

    it('accepts the auth scheme in any case (RFC 7235), and no other scheme', async () => {
      const user = await createUser(t, ['trainee']);
      for (const scheme of ['Bearer', 'bearer', 'BEARER', 'bEaReR']) {
        const res = await t.http
          .get('/api/v1/auth/me')
          .set('Authorization', `${scheme} ${user.token}`);
        expect(res.status).toBe(200);
      }
      for (const header of [
        `Basic ${user.token}`,
        `Bearer${user.token}`,
        `Bearer ${user.token} x`,
      ]) {
        expectError(await t.http.get('/api/v1/auth/me').set('Authorization', header), 401);
      }
    });

    // The change and the token below fall in one clock second; the test retries until they do.
    it('a token issued in the same second as a password change stops working; the sign-in after it works', async () => {
      const newPassword = 'Quarry-Lantern-Oxbow-41';
      for (let attempt = 1; ; attempt++) {
        const user = await createUser(t, ['trainee']);
        await nextSecond();
        const before = await login(user.email, TEST_PASSWORD);
        const changed = await t.http
          .post('/api/v1/auth/password')
          .set('Authorization', `Bearer ${before.body.accessToken}`)
          .send({ currentPassword: TEST_PASSWORD, newPassword });
        expect(changed.status).toBe(204);
        const after = await login(user.email, newPassword);
        expect(after.status).toBe(200);
        if (issuedAt(before.body.accessToken) !== issuedAt(after.body.accessToken) && attempt < 5) {
          continue;
        }
        expect(issuedAt(after.body.accessToken)).toBe(issuedAt(before.body.accessToken));
        await expectRefused(before.body.accessToken);
        expect((await me(after.body.accessToken)).status).toBe(200);
        expect((await refresh(after.body.refreshToken)).status).toBe(200);
        return;
      }
    });

    it('a token issued in the same second as disabling stays refused when the account is enabled again', async () => {
      for (let attempt = 1; ; attempt++) {
        const user = await createUser(t, ['trainee']);
        await nextSecond();
        const before = await login(user.email, TEST_PASSWORD);
        for (const disabled of [true, false]) {
          const res = await t.http
            .patch(`/api/v1/users/${user.id}`)
            .set(admin.auth)
            .send({ disabled });
          expect(res.status).toBe(200);
        }
        const sameSecond = Math.floor(Date.now() / 1000) === issuedAt(before.body.accessToken);
        if (!sameSecond && attempt < 5) continue;
        expect(sameSecond).toBe(true);
        await expectRefused(before.body.accessToken);
        expectError(await refresh(before.body.refreshToken), 401);
        const again = await login(user.email, TEST_PASSWORD);
        expect((await me(again.body.accessToken)).status).toBe(200);
        return;
      }
    });

    it('refresh-token reuse ends the access tokens of that chain, not those of other sign-ins', async () => {
      const user = await createUser(t, ['trainee']);
      const otherSignIn = await login(user.email, TEST_PASSWORD);
      const next = await refresh(user.refreshToken);
      expect(next.status).toBe(200);
      expect(sessionOf(next.body.accessToken)).toBe(sessionOf(user.token));
      expect((await me(next.body.accessToken)).status).toBe(200);

      expectError(await refresh(user.refreshToken), 401); // reuse: the chain is revoked
      await expectRefused(user.token);
      await expectRefused(next.body.accessToken);
      expectError(await refresh(next.body.refreshToken), 401);
      expect((await me(otherSignIn.body.accessToken)).status).toBe(200);
      expect((await refresh(otherSignIn.body.refreshToken)).status).toBe(200);
    });

    it('logout ends the access tokens of that session at once, not those of other sign-ins', async () => {
      const user = await createUser(t, ['trainee']);
      const otherSignIn = await login(user.email, TEST_PASSWORD);
      const out = await t.http
        .post('/api/v1/auth/logout')
        .set(user.auth)
        .send({ refreshToken: user.refreshToken });
      expect(out.status).toBe(204);
      await expectRefused(user.token);
      expect((await me(otherSignIn.body.accessToken)).status).toBe(200);
    });
  });

  describe('sign-in', () => {
    it('answers an unknown account exactly as a wrong password', async () => {
      const user = await createUser(t, ['trainee']);
      const unknown = await t.http
        .post('/api/v1/auth/login')
        .send({ email: `nobody-${randomUUID()}@coe.test`, password: TEST_PASSWORD });
      const wrong = await t.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'Not-The-Password-42' });
      expectError(unknown, 401, 'INVALID_CREDENTIALS');
      expect(unknown.body).toEqual(wrong.body);
      expect(unknown.headers['content-type']).toBe(wrong.headers['content-type']);
      expect(unknown.headers['retry-after']).toBe(wrong.headers['retry-after']);
    });

    it('runs argon2 for an unknown account too, against a hash made like a real one', async () => {
      // Timing is not asserted (too noisy for a test); what is proven is that the unknown-account
      // path does the same work: an argon2id verification with the same parameters.
      const hasher = t.app.get(PasswordHasher);
      const dummy = hasher as unknown as { dummyHash?: Promise<string> };
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ email: `nobody-${randomUUID()}@coe.test`, password: TEST_PASSWORD });
      expect(res.status).toBe(401);
      expect(dummy.dummyHash).toBeDefined();
      const dummyHash = await dummy.dummyHash!;
      const realHash = await hasher.hash('Some-Real-Passphrase-1');
      const parameters = (hash: string) => hash.split('$').slice(0, 4).join('$');
      expect(parameters(dummyHash)).toMatch(/^\$argon2id\$v=19\$m=\d+,t=\d+,p=\d+$/);
      expect(parameters(dummyHash)).toBe(parameters(realHash));
      expect(await hasher.verify(undefined, TEST_PASSWORD)).toBe(false);
    });
  });
});

describe('login throttling across two app instances sharing one database', () => {
  let database: { url: string; drop: () => Promise<void> };
  let first: TestApp;
  let second: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    first = await startApp(database.url);
    second = await startApp(database.url);
  });
  afterAll(async () => {
    await first?.close();
    await second?.close();
    await database?.drop();
  });

  it('counts the failures made on either instance and refuses on both', async () => {
    const user = await createUser(first, ['trainee']);
    const login = (instance: TestApp, password: string) =>
      instance.http.post('/api/v1/auth/login').send({ email: user.email, password });
    // Ten failures, spread over both instances: neither saw more than five itself.
    for (let i = 0; i < 10; i++) {
      expectError(await login(i % 2 ? second : first, `Wrong-password-${i}-x`), 401);
    }
    for (const instance of [first, second]) {
      const throttled = await login(instance, TEST_PASSWORD);
      expectError(throttled, 429, 'RATE_LIMITED');
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
    }
  });
});
