import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, Max, Min } from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { IsCalendarDate } from '../../common/validators.js';

export const TRAINING_GROUPS = [
  'sex',
  'ageBand',
  'organisation',
  'country',
  'course',
  'month',
] as const;
export type TrainingGroup = (typeof TRAINING_GROUPS)[number];

export const AGE_BANDS = ['under_18', '18_24', '25_34', '35_49', '50_plus'] as const;
export type AgeBand = (typeof AGE_BANDS)[number];

/** `groupBy=sex,course` or `groupBy=sex&groupBy=course`; repeats are dropped, order is kept. */
const splitGroups = ({ value }: { value: unknown }) => {
  const parts = (Array.isArray(value) ? value : [value]).flatMap((v) =>
    typeof v === 'string' ? v.split(',').map((s) => s.trim()) : [v],
  );
  return [...new Set(parts.filter((p) => p !== ''))];
};

export class TrainingReportQueryDto {
  @ApiPropertyOptional({
    format: 'date',
    description: 'Sessions starting on or after this day (default: all time)',
  })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({
    format: 'date',
    description: 'Sessions starting on or before this day (default: all time)',
  })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({
    type: String,
    example: 'sex,ageBand',
    description: `Comma-separated, any of: ${TRAINING_GROUPS.join(', ')}. Columns and sort follow the order given. None: one total row.`,
  })
  @IsOptional()
  @Transform(splitGroups)
  @IsArray()
  @ArrayMaxSize(TRAINING_GROUPS.length)
  @IsIn(TRAINING_GROUPS, { each: true })
  groupBy?: TrainingGroup[];
}

export class OrganisationRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class CourseRefDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'EOD-2' }) code: string;
  @ApiProperty() title: string;
}

export class TrainingReportRowDto {
  @ApiPropertyOptional({ enum: ['female', 'male'] }) sex?: string;
  @ApiPropertyOptional({ enum: AGE_BANDS, description: "Age at the session's start" })
  ageBand?: AgeBand;
  @ApiPropertyOptional({
    type: OrganisationRefDto,
    nullable: true,
    description: "The trainee's organisation; null for trainees without one",
  })
  organisation?: OrganisationRefDto | null;
  @ApiPropertyOptional({ example: 'AZ', description: "The trainee's nationality (ISO 3166-1)" })
  country?: string;
  @ApiPropertyOptional({ type: CourseRefDto }) course?: CourseRefDto;
  @ApiPropertyOptional({
    example: '2026-11',
    description: "Month of the session's start (YYYY-MM)",
  })
  month?: string;
  @ApiProperty({ description: 'Seats held: enrolments enrolled, completed or failed' })
  enrolled: number;
  @ApiProperty({ description: 'Of those, passed (completed)' })
  completed: number;
  @ApiProperty({
    description: 'Certificates issued for those enrolments, whatever their status now',
  })
  certified: number;
}

export class TrainingReportDto {
  @ApiProperty({ type: [TrainingReportRowDto] }) rows: TrainingReportRowDto[];
}

export class ExpiringQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ minimum: 1, maximum: 3650, default: 90 })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3650)
  withinDays?: number;
}

export class HolderDto {
  @ApiProperty({ format: 'uuid' }) traineeId: string;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
}

export class ExpiringCertificateDto {
  @ApiProperty({ format: 'uuid' }) certificateId: string;
  @ApiProperty({ example: 'COE-EOD2-2026-7KQ4M2' }) serial: string;
  @ApiProperty({ format: 'date', example: '2027-02-14', description: 'Last valid day' })
  validUntil: string;
  @ApiProperty({ type: HolderDto }) holder: HolderDto;
  @ApiProperty({ type: OrganisationRefDto, nullable: true })
  organisation: OrganisationRefDto | null;
  @ApiProperty({ type: CourseRefDto }) course: CourseRefDto;
}

export class ExpiringPageDto {
  @ApiProperty({ type: [ExpiringCertificateDto] }) items: ExpiringCertificateDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
