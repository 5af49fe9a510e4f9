import * as Ed25519Multikey from '@digitalbazaar/ed25519-multikey';
import type { JWK } from 'jose';

export interface DidKey {
  /** `did:key:z6Mk…`: the DID that names the Center in Data Integrity credentials. */
  did: string;
  /** `did:key:z6Mk…#z6Mk…`: what a proof's `verificationMethod` points at. */
  verificationMethod: string;
  /** The multibase public key (`z6Mk…`), also used in status list URLs. */
  fingerprint: string;
}

/**
 * A did:key is the public key itself, multibase-encoded: the DID and the JWK in the JWKS (whose
 * `kid` is the JWK thumbprint) name the same Ed25519 key, so one key signs both credential
 * forms and rotating it rotates both.
 */
export async function didKeyOf(publicJwk: JWK): Promise<DidKey> {
  const { publicKeyMultibase } = await Ed25519Multikey.fromJwk({
    jwk: { kty: publicJwk.kty, crv: publicJwk.crv, x: publicJwk.x },
  });
  const did = `did:key:${publicKeyMultibase}`;
  return {
    did,
    verificationMethod: `${did}#${publicKeyMultibase}`,
    fingerprint: publicKeyMultibase,
  };
}
