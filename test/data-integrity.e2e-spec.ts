import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import * as vc from '@digitalbazaar/vc';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { verifyCredential as standardVerify } from '@digitalcredentials/verifier-core';
import { createRemoteJWKSet, jwtVerify, type JWK } from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import { Certificate } from '../src/certifications/certificate.entity.js';
import { CredentialsService } from '../src/credentials/credentials.service.js';
import { signDataIntegrity } from '../src/credentials/data-integrity.js';
import { didKeyOf } from '../src/credentials/did-key.js';
import { offlineDocumentLoader, type DocumentLoader } from '../src/credentials/document-loader.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  completedSessionWithInstructor,
  makeCourse,
  makePassedEnrolment,
  makeTrainee,
} from './fixtures.js';

type Json = Record<string, unknown>;

/** The 1EdTech JSON schema verifier-core looks up for Open Badges; the only address allowed to fail. */
const OB_SCHEMA_PREFIX = 'https://purl.imsglobal.org/spec/ob/v3p0/schema/';

describe('Open Badges 3.0 credentials with Data Integrity proofs', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  let auditor: SignedInUser;
  const realFetch = globalThis.fetch;
  const refused: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
    // Offline: the verifiers may reach the running app on loopback and nothing else. Anything
    // else fails at once (verifier-core's schema lookup among them) and is recorded.
    globalThis.fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.startsWith(`${t.baseUrl}/`)) return realFetch(input, init);
      refused.push(url);
      return Promise.reject(new TypeError(`offline test: ${url}`));
    };
  });

  afterAll(async () => {
    globalThis.fetch = realFetch;
    await t.close();
  });

  async function issuedCertificate(courseInit: Parameters<typeof makeCourse>[1] = {}) {
    const { course, session, instructorUser } = await completedSessionWithInstructor(t, {
      imasReferences: ['IMAS 09.30', 'IMAS 10.40'],
      ...courseInit,
    });
    const trainee = await makeTrainee(t.db, {
      givenName: 'Aynur',
      familyName: `Məmmədova-${Math.random().toString(36).slice(2, 7)}`,
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
      credential: body.credential as Json,
      dataIntegrity: body.dataIntegrity as Json,
    };
  }

  /** What the Learner Credential Wallet's verifier says, read from its log. */
  async function verifierCore(credential: Json) {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const quieter = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    try {
      const result = await standardVerify({
        credential: credential as never,
        knownDIDRegistries: [],
      });
      const step = (id: string) => result.log?.find((e) => e.id === id);
      return {
        errors: (result.errors ?? []).map((e) => e.name),
        validSignature: step('valid_signature')?.valid ?? false,
        notExpired: step('expiration')?.valid,
        notRevoked: step('revocation_status')?.valid,
        notSuspended: step('suspension_status')?.valid,
      };
    } finally {
      quiet.mockRestore();
      quieter.mockRestore();
    }
  }

  /** Digital Bazaar's reference library with our offline loader, status lists over loopback. */
  const loopbackLoader: DocumentLoader = async (url) => {
    if (url.startsWith(`${t.baseUrl}/credentials/status/`)) {
      const res = await fetch(url);
      if (!res.ok) throw new Error(`status list ${url}: ${res.status}`);
      return { contextUrl: null, documentUrl: url, document: await res.json() };
    }
    return offlineDocumentLoader(url);
  };
  async function digitalBazaar(credential: Json, now?: Date) {
    const result = await vc.verifyCredential({
      credential,
      suite: new DataIntegrityProof({ cryptosuite }),
      documentLoader: loopbackLoader,
      checkStatus: (options) => checkStatus({ ...options, documentLoader: loopbackLoader }),
      now,
    });
    const bit = (purpose: string) =>
      result.statusResult?.results?.find(
        (r) => (r.credentialStatus as { statusPurpose: string }).statusPurpose === purpose,
      )?.status;
    return {
      verified: result.verified,
      error: result.error?.message ?? null,
      revoked: bit('revocation'),
      suspended: bit('suspension'),
    };
  }

  const postVerify = async (credential: unknown) => {
    const res = await t.http.post('/verify').send({ credential });
    expect(res.status).toBe(200);
    return res.body as Json;
  };
  const change = (id: string, action: string, reason = 'qa_finding') =>
    t.http
      .post(`/api/v1/certificates/${id}/${action}`)
      .set(admin.auth)
      .send({ reason })
      .expect(201);

  it('issues an Open Badges 3.0 credential signed by the did:key of the JWT signing key', async () => {
    const cert = await issuedCertificate({ code: 'EOD-1', title: 'EOD Level 1' });
    const di = cert.dataIntegrity;
    expect(di['@context']).toEqual([
      'https://www.w3.org/ns/credentials/v2',
      'https://purl.imsglobal.org/spec/ob/v3p0/context-3.0.3.json',
    ]);
    expect(di).toMatchObject({
      id: `${t.baseUrl}/verify/${cert.serial}`,
      type: ['VerifiableCredential', 'OpenBadgeCredential'],
      issuer: {
        id: expect.stringMatching(/^did:key:z6Mk/),
        type: ['Profile'],
        name: 'Mine Action Center of Excellence',
        url: t.baseUrl,
      },
      validFrom: cert.credential.validFrom,
      validUntil: cert.credential.validUntil,
      credentialSubject: {
        type: ['AchievementSubject'],
        achievement: {
          type: ['Achievement'],
          name: 'EOD Level 1',
          description: expect.any(String),
          criteria: { narrative: expect.any(String) },
          alignment: [
            expect.objectContaining({ targetName: 'IMAS 09.30' }),
            expect.objectContaining({ targetName: 'IMAS 10.40' }),
          ],
        },
      },
      proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' }],
    });
    expect(di.credentialSubject).toEqual(cert.credential.credentialSubject);
    expect(JSON.stringify(di)).not.toMatch(/dateOfBirth|1995-04-12|@coe\.test/);

    // One key, two names: the did:key and the JWT's kid are the same Ed25519 public key.
    const [header] = cert.jwt.split('.');
    const { kid } = JSON.parse(Buffer.from(header, 'base64url').toString()) as { kid: string };
    const jwks = (await t.http.get('/.well-known/jwks.json')).body as {
      keys: (JWK & { kid: string })[];
    };
    const jwk = jwks.keys.find((k) => k.kid === kid)!;
    const didKey = await didKeyOf(jwk);
    expect((di.issuer as Json).id).toBe(didKey.did);
    expect((di.proof as Json[])[0].verificationMethod).toBe(didKey.verificationMethod);
    const issuerProfile = (await t.http.get('/issuer')).body as Json;
    expect(issuerProfile.signingKeys).toEqual([
      expect.objectContaining({ kid, did: didKey.did, status: 'active' }),
    ]);

    // Its one status entry points at the list the same key signs, with the JWT form's position.
    const jwtStatus = cert.credential.credentialStatus as Json;
    const diStatus = di.credentialStatus as Json;
    expect(diStatus.statusPurpose).toBe('suspension');
    expect(diStatus.statusListIndex).toBe(jwtStatus.statusListIndex);
    expect(diStatus.statusListCredential).toBe(
      `${jwtStatus.statusListCredential as string}/${didKey.fingerprint}`,
    );

    // Stored when first asked for: asked again, the very same credential.
    const again = await t.http.get(`/api/v1/certificates/${cert.id}/credential`).set(admin.auth);
    expect(again.body.dataIntegrity).toEqual(di);
  });

  it('verifies with verifier-core and @digitalbazaar/vc offline, and POST /verify agrees', async () => {
    const cert = await issuedCertificate();
    expect(await verifierCore(cert.dataIntegrity)).toEqual({
      errors: [],
      validSignature: true,
      notExpired: true,
      // One entry, of purpose suspension, set while suspended or revoked: no revocation step.
      notRevoked: undefined,
      notSuspended: true,
    });
    expect(await digitalBazaar(cert.dataIntegrity)).toEqual({
      verified: true,
      error: null,
      revoked: undefined,
      suspended: false,
    });
    expect(await postVerify(cert.dataIntegrity)).toMatchObject({
      format: 'data-integrity',
      signatureValid: true,
      valid: true,
      status: 'active',
      serial: cert.serial,
      holder: `A. ${cert.trainee.familyName}`,
      checks: { signature: 'valid', dates: 'valid', status: 'active' },
    });
    // The JWT form of the same certificate is unaffected.
    expect(await postVerify(cert.jwt)).toMatchObject({
      format: 'vc+jwt',
      signatureValid: true,
      valid: true,
    });
  });

  it('one changed field makes the signature invalid for every verifier', async () => {
    const cert = await issuedCertificate();
    const changes: ((c: Json) => void)[] = [
      (c) => ((c.credentialSubject as Json).name = 'Someone Else'),
      (c) => (c.validUntil = '2099-12-31T23:59:59Z'),
      (c) => ((c.issuer as Json).name = 'Another Center'),
      (c) => ((c.credentialSubject as { achievement: Json }).achievement.name = 'EOD Level 3'),
    ];
    for (const mutate of changes) {
      const tampered = structuredClone(cert.dataIntegrity);
      mutate(tampered);
      expect((await verifierCore(tampered)).errors).toEqual(['invalid_signature']);
      expect((await digitalBazaar(tampered)).verified).toBe(false);
      expect(await postVerify(tampered)).toMatchObject({
        signatureValid: false,
        valid: false,
        status: 'invalid',
        checks: { signature: 'bad_signature' },
      });
    }
  });

  it('past its validUntil it is expired for every verifier, with a valid signature', async () => {
    const cert = await issuedCertificate();
    const row = await t.db.getRepository(Certificate).findOneByOrFail({ id: cert.id });
    const expired = await t.app.get(CredentialsService).signDataIntegrity(
      {
        ...cert.credential,
        validFrom: '2020-01-15T10:00:00.000Z',
        validUntil: '2022-01-15T23:59:59Z',
      },
      { listNumber: row.statusListNumber, index: row.statusListIndex },
    );
    expect(await verifierCore(expired)).toMatchObject({
      errors: [],
      validSignature: true,
      notExpired: false,
    });
    const now = await digitalBazaar(expired);
    expect(now.verified).toBe(false);
    expect(now.error).toMatch(/validUntil/);
    // The same library accepts it as of a day it was valid: only the date is wrong.
    expect((await digitalBazaar(expired, new Date('2021-06-01T00:00:00Z'))).verified).toBe(true);
    expect(await postVerify(expired)).toMatchObject({
      signatureValid: true,
      valid: false,
      status: 'expired',
      checks: { signature: 'valid', dates: 'expired' },
    });
  });

  it('suspension, reinstatement and revocation reach wallets through the status lists', async () => {
    const cert = await issuedCertificate();
    const di = cert.dataIntegrity;

    await change(cert.id, 'suspend', 'medical_unfit');
    expect(await verifierCore(di)).toMatchObject({
      errors: [],
      validSignature: true,
      notSuspended: false,
    });
    expect(await digitalBazaar(di)).toMatchObject({
      verified: true,
      suspended: true,
    });
    expect(await postVerify(di)).toMatchObject({
      signatureValid: true,
      valid: false,
      status: 'suspended',
    });

    await change(cert.id, 'reinstate');
    expect(await verifierCore(di)).toMatchObject({ notSuspended: true });
    expect(await postVerify(di)).toMatchObject({ valid: true, status: 'active' });

    // A revocation sets the same bit (never cleared again): not valid for any verifier.
    await change(cert.id, 'revoke', 'fraud_or_misconduct');
    expect(await verifierCore(di)).toMatchObject({
      errors: [],
      validSignature: true,
      notSuspended: false,
    });
    expect(await digitalBazaar(di)).toMatchObject({
      verified: true,
      suspended: true,
    });
    expect(await postVerify(di)).toMatchObject({
      signatureValid: true,
      valid: false,
      status: 'revoked',
    });
    // The JWT form's list (a vc+jwt by {base}/issuer) carries the same bit.
    const entry = cert.credential.credentialStatus as Json;
    const listJwt = await (
      await fetch(entry.statusListCredential as string, {
        headers: { Accept: 'application/vc+jwt' },
      })
    ).text();
    const { payload } = await jwtVerify(
      listJwt,
      createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`)),
      { typ: 'vc+jwt' },
    );
    expect(payload.iss).toBe(`${t.baseUrl}/issuer`);
    const diList = (await (
      await fetch((di.credentialStatus as Json).statusListCredential as string)
    ).json()) as { credentialSubject: Json; issuer: Json };
    expect(diList.credentialSubject.encodedList).toBe(
      (payload.credentialSubject as Json).encodedList,
    );
    expect(diList.issuer.id).toBe((di.issuer as Json).id);
  });

  it('issues with the vc+jwt only; a bulk-issued certificate gets its Data Integrity form on first request', async () => {
    const { session, instructorUser } = await completedSessionWithInstructor(t, {
      imasReferences: ['IMAS 09.30'],
    });
    for (let i = 0; i < 3; i++) {
      await makePassedEnrolment(t.db, session.id, (await makeTrainee(t.db)).id);
    }
    const res = await t.http
      .post(`/api/v1/sessions/${session.id}/certificates`)
      .set(instructorUser.auth);
    expect(res.status).toBe(201);
    const ids = (res.body.issued as { id: string }[]).map((c) => c.id);
    expect(ids).toHaveLength(3);
    const stored = async () =>
      (await t.db.query(
        `SELECT id, credential_jwt <> '' AS signed, credential_data_integrity AS di
           FROM certificates WHERE id = ANY($1)`,
        [ids],
      )) as { id: string; signed: boolean; di: Json | null }[];
    expect(await stored()).toEqual(
      expect.arrayContaining(ids.map((id) => ({ id, signed: true, di: null }))),
    );

    const first = await t.http.get(`/api/v1/certificates/${ids[1]}/credential`).set(admin.auth);
    expect(first.status).toBe(200);
    const di = first.body.dataIntegrity as Json;
    expect(di).toMatchObject({
      id: first.body.credential.id,
      credentialSubject: first.body.credential.credentialSubject,
      proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' }],
    });
    expect(await verifierCore(di)).toMatchObject({ errors: [], validSignature: true });
    expect(await postVerify(di)).toMatchObject({ valid: true });
    const after = await stored();
    expect(after.find((r) => r.id === ids[1])!.di).toEqual(di);
    expect(after.filter((r) => r.di === null).map((r) => r.id)).toHaveLength(2);
  });

  it('signs lazily, once, even when the first requests race', async () => {
    const cert = await issuedCertificate();
    await t.db.query('UPDATE certificates SET credential_data_integrity = NULL WHERE id = $1', [
      cert.id,
    ]);
    const holder = await createUser(t, ['trainee'], { traineeId: cert.trainee.id });
    const [a, b] = await Promise.all([
      t.http.get(`/api/v1/certificates/${cert.id}/credential`).set(holder.auth),
      t.http.get(`/api/v1/certificates/${cert.id}/credential.json`).set(holder.auth),
    ]);
    expect(a.status).toBe(200);
    expect(b.status).toBe(200);
    expect(b.headers['content-disposition']).toBe(`attachment; filename="${cert.serial}.json"`);
    expect(b.headers['content-type']).toContain('application/json');
    expect(JSON.parse(b.text)).toEqual(a.body.dataIntegrity);
    const [stored] = (await t.db.query(
      'SELECT credential_data_integrity AS di FROM certificates WHERE id = $1',
      [cert.id],
    )) as { di: Json }[];
    expect(stored.di).toEqual(a.body.dataIntegrity);
    expect(await verifierCore(stored.di)).toMatchObject({ errors: [], validSignature: true });

    // Same access as the certificate: not another trainee's, not without signing in.
    const stranger = await createUser(t, ['trainee'], {
      traineeId: (await makeTrainee(t.db)).id,
    });
    expectError(
      await t.http.get(`/api/v1/certificates/${cert.id}/credential.json`).set(stranger.auth),
      403,
    );
    expectError(await t.http.get(`/api/v1/certificates/${cert.id}/credential.json`), 401);
  });

  it('rotation: a new did:key signs, credentials of the old key keep verifying in both forms', async () => {
    const before = await issuedCertificate();
    expectError(await t.http.post('/api/v1/signing-keys/rotate').set(auditor.auth), 403);
    const rotated = await t.http.post('/api/v1/signing-keys/rotate').set(admin.auth);
    expect(rotated.status).toBe(201);
    expect(rotated.body).toMatchObject({
      status: 'active',
      did: expect.stringMatching(/^did:key:/),
    });
    const after = await issuedCertificate();
    const oldDid = (before.dataIntegrity.issuer as Json).id;
    const newDid = (after.dataIntegrity.issuer as Json).id;
    expect(newDid).toBe(rotated.body.did);
    expect(newDid).not.toBe(oldDid);

    const keys = await t.http.get('/api/v1/signing-keys').set(auditor.auth);
    expect(keys.status).toBe(200);
    expect(keys.body.nextCursor).toBeNull();
    expect(keys.body.items.map((k: Json) => [k.did, k.status])).toEqual(
      expect.arrayContaining([
        [newDid, 'active'],
        [oldDid, 'retired'],
      ]),
    );
    for (const key of keys.body.items as Json[]) {
      expect(Object.keys(key).sort()).toEqual(
        ['createdAt', 'did', 'id', 'kid', 'retiredAt', 'status'].sort(),
      );
    }
    const issuerProfile = (await t.http.get('/issuer')).body as { otherIdentifier: Json[] };
    expect(issuerProfile.otherIdentifier.map((i) => i.identifier)).toEqual(
      expect.arrayContaining([newDid, oldDid]),
    );

    for (const cert of [before, after]) {
      expect(await verifierCore(cert.dataIntegrity)).toMatchObject({
        errors: [],
        validSignature: true,
        notSuspended: true,
      });
      expect((await digitalBazaar(cert.dataIntegrity)).verified).toBe(true);
      expect(await postVerify(cert.dataIntegrity)).toMatchObject({ valid: true });
      expect(await postVerify(cert.jwt)).toMatchObject({ valid: true });
    }
    // A revocation of a credential signed before the rotation still reaches the wallet: the
    // retired key's list says so, issued by the retired key's DID.
    await change(before.id, 'revoke', 'issued_in_error');
    expect(await verifierCore(before.dataIntegrity)).toMatchObject({
      validSignature: true,
      notSuspended: false,
    });
    expect(await digitalBazaar(before.dataIntegrity)).toMatchObject({
      verified: true,
      suspended: true,
    });
    expect(await postVerify(before.dataIntegrity)).toMatchObject({
      signatureValid: true,
      valid: false,
      status: 'revoked',
    });
    // The plain list URL is the vc+jwt credentials' list, by their issuer, whatever is asked.
    const plain = await (
      await fetch(`${t.baseUrl}/credentials/status/suspended-or-revoked-1`, {
        headers: { Accept: 'application/json' },
      })
    ).text();
    const { payload } = await jwtVerify(
      plain,
      createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`)),
      { typ: 'vc+jwt' },
    );
    expect(payload.iss).toBe(`${t.baseUrl}/issuer`);
  });

  it('refuses what is not a credential of the Center: 200 with signatureValid false', async () => {
    const cert = await issuedCertificate();
    // A perfectly signed credential, but by a stranger's key claiming to be us.
    const { publicKey, privateKey } = generateKeyPairSync('ed25519');
    const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
    const stranger = await didKeyOf(publicJwk);
    const { proof: _proof, ...unsigned } = cert.dataIntegrity;
    const forged = await signDataIntegrity(
      { ...unsigned, issuer: { ...(unsigned.issuer as Json), id: stranger.did } },
      { kid: 'stranger', privateKey, publicJwk, didKey: stranger },
    );
    expect(await verifierCore(forged)).toMatchObject({ validSignature: true });
    expect(await postVerify(forged)).toMatchObject({
      signatureValid: false,
      valid: false,
      checks: { signature: 'unknown_key' },
    });
    // Our proof, but the issuer swapped for someone else.
    expect(
      await postVerify({ ...cert.dataIntegrity, issuer: { id: stranger.did, type: ['Profile'] } }),
    ).toMatchObject({ signatureValid: false, checks: { signature: 'issuer_mismatch' } });

    const proofOne = (cert.dataIntegrity.proof as Json[])[0];
    const deep: Json = {};
    let cursor = deep;
    for (let i = 0; i < 50; i += 1) cursor = (cursor.nested = {}) as Json;
    for (const bad of [
      {},
      { '@context': 5 },
      unsigned,
      { ...cert.dataIntegrity, '@context': ['https://example.org/evil-context.jsonld'] },
      { ...cert.dataIntegrity, proof: [...(cert.dataIntegrity.proof as Json[])].concat(proofOne) },
      { ...cert.dataIntegrity, proof: [] },
      { ...cert.dataIntegrity, proof: [{ ...proofOne, cryptosuite: 'none' }] },
      { ...cert.dataIntegrity, proof: { ...proofOne, cryptosuite: 'none' } },
      { ...cert.dataIntegrity, credentialSubject: { '@context': { x: 'https://x.test/' }, x: 1 } },
      { ...cert.dataIntegrity, deep },
      { ...cert.dataIntegrity, credentialSubject: 'not an object' },
    ]) {
      expect(await postVerify(bad)).toMatchObject({
        signatureValid: false,
        valid: false,
        status: 'invalid',
      });
    }
    expectError(await t.http.post('/verify').send({ credential: [cert.dataIntegrity] }), 400);
  });

  it('publishes the status lists in both forms, and only for known keys and lists', async () => {
    const cert = await issuedCertificate();
    const entry = cert.dataIntegrity.credentialStatus as Json;
    const res = await t.http.get(new URL(entry.statusListCredential as string).pathname);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      id: entry.statusListCredential,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: { id: (cert.dataIntegrity.issuer as Json).id },
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'suspension' },
      proof: [{ type: 'DataIntegrityProof', cryptosuite: 'eddsa-rdfc-2022' }],
    });
    const path = new URL(entry.statusListCredential as string).pathname;
    const listPath = path.slice(0, path.lastIndexOf('/'));
    expectError(await t.http.get(`${listPath}/z6MkUnknownKey`), 404);
    expectError(await t.http.get('/credentials/status/revocation-999/z6MkUnknownKey'), 404);
    expectError(await t.http.get('/credentials/status/nonsense/z6MkUnknownKey'), 404);
    const jwt = await t.http.get(listPath).set('Accept', 'application/vc+jwt');
    expect(jwt.headers['content-type']).toContain('application/vc+jwt');
    expect((await t.http.get(listPath)).headers['content-type']).toContain('application/vc+jwt');
  });

  it('did all of this without the network', () => {
    expect(refused.length).toBeGreaterThan(0);
    expect(refused.filter((url) => !url.startsWith(OB_SCHEMA_PREFIX))).toEqual([]);
  });
});
