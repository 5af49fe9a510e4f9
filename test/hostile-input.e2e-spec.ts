import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import fc from 'fast-check';
import { registeredRoutes } from '../src/app.factory.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import { makeCourse, makeSession, makeTrainee } from './fixtures.js';

/**
 * Generated malformed and hostile input against every route that takes a body, a query or a
 * path parameter: never a 5xx, always the documented error shape, and a refused request
 * changes nothing (every change writes an audit event, so none may appear).
 */
const INJECTIONS = [
  "'; DROP TABLE certificates;--",
  '" OR "1"="1',
  '<script>alert(1)</script>',
  '<img src=x onerror=alert(1)>',
  '${7*7}{{7*7}}',
  '../../etc/passwd',
  '\u0000',
  '\u202Eevil',
  'Ə'.repeat(300),
  '😀🧨',
  '%00%ff',
];

const hostileScalar = fc.oneof(
  fc.constantFrom(...INJECTIONS),
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.integer(),
  fc.double(),
  fc.constantFrom(
    null,
    true,
    false,
    -1,
    0,
    1e308,
    Number.MAX_SAFE_INTEGER + 2,
    '2026-02-30',
    'not-a-uuid',
    '00000000-0000-0000-0000-000000000000',
  ),
  fc.constant('x'.repeat(20_000)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof({ depthSize: 'small' }, hostileScalar, tie('array'), tie('object')),
  array: fc.array(tie('value'), { maxLength: 5 }),
  object: fc.dictionary(
    fc.oneof(
      fc.string({ maxLength: 12 }),
      fc.constantFrom('__proto__', 'constructor', 'traineeId', 'email', 'status'),
    ),
    tie('value'),
    { maxKeys: 5 },
  ),
})).value;

/** Nesting far deeper than any DTO, as a raw JSON text. */
const deepJson = `${'['.repeat(5000)}${']'.repeat(5000)}`;

const hostileBody = fc.oneof(
  hostileValue,
  fc.constant(Array.from({ length: 20_000 }, (_, i) => i)),
  fc.constant({
    days: Array.from({ length: 5000 }, () => ({ date: '2026-11-02', present: true })),
  }),
);

describe('hostile input', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let ids: Record<string, string>;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id);
    const trainee = await makeTrainee(t.db);
    ids = { course: course.id, session: session.id, trainee: trainee.id };
  });
  afterAll(() => t.close());

  const changes = async () =>
    (
      (await t.db.query(
        "SELECT count(*)::int AS n FROM audit_events WHERE action NOT IN ('user.access_denied', 'user.login_failed')",
      )) as { n: number }[]
    )[0].n;

  function expectWellFormed(res: { status: number; body: unknown; type?: string }, what: string) {
    if (res.status >= 500)
      throw new Error(`${what} → ${res.status} ${JSON.stringify(res.body).slice(0, 300)}`);
    // Pages of the web interface answer with their own HTML error page; the API with JSON.
    if (res.status >= 400 && res.type !== 'text/html') {
      expect(res.body).toEqual(
        expect.objectContaining({
          statusCode: res.status,
          error: expect.any(String),
          code: expect.any(String),
          message: expect.any(String),
        }),
      );
    }
  }

  const bodyRoutes = () =>
    registeredRoutes(t.app).filter(
      (r) => ['POST', 'PUT', 'PATCH'].includes(r.method) && r.url !== '/api/v1/auth/login',
    );
  const concretePath = (url: string) =>
    url.replace(/:(\w+)/g, (_, name: string) =>
      name === 'kind'
        ? 'trainees'
        : name === 'courseId'
          ? ids.course
          : url.includes('/sessions/')
            ? ids.session
            : ids.trainee,
    );

  // Hundreds of requests: generous limits, since the whole suite shares two cores.
  it('bodies: never a 5xx, always the error shape, nothing changed when refused', async () => {
    for (const route of bodyRoutes()) {
      await fc.assert(
        fc.asyncProperty(hostileBody, async (body) => {
          const before = await changes();
          const res = await t.http[route.method.toLowerCase() as 'post'](concretePath(route.url))
            .set(admin.auth)
            .send(body as object);
          expectWellFormed(
            res,
            `${route.method} ${route.url} ${JSON.stringify(body).slice(0, 200)}`,
          );
          if (res.status >= 400) expect(await changes()).toBe(before);
        }),
        { numRuns: 12, seed: 20261128 },
      );
    }
  }, 600_000);

  it('raw bodies: broken JSON, deep nesting, wrong content types', async () => {
    for (const route of bodyRoutes()) {
      for (const [type, raw] of [
        ['application/json', '{"unterminated": '],
        ['application/json', deepJson],
        ['application/json', '{"__proto__": {"isAdmin": true}}'],
        ['text/plain', 'hello'],
        ['application/x-www-form-urlencoded', 'a=1&b=2'],
      ] as const) {
        const before = await changes();
        const res = await t.http[route.method.toLowerCase() as 'post'](concretePath(route.url))
          .set(admin.auth)
          .set('Content-Type', type)
          .send(raw);
        expectWellFormed(res, `${route.method} ${route.url} ${type}`);
        if (res.status >= 400) expect(await changes()).toBe(before);
      }
    }
  }, 600_000);

  it('path parameters and query strings', async () => {
    const withParams = registeredRoutes(t.app).filter(
      (r) => r.url.includes(':') || (r.method === 'GET' && r.url.startsWith('/api/v1/')),
    );
    await fc.assert(
      fc.asyncProperty(
        hostileScalar,
        fc.dictionary(
          fc.constantFrom(
            'limit',
            'cursor',
            'status',
            'from',
            'to',
            'courseId',
            'traineeId',
            'q',
            'groupBy',
            'withinDays',
            'expiringBefore',
            'order',
            'lang',
          ),
          hostileScalar,
          { maxKeys: 3 },
        ),
        async (param, query) => {
          for (const route of withParams) {
            const path = route.url.replace(/:(\w+)/g, () =>
              encodeURIComponent(String(param)).slice(0, 400),
            );
            const method = route.method.toLowerCase() as 'get';
            const res = await t.http[method](path)
              .query(
                Object.fromEntries(
                  Object.entries(query).map(([k, v]) => [k, String(v).slice(0, 2000)]),
                ),
              )
              .set(admin.auth)
              .send(route.method === 'GET' ? undefined : {});
            expectWellFormed(res, `${route.method} ${path}`);
          }
        },
      ),
      { numRuns: 6, seed: 20261128 },
    );
  }, 600_000);

  it('injection strings that are valid data are stored and returned literally', async () => {
    for (const name of INJECTIONS.filter((s) => !s.includes('\u0000') && s.length < 200)) {
      const res = await t.http
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ name, country: 'AZ', type: 'ngo' });
      if (res.status === 201) {
        const back = await t.http.get(`/api/v1/organisations/${res.body.id}`).set(admin.auth);
        expect(back.body.name).toBe(name.trim());
      } else {
        expectWellFormed(res, name);
        expect(res.status).toBe(400);
      }
    }
  });
});
