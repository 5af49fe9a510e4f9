import { gunzipSync, gzipSync } from 'node:zlib';

/** A list of 16 KB (131,072 entries) is the specification's minimum; far larger ones are refused. */
const MAX_LIST_BYTES = 16 * 1024 * 1024;

/**
 * The status value at `index` of a Bitstring Status List's `encodedList` (multibase base64url
 * without padding, `u` prefix, of the GZIP-compressed bits; the first entry is the left-most
 * bit), `statusSize` bits wide. Null when the list cannot be read or the index lies outside it:
 * a status that cannot be read is never taken as "not revoked".
 */
export function statusAt(encodedList: unknown, index: number, statusSize = 1): number | null {
  if (typeof encodedList !== 'string' || !encodedList.startsWith('u')) return null;
  if (!Number.isInteger(index) || index < 0) return null;
  if (!Number.isInteger(statusSize) || statusSize < 1 || statusSize > 8) return null;
  let bits: Buffer;
  try {
    bits = gunzipSync(Buffer.from(encodedList.slice(1), 'base64url'), {
      maxOutputLength: MAX_LIST_BYTES,
    });
  } catch {
    return null;
  }
  const first = index * statusSize;
  if (first + statusSize > bits.length * 8) return null;
  let value = 0;
  for (let bit = first; bit < first + statusSize; bit += 1) {
    value = (value << 1) | ((bits[bit >> 3] >> (7 - (bit & 7))) & 1);
  }
  return value;
}

/** The encodedList for a list of `length` entries with the given ones set (tests, tools). */
export function encodeStatusList(length: number, set: readonly number[]): string {
  const bits = Buffer.alloc(Math.ceil(length / 8));
  for (const index of set) bits[index >> 3] |= 0x80 >> (index & 7);
  return `u${gzipSync(bits).toString('base64url')}`;
}
