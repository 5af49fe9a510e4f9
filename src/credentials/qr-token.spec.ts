import { describe, expect, it } from '@jest/globals';
import {
  calculateJwkThumbprint,
  compactVerify,
  decodeProtectedHeader,
  importJWK,
  type JWK,
} from 'jose';
import { generateKeyPairSync } from 'node:crypto';
import {
  decodeToken,
  mismatches,
  parseQrUrl,
  verifyToken,
} from '../web/assets/inspect/qr-token.js';
import { didKeyOf } from './did-key.js';
import { qrClaims, qrUrl, signQrToken, type QrFacts } from './qr-token.js';
import type { ActiveSigningKey } from './signing-keys.service.js';

async function newKey(): Promise<{ key: ActiveSigningKey; jwk: JWK & { kid: string } }> {
  const { publicKey, privateKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  return {
    key: { kid, privateKey, publicJwk, didKey: await didKeyOf(publicJwk) },
    jwk: { ...publicJwk, kid, alg: 'EdDSA', use: 'sig' },
  };
}

const facts: QrFacts = {
  serial: 'COE-EOD2-2026-7KQ4M2',
  holderName: 'Gülnarə Əliyeva-Şükürova',
  documentNumber: 'AZE12345678',
  courseCode: 'EOD-2',
  courseTitle: 'Explosive Ordnance Disposal Level 2',
  courseLevel: 'Level 2',
  issuedOn: '2026-11-06',
  validUntil: '2028-11-05',
  statusListNumber: 2,
  statusListIndex: 104_857,
};
const BASE = 'https://coe.example.org';

describe('the QR token', () => {
  it('carries the short claims in a fixed order, the document digits only when shown', () => {
    const hidden = qrClaims(facts, { baseUrl: BASE, showDocumentLast4: false });
    expect(JSON.stringify(hidden)).toBe(
      JSON.stringify({
        iss: `${BASE}/issuer`,
        sn: facts.serial,
        nm: facts.holderName,
        cc: 'EOD-2',
        ct: 'Explosive Ordnance Disposal Level 2',
        cl: 'Level 2',
        iat: '2026-11-06',
        vu: '2028-11-05',
        sl: [2, 104_857],
      }),
    );
    expect(qrClaims(facts, { baseUrl: BASE, showDocumentLast4: true }).doc).toBe('5678');
    const forever = qrClaims(
      { ...facts, validUntil: null, documentNumber: null },
      { baseUrl: BASE, showDocumentLast4: true },
    );
    expect('vu' in forever).toBe(false);
    expect('doc' in forever).toBe(false);
  });

  it('verifies with jose and with the browser reader, and is the same for the same certificate', async () => {
    const { key, jwk } = await newKey();
    const claims = qrClaims(facts, { baseUrl: BASE, showDocumentLast4: false });
    const token = signQrToken(claims, key);
    expect(signQrToken(claims, key)).toBe(token);
    expect(decodeProtectedHeader(token)).toEqual({ alg: 'EdDSA', kid: key.kid, typ: 'coe-qr+jwt' });
    const { payload } = await compactVerify(token, await importJWK(jwk, 'EdDSA'));
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
    expect(await verifyToken(token, { keys: [jwk] })).toEqual({ ok: true, reason: null, claims });
    expect(decodeToken(token).claims).toEqual(claims);
  });

  it('reads every changed character as not genuine, and says which key is missing', async () => {
    const { key, jwk } = await newKey();
    const token = signQrToken(qrClaims(facts, { baseUrl: BASE, showDocumentLast4: true }), key);
    const refused: string[] = [];
    for (let i = 0; i < token.length; i++) {
      if (token[i] === '.') continue;
      const changed = `${token.slice(0, i)}${token[i] === 'A' ? 'B' : 'A'}${token.slice(i + 1)}`;
      const result = await verifyToken(changed, { keys: [jwk] });
      if (!result.ok) refused.push(result.reason);
    }
    expect(refused).toHaveLength(token.replaceAll('.', '').length);
    // A change in the kid names no published key; elsewhere the JSON or the signature breaks.
    expect(new Set(refused)).toEqual(new Set(['malformed', 'unknown_key', 'bad_signature']));

    const other = await newKey();
    expect(await verifyToken(token, { keys: [other.jwk] })).toMatchObject({
      ok: false,
      reason: 'unknown_key',
      claims: { sn: facts.serial },
    });
    // Signed by a key whose kid names a published one: the signature, not the kid, decides.
    const impostor = signQrToken(decodeToken(token).claims, { ...other.key, kid: key.kid });
    expect((await verifyToken(impostor, { keys: [jwk] })).reason).toBe('bad_signature');
    expect((await verifyToken('not.a.token', { keys: [jwk] })).reason).toBe('malformed');
  });

  it('is found in the QR URL, which keeps the token out of the path', async () => {
    const { key } = await newKey();
    const token = signQrToken(qrClaims(facts, { baseUrl: BASE, showDocumentLast4: false }), key);
    const url = qrUrl(BASE, facts.serial, token);
    expect(url).toBe(`${BASE}/verify/${facts.serial}#${token}`);
    expect(parseQrUrl(url)).toEqual({ serial: facts.serial, token });
    expect(parseQrUrl(`${BASE}/coe/verify/coe-eod2-2026-7kq4m2`)).toEqual({
      serial: facts.serial,
      token: null,
    });
    expect(parseQrUrl(`${BASE}/courses/X#${token}`)).toBeNull();
    expect(parseQrUrl('javascript:alert(1)//verify/X')).toBeNull();
  });

  it("names the fields that differ from the register's record", () => {
    const claims = qrClaims(facts, { baseUrl: BASE, showDocumentLast4: false });
    const record = {
      serial: facts.serial.toLowerCase(),
      holderName: facts.holderName,
      courseCode: facts.courseCode,
      courseTitle: facts.courseTitle,
      issuedOn: facts.issuedOn,
      validUntil: facts.validUntil,
    };
    expect(mismatches(claims, record)).toEqual([]);
    expect(mismatches(claims, { ...record, validUntil: null, holderName: 'X' })).toEqual([
      'holderName',
      'validUntil',
    ]);
  });
});
