import { ApiProperty } from '@nestjs/swagger';
import { StaffingDto } from '../../courses/dto/session.dto.js';
import { SESSION_STATUSES, type SessionStatus } from '../../courses/session.entity.js';

export class DeskCourseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'EOD-2' }) code: string;
  @ApiProperty({ example: 'Explosive Ordnance Disposal Level 2' }) title: string;
  @ApiProperty({
    example: 'Partlayıcı sursatların zərərsizləşdirilməsi, 2-ci səviyyə',
    description: "The title in the caller's language (Accept-Language) when translated, else title",
  })
  localizedTitle: string;
}

/** A session as the desk lists it: enough to act on it, with a link to its page. */
export class DeskSessionDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: DeskCourseDto }) course: DeskCourseDto;
  @ApiProperty({ format: 'date', example: '2026-12-07' }) startsOn: string;
  @ApiProperty({ format: 'date', example: '2026-12-11' }) endsOn: string;
  @ApiProperty({ example: 'Goygol field training area' }) location: string;
  @ApiProperty({ enum: SESSION_STATUSES }) status: SessionStatus;
  @ApiProperty({ example: 12 }) capacity: number;
  @ApiProperty({ description: 'Seats held by enrolled, completed or failed trainees' })
  seatsTaken: number;
  @ApiProperty({ description: 'People in the waiting line' }) waitingCount: number;
  @ApiProperty({ description: 'Whether a lead instructor is assigned' }) hasLead: boolean;
  @ApiProperty({
    type: StaffingDto,
    description:
      "Instructors assigned against the course's maxTraineesPerInstructor (the staffing rule " +
      'of the session answers); `ok: false` is the under-staffing warning',
  })
  staffing: StaffingDto;
}

export class DeskSessionsDto {
  @ApiProperty({ format: 'date', description: "Today in the Center's time zone" }) from: string;
  @ApiProperty({ format: 'date', description: 'The last day of the window (today + 30)' })
  to: string;
  @ApiProperty({ type: [DeskSessionDto], description: 'Soonest first' })
  sessions: DeskSessionDto[];
}

/** A completed session with participants who may be certified and are not yet. */
export class DeskUncertifiedDto {
  @ApiProperty({ format: 'uuid' }) sessionId: string;
  @ApiProperty({ type: DeskCourseDto }) course: DeskCourseDto;
  @ApiProperty({ format: 'date' }) startsOn: string;
  @ApiProperty({ format: 'date' }) endsOn: string;
  @ApiProperty() location: string;
  @ApiProperty({
    description:
      'Participants eligible for a certificate by the issuance rule (passed, attendance at the ' +
      "course's minimum) with none issued from their enrolment",
  })
  eligible: number;
}

export class DeskOrganisationExpiringDto {
  @ApiProperty({
    type: String,
    format: 'uuid',
    nullable: true,
    description: "The holders' organisation; null for holders without one",
  })
  organisationId: string | null;
  @ApiProperty({ type: String, nullable: true }) name: string | null;
  @ApiProperty({ description: 'Certificates of its people expiring in the window' })
  certificates: number;
}

export class DeskExpiringDto {
  @ApiProperty({ example: 90 }) withinDays: number;
  @ApiProperty({ format: 'date', description: "Today in the Center's time zone" }) from: string;
  @ApiProperty({ format: 'date', description: 'The last day of the window' }) to: string;
  @ApiProperty({ description: 'Every certificate expiring in the window' }) total: number;
  @ApiProperty({
    type: [DeskOrganisationExpiringDto],
    description: 'Most certificates first, then by name; holders without an organisation last',
  })
  organisations: DeskOrganisationExpiringDto[];
}

export class DeskDto {
  @ApiProperty({ format: 'date', description: "Today in the Center's time zone" }) today: string;
  @ApiProperty({
    type: DeskSessionsDto,
    description:
      'Planned, open and running sessions starting from today to 30 days on: seats taken of ' +
      'capacity, the waiting line and the staffing against the course maximum',
  })
  upcoming: DeskSessionsDto;
  @ApiProperty({
    type: [DeskSessionDto],
    description: 'Open sessions (any dates) without a lead instructor, soonest first',
  })
  withoutLead: DeskSessionDto[];
  @ApiProperty({
    type: [DeskUncertifiedDto],
    description: 'Completed sessions with eligible participants not yet certified, oldest first',
  })
  awaitingCertificates: DeskUncertifiedDto[];
  @ApiProperty({
    type: DeskExpiringDto,
    description: 'Active certificates whose last valid day is within 90 days, per organisation',
  })
  expiring: DeskExpiringDto;
}
