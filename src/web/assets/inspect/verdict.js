/**
 * The inspector's verdict on a scanned QR token, from facts the device holds: whether the
 * token's signature verified against the synced keys, the certificate's bits in the synced
 * revocation and suspension lists, and the device's date. One pure function, used by the
 * offline app (and by the online verification page, so both say the same thing), in one
 * order: a token that is not genuine says nothing true about anything, so its claims (dates,
 * status position) are never read; a revocation is final and outranks a suspension; a
 * suspended or revoked certificate is that whatever its dates; only then do dates count.
 */

export const VERDICTS = Object.freeze(['valid', 'expired', 'suspended', 'revoked', 'not_genuine']);

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/**
 * `verification`: what qr-token.js's verifyToken answered ({ok, reason, claims}).
 * `today`: the device's date as YYYY-MM-DD. The token's `vu` (valid until) is the last valid
 * day, as on the server (src/certifications/certificate-status.ts): expired from the day after.
 * A genuine token whose `vu` is not a date is not something the Center signs: not genuine.
 */
export function judge({ verification, revoked, suspended, today }) {
  if (!verification || verification.ok !== true || !verification.claims) return 'not_genuine';
  const validUntil = verification.claims.vu;
  if (validUntil !== undefined && validUntil !== null && !isDay(validUntil)) return 'not_genuine';
  if (revoked === true) return 'revoked';
  if (suspended === true) return 'suspended';
  if (!isDay(today)) throw new TypeError('today must be a YYYY-MM-DD date');
  if (validUntil && validUntil < today) return 'expired';
  return 'valid';
}

function isDay(value) {
  return typeof value === 'string' && DAY.test(value);
}

/** The device's local date as YYYY-MM-DD: an inspector in the field judges by the local day. */
export function localDay(date = new Date()) {
  const pad = (n) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`;
}
