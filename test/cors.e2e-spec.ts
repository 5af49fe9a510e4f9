import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import supertest from 'supertest';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import { completedSessionWithInstructor, makePassedEnrolment, makeTrainee } from './fixtures.js';

type Json = Record<string, unknown>;
type Answer = { status: number; headers: Record<string, string | undefined> };

const ORIGIN = 'https://verifier.example.org';

/**
 * A verifier running in a browser on another origin can read the keys, the issuer profile, the
 * status lists and verification (Fetch standard CORS, preflight included), errors too; every
 * other route stays closed to other origins, as before.
 */
describe('CORS on the public credential routes', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  let serial: string;
  let jwt: string;
  let dataIntegrity: Json;
  let statusLists: string[];

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
    const { session, instructorUser } = await completedSessionWithInstructor(t);
    const trainee = await makeTrainee(t.db);
    const enrolment = await makePassedEnrolment(t.db, session.id, trainee.id);
    const issued = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(instructorUser.auth);
    expect(issued.status).toBe(201);
    const cert = issued.body as { id: string; serial: string };
    serial = cert.serial;
    const { body } = await t.http.get(`/api/v1/certificates/${cert.id}/credential`).set(admin.auth);
    jwt = body.jwt as string;
    dataIntegrity = body.dataIntegrity as Json;
    // The lists both forms point to, as a verifier finds them (whatever their URL shape).
    const claims = JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString()) as Json;
    const entries = [claims.credentialStatus, dataIntegrity.credentialStatus].flat() as {
      statusListCredential: string;
    }[];
    statusLists = [...new Set(entries.map((e) => new URL(e.statusListCredential).pathname))];
    expect(statusLists.length).toBeGreaterThan(0);
  });

  afterAll(() => t.close());

  function expectOpen(res: Answer) {
    expect(res.headers['access-control-allow-origin']).toBe('*');
    // Never with credentials: `*` and cookies cannot go together, and none are wanted here.
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    const exposed = (res.headers['access-control-expose-headers'] ?? '').toLowerCase();
    for (const name of ['etag', 'last-modified', 'retry-after', 'x-request-id'])
      expect(exposed.split(/,\s*/)).toContain(name);
    expect(res.headers['cross-origin-resource-policy']).toBe('cross-origin');
  }

  function expectClosed(res: Answer) {
    for (const name of Object.keys(res.headers))
      expect(name.startsWith('access-control-')).toBe(false);
    expect(res.headers['cross-origin-resource-policy']).toBe('same-origin');
  }

  const get = (path: string, accept = 'application/json') =>
    t.http.get(path).set('Origin', ORIGIN).set('Accept', accept);

  it('lets any origin read keys, the issuer profile and every status list', async () => {
    const paths = ['/.well-known/jwks.json', '/issuer', ...statusLists];
    for (const path of paths) {
      const res = await get(path);
      expect({ path, status: res.status }).toEqual({ path, status: 200 });
      expectOpen(res);
    }
    const signed = await get(statusLists[0], 'application/vc+jwt');
    expect(signed.status).toBe(200);
    expectOpen(signed);
    // Another document under /.well-known/ is covered too, even when it does not exist.
    const unknown = await get('/.well-known/no-such-document');
    expect(unknown.status).toBe(404);
    expectOpen(unknown);
  });

  it('lets any origin verify a serial (JSON and page) and read the 404 of an unknown one', async () => {
    const found = await get(`/verify/${serial}`);
    expect(found.status).toBe(200);
    expect((found.body as Json).valid).toBe(true);
    expectOpen(found);
    expectOpen(await get(`/verify/${serial}?lang=az`, 'text/html'));
    const missing = await get('/verify/COE-NOPE-2026-000000');
    expect(missing.status).toBe(404);
    expect((missing.body as Json).status).toBe('not_found');
    expectOpen(missing);
  });

  it('lets any origin POST a credential to /verify, and read a 400', async () => {
    for (const credential of [jwt, dataIntegrity]) {
      const res = await t.http.post('/verify').set('Origin', ORIGIN).send({ credential });
      expect(res.status).toBe(200);
      expect((res.body as Json).valid).toBe(true);
      expectOpen(res);
    }
    const bad = await t.http.post('/verify').set('Origin', ORIGIN).send({ credential: 42 });
    expect(bad.status).toBe(400);
    expectOpen(bad);
    const unparsable = await t.http
      .post('/verify')
      .set('Origin', ORIGIN)
      .set('Content-Type', 'application/json')
      .send('{"credential":');
    expect(unparsable.status).toBe(400);
    expectOpen(unparsable);
  });

  it('answers a 429 with the headers, Retry-After readable', async () => {
    const limited = await startPeerApp(t, { verifyRateLimitPerMinute: 1 });
    try {
      const http = supertest(limited.app.getHttpServer());
      expect((await http.get(`/verify/${serial}`).set('Origin', ORIGIN)).status).toBe(200);
      const res = await http
        .get(`/verify/${serial}`)
        .set('Origin', ORIGIN)
        .set('Accept', 'application/json');
      expect(res.status).toBe(429);
      expect(res.headers['retry-after']).toBeDefined();
      expectOpen(res);
    } finally {
      await limited.close();
    }
  });

  it('answers the preflight of every public route with 204, methods, headers and max-age', async () => {
    const cases: [string, string][] = [
      ['/.well-known/jwks.json', 'GET'],
      ['/issuer', 'GET'],
      ...statusLists.map((path): [string, string] => [path, 'GET']),
      [`/verify/${serial}`, 'GET'],
      ['/verify', 'POST'],
      // The VC API's routes: preflights pass here whether or not the route is served yet.
      ['/credentials/verify', 'POST'],
      ['/presentations/verify', 'POST'],
    ];
    for (const [path, method] of cases) {
      const res = await t.http
        .options(path)
        .set('Origin', ORIGIN)
        .set('Access-Control-Request-Method', method)
        .set('Access-Control-Request-Headers', 'content-type, if-none-match, accept-language');
      expect({ path, status: res.status }).toEqual({ path, status: 204 });
      expectOpen(res);
      const methods = (res.headers['access-control-allow-methods'] ?? '').split(/,\s*/);
      expect(methods).toContain(method);
      const allowed = (res.headers['access-control-allow-headers'] ?? '').toLowerCase();
      for (const name of [
        'content-type',
        'accept',
        'accept-language',
        'if-none-match',
        'if-modified-since',
      ])
        expect(allowed.split(/,\s*/)).toContain(name);
      expect(Number(res.headers['access-control-max-age'])).toBeGreaterThan(0);
      expect(res.text).toBe('');
    }
    // A read-only route does not offer POST.
    const jwks = await t.http
      .options('/.well-known/jwks.json')
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'POST');
    expect(jwks.headers['access-control-allow-methods']).not.toContain('POST');
  });

  it('leaves the signed-in API and the web pages without CORS headers', async () => {
    const api = await t.http.get('/api/v1/courses').set('Origin', ORIGIN).set(admin.auth);
    expect(api.status).toBe(200);
    expectClosed(api);
    const preflight = await t.http
      .options('/api/v1/courses')
      .set('Origin', ORIGIN)
      .set('Access-Control-Request-Method', 'GET')
      .set('Access-Control-Request-Headers', 'authorization');
    expect(preflight.status).not.toBe(204);
    expectClosed(preflight);
    const login = await t.http
      .post('/api/v1/auth/login')
      .set('Origin', ORIGIN)
      .send({ email: admin.email, password: 'wrong' });
    expect(login.status).toBe(401);
    expectClosed(login);
    // A path that only starts like a public one is not public.
    expectClosed(await t.http.get('/issuers').set('Origin', ORIGIN));
    expectClosed(await t.http.get('/verify/a/b').set('Origin', ORIGIN));
  });
});
