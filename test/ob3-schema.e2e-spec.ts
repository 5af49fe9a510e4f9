import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Ajv2019, type ErrorObject, type ValidateFunction } from 'ajv/dist/2019.js';
import addFormats from 'ajv-formats';
import { decodeJwt } from 'jose';
import { createHash } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import {
  completedSessionWithInstructor,
  makeCourse,
  makePassedEnrolment,
  makeTrainee,
} from './fixtures.js';

type Json = Record<string, unknown>;

/** The official 1EdTech schemas, copied unchanged (test/fixtures/ob3/README.md names the source). */
function schema(name: string): Json {
  return JSON.parse(
    readFileSync(new URL(`./fixtures/ob3/${name}.json`, import.meta.url), 'utf8'),
  ) as Json;
}

/** Ajv2019 as engineering.md found it must be set up for these draft 2019-09 schemas. */
function compile(name: string): ValidateFunction {
  const ajv = new Ajv2019({ strict: false, allErrors: true });
  (addFormats as unknown as (a: Ajv2019) => void)(ajv);
  return ajv.compile(schema(name));
}

/** The errors, readable in a failed expectation ([] when valid). */
function errorsOf(validate: ValidateFunction, document: unknown): string[] {
  validate(document);
  return (validate.errors ?? []).map((e: ErrorObject) => `${e.instancePath} ${e.message}`);
}

