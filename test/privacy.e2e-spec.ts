import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { decodeJwt } from 'jose';
import { randomUUID } from 'node:crypto';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { User } from '../src/users/user.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import {
  assign,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

/**
 * What anyone may learn without an account (api.md, "Public, no account needed"): a verdict on a
 * serial or a credential and just enough to recognise the holder. Checked against the real values
 * of a certificate issued through the API: nothing else about the person or the register leaks.
 */
describe('privacy of the public routes', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let serial: string;
  let suspendedSerial: string;
  let credentialJwt: string;
  let dataIntegrity: Record<string, unknown>;
  /** Values that must appear on no public page or document, with a name for the failure. */
  const secrets = new Map<string, string>();
  const statusListPaths = new Set<string>();

  const publicPath = (url: string) => new URL(url).pathname;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    const organisation = await makeOrganisation(t.db, { name: `Quba Demining ${randomUUID()}` });
    const course = await makeCourse(t.db, {
      code: `EOD-${randomUUID().slice(0, 4).toUpperCase()}`,
    });
    const session = await makeSession(t.db, course.id, {
      startsOn: '2026-11-02',
      endsOn: '2026-11-06',
      status: 'completed',
    });
    const instructor = await makeInstructor(t.db, {
      givenName: 'Tofiq',
      familyName: `Rzayev-${randomUUID().slice(0, 6)}`,
    });
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, session.id, instructor.id);
    const instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });

    const issueTo = async (givenName: string) => {
      // A card number whose last four characters cannot occur by chance in a page or a date.
      const documentNumber = `AZE${String(Date.now()).slice(-6)}Q${Math.floor(Math.random() * 10)}XW`;
      const phone = `+99450${String(Math.floor(Math.random() * 9_000_000) + 1_000_000)}`;
      const trainee = await makeTrainee(t.db, {
        identityDocumentType: 'passport',
        identityDocumentNumber: documentNumber,
        phone,
        givenName,
        familyName: `Quliyeva-${randomUUID().slice(0, 6)}`,
        dateOfBirth: '1987-03-29',
        email: `${givenName.toLowerCase()}.private-${randomUUID().slice(0, 6)}@example.az`,
        organisationId: organisation.id,
        medicalClearanceUntil: '2027-02-14',
      });
      const traineeUser = await createUser(t, ['trainee'], { traineeId: trainee.id });
      const enrolment = await t.db.getRepository(Enrolment).save({
        sessionId: session.id,
        traineeId: trainee.id,
        status: 'completed',
        passed: true,
        attendancePercent: 100,
        theoryScore: 91,
        practicalScore: 87,
      });
      const issued = await t.http
        .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
        .set(instructorUser.auth);
      expect(issued.status).toBe(201);
      const certificate = issued.body as { id: string; serial: string };
      for (const [name, value] of [
        ['trainee id', trainee.id],
        ['trainee given name', trainee.givenName],
        ['trainee email', trainee.email!],
        ['trainee user id', traineeUser.id],
        ['trainee user email', traineeUser.email],
        ['date of birth', '1987-03-29'],
        ['date of birth (day first)', '29.03.1987'],
        ['date of birth (slashes)', '29/03/1987'],
        ['medical clearance date', '2027-02-14'],
        ['identity document number', documentNumber],
        // Off by default (VERIFY_SHOW_DOCUMENT_LAST4): not even the last four characters.
        ['identity document number (last four)', documentNumber.slice(-4)],
        ['phone', phone],
        ['phone (national part)', phone.slice(4)],
        ['enrolment id', enrolment.id],
        ['certificate id', certificate.id],
      ] as const)
        secrets.set(value, name);
      return { certificate, trainee };
    };

    const { certificate } = await issueTo('Zümrüdxanım');
    serial = certificate.serial;
    const credential = await t.http
      .get(`/api/v1/certificates/${certificate.id}/credential`)
      .set(admin.auth);
    expect(credential.status).toBe(200);
    credentialJwt = credential.body.jwt;
    dataIntegrity = credential.body.dataIntegrity;
    for (const form of [credential.body.credential, dataIntegrity]) {
      for (const entry of [form.credentialStatus].flat() as { statusListCredential: string }[])
        statusListPaths.add(publicPath(entry.statusListCredential));
    }

    // A suspension for a medical reason: the reason is health data and must stay private.
    const suspended = await issueTo('Gülbahar');
    suspendedSerial = suspended.certificate.serial;
    const suspension = await t.http
      .post(`/api/v1/certificates/${suspended.certificate.id}/suspend`)
      .set(admin.auth)
      .send({ reason: 'medical_unfit', note: 'Hearing test failed at the clinic in Ganja' });
    expect(suspension.status).toBe(201);
    secrets.set('medical_unfit', 'suspension reason');
    secrets.set('Hearing test failed', 'suspension note');

    for (const [name, value] of [
      ['course id', course.id],
      ['session id', session.id],
      ['organisation id', organisation.id],
      ['organisation name', organisation.name],
      ['instructor id', instructor.id],
      ['instructor family name', instructor.familyName],
      ['instructor email', instructor.email],
      ['instructor user id', instructorUser.id],
      ['admin user id', admin.id],
    ] as const)
      secrets.set(value, name);
    const users = await t.db.getRepository(User).find({ select: { passwordHash: true } });
    secrets.set(users[0].passwordHash!.slice(0, 40), 'a password hash');
  });
  afterAll(() => t.close());

  function expectNothingPrivate(where: string, text: string) {
    const leaks = [...secrets]
      .filter(([value]) => text.toLowerCase().includes(value.toLowerCase()))
      .map(([value, name]) => `${name} (${value})`);
    expect({ where, leaks }).toEqual({ where, leaks: [] });
    // No UUID at all: the serial is the only identifier the public gets.
    expect({
      where,
      uuids: text.match(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi),
    }).toEqual({
      where,
      uuids: null,
    });
  }

  it('GET /verify/:serial as JSON: exactly the fields api.md lists, the holder masked', async () => {
    const res = await t.http.get(`/verify/${serial}`).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    const body = res.body as Record<string, unknown>;
    expect(body).toEqual({
      serial,
      valid: true,
      status: 'active',
      holder: expect.stringMatching(/^Z\. Quliyeva-/),
      course: { code: expect.any(String), title: expect.any(String) },
      issuedAt: expect.any(String),
      validUntil: expect.any(String),
      issuer: 'Mine Action Center of Excellence',
      statusReason: null,
    });
    expectNothingPrivate('GET /verify/:serial (JSON)', JSON.stringify(body));
  });

  it('a suspension for a medical reason shows as suspended, without the reason or the note', async () => {
    const res = await t.http.get(`/verify/${suspendedSerial}`).set('Accept', 'application/json');
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ status: 'suspended', valid: false, statusReason: null });
    expectNothingPrivate('GET /verify/:serial (suspended, JSON)', JSON.stringify(res.body));
    for (const lang of ['en', 'az', 'ru']) {
      const page = await t.http
        .get(`/verify/${suspendedSerial}?lang=${lang}`)
        .set('Accept', 'text/html');
      expect(page.status).toBe(200);
      expectNothingPrivate(`GET /verify/:serial?lang=${lang} (suspended, HTML)`, page.text);
    }
  });

  it('GET /verify/:serial as HTML in English, Azerbaijani and Russian', async () => {
    for (const lang of ['en', 'az', 'ru']) {
      const res = await t.http.get(`/verify/${serial}?lang=${lang}`).set('Accept', 'text/html');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.text).toContain(serial);
      expect(res.text).toMatch(/Z\. Quliyeva-/);
      expectNothingPrivate(`GET /verify/:serial?lang=${lang}`, res.text);
    }
    for (const language of ['az-AZ,az;q=0.9', 'ru-RU,ru;q=0.8', 'en-GB']) {
      const res = await t.http
        .get(`/verify/${serial}`)
        .set('Accept', 'text/html')
        .set('Accept-Language', language);
      expectNothingPrivate(`GET /verify/:serial (Accept-Language ${language})`, res.text);
    }
  });

  it('an unknown serial says not_found and nothing else, in JSON and HTML', async () => {
    const json = await t.http.get('/verify/COE-NONE-2026-000000').set('Accept', 'application/json');
    expect(json.status).toBe(404);
    expect(json.body).toMatchObject({
      status: 'not_found',
      valid: false,
      holder: null,
      course: null,
    });
    const html = await t.http.get('/verify/COE-NONE-2026-000000').set('Accept', 'text/html');
    expect(html.status).toBe(404);
    expectNothingPrivate('GET /verify/unknown', JSON.stringify(json.body) + html.text);
  });

  it('POST /verify answers for a presented credential with the masked holder only', async () => {
    for (const credential of [credentialJwt, dataIntegrity]) {
      const res = await t.http.post('/verify').send({ credential });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ signatureValid: true, valid: true, serial });
      expect(res.body.holder).toMatch(/^Z\. Quliyeva-/);
      expectNothingPrivate(`POST /verify (${typeof credential})`, JSON.stringify(res.body));
    }
    const forged = await t.http.post('/verify').send({ credential: `${credentialJwt}x` });
    expect(forged.body).toMatchObject({ signatureValid: false, valid: false });
    expectNothingPrivate('POST /verify (tampered)', JSON.stringify(forged.body));
  });

  it('the keys, the status lists and the issuer profile say nothing about people', async () => {
    const jwks = await t.http.get('/.well-known/jwks.json');
    expect(jwks.status).toBe(200);
    for (const key of jwks.body.keys as Record<string, unknown>[]) {
      // Public halves only: no private exponent or seed.
      expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['d']));
      expect(Object.keys(key)).not.toEqual(expect.arrayContaining(['p']));
    }
    expectNothingPrivate('GET /.well-known/jwks.json', jwks.text);

    // One status entry per form since issue 18: the vc+jwt list and the key's Data Integrity list.
    expect(statusListPaths.size).toBe(2);
    for (const path of statusListPaths) {
      const json = await t.http.get(path);
      expect(json.status).toBe(200);
      expectNothingPrivate(`GET ${path}`, json.text);
      if (path.split('/').length === 4) {
        const signed = await t.http.get(path).set('Accept', 'application/vc+jwt');
        expect(signed.status).toBe(200);
        const payload = JSON.stringify(decodeJwt(signed.text));
        expectNothingPrivate(`GET ${path} (vc+jwt)`, signed.text + payload);
      }
    }

    const issuer = await t.http.get('/issuer');
    expect(issuer.status).toBe(200);
    expectNothingPrivate('GET /issuer', issuer.text);
  });

  it('health checks and the start page say nothing about the register', async () => {
    for (const path of ['/health/live', '/health/ready']) {
      const res = await t.http.get(path);
      expect(res.body).toEqual({ status: 'ok' });
    }
    const home = await t.http.get('/').set('Accept', 'text/html');
    expect(home.status).toBe(200);
    expectNothingPrivate('GET /', home.text);
  });
});

