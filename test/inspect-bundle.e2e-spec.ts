import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createLocalJWKSet, jwtVerify, type JSONWebKeySet } from 'jose';
import { gunzipSync } from 'node:zlib';
import { Certificate } from '../src/certifications/certificate.entity.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, expectError, TEST_PASSWORD, type SignedInUser } from './factories.js';
import {
  completedSessionWithInstructor,
  makeCertificate,
  makeCourse,
  makePassedEnrolment,
  makeTrainee,
} from './fixtures.js';

type Json = Record<string, unknown>;

/** Bit `index` of a Bitstring Status List's encodedList (multibase u, gzip, MSB first). */
function bitAt(encodedList: string, index: number): boolean {
  expect(encodedList.startsWith('u')).toBe(true);
  const bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'));
  return (bits[index >> 3] & (0x80 >> (index & 7))) !== 0;
}

describe('the inspector app’s sync bundle', () => {
  let t: TestApp & { baseUrl: string };
  let open: TestApp;
  let auditor: SignedInUser;
  let admin: SignedInUser;
  let trainee: SignedInUser;
  let coordinator: SignedInUser;
  let certificate: Certificate;
  let courseCode: string;

  beforeAll(async () => {
    t = await startTestApp();
    // The same deployment with INSPECT_PUBLIC=true and INSPECT_STALE_DAYS=30.
    open = await startPeerApp(t, { inspectPublic: true, inspectStaleDays: 30 });
    [auditor, admin, trainee, coordinator] = await Promise.all([
      createUser(t, ['auditor']),
      createUser(t, ['admin']),
      createUser(t, ['trainee']),
      createUser(t, ['coordinator']),
    ]);
    // A certificate issued as the Center issues them (list 1), with an Azerbaijani title only.
    const { course, session, instructorUser } = await completedSessionWithInstructor(t, {
      code: 'EOD-2',
      title: 'Explosive Ordnance Disposal Level 2',
      level: 'EOD 2',
      translations: { az: { title: 'Partlayıcı sursatların zərərsizləşdirilməsi, 2-ci səviyyə' } },
    });
    courseCode = course.code;
    const person = await makeTrainee(t.db);
    const enrolment = await makePassedEnrolment(t.db, session.id, person.id);
    const issued = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(instructorUser.auth);
    expect(issued.status).toBe(201);
    certificate = await t.db.getRepository(Certificate).findOneByOrFail({ id: issued.body.id });
    expect(certificate.statusListNumber).toBe(1);
    // A second list in use (list 3; none in list 2), and fixture certificates in list 0, which
    // is never published.
    const retired = await makeCourse(t.db, {
      code: 'MED-1',
      title: 'Demining medic',
      level: 'Medic',
      status: 'retired',
      translations: { ru: { title: 'Медик разминирования', level: 'Медик' } },
    });
    const third = await makeCertificate(t.db, { traineeId: person.id, courseId: retired.id });
    await t.db.getRepository(Certificate).update({ id: third.id }, { statusListNumber: 3 });
    await makeCertificate(t.db, { traineeId: person.id, courseId: retired.id });
    // A draft with no certificate is the Center's plan, not the bundle's business.
    await makeCourse(t.db, { code: 'PLAN-1', status: 'draft' });
  });
  afterAll(async () => {
    await open.close();
    await t.close();
  });

  const bundle = (app: TestApp, user?: SignedInUser) => {
    const req = app.http.get('/inspect/bundle.json');
    return user ? req.set(user.auth) : req;
  };

  it('is for auditors and admins unless INSPECT_PUBLIC is on', async () => {
    expectError(await bundle(t), 401, 'UNAUTHENTICATED');
    expectError(await bundle(t, trainee), 403, 'FORBIDDEN');
    expectError(await bundle(t, coordinator), 403, 'FORBIDDEN');
    for (const user of [auditor, admin]) {
      const res = await bundle(t, user);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
    }
    // Opened by the setting: anyone, signed in or not.
    for (const res of [await bundle(open), await bundle(open, trainee)]) {
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toMatchObject({ public: true, staleAfterDays: 30 });
    }
    // The same under /api/, where the web session's cookie reaches it from the app's page.
    expectError(await t.http.get('/api/v1/inspect/bundle.json'), 401, 'UNAUTHENTICATED');
    expect((await open.http.get('/api/v1/inspect/bundle.json')).status).toBe(200);
    const signIn = await t.http
      .post('/api/v1/auth/web-session')
      .send({ email: auditor.email, password: TEST_PASSWORD });
    expect(signIn.status).toBe(200);
    const cookies = (signIn.headers['set-cookie'] as unknown as string[]).map(
      (c) => c.split(';')[0],
    );
    const viaCookie = await t.http
      .get('/api/v1/inspect/bundle.json')
      .set('Cookie', cookies.join('; '));
    expect(viaCookie.status).toBe(200);
    expect(viaCookie.headers['cache-control']).toBe('no-store');
    expect(viaCookie.body.issuer).toBe(`${t.baseUrl}/issuer`);
    // The OpenAPI document says so.
    const docs = await t.http.get('/docs-json');
    const get = docs.body.paths['/inspect/bundle.json'].get as Json;
    expect(get).toMatchObject({
      'x-permission': 'inspections.sync',
      'x-roles': ['admin', 'auditor'],
      'x-public-when': 'INSPECT_PUBLIC',
      tags: ['inspections'],
    });
  });

  it('carries the issuer, every key, the lists in use, courses in three languages and settings', async () => {
    const res = await bundle(t, auditor);
    const body = res.body as Json;
    expect(Object.keys(body).sort()).toEqual(
      [
        'courses',
        'generatedAt',
        'issuer',
        'jwks',
        'public',
        'staleAfterDays',
        'statusLists',
        'uploadUrl',
      ].sort(),
    );
    expect(Math.abs(Date.parse(body.generatedAt as string) - Date.now())).toBeLessThan(60_000);
    expect(body).toMatchObject({
      issuer: `${t.baseUrl}/issuer`,
      staleAfterDays: 7,
      public: false,
      uploadUrl: '/api/v1/inspections',
    });
    const jwks = await t.http.get('/.well-known/jwks.json');
    expect(body.jwks).toEqual(jwks.body);
    expect(body.statusLists).toEqual(
      [1, 3].flatMap((n) => [
        {
          id: `revocation-${n}`,
          purpose: 'revocation',
          url: `${t.baseUrl}/credentials/status/revocation-${n}`,
        },
        {
          id: `suspension-${n}`,
          purpose: 'suspension',
          url: `${t.baseUrl}/credentials/status/suspension-${n}`,
        },
      ]),
    );
    expect(body.courses).toEqual([
      {
        code: courseCode,
        title: {
          en: 'Explosive Ordnance Disposal Level 2',
          az: 'Partlayıcı sursatların zərərsizləşdirilməsi, 2-ci səviyyə',
          ru: 'Explosive Ordnance Disposal Level 2',
        },
        level: { en: 'EOD 2', az: 'EOD 2', ru: 'EOD 2' },
      },
      {
        code: 'MED-1',
        title: { en: 'Demining medic', az: 'Demining medic', ru: 'Медик разминирования' },
        level: { en: 'Medic', az: 'Medic', ru: 'Медик' },
      },
    ]);
  });

  it('keeps retired keys after a rotation, and its lists verify with its keys', async () => {
    const before = (await bundle(t, auditor)).body as { jwks: JSONWebKeySet };
    const rotated = await t.http.post('/api/v1/signing-keys/rotate').set(admin.auth);
    expect(rotated.status).toBe(201);
    const after = (await bundle(t, auditor)).body as {
      issuer: string;
      jwks: JSONWebKeySet;
      statusLists: { id: string; purpose: string; url: string }[];
    };
    expect(after.jwks.keys).toHaveLength(before.jwks.keys.length + 1);
    expect(after.jwks.keys).toEqual(expect.arrayContaining(before.jwks.keys));

    // Revoke the issued certificate: the bundle's revocation list says so, signed by the issuer.
    await t.http
      .post(`/api/v1/certificates/${certificate.id}/revoke`)
      .set(admin.auth)
      .send({ reason: 'fraud_or_misconduct' })
      .expect(201);
    const keys = createLocalJWKSet(after.jwks);
    const bits: Record<string, boolean> = {};
    for (const list of after.statusLists.filter((l) => l.id.endsWith('-1'))) {
      const res = await t.http
        .get(new URL(list.url).pathname)
        .set('Accept', 'application/vc+jwt')
        .buffer(true)
        .parse((response, done) => {
          let text = '';
          response.on('data', (chunk: Buffer) => (text += chunk.toString()));
          response.on('end', () => done(null, text));
        });
      expect(res.status).toBe(200);
      const { payload } = await jwtVerify(res.body as string, keys, { issuer: after.issuer });
      const subject = (payload.credentialSubject ?? (payload as Json).vc) as Json;
      expect(subject.statusPurpose).toBe(list.purpose);
      bits[list.purpose] = bitAt(subject.encodedList as string, certificate.statusListIndex);
    }
    expect(bits).toEqual({ revocation: true, suspension: false });
  });
});
