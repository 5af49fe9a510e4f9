import { ApiProperty, ApiPropertyOptional, OmitType } from '@nestjs/swagger';
import { IsDefined } from 'class-validator';

export class VerifyCredentialDto {
  @ApiProperty({
    description:
      'A credential as issued: the vc+jwt string, or the Data Integrity JSON-LD credential object',
    oneOf: [{ type: 'string' }, { type: 'object' }],
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
  @ApiProperty({ enum: ['active', 'expired', 'suspended', 'revoked', 'superseded', 'not_found'] })
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
  @ApiProperty({ example: 'active' }) status: string;
}

export class CredentialVerificationDto extends OmitType(SerialVerificationDto, [
  'issuer',
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
  @ApiProperty({ type: CredentialChecksDto }) checks: CredentialChecksDto;
}
