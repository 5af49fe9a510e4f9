import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, IsOptional, IsString, IsUUID, MaxLength, Min, ValidateIf } from 'class-validator';
import { IsAccountEmail } from '../../common/email.js';
import { PageQueryDto } from '../../common/pagination.js';
import { Trim } from '../../common/validators.js';
import { IsOptionalPersonName, IsPersonName } from '../../trainees/person-name.js';
import type { Instructor } from '../instructor.entity.js';

/** A course the instructor may teach today, with the latest date the qualification runs to. */
export class CurrentQualificationDto {
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'EOD-1' }) courseCode: string;
  @ApiProperty({ example: 'Explosive Ordnance Disposal Level 1' }) courseTitle: string;
  @ApiProperty({ format: 'date' }) validUntil: string;
}

export class InstructorDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'Rashad' }) givenName: string;
  @ApiProperty({ example: 'Aliyev' }) familyName: string;
  @ApiProperty({ example: 'r.aliyev@coe.example' }) email: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) organisationId: string | null;
  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: "The instructor's own account, if one is linked",
  })
  userId: string | null;
  @ApiProperty({ type: [CurrentQualificationDto], description: 'Current qualifications only' })
  qualifications: CurrentQualificationDto[];
  @ApiProperty() version: number;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;

  static from(
    instructor: Instructor,
    userId: string | null,
    qualifications: CurrentQualificationDto[],
  ): InstructorDto {
    return {
      id: instructor.id,
      givenName: instructor.givenName,
      familyName: instructor.familyName,
      email: instructor.email,
      organisationId: instructor.organisationId,
      userId,
      qualifications,
      version: instructor.version,
      createdAt: instructor.createdAt.toISOString(),
      updatedAt: instructor.updatedAt.toISOString(),
    };
  }
}

export class CreateInstructorDto {
  @IsPersonName('Rashad') givenName: string;
  @IsPersonName('Aliyev') familyName: string;

  @ApiProperty({
    example: 'r.aliyev@coe.example',
    description: 'Unique, stored normalised (NFKC, lower case); look-alike addresses are refused',
  })
  @IsAccountEmail()
  email: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string | null;
}

export class UpdateInstructorDto {
  @IsOptionalPersonName('Rashad') givenName?: string;
  @IsOptionalPersonName('Aliyev') familyName?: string;

  @ApiPropertyOptional({ example: 'r.aliyev@coe.example' })
  @ValidateIf((_: object, value: unknown) => value !== undefined)
  @IsAccountEmail()
  email?: string;

  @ApiPropertyOptional({ format: 'uuid', nullable: true, type: String })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string | null;

  @ApiPropertyOptional({
    description: 'The version you read; a different stored version is refused with 409',
  })
  @IsOptional()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ListInstructorsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  organisationId?: string;

  @ApiPropertyOptional({ description: 'Part of the name or email, case-insensitive' })
  @IsOptional()
  @Trim()
  @IsString()
  @MaxLength(254)
  q?: string;
}

export class InstructorPageDto {
  @ApiProperty({ type: [InstructorDto] }) items: InstructorDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
