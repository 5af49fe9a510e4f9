import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import { completedSessionWithInstructor, makePassedEnrolment, makeTrainee } from './fixtures.js';
import { withFlippedSignatureBit } from './tamper.js';

type Json = Record<string, unknown>;

/**
 * POST /verify on a credential that fails: the answer gives the verdict and why, and nothing the
 * credential claims (holder, course, dates, issuer), since none of it can be trusted. On a
 * genuine credential whose certificate has changed status, the facts come from the Center's
 * register, never from the credential.
 */
describe('POST /verify states no claim of an invalid credential as fact', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
  });

  afterAll(() => t.close());

  async function issued() {
    const { course, session, instructorUser } = await completedSessionWithInstructor(t);
    const trainee = await makeTrainee(t.db, {
      givenName: 'Leyla',
      familyName: `Hüseynova-${Math.random().toString(36).slice(2, 7)}`,
    });
    const enrolment = await makePassedEnrolment(t.db, session.id, trainee.id);
    const res = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(instructorUser.auth);
    expect(res.status).toBe(201);
    const cert = res.body as { id: string; serial: string };
    const { body } = await t.http.get(`/api/v1/certificates/${cert.id}/credential`).set(admin.auth);
    return {
      ...cert,
      trainee,
      course,
      jwt: body.jwt as string,
      dataIntegrity: body.dataIntegrity as Json,
    };
  }

  const verify = async (credential: unknown) => {
    const res = await t.http.post('/verify').send({ credential });
    expect(res.status).toBe(200);
    return res.body as Json;
  };

  it('answers a forged, tampered or malformed credential with the reason and no facts', async () => {
    const cert = await issued();
    const [header, payload] = cert.jwt.split('.');
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString()) as Json;
    const forgedPayload = Buffer.from(
      JSON.stringify({ ...claims, validUntil: '2099-12-31T23:59:59Z' }),
    ).toString('base64url');
    const cases: [unknown, string][] = [
      [withFlippedSignatureBit(cert.jwt), 'bad_signature'],
      [`${header}.${forgedPayload}.${cert.jwt.split('.')[2]}`, 'bad_signature'],
      ['not a credential', 'malformed'],
      ['a.b.c', 'malformed'],
      [
        {
          ...cert.dataIntegrity,
          validUntil: '2099-12-31T23:59:59Z',
        },
        expect.any(String) as unknown as string,
      ],
    ];
    for (const [credential, reason] of cases) {
      const body = await verify(credential);
      expect(body).toEqual({
        format: typeof credential === 'string' ? 'vc+jwt' : 'data-integrity',
        signatureValid: false,
        valid: false,
        status: 'invalid',
        serial: '',
        holder: null,
        course: null,
        issuedAt: null,
        validUntil: null,
        // Not "issued by the Center": nothing shows the Center issued it.
        issuer: null,
        statusReason: null,
        checks: { signature: reason, dates: 'not_checked', status: 'not_checked' },
      });
      const text = JSON.stringify(body);
      for (const claim of [cert.serial, cert.trainee.familyName, cert.course.code, '2099'])
        expect(text).not.toContain(claim);
    }
  });

  it('answers a genuine but revoked credential from the register: its facts, not the credential\u2019s', async () => {
    const cert = await issued();
    await t.http
      .post(`/api/v1/certificates/${cert.id}/revoke`)
      .set(admin.auth)
      .send({ reason: 'issued_in_error' })
      .expect(201);
    for (const credential of [cert.jwt, cert.dataIntegrity]) {
      expect(await verify(credential)).toMatchObject({
        signatureValid: true,
        valid: false,
        status: 'revoked',
        statusReason: 'issued_in_error',
        serial: cert.serial,
        holder: `L. ${cert.trainee.familyName}`,
        course: { code: cert.course.code, title: cert.course.title },
        issuer: 'Mine Action Center of Excellence',
        checks: { signature: 'valid', dates: 'valid', status: 'revoked' },
      });
    }
  });
});
