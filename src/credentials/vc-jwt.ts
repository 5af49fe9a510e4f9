import { compactVerify, decodeProtectedHeader, importJWK, SignJWT, type JWK } from 'jose';
import type { ActiveSigningKey } from './signing-keys.service.js';

/**
 * VC-JOSE-COSE: the JWT payload is the credential itself; the registered claims are added so
 * that plain JOSE tooling (e.g. `jose`'s jwtVerify) checks issuer and dates unmodified.
 */
export async function signCredentialJwt(
  credential: Record<string, unknown>,
  key: ActiveSigningKey,
  typ: 'vc+jwt' | 'statuslist+jwt' = 'vc+jwt',
): Promise<string> {
  const issuer = credential.issuer as { id: string } | string;
  const validFrom = Date.parse(credential.validFrom as string);
  const validUntil = credential.validUntil
    ? Date.parse(credential.validUntil as string)
    : undefined;
  const jwt = new SignJWT(credential)
    .setProtectedHeader({ alg: 'EdDSA', typ, kid: key.kid })
    .setIssuer(typeof issuer === 'string' ? issuer : issuer.id)
    .setJti(credential.id as string)
    .setIssuedAt(Math.floor(validFrom / 1000))
    .setNotBefore(Math.floor(validFrom / 1000));
  if (validUntil) jwt.setExpirationTime(Math.floor(validUntil / 1000));
  return jwt.sign(key.privateKey);
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
