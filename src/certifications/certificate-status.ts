import type { Certificate, CertificateStatus } from './certificate.entity.js';

export const STATUS_REASONS = [
  'issued_in_error',
  'fraud_or_misconduct',
  'assessment_invalidated',
  'safety_breach',
  'qa_finding',
  'medical_unfit',
  'voluntary_surrender',
  'deceased',
  'other',
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

/** `expired` is derived from the date, so no job has to run for a certificate to lapse. */
export function effectiveStatus(
  cert: Pick<Certificate, 'status' | 'validUntil'>,
  today: string,
): CertificateStatus {
  if (cert.status === 'active' && cert.validUntil !== null && cert.validUntil < today)
    return 'expired';
  return cert.status;
}

/** "Aynur Məmmədova" → "A. Məmmədova": enough to recognise the holder, no more. */
export function maskedHolderName(givenName: string, familyName: string): string {
  const initial = [...givenName.trim()][0] ?? '';
  return initial ? `${initial.toUpperCase()}. ${familyName.trim()}` : familyName.trim();
}
