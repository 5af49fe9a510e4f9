import { randomUUID } from 'node:crypto';
import { connect, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';

/**
 * What one caller can make the HTTP edge spend: bodies that are cheap to send and dear to
 * validate, deep nesting, slow bodies, many connections, unthrottled anonymous routes.
 * Figures measured by hand against the production build are in docs/security.md (V13).
 */

/** A JSON object of `count` distinct short keys, kept under the 1 MB body limit. */
function manyKeys(count: number): Record<string, number> {
  const chars: string[] = [];
  for (let c = 35; c < 127; c++) if (c !== 92) chars.push(String.fromCharCode(c));
  const n = chars.length;
  const body: Record<string, number> = {};
  for (let i = 0; i < count; i++)
    body[chars[i % n] + chars[Math.floor(i / n) % n] + chars[Math.floor(i / n / n) % n]] = 0;
  return body;
}

const deepArrays = (levels: number) => `${'['.repeat(levels)}${']'.repeat(levels)}`;
const deepObjects = (levels: number) => `${'{"a":'.repeat(levels)}1${'}'.repeat(levels)}`;

describe('request limits', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  describe('bodies that are cheap to send and dear to check', () => {
    it('120,000 keys on an anonymous route: refused before validation, with a small answer', async () => {
      const body = JSON.stringify(manyKeys(120_000));
      expect(body.length).toBeLessThan(1024 * 1024);
      for (const path of ['/api/v1/auth/refresh', '/api/v1/auth/login']) {
        const res = await t.http.post(path).set('Content-Type', 'application/json').send(body);
        const error = expectError(res, 413, 'PAYLOAD_TOO_LARGE');
        expect(res.text.length).toBeLessThan(1000);
        expect(error.details).toMatchObject({ limit: 'keys' });
      }
    });

    it('a credential of 120,000 keys on POST /verify is refused too', async () => {
      const res = await t.http.post('/verify').send({ credential: manyKeys(115_000) });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(res.text.length).toBeLessThan(1000);
    });

    it('very long arrays are refused as well', async () => {
      const res = await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: Array.from({ length: 50_000 }, () => 0) });
      const error = expectError(res, 413, 'PAYLOAD_TOO_LARGE');
      expect(error.details).toMatchObject({ limit: 'arrayLength' });
    });

    it('authorization is still decided first: no token, 401, whatever the body', async () => {
      const res = await t.http
        .post('/api/v1/organisations')
        .set('Content-Type', 'application/json')
        .send(JSON.stringify(manyKeys(120_000)));
      expectError(res, 401);
      const deep = await t.http
        .post('/api/v1/organisations')
        .set('Content-Type', 'application/json')
        .send(deepArrays(5000));
      expectError(deep, 401);
    });

    it('validation errors name at most a few fields, and count the rest', async () => {
      // Under the key limit, so validation runs and finds every key unknown.
      const res = await t.http.post('/api/v1/auth/refresh').send(manyKeys(200));
      const error = expectError(res, 400, 'VALIDATION_FAILED');
      const details = error.details as { fields: unknown[]; fieldCount: number };
      expect(details.fields.length).toBeLessThanOrEqual(20);
      expect(details.fieldCount).toBeGreaterThanOrEqual(200);
      expect(res.text.length).toBeLessThan(5000);
    });

    it('a very long unknown field name is not echoed whole', async () => {
      const res = await t.http.post('/api/v1/auth/refresh').send({ ['x'.repeat(500_000)]: 1 });
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(res.text.length).toBeLessThan(5000);
    });

    it('the legitimately larger bodies still pass: a year of attendance, a credential object', async () => {
      const days = Array.from({ length: 366 }, (_, i) => ({
        date: new Date(Date.UTC(2027, 0, 1 + i)).toISOString().slice(0, 10),
        present: true,
      }));
      const attendance = await t.http
        .put(`/api/v1/enrolments/${randomUUID()}/attendance`)
        .set(admin.auth)
        .send({ days });
      // Past the limits and validation: the enrolment does not exist.
      expectError(attendance, 404);

      const credential = {
        '@context': ['https://www.w3.org/ns/credentials/v2', 'https://example.org/ob/v3p0'],
        type: ['VerifiableCredential', 'OpenBadgeCredential'],
        issuer: { id: 'did:web:coe.example', type: ['Profile'], name: 'CoE' },
        credentialSubject: {
          type: ['AchievementSubject'],
          achievement: {
            id: 'urn:x',
            type: ['Achievement'],
            criteria: { narrative: 'n' },
            alignment: Array.from({ length: 20 }, (_, i) => ({ targetName: `t${i}`, a: 1 })),
          },
        },
        proof: { type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022', proofValue: 'z1' },
      };
      const verified = await t.http.post('/verify').send({ credential });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ signatureValid: false, valid: false });
    });
  });

  describe('deep nesting', () => {
    it('2,000 levels give 400 on anonymous and signed-in routes alike, never 500', async () => {
      for (const raw of [
        `{"refreshToken": ${deepArrays(3000)}}`,
        `{"refreshToken": ${deepObjects(2000)}}`,
        deepObjects(2000),
      ]) {
        for (const [path, auth] of [
          ['/api/v1/auth/refresh', {}],
          ['/api/v1/auth/login', {}],
          ['/verify', {}],
          ['/api/v1/organisations', admin.auth],
        ] as const) {
          const res = await t.http
            .post(path)
            .set(auth)
            .set('Content-Type', 'application/json')
            .send(raw.replace('refreshToken', path === '/verify' ? 'credential' : 'name'));
          expectError(res, 400, 'MALFORMED_BODY');
        }
      }
    });
  });

  describe('caching of signed-in answers', () => {
    it('API answers say no-store; the public cacheable ones keep their own headers', async () => {
      const me = await t.http.get('/api/v1/auth/me').set(admin.auth);
      expect(me.status).toBe(200);
      expect(me.headers['cache-control']).toBe('no-store');
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ email: admin.email, password: 'wrong password 1' });
      expect(login.headers['cache-control']).toBe('no-store');
      const jwks = await t.http.get('/.well-known/jwks.json');
      expect(jwks.headers['cache-control']).toBe('public, max-age=300');
    });
  });
});

