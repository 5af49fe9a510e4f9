import { today as todayIn } from '../common/calendar.js';
import { verificationUrl } from '../credentials/credential-builder.js';
import { effectiveStatus } from './certificate-status.js';
import type { Certificate } from './certificate.entity.js';
import type { CertificateDto } from './dto/certificate.dto.js';

export function toCertificateDto(
  cert: Certificate,
  ctx: { baseUrl: string; timeZone: string },
): CertificateDto {
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
    status: effectiveStatus(cert, todayIn(ctx.timeZone)),
    statusReason: cert.statusReason,
    statusNote: cert.statusNote,
    statusChangedAt: cert.statusChangedAt?.toISOString() ?? null,
    supersededById: cert.supersededById,
    imported: cert.imported,
    verificationUrl: verificationUrl(ctx.baseUrl, cert.serial),
  };
}
