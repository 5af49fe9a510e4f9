import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { generateKeyPairSync, sign } from 'node:crypto';
import type { JWK } from 'jose';
import { offlineDocumentLoader } from '../src/credentials/document-loader.js';
import { signCredentialJwt } from '../src/credentials/vc-jwt.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { completedSessionWithInstructor, makePassedEnrolment, makeTrainee } from './fixtures.js';
import { ForeignCentre } from './foreign-centre.js';

type Json = Record<string, unknown>;
const codes = (problems: { code: string }[]) => problems.map((p) => p.code);

/** The W3C VC API routes: the Center's own credentials, other issuers', and presentations. */
describe('VC API verification', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let trusted: ForeignCentre;
  let elsewhere: ForeignCentre;
  let own: { id: string; jwt: string; dataIntegrity: Json };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    trusted = await ForeignCentre.create('Ukrainian Mine Action Training Centre');
    elsewhere = await ForeignCentre.create('A host nobody allowed');
    await Promise.all([trusted.serve(), elsewhere.serve()]);
    const created = await t.http
      .post('/api/v1/trusted-issuers')
      .set(admin.auth)
      .send({
        name: trusted.name,
        country: 'UA',
        did: trusted.did,
        statusListHosts: [trusted.host],
      });
    expect(created.status).toBe(201);

    const { session, instructorUser } = await completedSessionWithInstructor(t);
    const trainee = await makeTrainee(t.db);
    const enrolment = await makePassedEnrolment(t.db, session.id, trainee.id);
    const cert = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(instructorUser.auth);
    expect(cert.status).toBe(201);
    const credential = await t.http
      .get(`/api/v1/certificates/${cert.body.id}/credential`)
      .set(admin.auth);
    own = {
      id: cert.body.id,
      jwt: credential.body.jwt,
      dataIntegrity: credential.body.dataIntegrity,
    };
  });
  afterAll(async () => {
    await Promise.all([trusted.close(), elsewhere.close()]);
    await t.close();
  });

  const verify = (verifiableCredential: unknown, options?: object) =>
    t.http
      .post('/credentials/verify')
      .send({ verifiableCredential, ...(options ? { options } : {}) });

  it("verifies the Center's own credentials in both forms, enveloped too, with status from the register", async () => {
    for (const form of [
      own.jwt,
      own.dataIntegrity,
      {
        '@context': ['https://www.w3.org/ns/credentials/v2'],
        type: 'EnvelopedVerifiableCredential',
        id: `data:application/vc+jwt,${own.jwt}`,
      },
    ]) {
      const res = await verify(form);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        verified: true,
        trustedIssuer: true,
        status: 'active',
        errors: [],
        warnings: [],
      });
    }
    const revoked = await t.http
      .post(`/api/v1/certificates/${own.id}/revoke`)
      .set(admin.auth)
      .send({ reason: 'fraud_or_misconduct', note: 'Assessment papers copied' });
    expect(revoked.status).toBe(201);
    for (const form of [own.jwt, own.dataIntegrity]) {
      const res = await verify(form);
      expect(res.body).toMatchObject({ verified: false, trustedIssuer: true, status: 'revoked' });
      expect(codes(res.body.errors)).toEqual(['STATUS_REVOKED']);
    }
  });

  it('verifies another issuer’s vc+jwt by its did:key, and says what it found with returnResults', async () => {
    const { credential } = trusted.unsigned();
    const jwt = await trusted.signJwt(credential);
    const res = await verify(jwt, { returnResults: true, returnCredential: true });
    expect(res.body).toMatchObject({
      verified: true,
      trustedIssuer: true,
      format: 'vc+jwt',
      issuer: trusted.did,
      results: {
        proof: [{ verified: true }],
        validUntil: { verified: true, input: '2030-01-10T00:00:00Z' },
        credentialStatus: [{ purpose: 'revocation', value: 0, verified: true }],
      },
      credential: { id: credential.id },
    });
    // A changed payload under the same signature.
    const [h, p, s] = jwt.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Json;
    const forged = `${h}.${Buffer.from(JSON.stringify({ ...payload, name: 'EOD 3' })).toString('base64url')}.${s}`;
    const bad = await verify(forged);
    expect(bad.body).toMatchObject({ verified: false, issuer: null });
    expect(codes(bad.body.errors)).toEqual(['INVALID_SIGNATURE']);
    expect(bad.body.credential).toBeUndefined();
  });

  it('verifies a vc+jwt by a trusted issuer’s stored JWKS, on that issuer’s origin only', async () => {
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const created = await t.http
      .post('/api/v1/trusted-issuers')
      .set(admin.auth)
      .send({
        name: 'Kyiv EOD School',
        country: 'UA',
        jwksUrl: 'https://eod.example/.well-known/jwks.json',
        jwks: { keys: [{ ...publicJwk, kid: 'kyiv-1' }] },
      });
    expect(created.status).toBe(201);
    const key = {
      kid: 'kyiv-1',
      privateKey,
      publicJwk,
      didKey: { did: '', verificationMethod: '', fingerprint: '' },
    };
    const base = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiableCredential'],
      validFrom: '2025-01-01T00:00:00Z',
      credentialSubject: { id: 'urn:uuid:4b8d3d0e-1f0a-4a43-8d7c-5a1f2b0f9d11' },
    };
    const good = await verify(
      await signCredentialJwt(
        { ...base, id: 'urn:uuid:a', issuer: 'https://eod.example/issuer' },
        key,
      ),
    );
    expect(good.body).toMatchObject({
      verified: true,
      trustedIssuer: true,
      issuer: 'https://eod.example/issuer',
    });
    const other = await verify(
      await signCredentialJwt(
        { ...base, id: 'urn:uuid:b', issuer: 'https://elsewhere.example/issuer' },
        key,
      ),
    );
    expect(codes(other.body.errors)).toEqual(['ISSUER_MISMATCH']);
    const unknown = await verify(
      await signCredentialJwt(
        { ...base, id: 'urn:uuid:c', issuer: 'https://eod.example/issuer' },
        { ...key, kid: 'nobody' },
      ),
    );
    expect(unknown.body).toMatchObject({ verified: false, trustedIssuer: false });
    expect(codes(unknown.body.errors)).toEqual(['UNKNOWN_KEY']);
  });

  it('never fetches a status list from a host the issuer did not list', async () => {
    const { credential } = trusted.unsigned();
    const status = credential.credentialStatus as Json;
    const moved = {
      ...credential,
      credentialStatus: {
        ...status,
        statusListCredential: elsewhere.listUrl,
        id: `${elsewhere.listUrl}#1`,
      },
    };
    const res = await verify(await trusted.signDataIntegrity(moved));
    expect(res.body).toMatchObject({ verified: false, trustedIssuer: true, status: 'unknown' });
    expect(codes(res.body.errors)).toEqual(['STATUS_HOST_NOT_ALLOWED']);
    expect(elsewhere.requests).toEqual([]);
  });

  it.each([
    ['no verifiableCredential', { options: {} }],
    ['a number', { verifiableCredential: 42 }],
    ['an array', { verifiableCredential: [{}] }],
    ['an unknown field', { verifiableCredential: 'x', extra: true }],
    ['options that are not an object', { verifiableCredential: 'x', options: 'all' }],
  ])('refuses a request with %s: 400', async (_case, body) => {
    expectError(await t.http.post('/credentials/verify').send(body), 400);
  });

  it('is rate-limited per address like POST /verify: 429 with Retry-After', async () => {
    const limited = await startPeerApp(t, { verifyRateLimitPerMinute: 2 });
    try {
      const statuses: number[] = [];
      for (let i = 0; i < 3; i += 1)
        statuses.push(
          (await limited.http.post('/credentials/verify').send({ verifiableCredential: own.jwt }))
            .status,
        );
      expect(statuses).toEqual([200, 200, 429]);
      const vp = await limited.http.post('/presentations/verify').send({
        verifiablePresentation: {
          type: ['VerifiablePresentation'],
          verifiableCredential: [own.jwt],
        },
      });
      expectError(vp, 429, 'RATE_LIMITED');
      expect(vp.headers['retry-after']).toBeDefined();
    } finally {
      await limited.close();
    }
  });

  it('answers what is not a credential with verified false, not an error', async () => {
    for (const input of [
      'not.a.jwt',
      { hello: 'world' },
      { ...own.dataIntegrity, '@context': ['https://evil.example/ctx'] },
    ]) {
      const res = await verify(input);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ verified: false, trustedIssuer: false });
      expect(res.body.errors.length).toBeGreaterThan(0);
    }
  });

  describe('presentations', () => {
    const holderSuite = () =>
      new DataIntegrityProof({
        cryptosuite,
        signer: {
          id: trusted.key.didKey.verificationMethod,
          algorithm: 'Ed25519',
          sign: ({ data }) => Promise.resolve(sign(null, data, trusted.key.privateKey)),
        },
      });
    const presentation = (credentials: unknown[]) => ({
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      type: ['VerifiablePresentation'],
      holder: trusted.did,
      verifiableCredential: credentials,
    });
    const verifyVp = (verifiablePresentation: unknown, options?: object) =>
      t.http
        .post('/presentations/verify')
        .send({ verifiablePresentation, ...(options ? { options } : {}) });

    it('verifies a signed presentation bound to the challenge, and each credential in it', async () => {
      const credential = await trusted.signDataIntegrity(trusted.unsigned().credential);
      const signed = await vc.signPresentation({
        presentation: presentation([credential]),
        suite: holderSuite(),
        documentLoader: offlineDocumentLoader,
        challenge: 'c0ffee-42',
        domain: 'coe.test',
      });
      const res = await verifyVp(signed, { challenge: 'c0ffee-42', domain: 'coe.test' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        verified: true,
        presentationResult: { verified: true, holder: trusted.did },
        credentialResults: [{ verified: true, trustedIssuer: true }],
        errors: [],
      });
      const replayed = await verifyVp(signed, { challenge: 'another', domain: 'coe.test' });
      expect(replayed.body).toMatchObject({
        verified: false,
        presentationResult: { verified: false },
      });
      expect(codes((await verifyVp(signed)).body.errors)).toEqual(['CHALLENGE_REQUIRED']);
    });

    it('reads an unsigned presentation with a warning, an enveloped vc+jwt included', async () => {
      const jwt = await trusted.signJwt(trusted.unsigned().credential);
      const res = await verifyVp(
        presentation([
          {
            '@context': ['https://www.w3.org/ns/credentials/v2'],
            type: 'EnvelopedVerifiableCredential',
            id: `data:application/vc+jwt,${jwt}`,
          },
          // Revoked by the first test.
          own.dataIntegrity,
        ]),
      );
      expect(res.body).toMatchObject({
        presentationResult: { verified: false },
        credentialResults: [
          { verified: true, format: 'vc+jwt' },
          { verified: false, status: 'revoked' },
        ],
        verified: false,
      });
      expect(codes(res.body.warnings)).toEqual(['PRESENTATION_NOT_SIGNED']);
      expect(codes(res.body.errors)).toEqual(['CREDENTIAL_NOT_VERIFIED']);
    });

    it('refuses what is not a presentation (400) and more than 20 credentials (400)', async () => {
      expectError(
        await t.http.post('/presentations/verify').send({ verifiablePresentation: 'vp' }),
        400,
      );
      expectError(
        await verifyVp(presentation(Array.from({ length: 21 }, () => own.jwt))),
        400,
        'TOO_MANY',
      );
      const empty = await verifyVp(presentation([]));
      expect(empty.body).toMatchObject({ verified: false });
      expect(codes(empty.body.errors)).toEqual(['NO_CREDENTIALS']);
    });
  });
});
