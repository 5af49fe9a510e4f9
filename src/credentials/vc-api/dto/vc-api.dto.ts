import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsDefined, IsObject, IsOptional } from 'class-validator';
import type { CredentialVerdict, Problem } from '../credential-verifier.service.js';

export class VerifyCredentialOptionsDto {
  @ApiPropertyOptional({
    description: 'Add `results` (proof, validFrom, validUntil, credentialStatus)',
  })
  returnResults?: boolean;
  @ApiPropertyOptional({ description: 'Add the verified credential (only when its proof holds)' })
  returnCredential?: boolean;
}

export class VerifyCredentialRequestDto {
  @ApiProperty({
    description:
      'A vc+jwt string, an EnvelopedVerifiableCredential (`id`: `data:application/vc+jwt,<jwt>`) or a Data Integrity credential (`eddsa-rdfc-2022`, did:key)',
    oneOf: [{ type: 'string' }, { type: 'object', additionalProperties: true }],
  })
  @IsDefined()
  verifiableCredential: unknown;

  @ApiPropertyOptional({ type: VerifyCredentialOptionsDto })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

export class VerifyPresentationOptionsDto {
  @ApiPropertyOptional({
    description: 'Required to check a signed presentation: the challenge you gave the holder',
  })
  challenge?: string;
  @ApiPropertyOptional() domain?: string;
}

export class VerifyPresentationRequestDto {
  @ApiProperty({
    description:
      'A VerifiablePresentation (`eddsa-rdfc-2022` proof by a did:key holder, purpose authentication; or unsigned) whose `verifiableCredential` lists credentials in any form /credentials/verify takes',
    type: 'object',
    additionalProperties: true,
  })
  @IsDefined()
  verifiablePresentation: unknown;

  @ApiPropertyOptional({ type: VerifyPresentationOptionsDto })
  @IsOptional()
  @IsObject()
  options?: Record<string, unknown>;
}

export class ProblemDto {
  @ApiProperty({ example: 'https://www.w3.org/TR/vc-data-model-2.0/#CRYPTOGRAPHIC_SECURITY_ERROR' })
  type: string;
  @ApiProperty({ example: 'INVALID_SIGNATURE' }) code: string;
  @ApiProperty({ example: 'Invalid signature' }) title: string;
  @ApiProperty() detail: string;
}

export class StatusEntryResultDto {
  @ApiProperty({ example: 'revocation' }) purpose: string;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'The entry’s value; null when not read',
  })
  value: number | null;
  @ApiProperty() verified: boolean;
  @ApiProperty({ type: 'object', additionalProperties: true }) input: unknown;
}

export class VerificationResultsDto {
  @ApiProperty({ description: '[{verified}]' }) proof: { verified: boolean }[];
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  validFrom: { verified: boolean; input: string } | null;
  @ApiProperty({ type: 'object', nullable: true, additionalProperties: true })
  validUntil: { verified: boolean; input: string } | null;
  @ApiProperty({ type: [StatusEntryResultDto] }) credentialStatus: StatusEntryResultDto[];
}

export class CredentialVerificationResultDto {
  @ApiProperty({
    description:
      'The proof holds, the dates hold and, for the Center and trusted issuers, no status entry is set (and every one could be read)',
  })
  verified: boolean;
  @ApiProperty({ example: ['proof', 'validFrom', 'validUntil', 'credentialStatus'] })
  checks: string[];
  @ApiProperty({ type: [ProblemDto] }) warnings: Problem[];
  @ApiProperty({ type: [ProblemDto] }) errors: Problem[];
  @ApiProperty({
    type: [ProblemDto],
    description: 'errors then warnings, as the VC API (VCALM) lists them',
  })
  problemDetails: Problem[];
  @ApiProperty({ description: 'The issuer is the Center or on its list of trusted issuers' })
  trustedIssuer: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'Once the proof holds: the issuer (a DID or URL)',
  })
  issuer: string | null;
  @ApiProperty({ type: String, nullable: true, enum: ['vc+jwt', 'data-integrity'] })
  format: string | null;
  @ApiProperty({
    enum: ['active', 'revoked', 'suspended', 'expired', 'superseded', 'not_found', 'unknown'],
    description: '`unknown`: not checked (an untrusted issuer, an invalid proof) or not readable',
  })
  status: string;
  @ApiPropertyOptional({ type: VerificationResultsDto })
  results?: VerificationResultsDto;
  @ApiPropertyOptional({ type: 'object', additionalProperties: true })
  credential?: Record<string, unknown>;

  static from(
    verdict: CredentialVerdict,
    options: Record<string, unknown> = {},
  ): CredentialVerificationResultDto {
    const dto: CredentialVerificationResultDto = {
      verified: verdict.verified,
      checks: verdict.checks,
      warnings: verdict.warnings,
      errors: verdict.errors,
      problemDetails: [...verdict.errors, ...verdict.warnings],
      trustedIssuer: verdict.trustedIssuer,
      issuer: verdict.issuer,
      format: verdict.format,
      status: verdict.status,
    };
    if (options.returnResults === true) {
      const now = Date.now();
      dto.results = {
        proof: [{ verified: verdict.proofValid }],
        validFrom: verdict.validFrom
          ? { verified: Date.parse(verdict.validFrom) <= now, input: verdict.validFrom }
          : null,
        validUntil: verdict.validUntil
          ? { verified: Date.parse(verdict.validUntil) >= now, input: verdict.validUntil }
          : null,
        credentialStatus: verdict.statusEntries,
      };
    }
    if (options.returnCredential === true && verdict.credential)
      dto.credential = verdict.credential;
    return dto;
  }
}

export class PresentationProofResultDto {
  @ApiProperty({ description: 'The presentation’s own proof holds (false when unsigned)' })
  verified: boolean;
  @ApiProperty({ type: String, nullable: true }) holder: string | null;
}

export class PresentationVerificationResultDto {
  @ApiProperty({
    description:
      'Every credential is verified and the presentation’s proof, when it has one, holds',
  })
  verified: boolean;
  @ApiProperty({ example: ['proof', 'credentials'] }) checks: string[];
  @ApiProperty({ type: [ProblemDto] }) warnings: Problem[];
  @ApiProperty({ type: [ProblemDto] }) errors: Problem[];
  @ApiProperty({ type: [ProblemDto] }) problemDetails: Problem[];
  @ApiProperty({ type: PresentationProofResultDto }) presentationResult: PresentationProofResultDto;
  @ApiProperty({ type: [CredentialVerificationResultDto] })
  credentialResults: CredentialVerificationResultDto[];
}
