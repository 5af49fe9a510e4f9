import { describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import type { JWK } from 'jose';
import { didKeyOf } from '../did-key.js';
import { didKeyToJwk } from './did-key-jwk.js';

describe('didKeyToJwk', () => {
  it('gives back the very key a did:key was made from', async () => {
    for (let i = 0; i < 20; i += 1) {
      const { publicKey } = generateKeyPairSync('ed25519');
      const jwk = publicKey.export({ format: 'jwk' }) as JWK;
      const { did, verificationMethod } = await didKeyOf(jwk);
      expect(didKeyToJwk(did)).toEqual({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
      expect(didKeyToJwk(verificationMethod)).toEqual({ kty: 'OKP', crv: 'Ed25519', x: jwk.x });
    }
  });

  it.each([
    'did:web:example.org',
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2do', // one character short
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK0', // 0 is not base58
    'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169', // a P-256 key
    'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK#z6Mkother',
  ])('refuses %s', (did) => {
    expect(didKeyToJwk(did)).toBeNull();
  });
});
