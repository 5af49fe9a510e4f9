import { afterAll, afterEach, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { DataIntegrityProof } from '@digitalbazaar/data-integrity';
import { cryptosuite } from '@digitalbazaar/eddsa-rdfc-2022-cryptosuite';
import { checkStatus } from '@digitalbazaar/vc-bitstring-status-list';
import { checkStatus as dccCheckStatus } from '@digitalcredentials/vc-bitstring-status-list';
import { verifyCredential as verifierCoreVerify } from '@digitalcredentials/verifier-core';
import {
  createLocalJWKSet,
  decodeJwt,
  decodeProtectedHeader,
  jwtVerify,
  type JSONWebKeySet,
} from 'jose';
import { readFileSync } from 'node:fs';
import { gzipSync } from 'node:zlib';
import { signDataIntegrity } from '../src/credentials/data-integrity.js';
import { offlineDocumentLoader, type DocumentLoader } from '../src/credentials/document-loader.js';
import { SigningKeysService } from '../src/credentials/signing-keys.service.js';
import { signCredentialJwt } from '../src/credentials/vc-jwt.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { completedSessionWithInstructor, makePassedEnrolment, makeTrainee } from './fixtures.js';

type Json = Record<string, unknown>;

/** Where verifier-core looks for the Open Badges 3.0 schema: served from our copy, offline. */
const OB_SCHEMA_URL =
  'https://purl.imsglobal.org/spec/ob/v3p0/schema/json/ob_v3p0_achievementcredential_schema.json';
const OB_SCHEMA = readFileSync(
  new URL('./fixtures/ob3/achievementcredential.json', import.meta.url),
  'utf8',
);

/** Everything Date can be faked for, but Date: the app's timers and I/O keep running. */
const ALL_BUT_DATE = [
  'hrtime',
  'nextTick',
  'performance',
  'queueMicrotask',
  'requestAnimationFrame',
  'cancelAnimationFrame',
  'requestIdleCallback',
  'cancelIdleCallback',
  'setImmediate',
  'clearImmediate',
  'setInterval',
  'clearInterval',
  'setTimeout',
  'clearTimeout',
] as const;

describe('Bitstring Status Lists: one entry per credential, each form from its own issuer', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  const realFetch = globalThis.fetch;
  const refused: string[] = [];

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
    globalThis.fetch = (input, init) => {
      const url = input instanceof Request ? input.url : String(input);
      if (url.startsWith(`${t.baseUrl}/`)) return realFetch(input, init);
      if (url === OB_SCHEMA_URL) {
        return Promise.resolve(
          new Response(OB_SCHEMA, { headers: { 'Content-Type': 'application/json' } }),
        );
      }
      refused.push(url);
      return Promise.reject(new TypeError(`offline test: ${url}`));
    };
  });
  afterEach(() => {
    jest.useRealTimers();
  });
  afterAll(async () => {
    globalThis.fetch = realFetch;
    await t.close();
  });

  async function issued() {
    const { session, instructorUser } = await completedSessionWithInstructor(t, {
      imasReferences: ['IMAS 09.30'],
    });
    const trainee = await makeTrainee(t.db, { email: 'deminer@example.org' });
    const enrolment = await makePassedEnrolment(t.db, session.id, trainee.id);
    const res = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(instructorUser.auth);
    expect(res.status).toBe(201);
    const { id, serial } = res.body as { id: string; serial: string };
    const { body } = await t.http.get(`/api/v1/certificates/${id}/credential`).set(admin.auth);
    return {
      id,
      serial,
      jwt: body.jwt as string,
      claims: body.credential as Json,
      dataIntegrity: body.dataIntegrity as Json,
    };
  }
  const change = (id: string, action: string, reason = 'qa_finding') =>
    t.http
      .post(`/api/v1/certificates/${id}/${action}`)
      .set(admin.auth)
      .send({ reason })
      .expect(201);
  const pathOf = (url: string) => new URL(url).pathname;
  const entryOf = (credential: Json) => credential.credentialStatus as Json;
  const jwks = async () =>
    createLocalJWKSet((await t.http.get('/.well-known/jwks.json')).body as JSONWebKeySet);

  /**
   * Digital Bazaar's checkStatus on the vc+jwt form. The library verifies Data Integrity proofs
   * only, so the loader checks the list's JOSE signature itself (jose, typ vc+jwt, the issuer's
   * keys) and hands over the verified claims; the library still checks that the list's issuer
   * is the credential's, its purpose, type and bit.
   */
  async function digitalBazaarJwt(claims: Json) {
    const keys = await jwks();
    const documentLoader: DocumentLoader = async (url) => {
      const res = await fetch(url, { headers: { Accept: 'application/vc+jwt' } });
      if (!res.ok) throw new Error(`status list ${url}: ${res.status}`);
      const { payload } = await jwtVerify(await res.text(), keys, { typ: 'vc+jwt' });
      return { contextUrl: null, documentUrl: url, document: payload };
    };
    return summary(
      await checkStatus({
        credential: claims,
        documentLoader,
        verifyBitstringStatusListCredential: false,
      }),
    );
  }
  /** Digital Bazaar's checkStatus on the Data Integrity form: the list's proof verified too. */
  async function digitalBazaarDataIntegrity(credential: Json) {
    const documentLoader: DocumentLoader = async (url) => {
      if (!url.startsWith(`${t.baseUrl}/credentials/status/`)) return offlineDocumentLoader(url);
      const res = await fetch(url);
      if (!res.ok) throw new Error(`status list ${url}: ${res.status}`);
      return { contextUrl: null, documentUrl: url, document: await res.json() };
    };
    return summary(
      await checkStatus({
        credential,
        documentLoader,
        suite: new DataIntegrityProof({ cryptosuite }),
      }),
    );
  }
  function summary(result: Awaited<ReturnType<typeof checkStatus>>) {
    return {
      verified: result.verified,
      error: result.error?.message ?? null,
      statuses: (result.results ?? []).map((r) => ({
        purpose: (r.credentialStatus as { statusPurpose: string }).statusPurpose,
        set: r.status,
      })),
    };
  }
  /** The Learner Credential Wallet's verifier, as its log reports the credential. */
  async function verifierCore(credential: Json) {
    const quiet = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const quieter = jest.spyOn(console, 'log').mockImplementation(() => undefined);
    // Its Ajv (not in strict: false) warns about the 1EdTech schema's @context tuple.
    const quietest = jest.spyOn(console, 'warn').mockImplementation(() => undefined);
    try {
      const result = await verifierCoreVerify({
        credential: credential as never,
        knownDIDRegistries: [],
      });
      const step = (id: string) => result.log?.find((e) => e.id === id);
      const schema = (
        result as unknown as { additionalInformation?: { id: string; results?: unknown }[] }
      ).additionalInformation?.find((e) => e.id === 'schema_check')?.results;
      return {
        errors: (result.errors ?? []).map((e) => e.name),
        validSignature: step('valid_signature')?.valid ?? false,
        notRevoked: step('revocation_status')?.valid,
        notSuspended: step('suspension_status')?.valid,
        schemaValid: Array.isArray(schema)
          ? (schema as { result: { valid: boolean } }[]).every((s) => s.result.valid)
          : schema,
      };
    } finally {
      quiet.mockRestore();
      quieter.mockRestore();
      quietest.mockRestore();
    }
  }

  it('one status entry, in the list whose bit means suspended or revoked', async () => {
    const cert = await issued();
    const fingerprint = ((cert.dataIntegrity.issuer as Json).id as string).slice('did:key:'.length);
    const jwtEntry = entryOf(cert.claims);
    const listUrl = `${t.baseUrl}/credentials/status/suspended-or-revoked-1`;
    expect(jwtEntry).toEqual({
      id: `${listUrl}#${jwtEntry.statusListIndex as string}`,
      type: 'BitstringStatusListEntry',
      statusPurpose: 'suspension',
      statusListIndex: expect.stringMatching(/^\d+$/),
      statusListCredential: listUrl,
    });
    expect(entryOf(cert.dataIntegrity)).toEqual({
      ...jwtEntry,
      id: `${listUrl}/${fingerprint}#${jwtEntry.statusListIndex as string}`,
      statusListCredential: `${listUrl}/${fingerprint}`,
    });
  });

  it('the vc+jwt list is a vc+jwt by {base}/issuer, whatever the Accept header, with ttl', async () => {
    const cert = await issued();
    const url = entryOf(cert.claims).statusListCredential as string;
    const asked = await Promise.all(
      ['application/vc+jwt', 'application/json', 'application/ld+json', '*/*'].map((accept) =>
        t.http.get(pathOf(url)).set('Accept', accept).buffer(true),
      ),
    );
    const token = asked[0].text;
    for (const res of asked) {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toContain('application/vc+jwt');
      expect(res.text).toBe(token);
    }
    expect(decodeProtectedHeader(token)).toEqual({
      alg: 'EdDSA',
      typ: 'vc+jwt',
      kid: (decodeProtectedHeader(cert.jwt) as { kid: string }).kid,
    });
    const { payload } = await jwtVerify(token, await jwks(), {
      typ: 'vc+jwt',
      issuer: `${t.baseUrl}/issuer`,
    });
    expect(payload).toMatchObject({
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: { id: `${t.baseUrl}/issuer` },
      credentialSubject: { type: 'BitstringStatusList', statusPurpose: 'suspension', ttl: 60_000 },
    });
    expect(payload.iat).toBe(Date.parse(payload.validFrom as string) / 1000);
    expect(payload.nbf).toBe(payload.iat);
  });

  it('signed once per content: a minute later the same token; a suspension changes it', async () => {
    const cert = await issued();
    const jwtPath = pathOf(entryOf(cert.claims).statusListCredential as string);
    const diPath = pathOf(entryOf(cert.dataIntegrity).statusListCredential as string);
    const fetchBoth = async () => {
      const [jwt, di] = await Promise.all([
        t.http.get(jwtPath).buffer(true),
        t.http.get(diPath).buffer(true),
      ]);
      return {
        token: jwt.text,
        jwtEtag: jwt.headers.etag,
        lastModified: jwt.headers['last-modified'],
        di: di.text,
        diEtag: di.headers.etag,
      };
    };
    // A minute later (the app reads the same clock) the same list: nothing changed, nothing is
    // re-signed. Changes are made on the real clock, so no list is left signed in the future.
    const aMinuteLater = () =>
      jest.useFakeTimers({ doNotFake: [...ALL_BUT_DATE], now: Date.now() + 61_000 });
    const first = await fetchBoth();
    aMinuteLater();
    expect(await fetchBoth()).toEqual(first);
    jest.useRealTimers();

    await change(cert.id, 'suspend');
    const suspended = await fetchBoth();
    expect(suspended.token).not.toBe(first.token);
    expect(suspended.jwtEtag).not.toBe(first.jwtEtag);
    expect(suspended.di).not.toBe(first.di);
    expect(suspended.diEtag).not.toBe(first.diEtag);
    const iat = decodeJwt(suspended.token).iat!;
    expect(iat).toBeGreaterThan(decodeJwt(first.token).iat!);
    // Signed when the change was first seen.
    expect(Math.abs(iat * 1000 - Date.now())).toBeLessThan(5_000);
    expect(Date.parse(suspended.lastModified)).toBe(iat * 1000);
    aMinuteLater();
    expect(await fetchBoth()).toEqual(suspended);
    jest.useRealTimers();

    await change(cert.id, 'reinstate');
    const reinstated = await fetchBoth();
    expect(reinstated.token).not.toBe(suspended.token);
    // The bits are back to the first ones, but signed later: a verifier must not keep the
    // suspended copy because the new one looks older.
    expect(decodeJwt(reinstated.token).credentialSubject).toEqual(
      decodeJwt(first.token).credentialSubject,
    );
    expect(decodeJwt(reinstated.token).iat!).toBeGreaterThan(iat);
  });

  it('HTTP caching: ETag, Last-Modified, 304 on revalidation, a short public max-age', async () => {
    const cert = await issued();
    for (const url of [
      entryOf(cert.claims).statusListCredential as string,
      entryOf(cert.dataIntegrity).statusListCredential as string,
    ]) {
      const path = pathOf(url);
      const res = await t.http.get(path).buffer(true);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('public, max-age=60');
      const etag = res.headers.etag;
      expect(etag).toMatch(/^"[\w-]{32}"$/);
      const lastModified = res.headers['last-modified'];
      expect(new Date(lastModified).toUTCString()).toBe(lastModified);

      const revalidated = await t.http.get(path).set('If-None-Match', etag);
      expect(revalidated.status).toBe(304);
      expect(revalidated.text ?? '').toBe('');
      expect(revalidated.headers.etag).toBe(etag);
      expect((await t.http.get(path).set('If-None-Match', `"other", W/${etag}`)).status).toBe(304);
      expect((await t.http.get(path).set('If-None-Match', '"other"')).status).toBe(200);
      expect((await t.http.get(path).set('If-Modified-Since', lastModified)).status).toBe(304);
      const before = new Date(Date.parse(lastModified) - 1000).toUTCString();
      expect((await t.http.get(path).set('If-Modified-Since', before)).status).toBe(200);
      // If-None-Match decides when both are sent.
      expect(
        (
          await t.http
            .get(path)
            .set('If-None-Match', '"other"')
            .set('If-Modified-Since', lastModified)
        ).status,
      ).toBe(200);
    }
    // After a change, the old validators no longer match.
    const path = pathOf(entryOf(cert.claims).statusListCredential as string);
    const { etag } = (await t.http.get(path)).headers;
    await change(cert.id, 'revoke', 'fraud_or_misconduct');
    const changed = await t.http.get(path).set('If-None-Match', etag).buffer(true);
    expect(changed.status).toBe(200);
    expect(changed.headers.etag).not.toBe(etag);
  });

  it("Digital Bazaar's checkStatus and verifier-core: active, suspended, reinstated, revoked", async () => {
    const cert = await issued();
    const results: Record<string, unknown> = {};
    for (const step of ['active', 'suspend', 'reinstate', 'revoke']) {
      if (step !== 'active') await change(cert.id, step, 'fraud_or_misconduct');
      results[step] = {
        jwt: await digitalBazaarJwt(cert.claims),
        dataIntegrity: await digitalBazaarDataIntegrity(cert.dataIntegrity),
        verifierCore: await verifierCore(cert.dataIntegrity),
        postVerify: (await t.http.post('/verify').send({ credential: cert.dataIntegrity })).body
          .status as string,
      };
    }
    const bit = (set: boolean) => ({
      verified: true,
      error: null,
      statuses: [{ purpose: 'suspension', set }],
    });
    const wallet = (notSuspended: boolean) => ({
      errors: [],
      validSignature: true,
      notRevoked: undefined,
      notSuspended,
      schemaValid: true,
    });
    expect(results).toEqual({
      active: {
        jwt: bit(false),
        dataIntegrity: bit(false),
        verifierCore: wallet(true),
        postVerify: 'active',
      },
      suspend: {
        jwt: bit(true),
        dataIntegrity: bit(true),
        verifierCore: wallet(false),
        postVerify: 'suspended',
      },
      reinstate: {
        jwt: bit(false),
        dataIntegrity: bit(false),
        verifierCore: wallet(true),
        postVerify: 'active',
      },
      revoke: {
        jwt: bit(true),
        dataIntegrity: bit(true),
        verifierCore: wallet(false),
        postVerify: 'revoked',
      },
    });
  });

  it('a list from another issuer is refused: the issuers must match', async () => {
    // What issue 18 found: the vc+jwt entry resolved to a did:key list. Pointing the entry at
    // the Data Integrity list (another issuer) must fail, so the passing checks above mean it.
    const cert = await issued();
    const claims = structuredClone(cert.claims);
    (claims.credentialStatus as Json).statusListCredential = entryOf(
      cert.dataIntegrity,
    ).statusListCredential;
    const result = await digitalBazaarDataIntegrity(claims);
    expect(result.verified).toBe(false);
    expect(result.error).toMatch(/[Ii]ssuers .* do not match/);
  });

  it('credentials of the old shape (two entries) still resolve their lists, kept current', async () => {
    const cert = await issued();
    const key = await t.app.get(SigningKeysService).activeKey();
    const { listNumber, index } = {
      listNumber: 1,
      index: Number(entryOf(cert.claims).statusListIndex),
    };
    const oldEntries = (base: string) =>
      (['revocation', 'suspension'] as const).map((purpose) => {
        const url = `${t.baseUrl}/credentials/status/${purpose}-${listNumber}${base}`;
        return {
          id: `${url}#${index}`,
          type: 'BitstringStatusListEntry',
          statusPurpose: purpose,
          statusListIndex: String(index),
          statusListCredential: url,
        };
      });
    // As issued before issue 18: a vc+jwt with two entries, a Data Integrity credential with
    // two entries in the key's lists and its proof as an object, stored for the certificate.
    const oldClaims = { ...cert.claims, credentialStatus: oldEntries('') };
    const oldJwt = await signCredentialJwt(oldClaims, key);
    const { proof: _proof, ...unsigned } = cert.dataIntegrity;
    const signedDi = await signDataIntegrity(
      {
        ...unsigned,
        credentialStatus: oldEntries(`/${key.didKey.fingerprint}`),
      },
      key,
    );
    const oldDi = { ...signedDi, proof: (signedDi.proof as Json[])[0] };
    await t.db.query('UPDATE certificates SET credential_data_integrity = $2 WHERE id = $1', [
      cert.id,
      oldDi,
    ]);

    const states: Record<string, unknown> = {};
    for (const step of ['active', 'suspend', 'reinstate', 'revoke']) {
      if (step !== 'active') await change(cert.id, step, 'fraud_or_misconduct');
      states[step] = {
        jwt: (await digitalBazaarJwt(decodeJwt(oldJwt) as Json)).statuses,
        dataIntegrity: (await digitalBazaarDataIntegrity(oldDi)).statuses,
        wallet: await verifierCore(oldDi),
        postVerifyJwt: (await t.http.post('/verify').send({ credential: oldJwt })).body.status,
        postVerifyDi: (await t.http.post('/verify').send({ credential: oldDi })).body.status,
      };
    }
    const bits = (revoked: boolean, suspended: boolean) => [
      { purpose: 'revocation', set: revoked },
      { purpose: 'suspension', set: suspended },
    ];
    const wallet = (notRevoked: boolean, notSuspended: boolean) =>
      expect.objectContaining({ errors: [], validSignature: true, notRevoked, notSuspended });
    expect(states).toEqual({
      active: {
        jwt: bits(false, false),
        dataIntegrity: bits(false, false),
        wallet: wallet(true, true),
        postVerifyJwt: 'active',
        postVerifyDi: 'active',
      },
      suspend: {
        jwt: bits(false, true),
        dataIntegrity: bits(false, true),
        wallet: wallet(true, false),
        postVerifyJwt: 'suspended',
        postVerifyDi: 'suspended',
      },
      reinstate: {
        jwt: bits(false, false),
        dataIntegrity: bits(false, false),
        wallet: wallet(true, true),
        postVerifyJwt: 'active',
        postVerifyDi: 'active',
      },
      revoke: {
        jwt: bits(true, false),
        dataIntegrity: bits(true, false),
        wallet: wallet(false, true),
        postVerifyJwt: 'revoked',
        postVerifyDi: 'revoked',
      },
    });

    // Its next download is made again in the current shape (one entry, proof as a set).
    const again = await t.http.get(`/api/v1/certificates/${cert.id}/credential`).set(admin.auth);
    const remade = again.body.dataIntegrity as Json;
    expect(Array.isArray(remade.credentialStatus)).toBe(false);
    expect(Array.isArray(remade.proof)).toBe(true);
    expect(entryOf(remade).statusListIndex).toBe(String(index));
    expect((await digitalBazaarDataIntegrity(remade)).statuses).toEqual([
      { purpose: 'suspension', set: true },
    ]);
    const stored = (await t.db.query(
      'SELECT credential_data_integrity AS di FROM certificates WHERE id = $1',
      [cert.id],
    )) as { di: Json }[];
    expect(stored[0].di).toEqual(remade);
  });

  it('instances agree: a second instance serves the stored token', async () => {
    const cert = await issued();
    const path = pathOf(entryOf(cert.claims).statusListCredential as string);
    await change(cert.id, 'suspend');
    const peer = await startPeerApp(t);
    try {
      const [a, b] = await Promise.all([
        t.http.get(path).buffer(true),
        peer.http.get(path).buffer(true),
      ]);
      expect(b.text).toBe(a.text);
      expect(b.headers.etag).toBe(a.headers.etag);
      const rows = (await t.db.query(
        'SELECT count(*)::int AS n FROM status_list_credentials WHERE url = $1',
        [`${t.baseUrl}${path}`],
      )) as { n: number }[];
      expect(rows[0].n).toBe(1);
    } finally {
      await peer.close();
    }
  });

  it('the VC API verifies the new shape (proof as a set of one) and sees its status', async () => {
    const cert = await issued();
    const vcApi = async () =>
      (await t.http.post('/credentials/verify').send({ verifiableCredential: cert.dataIntegrity }))
        .body as { verified: boolean };
    expect(await vcApi()).toMatchObject({ verified: true });
    await change(cert.id, 'suspend');
    expect(await vcApi()).toMatchObject({ verified: false });
  });

  it('unknown lists and keys: 404', async () => {
    await issued();
    expectError(await t.http.get('/credentials/status/suspended-or-revoked-999'), 404);
    expectError(await t.http.get('/credentials/status/nonsense-1'), 404);
    expectError(await t.http.get('/credentials/status/suspended-or-revoked-1/z6MkUnknown'), 404);
  });

  it('why not a "message" list: both libraries read such an entry as a one-bit list', async () => {
    // The alternative that issue 18 named: one entry with statusPurpose "message", statusSize 2
    // and statusMessage (0 valid, 1 suspended, 2 revoked). Both installed libraries read bit
    // `statusListIndex`, not the two bits at statusListIndex × 2, so a suspended or revoked
    // certificate reads as "bit not set": valid. This test keeps that reason checked; if a
    // library learns statusSize, it fails, and the choice is worth revisiting.
    const statusMessage = [
      { status: '0x0', message: 'valid' },
      { status: '0x1', message: 'suspended' },
      { status: '0x2', message: 'revoked' },
    ];
    const values = new Map([
      [1000, 0],
      [2001, 1],
      [3002, 2],
    ]);
    const bits = Buffer.alloc((131_072 * 2) / 8);
    for (const [index, value] of values) {
      for (let b = 0; b < 2; b++) {
        const bit = index * 2 + b;
        if ((value >> (1 - b)) & 1) bits[bit >> 3] |= 0x80 >> (bit & 7);
      }
    }
    const url = 'https://coe.example/credentials/status/message-1';
    const list = {
      '@context': ['https://www.w3.org/ns/credentials/v2'],
      id: url,
      type: ['VerifiableCredential', 'BitstringStatusListCredential'],
      issuer: 'did:example:center',
      credentialSubject: {
        id: `${url}#list`,
        type: 'BitstringStatusList',
        statusPurpose: 'message',
        statusSize: 2,
        statusMessage,
        encodedList: `u${gzipSync(bits).toString('base64url')}`,
      },
    };
    const documentLoader: DocumentLoader = (documentUrl) =>
      Promise.resolve({ contextUrl: null, documentUrl, document: list });
    const read: Record<string, unknown> = {};
    for (const [index, label] of [
      [1000, 'valid'],
      [2001, 'suspended'],
      [3002, 'revoked'],
    ] as const) {
      const credential = {
        issuer: 'did:example:center',
        credentialStatus: {
          id: `${url}#${index}`,
          type: 'BitstringStatusListEntry',
          statusPurpose: 'message',
          statusSize: 2,
          statusMessage,
          statusListIndex: String(index),
          statusListCredential: url,
        },
      };
      const options = { credential, documentLoader, verifyBitstringStatusListCredential: false };
      const db = await checkStatus(options);
      const dcc = await dccCheckStatus(options);
      read[label] = { digitalBazaar: db.results?.[0]?.status, dcc: dcc.verified };
    }
    // Digital Bazaar: `status` false (bit not set); DCC (verifier-core): `verified` true.
    expect(read).toEqual({
      valid: { digitalBazaar: false, dcc: true },
      suspended: { digitalBazaar: false, dcc: true },
      revoked: { digitalBazaar: false, dcc: true },
    });
  });

  it('did all of this without the network', () => {
    expect(refused).toEqual([]);
  });
});