describe('walking the register through public verification', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ verifyRateLimitPerMinute: 5 });
  });
  afterAll(() => t.close());

  it('is slowed down per address: past the limit, 429 with Retry-After for serials and credentials', async () => {
    for (let i = 0; i < 5; i++) {
      const res = await t.http
        .get(`/verify/COE-EOD1-2026-00000${i}`)
        .set('Accept', 'application/json');
      expect(res.status).toBe(404);
    }
    const refused = await t.http
      .get('/verify/COE-EOD1-2026-000009')
      .set('Accept', 'application/json');
    expect(refused.status).toBe(429);
    expect(refused.body).toMatchObject({ statusCode: 429, code: 'RATE_LIMITED' });
    expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
    // Served outside Nest's pipeline (verify-route.ts), the refusal still speaks the caller's
    // language and carries the request id, as every error does.
    const inRussian = await t.http
      .get('/verify/COE-EOD1-2026-000009')
      .set('Accept', 'application/json')
      .set('Accept-Language', 'ru');
    expect(inRussian.status).toBe(429);
    expect(inRussian.body.message).not.toBe(refused.body.message);
    expect(inRussian.body.message).toMatch(/[а-я]/i);
    expect(inRussian.headers['x-request-id']).toBeTruthy();
    const presented = await t.http.post('/verify').send({ credential: 'a.b.c' });
    expect(presented.status).toBe(429);
  });
});
