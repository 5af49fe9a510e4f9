import { ApiProperty } from '@nestjs/swagger';

/** One public key of the Center (RFC 8037 OKP key, Ed25519). */
export class JwkDto {
  @ApiProperty({ example: 'OKP' }) kty: string;
  @ApiProperty({ example: 'Ed25519' }) crv: string;
  @ApiProperty({ description: 'The public key, base64url' }) x: string;
  @ApiProperty({ description: 'Names the key in a vc+jwt header (`kid`)' }) kid: string;
  @ApiProperty({ example: 'EdDSA' }) alg: string;
  @ApiProperty({ example: 'sig' }) use: string;
}

/** RFC 7517 JWK Set. */
export class JwksDto {
  @ApiProperty({
    type: [JwkDto],
    description: 'Current and retired keys, newest first',
  })
  keys: JwkDto[];
}

/** An Open Badges 3.0 IdentifierEntry: a DID the Center has signed with. */
export class IdentifierEntryDto {
  @ApiProperty({ example: 'IdentifierEntry' }) type: string;
  @ApiProperty({ example: 'did:key:z6Mk…' }) identifier: string;
  @ApiProperty({ example: 'ext:did' }) identifierType: string;
}

export class IssuerSigningKeyDto {
  @ApiProperty() kid: string;
  @ApiProperty({ example: 'did:key:z6Mk…' }) did: string;
  @ApiProperty({ enum: ['active', 'retired'] }) status: string;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) retiredAt: string | null;
}

/** GET /issuer: the Open Badges 3.0 Profile the credentials name as issuer. */
export class IssuerProfileDto {
  @ApiProperty({
    name: '@context',
    type: [String],
    description: 'The VC 2.0 and Open Badges 3.0 JSON-LD contexts',
  })
  '@context': string[];
  @ApiProperty({ example: 'https://coe.example/issuer' }) id: string;
  @ApiProperty({ type: [String], example: ['Profile'] }) type: string[];
  @ApiProperty({ example: 'Mine Action Center of Excellence' }) name: string;
  @ApiProperty({ example: 'https://coe.example' }) url: string;
  @ApiProperty({ example: 'https://coe.example/.well-known/jwks.json' }) jwksUri: string;
  @ApiProperty({
    type: [IdentifierEntryDto],
    description: 'Every did:key the Center has signed Data Integrity credentials with',
  })
  otherIdentifier: IdentifierEntryDto[];
  @ApiProperty({ type: [IssuerSigningKeyDto] }) signingKeys: IssuerSigningKeyDto[];
}

/**
 * A W3C Bitstring Status List credential in its Data Integrity (JSON-LD) form. Only its
 * constant shape is described: the proof and contexts are as the standards define them.
 */
export const STATUS_LIST_CREDENTIAL_SCHEMA = {
  type: 'object',
  title: 'Bitstring Status List credential',
  required: ['@context', 'id', 'type', 'issuer', 'credentialSubject', 'proof'],
  properties: {
    '@context': { type: 'array', items: { type: 'string' } },
    id: { type: 'string', description: 'This URL' },
    type: {
      type: 'array',
      items: { type: 'string' },
      example: ['VerifiableCredential', 'BitstringStatusListCredential'],
    },
    issuer: { type: 'string', description: 'The did:key of the signing key' },
    validFrom: { type: 'string', format: 'date-time' },
    validUntil: { type: 'string', format: 'date-time' },
    credentialSubject: {
      type: 'object',
      required: ['type', 'statusPurpose', 'encodedList'],
      properties: {
        id: { type: 'string' },
        type: { type: 'string', example: 'BitstringStatusList' },
        statusPurpose: { type: 'string', enum: ['revocation', 'suspension'] },
        encodedList: {
          type: 'string',
          description: 'Multibase (u) base64url of the GZIP-compressed bitstring',
        },
        ttl: { type: 'integer', description: 'Milliseconds a verifier may use this list' },
      },
      additionalProperties: true,
    },
    proof: { type: 'object', additionalProperties: true },
  },
  additionalProperties: true,
};
