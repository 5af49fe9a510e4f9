import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  IsArray,
  IsBoolean,
  IsIn,
  IsNumber,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { CertificateDto } from '../../certifications/dto/certificate.dto.js';
import {
  CERTIFICATION_REFUSALS,
  type CertificationRefusal,
} from '../../certifications/eligibility.js';
import { PageQueryDto } from '../../common/pagination.js';
import { IsCalendarDate } from '../../common/validators.js';
import { ENROLMENT_STATUSES, type Enrolment, type EnrolmentStatus } from '../enrolment.entity.js';

/** Entries of one whole-roster request: room for a large session's seats and waiting list. */
export const MAX_ROSTER_ENTRIES = 500;

export class EnrolDto {
  @ApiProperty({ format: 'uuid', description: 'Trainees may enrol only themselves' })
  @IsUUID('all')
  traineeId: string;
}

export class EnrolmentDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ format: 'uuid' }) traineeId: string;
  @ApiProperty({ enum: ENROLMENT_STATUSES }) status: EnrolmentStatus;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: '1 = next in line; null unless waitlisted',
  })
  waitlistPosition: number | null;
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description:
      "The organisation whose reserved seat this enrolment holds (the trainee's organisation when the seat was given); null for a general seat or no seat",
  })
  reservedOrganisationId: string | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'Days present in percent: of the session days so far until the session is completed, then of all its days',
  })
  attendancePercent: number | null;
  @ApiProperty({ type: Number, nullable: true }) theoryScore: number | null;
  @ApiProperty({ type: Number, nullable: true }) practicalScore: number | null;
  @ApiProperty({
    type: Boolean,
    nullable: true,
    description:
      'Decided once the session is completed and both scores are recorded; null until then',
  })
  passed: boolean | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) withdrawnAt: string | null;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) assessedAt: string | null;
  @ApiProperty({ format: 'date-time' }) createdAt: string;
  @ApiProperty({ format: 'date-time' }) updatedAt: string;
  @ApiProperty() version: number;

  static from(e: Enrolment): EnrolmentDto {
    return {
      id: e.id,
      sessionId: e.sessionId,
      traineeId: e.traineeId,
      status: e.status,
      waitlistPosition: e.waitlistPosition,
      reservedOrganisationId: e.reservedOrganisationId ?? null,
      attendancePercent: e.attendancePercent,
      theoryScore: e.theoryScore,
      practicalScore: e.practicalScore,
      passed: e.passed,
      withdrawnAt: e.withdrawnAt?.toISOString() ?? null,
      assessedAt: e.assessedAt?.toISOString() ?? null,
      createdAt: e.createdAt.toISOString(),
      updatedAt: e.updatedAt.toISOString(),
      version: e.version,
    };
  }
}

export class RosterTraineeDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
}

export class RosterCertificationDto {
  @ApiProperty({ description: 'Whether the caller may issue a certificate for this enrolment now' })
  eligible: boolean;
  @ApiProperty({
    type: String,
    nullable: true,
    enum: CERTIFICATION_REFUSALS,
    description:
      "Why not, as issuance's NOT_ELIGIBLE reasons (details.reason), SELF_CERTIFICATION or ALREADY_ISSUED; null when eligible",
  })
  reason: CertificationRefusal['code'] | null;
}

export class RosterEntryDto extends EnrolmentDto {
  @ApiProperty({ type: RosterTraineeDto }) trainee: RosterTraineeDto;
  @ApiProperty({
    // Lazy: AttendanceDayDto is declared further down.
    type: () => AttendanceDayDto,
    isArray: true,
    description:
      'The days recorded for this enrolment, present or not, in date order; a day not listed was not recorded',
  })
  attendance: AttendanceDayDto[];
  @ApiProperty({ type: RosterCertificationDto }) certification: RosterCertificationDto;
  @ApiProperty({
    type: CertificateDto,
    nullable: true,
    description: 'The certificate issued from this enrolment, whatever its status now',
  })
  certificate: CertificateDto | null;
}

export class RosterRowsDto {
  @ApiProperty({
    type: [RosterEntryDto],
    description: 'The roster rows of the enrolments in the request, in its order, as now recorded',
  })
  items: RosterEntryDto[];
}

export class RosterPageDto {
  @ApiProperty({ type: [RosterEntryDto] }) items: RosterEntryDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class RosterQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ENROLMENT_STATUSES })
  @IsOptional()
  @IsIn(ENROLMENT_STATUSES)
  status?: EnrolmentStatus;
}

export class AttendanceDayDto {
  @ApiProperty({ example: '2026-12-07' })
  @IsCalendarDate()
  date: string;

  @ApiProperty()
  @IsBoolean()
  present: boolean;
}

export class RecordAttendanceDto {
  @ApiProperty({
    type: [AttendanceDayDto],
    description: 'Days of the session; days not listed keep what was recorded before',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(366)
  @ValidateNested({ each: true })
  @Type(() => AttendanceDayDto)
  days: AttendanceDayDto[];
}

export class AttendanceDto {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ type: [AttendanceDayDto] }) days: AttendanceDayDto[];
  @ApiProperty({
    description:
      'Days present in percent: of the session days so far until the session is completed, then of all its days',
  })
  attendancePercent: number;
  @ApiProperty({ type: EnrolmentDto }) enrolment: EnrolmentDto;
}

export class RecordAssessmentDto {
  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  theoryScore: number;

  @ApiProperty({ minimum: 0, maximum: 100 })
  @IsNumber({ allowNaN: false, allowInfinity: false, maxDecimalPlaces: 2 })
  @Min(0)
  @Max(100)
  practicalScore: number;
}

export class AssessmentDto extends EnrolmentDto {
  @ApiProperty({ description: 'The course pass mark both scores were held against' })
  passMark: number;
  @ApiProperty() minAttendancePercent: number;
}

/** One enrolment's days in a whole-roster request: the per-enrolment body plus its id. */
export class SessionAttendanceEntryDto extends RecordAttendanceDto {
  @ApiProperty({ format: 'uuid', description: 'An enrolment of this session' })
  @IsUUID('all')
  enrolmentId: string;
}

export class RecordSessionAttendanceDto {
  @ApiProperty({ type: [SessionAttendanceEntryDto], description: 'One entry per enrolment' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ROSTER_ENTRIES)
  @ValidateNested({ each: true })
  @Type(() => SessionAttendanceEntryDto)
  entries: SessionAttendanceEntryDto[];
}

export class SessionAssessmentEntryDto extends RecordAssessmentDto {
  @ApiProperty({ format: 'uuid', description: 'An enrolment of this session' })
  @IsUUID('all')
  enrolmentId: string;
}

export class RecordSessionAssessmentsDto {
  @ApiProperty({ type: [SessionAssessmentEntryDto], description: 'One entry per enrolment' })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(MAX_ROSTER_ENTRIES)
  @ValidateNested({ each: true })
  @Type(() => SessionAssessmentEntryDto)
  entries: SessionAssessmentEntryDto[];
}
