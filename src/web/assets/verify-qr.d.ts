/** Types of verify-qr.js (the verify page's QR check; its pure comparison is tested in Node). */
import type { QrClaims } from './inspect/qr-token.js';

export interface ShownRecord {
  found: boolean;
  serial: string;
  issuer: string;
  holder?: string | null;
  documentLast4?: string | null;
  courseCode?: string | null;
  courseTitle?: string | null;
  issuedOn?: string | null;
  validUntil?: string | null;
}

export function disagreements(claims: QrClaims, record: ShownRecord): string[];

export function holderMatches(fullName: string, masked: string): boolean;
