import type { Actor } from '../common/actor.js';
import { today as todayIn } from '../common/calendar.js';
import { verificationUrl } from '../credentials/credential-builder.js';
import { allowedActions, effectiveStatus } from './certificate-status.js';
import type { Certificate } from './certificate.entity.js';
import type { CertificateDetailDto, CertificateDto } from './dto/certificate.dto.js';

/** `actor` is the caller: `allowedActions` lists what they may do to it. */
export function toCertificateDto(
  cert: Certificate,
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
    issuedAt: cert.issuedAt.toISOString(),
    validUntil: cert.validUntil,
    status,
    statusReason: cert.statusReason,
    statusNote: cert.statusNote,
    statusChangedAt: cert.statusChangedAt?.toISOString() ?? null,
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
