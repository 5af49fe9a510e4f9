import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { calculateJwkThumbprint, type JWK } from 'jose';
import { buildStatusListCredential } from '../credentials/status-list-credential.js';
import { encodeBitstring, STATUS_LIST_SIZE } from '../credentials/status-lists.service.js';
import { signCredentialJwt } from '../credentials/vc-jwt.js';
import type { ActiveSigningKey } from '../credentials/signing-keys.service.js';
import { bitAt, readStatusList, SyncError } from './assets/inspect/status-list.js';

const ISSUER = 'https://coe.example/issuer';
const URL = 'https://coe.example/credentials/status/revocation-1';

async function key(): Promise<ActiveSigningKey> {
  const { privateKey, publicKey } = generateKeyPairSync('ed25519');
  const publicJwk = publicKey.export({ format: 'jwk' }) as JWK;
  const kid = await calculateJwkThumbprint(publicJwk);
  return { kid, privateKey, publicJwk, didKey: null as never };
}

/** A list as the server signs and publishes it (src/credentials/status-list-credentials.service.ts). */
function list(signer: ActiveSigningKey, set: number[], issuer = ISSUER, purpose = 'revocation') {
  const credential = buildStatusListCredential(
    URL,
    { id: issuer, name: 'CoE' },
    purpose as 'revocation',
    encodeBitstring(set),
    { validFrom: new Date('2026-12-01T10:00:00Z') },
  );
  return signCredentialJwt(credential, signer);
}

const bundleOf = (...signers: ActiveSigningKey[]) => ({
  issuer: ISSUER,
  jwks: { keys: signers.map((s) => ({ ...s.publicJwk, kid: s.kid })) },
});

describe("the inspector's status lists (src/web/assets/inspect/status-list.js)", () => {
  it("reads the server's own list: the set bits and no others, most significant bit first", async () => {
    const signer = await key();
    const set = [0, 7, 8, 12_345, STATUS_LIST_SIZE - 1];
    const withBits = await readStatusList(await list(signer, set), bundleOf(signer), 'revocation');
    expect(withBits).toHaveLength(STATUS_LIST_SIZE / 8);
    for (const i of set) expect(bitAt(withBits, i)).toBe(true);
    for (const i of [1, 6, 9, 12_344, 12_346, STATUS_LIST_SIZE - 2])
      expect(bitAt(withBits, i)).toBe(false);
    // Beyond the list: unknown, not "not revoked".
    expect(bitAt(withBits, STATUS_LIST_SIZE)).toBeNull();
  });

  it('trusts a list only when a key of the bundle signed it, for the bundle issuer and purpose', async () => {
    const signer = await key();
    const other = await key();
    const refuse = async (jwt: string, bundle = bundleOf(signer), purpose = 'revocation') => {
      const error = await readStatusList(jwt, bundle, purpose as 'revocation').catch(
        (e: unknown) => e,
      );
      expect(error).toBeInstanceOf(SyncError);
      expect((error as SyncError).code).toBe('bad_data');
    };
    const good = await list(signer, [42]);
    // A changed bit in the payload: the signature no longer holds.
    const [h, p, s] = good.split('.');
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as {
      credentialSubject: { encodedList: string };
    };
    payload.credentialSubject.encodedList = encodeBitstring([]);
    await refuse(`${h}.${Buffer.from(JSON.stringify(payload)).toString('base64url')}.${s}`);
    // Another key, not in the bundle; or in the bundle but naming another issuer.
    await refuse(await list(other, [42]));
    await refuse(
      await list(other, [42], 'https://elsewhere.example/issuer'),
      bundleOf(signer, other),
    );
    // The suspension list offered as the revocation list.
    await refuse(await list(signer, [42], ISSUER, 'suspension'));
    await refuse('not a jwt');
    await refuse(`${h}.${p}.@@@`);
    // A rotated bundle keeps the retired key: lists it signed still read.
    const bits = await readStatusList(good, bundleOf(other, signer), 'revocation');
    expect(bitAt(bits, 42)).toBe(true);
  });
});
