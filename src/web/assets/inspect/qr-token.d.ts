/** Types of qr-token.js (a plain browser module that Node tests and the server import as it is). */
export const QR_TOKEN_TYPE: 'coe-qr+jwt';

export interface QrClaims {
  iss: string;
  sn: string;
  nm: string;
  doc?: string;
  cc: string;
  ct: string;
  cl: string;
  iat: string;
  vu?: string;
  sl: [number, number];
}

export interface QrHeader {
  alg: 'EdDSA';
  kid: string;
  typ: 'coe-qr+jwt';
}

export class QrTokenError extends Error {
  readonly reason: 'malformed';
  constructor(detail: string);
}

export function parseQrUrl(url: string): { serial: string; token: string | null } | null;

export function decodeToken(token: string): { header: QrHeader; claims: QrClaims };

export type QrTokenVerification =
  | { ok: true; reason: null; claims: QrClaims }
  | { ok: false; reason: 'bad_signature' | 'unknown_key'; claims: QrClaims }
  | { ok: false; reason: 'malformed'; claims: null };

export function verifyToken(
  token: string,
  jwks: { keys: ReadonlyArray<Record<string, unknown>> },
): Promise<QrTokenVerification>;

export interface QrRecord {
  serial?: string;
  holderName?: string;
  courseCode?: string;
  courseTitle?: string;
  issuedOn?: string;
  validUntil?: string | null;
}

export function mismatches(claims: QrClaims, record: QrRecord): (keyof QrRecord)[];
