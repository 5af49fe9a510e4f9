import { ApiProperty } from '@nestjs/swagger';
import type { SigningKeyInfo } from '../signing-keys.service.js';

/** A credential signing key as the public may know it: identifiers and dates, never key material. */
export class SigningKeyDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ description: 'JWK thumbprint: the `kid` of vc+jwt headers and of the JWKS' })
  kid: string;
  @ApiProperty({
    example: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
    description: 'The issuer of the Data Integrity credentials this key signs: the same public key',
  })
  did: string;
  @ApiProperty({ enum: ['active', 'retired'] }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retiredAt: string | null;

  static from(key: SigningKeyInfo): SigningKeyDto {
    return {
      id: key.id,
      kid: key.kid,
      did: key.did,
      status: key.status,
      createdAt: key.createdAt.toISOString(),
      retiredAt: key.retiredAt?.toISOString() ?? null,
    };
  }
}

export class SigningKeyPageDto {
  @ApiProperty({ type: [SigningKeyDto] }) items: SigningKeyDto[];
  @ApiProperty({ type: String, nullable: true, description: 'Always null: keys are few' })
  nextCursor: string | null;
}
