import { ApiProperty } from '@nestjs/swagger';
import {
  CERTIFICATE_STATUSES,
  type CertificateStatus,
} from '../../certifications/certificate.entity.js';
import { ENROLMENT_STATUSES, type EnrolmentStatus } from '../../enrolments/enrolment.entity.js';
import { TraineeDto } from './trainee.dto.js';

export class TranscriptCourseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'EOD-1' }) code: string;
  @ApiProperty({ example: 'Explosive Ordnance Disposal Level 1' }) title: string;
  @ApiProperty({ description: "The title in the reader's language (Accept-Language), else title" })
  localizedTitle: string;
}

export class TranscriptEnrolmentDto {
  @ApiProperty({ format: 'uuid' }) enrolmentId: string;
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ type: TranscriptCourseDto }) course: TranscriptCourseDto;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty({ enum: ENROLMENT_STATUSES }) status: EnrolmentStatus;
  @ApiProperty({ type: Number, nullable: true }) waitlistPosition: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      'As on the roster: days present of the session days so far until the session is completed, then of all its days',
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
}

export class TranscriptCertificateDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'COE-EOD1-2026-7KQ4M2' }) serial: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ example: 'EOD-1' }) courseCode: string;
  @ApiProperty() courseTitle: string;
  @ApiProperty({ description: "courseTitle in the reader's language, else the original" })
  localizedCourseTitle: string;
  @ApiProperty({ format: 'date-time' }) issuedAt: string;
  @ApiProperty({ format: 'date', nullable: true, type: String, description: 'Null: never expires' })
  validUntil: string | null;
  @ApiProperty({
    enum: CERTIFICATE_STATUSES,
    description: 'Current status: an active certificate past its validUntil reads expired',
  })
  status: CertificateStatus;
  @ApiProperty({ type: String, nullable: true }) statusReason: string | null;
  @ApiProperty({ format: 'uuid', type: String, nullable: true }) supersededById: string | null;
}

export class TranscriptDto {
  @ApiProperty({ type: TraineeDto }) trainee: TraineeDto;
  @ApiProperty({ type: [TranscriptEnrolmentDto], description: 'Latest session first' })
  enrolments: TranscriptEnrolmentDto[];
  @ApiProperty({ type: [TranscriptCertificateDto], description: 'Latest issued first' })
  certificates: TranscriptCertificateDto[];
}
