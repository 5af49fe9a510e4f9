/* global TextEncoder, TextDecoder, atob, btoa */
/**
 * The self-verifying QR token (issue 19): read and check it in a browser or in Node 20+, with
 * nothing but the platform (WebCrypto Ed25519, URL, TextDecoder, atob). No DOM, no network:
 * the caller brings the issuer's JWKS (`/.well-known/jwks.json`, or the inspector's synced
 * bundle), so the same code judges a certificate online and in a field with no signal.
 *
 * QR content: `{PUBLIC_BASE_URL}/verify/{serial}#{token}`. The token is a compact JWS:
 *   header  {"alg":"EdDSA","kid":"<JWK thumbprint, as in the JWKS>","typ":"coe-qr+jwt"}
 *   payload {"iss": "{base}/issuer", "sn": serial, "nm": holder's full name,
 *            "doc": last 4 of the identity document (only where the Center shows it),
 *            "cc": course code, "ct": course title (original language), "cl": course level,
 *            "iat": issued "YYYY-MM-DD", "vu": valid until "YYYY-MM-DD" (absent: never expires),
 *            "sl": [status list number, index]}
 * The index is the certificate's one position in every published list of that number
 * (`revocation-N`, `suspension-N`, `suspended-or-revoked-N`). Status is never in the token: a
 * suspended or revoked certificate carries the same token, and the lists say what it is now.
 *
 * Parts must be canonical base64url (no padding, unused trailing bits zero), so a changed
 * character is never silently decoded to the same bytes (Node's and jose's decoders would
 * accept `…A` and `…B` as one signature): every edit of the token is "not genuine".
 */

export const QR_TOKEN_TYPE = 'coe-qr+jwt';

/** Why a token cannot even be read: not a JWS, not our type, or its claims are not ours. */
export class QrTokenError extends Error {
  /** @param {string} detail */
  constructor(detail) {
    super(`Malformed QR token: ${detail}`);
    this.name = 'QrTokenError';
    this.reason = 'malformed';
  }
}

const B64URL = /^[A-Za-z0-9_-]*$/;
const DAY = /^\d{4}-(0[1-9]|1[0-2])-(0[1-9]|[12]\d|3[01])$/;
/** A QR can hold about 3 KB; anything longer was not made by us (and is not worth decoding). */
const MAX_TOKEN_LENGTH = 4096;

/**
 * The serial and token of a scanned URL, or null when it is not a `/verify/{serial}` address.
 * `token` is null for a link without a fragment (certificates printed before issue 19). The
 * base URL is not checked here: a Center may serve under a path, and a forged host gains
 * nothing, since the token's signature is checked against the keys the caller trusts.
 * @param {string} url
 * @returns {{serial: string, token: string | null} | null}
 */
