import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import { sign } from 'node:crypto';
import type { ActiveSigningKey } from './signing-keys.service.js';

/**
 * VC-JOSE-COSE: the JWT payload is the credential itself; the registered claims are added so
 * that plain JOSE tooling (e.g. `jose`'s jwtVerify) checks issuer and dates unmodified.
 *
 * A JWS compact serialisation signed with node:crypto directly: for a whole session's
 * certificates it is about 3 times faster than jose's SignJWT (which re-checks the key and
 * re-encodes on every call), and the result is verified with jose everywhere, tests included.
 *
 * Status list credentials are signed here too, with the same `typ`: a Bitstring Status List is
 * a verifiable credential like any other (`statuslist+jwt` is the IETF Token Status List's type,
 * a different format). `iat` and `nbf` are the credential's `validFrom`, so a list signed once
 * and served unchanged keeps them.
 */
export function signCredentialJwt(
  credential: Record<string, unknown>,
  key: ActiveSigningKey,
): Promise<string> {
  const issuer = credential.issuer as { id: string } | string;
  const validFrom = Math.floor(Date.parse(credential.validFrom as string) / 1000);
  const validUntil = credential.validUntil
    ? Math.floor(Date.parse(credential.validUntil as string) / 1000)
    : undefined;
  const header = { alg: 'EdDSA', typ: 'vc+jwt', kid: key.kid };
  const claims = {
    ...credential,
    iss: typeof issuer === 'string' ? issuer : issuer.id,
    jti: credential.id as string,
    iat: validFrom,
    nbf: validFrom,
    ...(validUntil === undefined ? {} : { exp: validUntil }),
  };
  const signingInput = `${base64url(header)}.${base64url(claims)}`;
  const signature = sign(null, Buffer.from(signingInput), key.privateKey);
  return Promise.resolve(`${signingInput}.${signature.toString('base64url')}`);
}

function base64url(value: object): string {
  return Buffer.from(JSON.stringify(value)).toString('base64url');
}

export type JwtCheck =
  | { ok: true; kid: string; payload: Record<string, unknown> }
  | { ok: false; reason: 'malformed' | 'unknown_key' | 'bad_signature' };

/** Signature only (dates and status are judged by the caller, who explains which failed). */
export async function verifyCredentialJwt(
  jwt: string,
  keys: (JWK & { kid: string })[],
): Promise<JwtCheck> {
  let header: ReturnType<typeof decodeProtectedHeader>;
  try {
    header = decodeProtectedHeader(jwt);
  } catch {
    return { ok: false, reason: 'malformed' };
  }
  if (header.alg !== 'EdDSA' || header.typ !== 'vc+jwt') return { ok: false, reason: 'malformed' };
  const jwk = keys.find((k) => k.kid === header.kid);
  if (!jwk) return { ok: false, reason: 'unknown_key' };
  try {
    const key = await importJWK({ ...jwk, alg: 'EdDSA' }, 'EdDSA');
    const { payload } = await compactVerify(jwt, key, { algorithms: ['EdDSA'] });
    const parsed = JSON.parse(new TextDecoder().decode(payload)) as unknown;
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed))
      return { ok: false, reason: 'malformed' };
    return { ok: true, kid: jwk.kid, payload: parsed as Record<string, unknown> };
  } catch {
    return { ok: false, reason: 'bad_signature' };
  }
}
