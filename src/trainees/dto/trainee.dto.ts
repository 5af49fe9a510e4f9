import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
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
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { IsCalendarDate, Trim, UpperCase } from '../../common/validators.js';
import { IsOptionalPersonName, IsPersonName, PERSON_NAME_MAX } from '../person-name.js';
import { SEXES, type Sex, type Trainee } from '../trainee.entity.js';

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

/** Leaves a PATCH field out when absent, but refuses null for a field that must have a value. */
const unlessAbsent = () => ValidateIf((_: object, value: unknown) => value !== undefined);

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

  static from(trainee: Trainee, userId: string | null): TraineeDto {
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
    description: 'Part of the name, case- and accent-insensitive (Aliyev finds Əliyev)',
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
