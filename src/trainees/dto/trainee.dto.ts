import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsISO31661Alpha2,
  IsOptional,
  IsString,
  IsUUID,
  MaxLength,
  Min,
  ValidateIf,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { IsCalendarDate, Trim, UpperCase } from '../../common/validators.js';
import {
  DOCUMENT_NUMBER_MAX,
  DOCUMENT_NUMBER_MIN,
  IDENTITY_DOCUMENT_TYPES,
  IsDocumentNumber,
  IsPhone,
  maskDocumentNumber,
  NormaliseDocumentNumber,
  NormalisePhone,
  type IdentityDocumentType,
} from '../identity-document.js';
import { IsOptionalPersonName, IsPersonName, PERSON_NAME_MAX } from '../person-name.js';
import { SEXES, type Sex, type Trainee } from '../trainee.entity.js';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** Leaves a PATCH field out when absent, but refuses null for a field that must have a value. */
const unlessAbsent = () => ValidateIf((_: object, value: unknown) => value !== undefined);

/**
 * How much of a document number an answer carries: the whole number on the record (GET
 * /trainees/:id, the transcript, the answer to a create or a change: whoever may read the record
 * may read its card), the last four behind dots in lists and in the audit trail.
 */
export type DocumentView = 'whole' | 'masked';

export class IdentityDocumentDto {
  @ApiProperty({ enum: IDENTITY_DOCUMENT_TYPES }) type: IdentityDocumentType;
  @ApiProperty({
    example: 'AA1234567',
    description:
      'Normalised (spaces and hyphens taken out, upper case). In lists and audit events only the last four characters, as ••••4567',
  })
  number: string;
  @ApiProperty({ description: 'True when `number` shows the last four characters only' })
  masked: boolean;
}

export class IdentityDocumentInputDto {
  @ApiProperty({ enum: IDENTITY_DOCUMENT_TYPES })
  @IsIn(IDENTITY_DOCUMENT_TYPES)
  type: IdentityDocumentType;

  @ApiProperty({
    example: 'AA 1234567',
    minLength: DOCUMENT_NUMBER_MIN,
    maxLength: DOCUMENT_NUMBER_MAX,
    description:
      'Letters and digits; spaces, hyphens, dots and slashes are taken out and letters upper-cased before it is stored, compared and searched',
  })
  @NormaliseDocumentNumber()
  @IsDocumentNumber()
  number: string;
}

const PHONE_DOC = {
  nullable: true,
  type: String,
  example: '+994501234567',
  description:
    'International form: + and the country code. Spaces, hyphens, dots and brackets are taken out; a leading 00 counts as +',
} as const;

const IDENTITY_DOCUMENT_DOC = {
  type: IdentityDocumentInputDto,
  nullable: true,
  description:
    'Unique per (type, number): a second trainee with the same card is 409 DUPLICATE_IDENTITY_DOCUMENT naming details.existingId. null removes it',
} as const;

export class TraineeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Leyla' }) givenName: string;
  @ApiProperty({ example: 'Məmmədova' }) familyName: string;
  @ApiProperty({ format: 'date', example: '1995-04-12' }) dateOfBirth: string;
  @ApiProperty({ enum: SEXES }) sex: Sex;
  @ApiProperty({ example: 'AZ', description: 'ISO 3166-1 alpha-2' }) nationality: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organisationId: string | null;
  @ApiProperty({ nullable: true, type: String }) email: string | null;
  @ApiProperty({ format: 'date', nullable: true, type: String })
  medicalClearanceUntil: string | null;
  @ApiProperty({ nullable: true, type: String, example: '+994501234567' }) phone: string | null;
  @ApiProperty({ type: IdentityDocumentDto, nullable: true })
  identityDocument: IdentityDocumentDto | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "The trainee's own account, if one is linked",
  })
  userId: string | null;
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  /** Masked unless asked for whole: a new caller cannot show a whole number by forgetting. */
  static from(
    trainee: Trainee,
    userId: string | null,
    document: DocumentView = 'masked',
  ): TraineeDto {
    return {
      id: trainee.id,
      givenName: trainee.givenName,
      familyName: trainee.familyName,
      dateOfBirth: trainee.dateOfBirth,
      sex: trainee.sex,
      nationality: trainee.nationality,
      organisationId: trainee.organisationId,
      email: trainee.email,
      medicalClearanceUntil: trainee.medicalClearanceUntil,
      phone: trainee.phone ?? null,
      identityDocument:
        trainee.identityDocumentType && trainee.identityDocumentNumber
          ? {
              type: trainee.identityDocumentType,
              number:
                document === 'whole'
                  ? trainee.identityDocumentNumber
                  : maskDocumentNumber(trainee.identityDocumentNumber),
              masked: document !== 'whole',
            }
          : null,
      userId,
      version: trainee.version,
      createdAt: trainee.createdAt.toISOString(),
      updatedAt: trainee.updatedAt.toISOString(),
    };
  }
}

