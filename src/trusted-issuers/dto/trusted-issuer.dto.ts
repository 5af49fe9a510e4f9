import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import {
  ArrayMaxSize,
  IsArray,
  IsBoolean,
  IsInt,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsObject,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { Transform } from 'class-transformer';
import { PageQueryDto } from '../../common/pagination.js';
import { NotNullIfGiven, PRINTABLE_TEXT, Trim, UpperCase } from '../../common/validators.js';
import type { StoredJwks, TrustedIssuer } from '../trusted-issuer.entity.js';

/** `host` or `host:port` (lower case, no scheme or path): where status lists may come from. */
export const HOST_PATTERN =
  /^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)*|\[[0-9a-f:.]+\])(?::[0-9]{1,5})?$/;
export const DID_KEY_PATTERN = /^did:key:z6Mk[1-9A-HJ-NP-Za-km-z]{40,50}$/;

export class JwkDto {
  @ApiProperty({ example: 'OKP' }) kty: string;
  @ApiProperty({ example: 'Ed25519' }) crv: string;
  @ApiProperty({ description: 'The public key, base64url' }) x: string;
  @ApiProperty({ description: 'The key id its vc+jwt credentials name in their header' })
  kid: string;
}

export class JwksDto {
  @ApiProperty({ type: [JwkDto] }) keys: JwkDto[];
}

export class TrustedIssuerDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Ukrainian Mine Action Training Centre' }) name: string;
  @ApiProperty({ example: 'UA', description: 'ISO 3166-1 alpha-2' }) country: string;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK',
  })
  did: string | null;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'https://training.example/.well-known/jwks.json',
  })
  jwksUrl: string | null;
  @ApiProperty({
    type: JwksDto,
    nullable: true,
    description: 'The keys stored for its vc+jwt credentials (never fetched during a verification)',
  })
  jwks: StoredJwks | null;
  @ApiProperty({ type: [String], example: ['status.training.example'] })
  statusListHosts: string[];
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(i: TrustedIssuer): TrustedIssuerDto {
    return {
      id: i.id,
      name: i.name,
      country: i.country,
      did: i.did,
      jwksUrl: i.jwksUrl,
      jwks: i.jwks,
      statusListHosts: i.statusListHosts,
      version: i.version,
      createdAt: i.createdAt,
      updatedAt: i.updatedAt,
    };
  }
}

class TrustedIssuerFields {
  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description:
      'The issuer as its credentials name it: `did:key:z6Mk…` (Ed25519). did:web is not accepted: resolving it needs a network fetch at verification time.',
  })
  @IsOptional()
  @IsString()
  @Matches(DID_KEY_PATTERN, { message: 'did must be an Ed25519 did:key (did:key:z6Mk…)' })
  did?: string | null;

  @ApiPropertyOptional({
    type: String,
    nullable: true,
    description: 'Where the issuer publishes its JWKS (http or https)',
  })
  @IsOptional()
  @IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_tld: false })
  @MaxLength(2000)
  jwksUrl?: string | null;

  @ApiPropertyOptional({
    type: JwksDto,
    description: 'The JWKS itself (Ed25519 keys with `kid`); stored as given',
  })
  @IsOptional()
  @IsObject()
  jwks?: StoredJwks | null;

  @ApiPropertyOptional({
    description:
      "Fetch the JWKS from jwksUrl once, now, and store it (a timeout of 5 s, 256 KB at most); it is never fetched again unless asked. 422 JWKS_UNAVAILABLE if it can't be.",
  })
  @IsOptional()
  @IsBoolean()
  fetchJwks?: boolean;

  @ApiPropertyOptional({
    type: [String],
    example: ['status.training.example', '127.0.0.1:8443'],
    description:
      "Hosts (`host` or `host:port`) from which this issuer's status lists may be fetched; a status list anywhere else is not fetched",
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    Array.isArray(value)
      ? value.map((v: unknown) => (typeof v === 'string' ? v.trim().toLowerCase() : v))
      : value,
  )
  @IsArray()
  @ArrayMaxSize(20)
  @IsString({ each: true })
  @Matches(HOST_PATTERN, { each: true, message: 'each status list host is host or host:port' })
  statusListHosts?: string[];
}

export class CreateTrustedIssuerDto extends TrustedIssuerFields {
  @ApiProperty({ maxLength: 200 })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({ example: 'UA', description: 'ISO 3166-1 alpha-2, any case' })
  @UpperCase()
  @IsISO31661Alpha2()
  country: string;
}

export class UpdateTrustedIssuerDto extends TrustedIssuerFields {
  @ApiPropertyOptional({ maxLength: 200 })
  @NotNullIfGiven()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, { message: 'name must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({ example: 'UA' })
  @NotNullIfGiven()
  @UpperCase()
  @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({ description: 'The version you read; a stale one is refused with 409' })
  @NotNullIfGiven()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListTrustedIssuersQueryDto extends PageQueryDto {}

export class TrustedIssuerPageDto {
  @ApiProperty({ type: [TrustedIssuerDto] }) items: TrustedIssuerDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
