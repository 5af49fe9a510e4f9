import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsNotEmpty,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  Min,
} from 'class-validator';
import { EMAIL_MAX_LENGTH } from '../../common/email.js';
import { PageQueryDto } from '../../common/pagination.js';
import { PRINTABLE_TEXT, Trim, UpperCase, NotNullIfGiven } from '../../common/validators.js';
import {
  ORGANISATION_TYPES,
  type Organisation,
  type OrganisationType,
} from '../organisation.entity.js';

/** Optional; null clears it. Stored trimmed and lower-cased, like the trainees' addresses. */
function ContactEmail(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      example: 'training@operator.example',
      description: "Where the weekly digest of the organisation's expiring certificates goes",
    }),
    IsOptional(),
    Transform(({ value }: { value: unknown }) =>
      typeof value === 'string' ? value.trim().toLowerCase() : value,
    ),
    IsEmail(),
    MaxLength(EMAIL_MAX_LENGTH),
  );
}

export class OrganisationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Azerbaijan National Agency for Mine Action' }) name: string;
  @ApiProperty({ example: 'AZ', description: 'ISO 3166-1 alpha-2' }) country: string;
  @ApiProperty({ enum: ORGANISATION_TYPES }) type: OrganisationType;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'training@operator.example',
    description: "Receives the weekly digest of its people's certificates expiring within 90 days",
  })
  contactEmail: string | null;
  @ApiProperty({ example: 1 }) version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;

  static from(o: Organisation): OrganisationDto {
    return {
      id: o.id,
      name: o.name,
      country: o.country,
      type: o.type,
      contactEmail: o.contactEmail,
      version: o.version,
      createdAt: o.createdAt,
      updatedAt: o.updatedAt,
    };
  }
}

export class CreateOrganisationDto {
  @ApiProperty({ maxLength: 200, example: 'Azerbaijan National Agency for Mine Action' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, { message: 'name must not contain control characters' })
  name: string;

  @ApiProperty({ example: 'AZ', description: 'ISO 3166-1 alpha-2, any case' })
  @UpperCase()
  @IsISO31661Alpha2()
  country: string;

  @ApiProperty({ enum: ORGANISATION_TYPES })
  @IsIn(ORGANISATION_TYPES)
  type: OrganisationType;

  @ContactEmail()
  contactEmail?: string | null;
}

export class UpdateOrganisationDto {
  @ApiPropertyOptional({ maxLength: 200 })
  @NotNullIfGiven()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, { message: 'name must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({ example: 'AZ' })
  @NotNullIfGiven()
  @UpperCase()
  @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({ enum: ORGANISATION_TYPES })
  @NotNullIfGiven()
  @IsIn(ORGANISATION_TYPES)
  type?: OrganisationType;

  @ContactEmail()
  contactEmail?: string | null;

  @ApiPropertyOptional({ description: 'The version you read; a stale one is refused with 409' })
  @NotNullIfGiven()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListOrganisationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ example: 'AZ' })
  @IsOptional()
  @UpperCase()
  @IsISO31661Alpha2()
  country?: string;

  @ApiPropertyOptional({ enum: ORGANISATION_TYPES })
  @IsOptional()
  @IsIn(ORGANISATION_TYPES)
  type?: OrganisationType;

  @ApiPropertyOptional({ description: 'Case-insensitive part of the name' })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  q?: string;
}

export class OrganisationPageDto {
  @ApiProperty({ type: [OrganisationDto] }) items: OrganisationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