export class CreateTraineeDto {
  @IsPersonName('Leyla') givenName: string;
  @IsPersonName('Məmmədova') familyName: string;

  @ApiProperty({ format: 'date', example: '1995-04-12', description: 'Not in the future' })
  @IsCalendarDate()
  dateOfBirth: string;

  @ApiProperty({ enum: SEXES })
  @IsIn(SEXES)
  sex: Sex;

  @ApiProperty({ example: 'AZ', description: 'ISO 3166-1 alpha-2, any case' })
  @UpperCase()
  @IsISO31661Alpha2()
  nationality: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, example: 'l.mammadova@operator.example' })
  @IsOptional()
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsCalendarDate()
  medicalClearanceUntil?: string | null;

  @ApiPropertyOptional(PHONE_DOC)
  @IsOptional()
  @NormalisePhone()
  @IsPhone()
  phone?: string | null;

  @ApiPropertyOptional(IDENTITY_DOCUMENT_DOC)
  @IsOptional()
  @ValidateNested()
  @Type(() => IdentityDocumentInputDto)
  identityDocument?: IdentityDocumentInputDto | null;
}

export class UpdateTraineeDto {
  @IsOptionalPersonName('Leyla') givenName?: string;
  @IsOptionalPersonName('Məmmədova') familyName?: string;

  @ApiPropertyOptional({ format: 'date' })
  @unlessAbsent()
  @IsCalendarDate()
  dateOfBirth?: string;

  @ApiPropertyOptional({ enum: SEXES })
  @unlessAbsent()
  @IsIn(SEXES)
  sex?: Sex;

  @ApiPropertyOptional({ example: 'AZ' })
  @unlessAbsent()
  @UpperCase()
  @IsISO31661Alpha2()
  nationality?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @Transform(trimLower)
  @IsEmail()
  @MaxLength(254)
  email?: string | null;

  @ApiPropertyOptional({ format: 'date', nullable: true, type: String })
  @IsOptional()
  @IsCalendarDate()
  medicalClearanceUntil?: string | null;

  @ApiPropertyOptional(PHONE_DOC)
  @IsOptional()
  @NormalisePhone()
  @IsPhone()
  phone?: string | null;

  @ApiPropertyOptional(IDENTITY_DOCUMENT_DOC)
  @IsOptional()
  @ValidateNested()
  @Type(() => IdentityDocumentInputDto)
  identityDocument?: IdentityDocumentInputDto | null;

  @ApiPropertyOptional({
    description: 'The version you read; a different stored version is refused with 409',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListTraineesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string;

  @ApiPropertyOptional({ example: 'AZ' })
  @IsOptional()
  @UpperCase()
  @IsISO31661Alpha2()
  nationality?: string;

  @ApiPropertyOptional({
    description:
      'Part of the name, case- and accent-insensitive (Aliyev finds Əliyev), or an identity document number, whole (spaces, hyphens and case ignored)',
  })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(2 * PERSON_NAME_MAX + 1)
  q?: string;
}

export class TraineePageDto {
  @ApiProperty({ type: [TraineeDto] }) items: TraineeDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
