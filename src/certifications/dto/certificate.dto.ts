import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, IsUUID, Matches, MaxLength } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { IsCalendarDate, PRINTABLE_TEXT, Trim } from '../../common/validators.js';
import { CERTIFICATE_STATUSES, type CertificateStatus } from '../certificate.entity.js';
import {
  LIFECYCLE_ACTIONS,
  STATUS_REASONS,
  type LifecycleAction,
  type StatusReason,
} from '../certificate-status.js';

export class CertificateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'COE-EOD2-2026-7KQ4M2' }) serial: string;
  @ApiProperty({ format: 'uuid' }) traineeId: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'Null for imported legacy certificates',
  })
  sessionId: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) enrolmentId: string | null;
  @ApiProperty({
    format: 'uuid',
    type: String,
    nullable: true,
    description: 'The issuing instructor',
  })
  issuedBy: string | null;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '2028-11-28',
    description: 'Last valid day; null = never expires',
  })
  validUntil: string | null;
  @ApiProperty({ enum: CERTIFICATE_STATUSES }) status: CertificateStatus;
  @ApiProperty({ type: String, nullable: true, enum: STATUS_REASONS }) statusReason: string | null;
  @ApiProperty({ type: String, nullable: true }) statusNote: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) statusChangedAt:
    string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) supersededById: string | null;
  @ApiProperty() imported: boolean;
  @ApiProperty({ description: 'Public verification page (also in the QR code)' })
  verificationUrl: string;
  @ApiProperty({
    enum: LIFECYCLE_ACTIONS,
    isArray: true,
    example: ['suspend', 'revoke'],
    description:
      'What the caller may do to this certificate now (POST /certificates/:id/{action}): admins only, by its status. Revoked is final; only an active certificate can be suspended and only a suspended one reinstated. The routes refuse exactly what this omits.',
  })
  allowedActions: LifecycleAction[];
}

export class CertificateDetailDto extends CertificateDto {
  @ApiProperty({
    example:
      'https://coe.example.org/verify/COE-EOD2-2026-7KQ4M2#eyJhbGciOiJFZERTQSIsImtpZCI6Ii4uLiIsInR5cCI6ImNvZS1xcitqd3QifQ.eyJpc3MiOiIuLi4ifQ.c2ln',
    description:
      'What the certificate\'s QR code holds (PDF and certificate page): the public verification URL with a signed token in its fragment, `{PUBLIC_BASE_URL}/verify/{serial}#{token}`, so the certificate can be checked with no connection. The token is a compact JWS (EdDSA, `typ` coe-qr+jwt, `kid` from /.well-known/jwks.json); docs/credentials.md "The QR token" lists its claims. Signed when answered, by the current key: the same certificate gives the same URL until the key is rotated, and a URL made before still verifies.',
  })
  qrUrl: string;
}

export class CertificatePageDto {
  @ApiProperty({ type: [CertificateDto] }) items: CertificateDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ListCertificatesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  traineeId?: string;

  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  courseId?: string;

  @ApiPropertyOptional({ enum: CERTIFICATE_STATUSES })
  @IsOptional()
  @IsIn(CERTIFICATE_STATUSES)
  status?: CertificateStatus;

  @ApiPropertyOptional({
    example: '2027-06-30',
    description: 'Certificates whose last valid day is before this date',
  })
  @IsOptional()
  @IsCalendarDate()
  expiringBefore?: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description: 'Certificates issued for this session, within what the caller may see',
  })
  @IsOptional()
  @IsUUID('all')
  sessionId?: string;

  @ApiPropertyOptional({
    example: 'COE-EOD2-2026-7KQ4M2',
    maxLength: 100,
    description:
      'The certificate with this serial number (case and spaces ignored), within what the caller may see',
  })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(PRINTABLE_TEXT, { message: 'serial must not contain control characters' })
  serial?: string;
}

export class StatusChangeDto {
  @ApiProperty({ enum: STATUS_REASONS })
  @IsIn(STATUS_REASONS)
  reason: StatusReason;

  @ApiPropertyOptional({
    maxLength: 2000,
    description:
      'Free text: what happened, references to the case file. Required (not blank) when the reason is `other`.',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2000)
  @Matches(PRINTABLE_TEXT, { message: 'note must not contain control characters' })
  note?: string;
}

export class SkippedEnrolmentDto {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ example: 'NOT_PASSED' }) code: string;
  @ApiProperty() message: string;
}

export class BulkIssueResultDto {
  @ApiProperty({ type: [CertificateDto] }) issued: CertificateDto[];
  @ApiProperty({ type: [SkippedEnrolmentDto] }) skipped: SkippedEnrolmentDto[];
}

export class CredentialResponseDto {
  @ApiProperty({ description: 'The credential secured as vc+jwt (EdDSA, Ed25519)' }) jwt: string;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description: 'The credential the JWT carries',
  })
  credential: Record<string, unknown>;
  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      'The same certificate as an Open Badges 3.0 JSON-LD credential secured with a DataIntegrityProof (eddsa-rdfc-2022), issued by the did:key of the same signing key, with its own credentialStatus: the form wallets and standard verifiers accept',
  })
  dataIntegrity: Record<string, unknown>;
}
