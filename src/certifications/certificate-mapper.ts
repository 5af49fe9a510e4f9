import type { Actor } from '../common/actor.js';
import { today as todayIn } from '../common/calendar.js';
import { verificationUrl } from '../credentials/credential-builder.js';
import { allowedActions, effectiveStatus } from './certificate-status.js';
import type { Certificate } from './certificate.entity.js';
import type { CertificateDetailDto, CertificateDto } from './dto/certificate.dto.js';

/**
 * What the answer about a certificate is made of: the entity, or a row of a list read with
 * CERTIFICATE_LIST_COLUMNS (its times already in ISO 8601, formatted by PostgreSQL).
 */
type CertificateFields = Pick<
  Certificate,
  | 'id'
  | 'serial'
  | 'traineeId'
  | 'courseId'
  | 'sessionId'
  | 'enrolmentId'
  | 'issuedBy'
  | 'validUntil'
  | 'status'
  | 'statusReason'
  | 'statusNote'
  | 'supersededById'
  | 'imported'
> & { issuedAt: Date | string; statusChangedAt: Date | string | null };

export type CertificateListRow = CertificateFields & {
  issuedAt: string;
  statusChangedAt: string | null;
};

/** A timestamptz column as `Date.toISOString()` writes it (UTC, milliseconds, `Z`). */
const isoSql = (column: string) =>
  `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

/** The columns of `certificates c` a list answer needs, named as CertificateListRow. */
export const CERTIFICATE_LIST_COLUMNS = [
  'c.id',
  'c.serial',
  'c.trainee_id AS "traineeId"',
  'c.course_id AS "courseId"',
  'c.session_id AS "sessionId"',
  'c.enrolment_id AS "enrolmentId"',
  'c.issued_by AS "issuedBy"',
  `${isoSql('c.issued_at')} AS "issuedAt"`,
  'c.valid_until AS "validUntil"',
  'c.status',
  'c.status_reason AS "statusReason"',
  'c.status_note AS "statusNote"',
  `${isoSql('c.status_changed_at')} AS "statusChangedAt"`,
  'c.superseded_by_id AS "supersededById"',
  'c.imported',
].join(', ');

const iso = (value: Date | string) => (typeof value === 'string' ? value : value.toISOString());

/** `actor` is the caller: `allowedActions` lists what they may do to it. */
export function toCertificateDto(
  cert: CertificateFields,
  ctx: { baseUrl: string; timeZone: string; actor: Pick<Actor, 'roles'> },
): CertificateDto {
  const status = effectiveStatus(cert, todayIn(ctx.timeZone));
  return {
    id: cert.id,
    serial: cert.serial,
    traineeId: cert.traineeId,
    courseId: cert.courseId,
    sessionId: cert.sessionId,
    enrolmentId: cert.enrolmentId,
    issuedBy: cert.issuedBy,
    issuedAt: iso(cert.issuedAt),
    validUntil: cert.validUntil,
    status,
    statusReason: cert.statusReason,
    statusNote: cert.statusNote,
    statusChangedAt: cert.statusChangedAt === null ? null : iso(cert.statusChangedAt),
    supersededById: cert.supersededById,
    imported: cert.imported,
    verificationUrl: verificationUrl(ctx.baseUrl, cert.serial),
    allowedActions: allowedActions(ctx.actor, status),
  };
}

/**
 * The answer about one certificate adds its QR URL (signed on each answer, never stored;
 * lists leave it out: no one scans a list, and signing every row would be wasted work).
 */
export function withQrUrl(dto: CertificateDto, qrUrl: string): CertificateDetailDto {
  return { ...dto, qrUrl };
}