describe('anonymous routes are rate-limited per address, across instances', () => {
  let t: TestApp;
  let peer: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ authRateLimitPerMinute: 3 });
    peer = await startPeerApp(t);
  });
  afterAll(async () => {
    await peer.close();
    await t.close();
  });

  it('refresh: the fourth call within a minute from one address is 429 with Retry-After', async () => {
    const refresh = (app: TestApp) =>
      app.http.post('/api/v1/auth/refresh').send({ refreshToken: 'not-a-real-token' });
    expectError(await refresh(t), 401);
    expectError(await refresh(peer), 401);
    expectError(await refresh(t), 401);
    const limited = await refresh(peer);
    expectError(limited, 429, 'RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    // Refused before its body is looked at.
    expectError(await t.http.post('/api/v1/auth/refresh').send(manyKeys(300)), 429);
  });

  it('login has its own budget per address', async () => {
    const login = () =>
      t.http
        .post('/api/v1/auth/login')
        .send({ email: 'nobody@coe.test', password: 'x'.repeat(12) });
    for (let i = 0; i < 3; i++) expectError(await login(), 401);
    expectError(await login(), 429, 'RATE_LIMITED');
  });
});

/** Opens a raw TCP connection to the app. */
function open(port: number): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(port, '127.0.0.1', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** Resolves with what the server sent once it closes the connection, or `null` after `ms`. */
function closedWithin(socket: Socket, ms: number): Promise<string | null> {
  return new Promise((resolve) => {
    let received = '';
    socket.on('data', (chunk: Buffer) => (received += chunk.toString('latin1')));
    socket.on('error', () => undefined);
    const timer = setTimeout(() => resolve(null), ms);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(received);
    });
  });
}

describe('connections: slow bodies, slow headers, many sockets from one address', () => {
  let t: TestApp & { baseUrl: string };
  let port: number;
  beforeAll(async () => {
    t = await startTestApp(
      {
        requestTimeoutMs: 1500,
        headersTimeoutMs: 1000,
        maxConnectionsPerAddress: 5,
        apiDocs: false,
      },
      { listen: true },
    );
    port = Number(new URL(t.baseUrl).port);
  });
  afterAll(() => t.close());

  it('a body sent one byte at a time is cut off at the request timeout', async () => {
    const socket = await open(port);
    socket.write(
      'POST /api/v1/auth/refresh HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 1000\r\n\r\n',
    );
    const drip = setInterval(() => socket.writable && socket.write(' '), 200);
    const answer = await closedWithin(socket, 8000);
    clearInterval(drip);
    socket.destroy();
    expect(answer).not.toBeNull();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('headers sent slowly are cut off at the headers timeout', async () => {
    const socket = await open(port);
    socket.write('GET /health/live HTTP/1.1\r\n');
    const drip = setInterval(() => socket.writable && socket.write('X-Slow: 1\r\n'), 200);
    const answer = await closedWithin(socket, 8000);
    clearInterval(drip);
    socket.destroy();
    expect(answer).not.toBeNull();
    expect(answer).toMatch(/^HTTP\/1\.1 408/);
  });

  it('one address gets at most the configured number of connections at once', async () => {
    const held = await Promise.all(Array.from({ length: 5 }, () => open(port)));
    const extra = await open(port);
    expect(await closedWithin(extra, 2000)).not.toBeNull();
    held.pop()!.destroy();
    // Once one closes, a new connection is served again.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const res = await fetch(`${t.baseUrl}/health/live`, { headers: { Connection: 'close' } });
    expect(res.status).toBe(200);
    for (const socket of held) socket.destroy();
  });

  it('the API docs can be switched off (off by default in production)', async () => {
    const docs = await fetch(`${t.baseUrl}/docs-json`, { headers: { Connection: 'close' } });
    expect(docs.status).toBe(404);
    const page = await fetch(`${t.baseUrl}/docs`, { headers: { Connection: 'close' } });
    expect(page.status).toBe(404);
  });
});