export function parseQrUrl(url) {
  if (typeof url !== 'string') return null;
  let parsed;
  try {
    parsed = new URL(url.trim());
  } catch {
    return null;
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return null;
  const match = /\/verify\/([^/]+)\/?$/.exec(parsed.pathname);
  if (!match) return null;
  let serial;
  try {
    serial = decodeURIComponent(match[1]).trim().toUpperCase();
  } catch {
    return null;
  }
  if (!serial) return null;
  const fragment = parsed.hash.replace(/^#/, '');
  return { serial, token: fragment ? fragment : null };
}

/**
 * The header and claims, read but NOT verified (for display while the check runs, or to say
 * what a forged code claims). Throws QrTokenError for anything that is not a well-formed token.
 * @param {string} token
 * @returns {{header: {alg: string, kid: string, typ: string}, claims: QrClaims}}
 */
export function decodeToken(token) {
  return split(token).decoded;
}

/**
 * Checks the signature against the issuer's keys (`{keys: [...]}`; retired keys included, so
 * certificates printed before a rotation still verify). `claims` are the token's claims when
 * it could be read (shown with a warning when `ok` is false), else null.
 * @param {string} token
 * @param {{keys: Array<Record<string, unknown>>}} jwks
 * @returns {Promise<{ok: boolean, reason: 'bad_signature'|'unknown_key'|'malformed'|null, claims: QrClaims | null}>}
 */
export async function verifyToken(token, jwks) {
  let parts;
  try {
    parts = split(token);
  } catch (error) {
    if (error instanceof QrTokenError) return { ok: false, reason: 'malformed', claims: null };
    throw error;
  }
  const { header, claims } = parts.decoded;
  const keys = jwks && Array.isArray(jwks.keys) ? jwks.keys : [];
  const jwk = keys.find((k) => k && k.kid === header.kid);
  if (!jwk || jwk.kty !== 'OKP' || jwk.crv !== 'Ed25519' || typeof jwk.x !== 'string')
    return { ok: false, reason: 'unknown_key', claims };
  const crypto = subtle();
  let key;
  try {
    key = await crypto.importKey(
      'jwk',
      { kty: 'OKP', crv: 'Ed25519', x: jwk.x },
      { name: 'Ed25519' },
      false,
      ['verify'],
    );
  } catch {
    return { ok: false, reason: 'unknown_key', claims };
  }
  let valid;
  try {
    valid = await crypto.verify(
      { name: 'Ed25519' },
      key,
      parts.signature,
      new TextEncoder().encode(parts.signingInput),
    );
  } catch {
    valid = false;
  }
  return valid
    ? { ok: true, reason: null, claims }
    : { ok: false, reason: 'bad_signature', claims };
}

/**
 * Which of the token's claims disagree with the server's (or the register's) record of the
 * same certificate: `[]` when they all match. `record` uses the public verification answer's
 * names: {serial, holderName, courseCode, courseTitle, issuedOn, validUntil}; a field the
 * record leaves out (undefined) is not compared.
 * @param {QrClaims} claims
 * @param {{serial?: string, holderName?: string, courseCode?: string, courseTitle?: string, issuedOn?: string, validUntil?: string | null}} record
 * @returns {string[]} the record's names of the fields that differ
 */
export function mismatches(claims, record) {
  const pairs = [
    ['serial', claims.sn, record.serial],
    ['holderName', claims.nm, record.holderName],
    ['courseCode', claims.cc, record.courseCode],
    ['courseTitle', claims.ct, record.courseTitle],
    ['issuedOn', claims.iat, record.issuedOn],
    ['validUntil', claims.vu ?? null, record.validUntil],
  ];
  return pairs
    .filter(([, , theirs]) => theirs !== undefined)
    .filter(([name, ours, theirs]) =>
      name === 'serial' || name === 'courseCode'
        ? String(ours).toUpperCase() !== String(theirs ?? '').toUpperCase()
        : (ours ?? null) !== (theirs ?? null),
    )
    .map(([name]) => name);
}

/**
 * @typedef {{iss: string, sn: string, nm: string, doc?: string, cc: string, ct: string,
 *   cl: string, iat: string, vu?: string, sl: [number, number]}} QrClaims
 */

function split(token) {
  if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH)
    throw new QrTokenError('not a string of a sensible length');
  const parts = token.split('.');
  if (parts.length !== 3) throw new QrTokenError('not a compact JWS');
  const [h, p, s] = parts;
  const header = json(h, 'header');
  if (header.alg !== 'EdDSA') throw new QrTokenError('alg must be EdDSA');
  if (header.typ !== QR_TOKEN_TYPE) throw new QrTokenError(`typ must be ${QR_TOKEN_TYPE}`);
  if (typeof header.kid !== 'string' || !header.kid) throw new QrTokenError('kid missing');
  // A critical extension we do not understand must not be ignored (RFC 7515 §4.1.11).
  if ('crit' in header) throw new QrTokenError('crit is not supported');
  const signature = bytes(s, 'signature');
  if (signature.length !== 64) throw new QrTokenError('an Ed25519 signature is 64 bytes');
  const claims = checkClaims(json(p, 'payload'));
  return { decoded: { header, claims }, signature, signingInput: `${h}.${p}` };
}

function checkClaims(c) {
  const text = (name) => typeof c[name] === 'string' && c[name].length > 0;
  for (const name of ['iss', 'sn', 'nm', 'cc', 'ct', 'cl'])
    if (!text(name)) throw new QrTokenError(`claim ${name} missing`);
  if (typeof c.iat !== 'string' || !DAY.test(c.iat)) throw new QrTokenError('iat is not a date');
  if (c.vu !== undefined && (typeof c.vu !== 'string' || !DAY.test(c.vu)))
    throw new QrTokenError('vu is not a date');
  if (c.doc !== undefined && typeof c.doc !== 'string') throw new QrTokenError('doc is not text');
  if (
    !Array.isArray(c.sl) ||
    c.sl.length !== 2 ||
    !c.sl.every((n) => Number.isSafeInteger(n) && n >= 0)
  )
    throw new QrTokenError('sl is not [list number, index]');
  return c;
}

function json(part, what) {
  let value;
  try {
    value = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(bytes(part, what)));
  } catch (error) {
    if (error instanceof QrTokenError) throw error;
    throw new QrTokenError(`${what} is not JSON`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new QrTokenError(`${what} is not a JSON object`);
  return value;
}

/** Canonical base64url only: decoding then encoding again must give the same text. */
function bytes(part, what) {
  if (!part || !B64URL.test(part) || part.length % 4 === 1)
    throw new QrTokenError(`${what} is not base64url`);
  const binary = atob(part.replace(/-/g, '+').replace(/_/g, '/'));
  const out = new Uint8Array(binary.length);
  for (let i = 0; i < binary.length; i++) out[i] = binary.charCodeAt(i);
  if (encode(out) !== part) throw new QrTokenError(`${what} is not canonical base64url`);
  return out;
}

function encode(data) {
  let binary = '';
  for (const byte of data) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function subtle() {
  const s = globalThis.crypto && globalThis.crypto.subtle;
  // WebCrypto exists only in secure contexts (https or localhost): say so plainly.
  if (!s) throw new Error('WebCrypto is unavailable here (a secure context is needed)');
  return s;
}