describe('Open Badges 3.0 JSON Schema: issued credentials and the issuer profile', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  const achievementCredential = compile('achievementcredential');
  const profile = compile('profile');

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  const credentialOf = async (id: string) => {
    const res = await t.http.get(`/api/v1/certificates/${id}/credential`).set(admin.auth);
    expect(res.status).toBe(200);
    return res.body as { jwt: string; credential: Json; dataIntegrity: Json };
  };
  /** Both forms as a verifier receives them: the vc+jwt's claims, and the Data Integrity JSON. */
  const bothForms = async (id: string) => {
    const { jwt, dataIntegrity } = await credentialOf(id);
    return { jwtClaims: decodeJwt(jwt) as Json, dataIntegrity };
  };
  const change = (id: string, action: string, reason = 'qa_finding') =>
    t.http
      .post(`/api/v1/certificates/${id}/${action}`)
      .set(admin.auth)
      .send({ reason })
      .expect(201);

  async function issued(email: string | null) {
    const { session, instructorUser } = await completedSessionWithInstructor(t, {
      imasReferences: ['IMAS 09.30'],
    });
    const trainee = await makeTrainee(t.db, { email });
    const enrolment = await makePassedEnrolment(t.db, session.id, trainee.id);
    const res = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(instructorUser.auth);
    expect(res.status).toBe(201);
    return res.body as { id: string; serial: string };
  }

  it('both forms of an active, a suspended and a revoked certificate: 0 errors', async () => {
    const cert = await issued('Aynur.Mammadova@Example.org');
    const checked: string[] = [];
    for (const step of ['active', 'suspend', 'reinstate', 'revoke']) {
      if (step !== 'active') await change(cert.id, step);
      const { jwtClaims, dataIntegrity } = await bothForms(cert.id);
      expect(errorsOf(achievementCredential, jwtClaims)).toEqual([]);
      expect(errorsOf(achievementCredential, dataIntegrity)).toEqual([]);
      // What the schema checks: one status object, and the proof as a set.
      expect(Array.isArray(jwtClaims.credentialStatus)).toBe(false);
      expect(Array.isArray(dataIntegrity.proof)).toBe(true);
      checked.push(step);
    }
    expect(checked).toHaveLength(4);
  });

  it('a trainee without an e-mail: still valid, with the serial as the only identifier', async () => {
    const cert = await issued(null);
    const { jwtClaims, dataIntegrity } = await bothForms(cert.id);
    expect(errorsOf(achievementCredential, jwtClaims)).toEqual([]);
    expect(errorsOf(achievementCredential, dataIntegrity)).toEqual([]);
    expect((jwtClaims.credentialSubject as Json).identifier).toEqual([
      {
        type: 'IdentityObject',
        identityHash: cert.serial,
        identityType: 'identifier',
        hashed: false,
      },
    ]);
  });

  it("the recipient: the holder's e-mail, salted and hashed, confirmable by whoever knows it", async () => {
    const cert = await issued('  Aynur.Mammadova@Example.org ');
    const { jwtClaims, dataIntegrity } = await bothForms(cert.id);
    const identifiers = (jwtClaims.credentialSubject as { identifier: Json[] }).identifier;
    const email = identifiers.find((i) => i.identityType === 'emailAddress')!;
    expect(email).toEqual({
      type: 'IdentityObject',
      identityHash: expect.stringMatching(/^sha256\$[0-9a-f]{64}$/),
      identityType: 'emailAddress',
      hashed: true,
      salt: expect.stringMatching(/^[0-9a-f]{32}$/),
    });
    // An employer who knows the address (as people write it: any case) computes the same hash.
    const confirm = (address: string) =>
      `sha256$${createHash('sha256')
        .update(address.trim().toLowerCase() + (email.salt as string))
        .digest('hex')}`;
    expect(confirm('aynur.mammadova@example.org')).toBe(email.identityHash);
    expect(confirm('someone.else@example.org')).not.toBe(email.identityHash);
    // The address itself is nowhere in either form.
    expect(JSON.stringify(jwtClaims).toLowerCase()).not.toContain('mammadova@');
    expect(JSON.stringify(dataIntegrity).toLowerCase()).not.toContain('mammadova@');
    expect((dataIntegrity.credentialSubject as Json).identifier).toEqual(identifiers);
    // The serial is still there, and POST /verify still finds the certificate by it.
    expect(identifiers).toContainEqual(expect.objectContaining({ identityHash: cert.serial }));
    const verified = await t.http.post('/verify').send({ credential: dataIntegrity });
    expect(verified.body).toMatchObject({ valid: true, serial: cert.serial });
  });

  it('an imported legacy certificate (active and revoked): 0 errors in both forms', async () => {
    const course = await makeCourse(t.db, { code: `LEG-${Date.now() % 100000}` });
    const trainee = await makeTrainee(t.db, { email: 'oleg@example.org' });
    const csv = [
      'serial;traineeId;courseCode;issuedOn;validUntil;status;statusReason',
      `H1-LEG-1;${trainee.id};${course.code};2019-05-10;2030-05-09;;`,
      `H1-LEG-2;${trainee.id};${course.code};2016-03-01;;revoked;fraud_or_misconduct`,
    ].join('\r\n');
    const res = await t.http
      .post('/api/v1/imports/certificates')
      .set(admin.auth)
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(Buffer.from(csv, 'utf8'));
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ imported: 2 });
    const rows = (await t.db.query(
      "SELECT id, serial FROM certificates WHERE serial IN ('H1-LEG-1', 'H1-LEG-2') ORDER BY serial",
    )) as { id: string; serial: string }[];
    expect(rows).toHaveLength(2);
    for (const row of rows) {
      const { jwtClaims, dataIntegrity } = await bothForms(row.id);
      expect(errorsOf(achievementCredential, jwtClaims)).toEqual([]);
      expect(errorsOf(achievementCredential, dataIntegrity)).toEqual([]);
      expect((jwtClaims.credentialSubject as { identifier: Json[] }).identifier).toContainEqual(
        expect.objectContaining({ identityType: 'emailAddress', hashed: true }),
      );
    }
  });

  it('GET /issuer against the Profile schema: 0 errors, with its @context', async () => {
    const res = await t.http.get('/issuer');
    expect(res.status).toBe(200);
    expect(errorsOf(profile, res.body)).toEqual([]);
    expect(res.body).toMatchObject({
      '@context': [
        'https://www.w3.org/ns/credentials/v2',
        'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
      ],
      id: `${t.baseUrl}/issuer`,
      type: ['Profile'],
    });
    const identifiers = res.body.otherIdentifier as Json[];
    expect(identifiers.length).toBeGreaterThan(0);
    for (const entry of identifiers) {
      expect(entry).toEqual({
        type: 'IdentifierEntry',
        identifier: expect.stringMatching(/^did:key:z6Mk/),
        identifierType: 'ext:did',
      });
    }
  });

  it('the schemas are the real ones: what issue 18 found wrong fails them', async () => {
    // A test that could not fail proves nothing: the former shapes must be refused.
    const cert = await issued(null);
    const { jwtClaims, dataIntegrity } = await bothForms(cert.id);
    const twoEntries = {
      ...jwtClaims,
      credentialStatus: [jwtClaims.credentialStatus, jwtClaims.credentialStatus],
    };
    expect(errorsOf(achievementCredential, twoEntries)).not.toEqual([]);
    const proofObject = { ...dataIntegrity, proof: (dataIntegrity.proof as Json[])[0] };
    expect(errorsOf(achievementCredential, proofObject)).not.toEqual([]);
    const issuerProfile = (await t.http.get('/issuer')).body as Json;
    const arrayType = {
      ...issuerProfile,
      otherIdentifier: (issuerProfile.otherIdentifier as Json[]).map((e) => ({
        ...e,
        type: ['IdentifierEntry'],
      })),
    };
    expect(errorsOf(profile, arrayType)).not.toEqual([]);
  });
});
