/**
 * A JWS (vc+jwt, access token) whose signature has one bit changed that always counts: the top
 * bit of its first byte (for Ed25519, part of R). Editing the last base64url characters does
 * not: they carry the top bits of S, mostly zero, plus padding bits decoders ignore, so such a
 * "tampered" signature was often the original one and still verified (about 1 time in 16).
 */
export function withFlippedSignatureBit(jws: string): string {
  const [header, payload, signature] = jws.split('.');
  const bytes = Buffer.from(signature, 'base64url');
  bytes[0] ^= 0x80;
  return `${header}.${payload}.${bytes.toString('base64url')}`;
}
