import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';

/** What a serial's verification can answer as `status` (the certificate's, or not_found). */
const VERIFICATION_STATUSES = [
  'active',
  'expired',
  'suspended',
  'revoked',
  'superseded',
  'not_found',
];

/**
 * The Data Integrity form of a credential as the body of POST /verify: the JSON-LD object the
 * Center issued (Open Badges 3.0 AchievementCredential with its proof). Only what every
 * credential has is required; the rest passes through as issued, since the proof covers it.
 */
export const DATA_INTEGRITY_CREDENTIAL_SCHEMA = {
  type: 'object',
  title: 'Data Integrity credential',
  description:
    'A W3C Verifiable Credential 2.0 (JSON-LD) secured with a Data Integrity proof (`eddsa-rdfc-2022`), as `GET /api/v1/certificates/{id}/credential` gives it in `dataIntegrity`',
  required: ['@context', 'type', 'issuer', 'credentialSubject', 'proof'],
  properties: {
    '@context': {
      type: 'array',
      items: { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] },
    },
    id: { type: 'string' },
    type: { type: 'array', items: { type: 'string' } },
    issuer: { oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }] },
    validFrom: { type: 'string', format: 'date-time' },
    validUntil: { type: 'string', format: 'date-time' },
    credentialSubject: { type: 'object', additionalProperties: true },
    credentialStatus: {
      oneOf: [
        { type: 'object', additionalProperties: true },
        { type: 'array', items: { type: 'object', additionalProperties: true } },
      ],
    },
    proof: {
      oneOf: [
        { type: 'object', additionalProperties: true },
        { type: 'array', items: { type: 'object', additionalProperties: true } },
      ],
    },
  },
  additionalProperties: true,
};

export class VerifyCredentialDto {
  @ApiProperty({
    description:
      'A credential as issued: the vc+jwt string (compact JWS), or the Data Integrity JSON-LD credential object',
    oneOf: [
      {
        type: 'string',
        title: 'vc+jwt',
        description: 'The compact JWS of a `vc+jwt` credential (header.payload.signature)',
        maxLength: 100_000,
      },
      DATA_INTEGRITY_CREDENTIAL_SCHEMA,
    ],
  })
  @IsDefined()
  credential: unknown;
}

export class VerifiedCourseDto {
  @ApiProperty({ example: 'EOD-2' }) code: string;
  @ApiProperty() title: string;
}

export class VerifiedHolderDocumentDto {
  @ApiProperty({ enum: ['passport', 'national_id', 'military_id'] }) type: string;
  @ApiProperty({ example: '4567' }) last4: string;
}

export class SerialVerificationDto {
  @ApiProperty({ example: 'COE-EOD2-2026-7KQ4M2' }) serial: string;
  @ApiProperty() valid: boolean;
  @ApiProperty({ enum: VERIFICATION_STATUSES })
  status: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'A. Mammadov',
    description: 'Masked holder name',
  })
  holder: string | null;
  @ApiPropertyOptional({
    type: VerifiedHolderDocumentDto,
    description:
      "The holder's identity document type and the last four characters of its number, to compare with the card in hand; absent unless the Center turned this on (VERIFY_SHOW_DOCUMENT_LAST4) and one is recorded",
  })
  holderDocument?: VerifiedHolderDocumentDto;
  @ApiProperty({ type: VerifiedCourseDto, nullable: true }) course: VerifiedCourseDto | null;
  @ApiProperty({ type: String, nullable: true, format: 'date-time' }) issuedAt: string | null;
  @ApiProperty({ type: String, nullable: true }) validUntil: string | null;
  @ApiProperty() issuer: string;
  @ApiPropertyOptional({ type: String, nullable: true }) statusReason: string | null;
}

export class CredentialChecksDto {
  @ApiProperty({
    example: 'valid',
    description:
      "valid | malformed | unknown_key (not one of the Center's keys) | issuer_mismatch | bad_signature",
  })
  signature: string;
  @ApiProperty({ example: 'valid', description: 'valid | expired | not_yet_valid | not_checked' })
  dates: string;
  @ApiProperty({
    example: 'active',
    description:
      "The certificate's status in the register (active | expired | suspended | revoked | superseded | not_found), or not_checked when the signature does not hold",
  })
  status: string;
}

export class CredentialVerificationDto extends OmitType(SerialVerificationDto, [
  'issuer',
  'status',
] as const) {
  @ApiProperty({
    type: String,
    nullable: true,
    description:
      "The Center, when one of its keys signed the credential; null when the signature does not hold, since nothing then shows who issued it. An invalid credential's answer carries no serial, holder, course or dates either: none of its claims are stated as fact.",
  })
  issuer: string | null;
  @ApiProperty({
    enum: ['vc+jwt', 'data-integrity'],
    description: 'How the credential was secured',
  })
  format: string;
  @ApiProperty() signatureValid: boolean;
  @ApiProperty({
    enum: [...VERIFICATION_STATUSES, 'invalid'],
    description:
      "`invalid` when the credential does not verify (see `checks.signature`: malformed, unknown_key, issuer_mismatch, bad_signature), the register's status of the certificate otherwise",
  })
  status: string;
  @ApiProperty({ type: CredentialChecksDto }) checks: CredentialChecksDto;
}
