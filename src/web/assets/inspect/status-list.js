/* global atob, crypto, TextEncoder, TextDecoder, Response, DecompressionStream */
/**
 * A Bitstring Status List credential as the inspector's app trusts it (issue 19): pure, with
 * nothing but WebCrypto and the Compression Streams API, so browsers and Node (its unit spec)
 * run the same code. sync.js fetches; this decides whether a list is the issuer's, and reads it.
 */

export class SyncError extends Error {
  /** @param {'sign_in'|'not_allowed'|'network'|'bad_data'|'server'} code */
  constructor(code, message) {
    super(message);
    this.name = 'SyncError';
    this.code = code;
  }
}

/**
 * A Bitstring Status List credential as vc+jwt: EdDSA by a key of the bundle, `iss` the
 * bundle's issuer, the purpose the bundle said; `encodedList` is `u` + base64url of the gzipped
 * bits (bit i is the i-th bit, most significant first).
 */
export async function readStatusList(jwt, bundle, purpose) {
  const parts = typeof jwt === 'string' ? jwt.trim().split('.') : [];
  if (parts.length !== 3) throw new SyncError('bad_data', 'A status list is not a JWS');
  const header = parseJson(parts[0]);
  const payload = parseJson(parts[1]);
  if (header.alg !== 'EdDSA') throw new SyncError('bad_data', 'A status list is not EdDSA');
  const jwk = bundle.jwks.keys.find((k) => k && k.kid === header.kid);
  if (!jwk) throw new SyncError('bad_data', 'A status list is signed by an unknown key');
  let ok;
  try {
    const key = await crypto.subtle.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
    const signingInput = new TextEncoder().encode(`${parts[0]}.${parts[1]}`);
    ok = await crypto.subtle.verify({ name: 'Ed25519' }, key, base64url(parts[2]), signingInput);
  } catch {
    ok = false;
  }
  if (!ok) throw new SyncError('bad_data', "A status list's signature does not verify");
  const issuer = typeof payload.issuer === 'string' ? payload.issuer : payload.issuer?.id;
  if (payload.iss !== bundle.issuer || issuer !== bundle.issuer)
    throw new SyncError('bad_data', 'A status list names another issuer');
  const subject = payload.credentialSubject ?? {};
  if (subject.statusPurpose !== purpose)
    throw new SyncError('bad_data', 'A status list has another purpose');
  const encoded = subject.encodedList;
  if (typeof encoded !== 'string' || !encoded.startsWith('u'))
    throw new SyncError('bad_data', 'A status list has no encoded list');
  try {
    return await gunzip(base64url(encoded.slice(1)));
  } catch {
    throw new SyncError('bad_data', 'A status list cannot be decoded');
  }
}

/** Bit `index` of a list, most significant bit of the first byte first. */
export function bitAt(bits, index) {
  const byte = bits[index >> 3];
  if (byte === undefined) return null;
  return ((byte >> (7 - (index & 7))) & 1) === 1;
}

function parseJson(part) {
  try {
    return JSON.parse(new TextDecoder().decode(base64url(part)));
  } catch {
    throw new SyncError('bad_data', 'A status list is not readable');
  }
}

function base64url(text) {
  const binary = atob(text.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  return out;
}

async function gunzip(bytes) {
  const stream = new Response(bytes).body.pipeThrough(new DecompressionStream('gzip'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}
