import { randomInt } from 'node:crypto';

/** Crockford's base32 without I, L, O, U: nothing to misread when typed from paper. */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';
const RANDOM_CHARS = 6;

/**
 * `COE-EOD2-2026-7KQ4M2`: readable prefix (course code, year) and 30 random bits, so counting
 * through serials finds about one real certificate in a thousand even at a million issued;
 * public verification is rate-limited on top. Uniqueness is enforced by the database.
 */
export function generateSerial(courseCode: string, issuedOn: string): string {
  const code =
    courseCode
      .toUpperCase()
      .replace(/[^A-Z0-9]/g, '')
      .slice(0, 10) || 'X';
  let random = '';
  for (let i = 0; i < RANDOM_CHARS; i++) random += ALPHABET[randomInt(ALPHABET.length)];
  return `COE-${code}-${issuedOn.slice(0, 4)}-${random}`;
}

/** Serials are accepted in any case and with stray spaces, as people type them. */
export function normaliseSerial(input: string): string {
  return input.trim().toUpperCase().replace(/\s+/g, '');
}
