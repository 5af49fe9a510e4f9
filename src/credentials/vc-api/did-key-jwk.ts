import type { JWK } from 'jose';

const BASE58 = '123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz';
/** The multicodec prefix of an Ed25519 public key (0xed, as an unsigned varint: 0xed 0x01). */
const ED25519_PUB = [0xed, 0x01];

function base58Decode(text: string): Uint8Array | null {
  const bytes: number[] = [0];
  for (const char of text) {
    let carry = BASE58.indexOf(char);
    if (carry < 0) return null;
    for (let i = 0; i < bytes.length; i += 1) {
      carry += bytes[i] * 58;
      bytes[i] = carry & 0xff;
      carry >>= 8;
    }
    while (carry > 0) {
      bytes.push(carry & 0xff);
      carry >>= 8;
    }
  }
  for (const char of text) {
    if (char !== '1') break;
    bytes.push(0);
  }
  return Uint8Array.from(bytes.reverse());
}

/**
 * The Ed25519 public key a `did:key:z6Mk…` is (the DID is nothing but the key, multibase
 * encoded), as a JWK; null for anything else. Computed here, never resolved over a network.
 */
export function didKeyToJwk(did: string): (JWK & { kty: 'OKP'; crv: 'Ed25519'; x: string }) | null {
  const match = /^did:key:(z6Mk[1-9A-HJ-NP-Za-km-z]{40,50})(?:#\1)?$/.exec(did);
  if (!match) return null;
  const bytes = base58Decode(match[1].slice(1));
  if (!bytes || bytes.length !== 34 || bytes[0] !== ED25519_PUB[0] || bytes[1] !== ED25519_PUB[1])
    return null;
  return { kty: 'OKP', crv: 'Ed25519', x: Buffer.from(bytes.subarray(2)).toString('base64url') };
}

/** `did:key:z6Mk…`, the DID part of a verification method `did:key:z6Mk…#z6Mk…`. */
export function didOf(verificationMethod: string): string {
  return verificationMethod.split('#')[0];
}
