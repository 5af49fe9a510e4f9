import { SESSION_ACTIONS, type SessionAction } from '../../access/access-policy.js';
import { applyDecorators } from '@nestjs/common';
import { ApiProperty, ApiPropertyOptional, PickType } from '@nestjs/swagger';
import { Transform, Type } from 'class-transformer';
import {
  ArrayMaxSize,
  IsArray,
  IsIn,
  IsInt,
  IsNotEmpty,
  IsOptional,
  IsString,
  IsUUID,
  Matches,
  Max,
  MaxLength,
  Min,
  ValidateNested,
} from 'class-validator';
import { PageQueryDto } from '../../common/pagination.js';
import { IsCalendarDate, PRINTABLE_TEXT, Trim, NotNullIfGiven } from '../../common/validators.js';
import { INSTRUCTOR_ROLES, type InstructorRole } from '../session-instructor.entity.js';
import { SESSION_STATUSES, type SessionStatus } from '../session.entity.js';
import { EnrolmentDto } from '../../enrolments/dto/enrolment.dto.js';
import {
  ENROLMENT_REFUSAL_CODES,
  type EnrolmentRefusalCode,
} from '../../enrolments/enrolment-rules.js';

/** A short BCP 47 tag: a language, optionally a script or region (az, en, ru, az-Latn, en-GB). */
const LANGUAGE_TAG = /^[a-z]{2,3}(-[a-z0-9]{2,8}){0,2}$/;
const MAX_CAPACITY = 1000;

const trimLower = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.trim().toLowerCase() : value;

const MAX_JOINING_INSTRUCTIONS = 2000;

/** Optional free text over several lines; null or blank clears it. */
function JoiningInstructions(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      nullable: true,
      maxLength: MAX_JOINING_INSTRUCTIONS,
      example: 'Meet at the main gate at 08:30; bring boots and photo ID.',
      description:
        'How to get there and what to bring, sent in the reminders; null or blank clears it',
    }),
    IsOptional(),
    Trim(),
    IsString(),
    MaxLength(MAX_JOINING_INSTRUCTIONS),
    Matches(PRINTABLE_TEXT, {
      message: 'joiningInstructions must not contain control characters other than line breaks',
    }),
  );
}

export class SessionCourseDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'EOD-2' }) code: string;
  @ApiProperty({ example: 'Explosive Ordnance Disposal Level 2' }) title: string;
  @ApiProperty({ example: 'EOD 2' }) level: string;
  @ApiPropertyOptional({
    description:
      "The title in the caller's language (Accept-Language), else the original (issue 17)",
  })
  localizedTitle?: string;
  @ApiPropertyOptional({ description: "The level in the caller's language, else the original" })
  localizedLevel?: string;
}

export class SessionInstructorDto {
  @ApiProperty({ format: 'uuid' }) instructorId: string;
  @ApiProperty({ enum: INSTRUCTOR_ROLES }) role: InstructorRole;
  @ApiProperty() givenName: string;
  @ApiProperty() familyName: string;
}

/** Seats of the session kept for one organisation's nominees until `reservationsEndOn`. */
export class ReservedSeatsDto {
  @ApiProperty({ format: 'uuid' }) organisationId: string;
  @ApiProperty({ example: 'Azerbaijan National Agency for Mine Action' })
  organisationName: string;
  @ApiProperty({ minimum: 1, example: 4 }) seats: number;
  @ApiProperty({
    example: 2,
    description:
      "Seats held against this reservation by the organisation's trainees (enrolled, completed or failed)",
  })
  taken: number;
}

/** A session as stored: the same for every reader (audit events keep this). */
export class SessionRecordDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'uuid' }) courseId: string;
  @ApiProperty({ type: SessionCourseDto }) course: SessionCourseDto;
  @ApiProperty({ format: 'date', example: '2026-12-07' }) startsOn: string;
  @ApiProperty({ format: 'date', example: '2026-12-11' }) endsOn: string;
  @ApiProperty({ example: 'Goygol field training area' }) location: string;
  @ApiProperty({ example: 'az' }) language: string;
  @ApiProperty({ example: 12 }) capacity: number;
  @ApiProperty({ description: 'Seats held by enrolled, completed or failed trainees' })
  seatsTaken: number;
  @ApiProperty({
    description:
      'Free seats anyone may take now. While reservations hold, seats kept for organisations ' +
      'are not counted here (see reservedSeats); a trainee reads `canEnrol.seatAvailable`.',
  })
  seatsLeft: number;
  @ApiProperty({ description: 'People in the waiting line (their positions are 1..waitingCount)' })
  waitingCount: number;
  @ApiProperty({
    type: [ReservedSeatsDto],
    description:
      "Seats reserved for organisations, by organisation name. Until reservationsEndOn (inclusive) only the organisation's trainees take them; from the day after, unused ones are anyone's",
  })
  reservedSeats: ReservedSeatsDto[];
  @ApiProperty({
    type: String,
    format: 'date',
    nullable: true,
    description:
      'The last day reserved seats are kept for their organisations; null without reservations',
  })
  reservationsEndOn: string | null;
  @ApiProperty({
    description:
      'Whether reserved seats are kept for their organisations today (there are some and reservationsEndOn has not passed)',
  })
  reservationsHold: boolean;
  @ApiProperty({ enum: SESSION_STATUSES }) status: SessionStatus;
  @ApiProperty({
    type: String,
    nullable: true,
    example: 'Meet at the main gate at 08:30; bring boots and photo ID.',
    description: 'How to get there and what to bring; sent in the reminders',
  })
  joiningInstructions: string | null;
  @ApiProperty({ type: [SessionInstructorDto], description: 'The lead first' })
  instructors: SessionInstructorDto[];
  @ApiProperty() version: number;
  @ApiProperty() createdAt: Date;
  @ApiProperty() updatedAt: Date;
}

/** The signed-in trainee's own enrolment in the session, as the enrolment routes answer it. */
export class OwnEnrolmentDto extends PickType(EnrolmentDto, [
  'id',
  'sessionId',
  'traineeId',
  'status',
  'waitlistPosition',
] as const) {}

export class EnrolmentRefusalDto {
  @ApiProperty({
    enum: ENROLMENT_REFUSAL_CODES,
    description: 'The code the enrol route would answer with',
  })
  code: EnrolmentRefusalCode;

  @ApiProperty({
    type: 'object',
    additionalProperties: true,
    description:
      "As in the enrol route's error: PREREQUISITE_NOT_MET {missing: course codes, courseCode, " +
      'checkedOn}; MEDICAL_CLEARANCE_REQUIRED {requiredUntil, clearanceUntil}; ' +
      'ALREADY_ENROLLED {enrolmentId, status}; SESSION_NOT_OPEN {status}; ' +
      'ALREADY_CERTIFIED {certificateId, serial, validUntil (null: never expires), renewalWindowMonths}',
  })
  details: Record<string, unknown>;

  @ApiProperty({
    description:
      "The refusal in the caller's language (Accept-Language, else English), as the enrol " +
      'route would word it',
  })
  message: string;
}

export class CanEnrolDto {
  @ApiProperty({
    description: 'Whether enrolling now would be accepted (a seat or a place in line)',
  })
  allowed: boolean;

  @ApiProperty({
    type: [EnrolmentRefusalDto],
    description: 'Every reason it would be refused, in checking order; the route answers the first',
  })
  reasons: EnrolmentRefusalDto[];

  @ApiProperty({
    description:
      'Whether enrolling now would give this trainee a seat (false: a place in the waiting ' +
      "line), by the seat rule: seats reserved for the trainee's organisation count, other " +
      "organisations' do not while their reservations hold",
  })
  seatAvailable: boolean;
}

/** Whether the caller may nominate people into the session now, whoever they name. */
export class CanNominateDto {
  @ApiProperty({ description: 'Whether nominating someone now can be accepted' })
  allowed: boolean;

  @ApiProperty({
    type: [EnrolmentRefusalDto],
    description:
      'What refuses every nomination into this session, whoever is named (SESSION_NOT_OPEN); ' +
      "each trainee's own reasons come from the enrol route",
  })
  reasons: EnrolmentRefusalDto[];
}

/** The staffing rule's answer (staffing.ts): instructors assigned against the course's maximum. */
export class StaffingDto {
  @ApiProperty({ description: 'Instructors assigned, lead and assistants' }) instructors: number;
  @ApiProperty({
    type: Number,
    nullable: true,
    description:
      "Instructors the session's capacity needs at the course's maxTraineesPerInstructor " +
      '(ceil(capacity / max): staffed for a full session); null when the course sets no maximum',
  })
  needed: number | null;
  @ApiProperty({ type: Number, nullable: true }) maxTraineesPerInstructor: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'Trainees holding a seat now per assigned instructor; null without instructors',
  })
  traineesPerInstructor: number | null;
  @ApiProperty({
    description: 'At least `needed` instructors. False is allowed but shown as a warning',
  })
  ok: boolean;
}

export class SessionDto extends SessionRecordDto {
  @ApiProperty({
    enum: SESSION_STATUSES,
    isArray: true,
    description:
      'The statuses the caller may move the session to now (POST /sessions/:id/status ' +
      'accepts exactly these): empty for everyone but admins; `open` needs an active course, ' +
      '`completed` the last day reached.',
  })
  allowedTransitions: SessionStatus[];

  @ApiProperty({
    enum: Object.keys(SESSION_ACTIONS),
    isArray: true,
    description:
      'What the caller may do with this session, from the access policy: `manage` (change, ' +
      'staff, move along the lifecycle), `readRoster`, `recordResults` (attendance and ' +
      'assessments), `issueCertificates`, `printAttendanceSheet` (GET ' +
      '/sessions/:id/attendance-sheet). Instructors get these four only for sessions they are ' +
      'assigned to.',
  })
  allowedActions: SessionAction[];

  @ApiProperty({
    type: OwnEnrolmentDto,
    nullable: true,
    description:
      'For a signed-in trainee: their latest enrolment in this session (a withdrawn one too), or ' +
      'null if they never enrolled. Null for callers without the trainee role.',
  })
  enrolment: OwnEnrolmentDto | null;

  @ApiProperty({
    type: CanEnrolDto,
    nullable: true,
    description:
      'For a signed-in trainee: whether they may enrol themself now, decided by the same rule ' +
      'as POST /sessions/:id/enrolments. Null for callers without the trainee role (admins ' +
      'enrolling others get the answer from the route).',
  })
  canEnrol: CanEnrolDto | null;

  @ApiProperty({
    type: CanNominateDto,
    nullable: true,
    description:
      'For callers whose allowedActions include `nominate` (coordinators): whether the session ' +
      "takes nominations now, by the enrol route's rule. Null for everyone else.",
  })
  canNominate: CanNominateDto | null;

  @ApiProperty({
    type: StaffingDto,
    nullable: true,
    description:
      'Instructors assigned against what the course allows per instructor; null for completed ' +
      'and cancelled sessions',
  })
  staffing: StaffingDto | null;

  @ApiProperty({
    description:
      'Whether pass/fail is decided (the session is completed). Until then recorded scores wait ' +
      'for completion and no certificate can be issued; pages show this instead of comparing ' +
      'statuses themselves.',
  })
  resultsDecided: boolean;
}

const MAX_RESERVATIONS = 50;

/** Seats to keep for one organisation's nominees, in a create or change of a session. */
export class ReservedSeatsInputDto {
  @ApiProperty({ format: 'uuid', description: 'An existing organisation, each listed once' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @IsUUID('all')
  organisationId: string;

  @ApiProperty({ minimum: 1, maximum: MAX_CAPACITY, example: 4 })
  @IsInt()
  @Min(1)
  @Max(MAX_CAPACITY)
  seats: number;
}

/** `reservedSeats` and `reservationsEndOn`, alike in creating and changing a session. */
function ReservedSeats(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: [ReservedSeatsInputDto],
      maxItems: MAX_RESERVATIONS,
      description:
        'Seats kept for organisations until reservationsEndOn: each organisation once, the sum within capacity. On a change, the whole list (an empty list removes every reservation); a reservation cannot go below the seats its organisation already holds, and while reservations hold the people already in general seats keep them (422 RESERVATIONS_EXCEED_FREE_SEATS otherwise)',
    }),
    IsOptional(),
    IsArray(),
    ArrayMaxSize(MAX_RESERVATIONS),
    ValidateNested({ each: true }),
    Type(() => ReservedSeatsInputDto),
  );
}

function ReservationsEndOn(): PropertyDecorator {
  return applyDecorators(
    ApiPropertyOptional({
      type: String,
      format: 'date',
      nullable: true,
      example: '2026-11-30',
      description:
        "The last day (inclusive, in the Center's time zone) reserved seats are kept for their organisations; required when there are reservations, on or before the session's last day. From the day after, unused reserved seats are anyone's and the people waiting are given them. Without reservations it is stored as null",
    }),
    IsOptional(),
  );
}

export class CreateSessionDto {
  @ApiProperty({ format: 'date', example: '2026-12-07', description: 'Today or later' })
  @IsCalendarDate()
  startsOn: string;

  @ApiProperty({ format: 'date', example: '2026-12-11', description: 'On or after startsOn' })
  @IsCalendarDate()
  endsOn: string;

  @ApiProperty({ maxLength: 200, example: 'Goygol field training area' })
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, { message: 'location must not contain control characters' })
  location: string;

  @ApiProperty({ example: 'az', description: 'BCP 47 tag (az, en, ru, az-Latn), lower-cased' })
  @Transform(trimLower)
  @IsString()
  @Matches(LANGUAGE_TAG, { message: 'language must be a language tag such as az, en or az-latn' })
  language: string;

  @ApiProperty({ minimum: 1, maximum: MAX_CAPACITY, example: 12 })
  @IsInt()
  @Min(1)
  @Max(MAX_CAPACITY)
  capacity: number;

  @JoiningInstructions()
  joiningInstructions?: string | null;

  @ReservedSeats()
  reservedSeats?: ReservedSeatsInputDto[];

  @ReservationsEndOn()
  @IsCalendarDate()
  reservationsEndOn?: string | null;
}

export class UpdateSessionDto {
  @ApiPropertyOptional({ format: 'date' })
  @NotNullIfGiven()
  @IsCalendarDate()
  startsOn?: string;

  @ApiPropertyOptional({ format: 'date' })
  @NotNullIfGiven()
  @IsCalendarDate()
  endsOn?: string;

  @ApiPropertyOptional({ maxLength: 200 })
  @NotNullIfGiven()
  @Trim()
  @IsString()
  @IsNotEmpty()
  @MaxLength(200)
  @Matches(PRINTABLE_TEXT, { message: 'location must not contain control characters' })
  location?: string;

  @ApiPropertyOptional({ example: 'en' })
  @NotNullIfGiven()
  @Transform(trimLower)
  @IsString()
  @Matches(LANGUAGE_TAG, { message: 'language must be a language tag such as az, en or az-latn' })
  language?: string;

  @ApiPropertyOptional({ minimum: 1, maximum: MAX_CAPACITY })
  @NotNullIfGiven()
  @IsInt()
  @Min(1)
  @Max(MAX_CAPACITY)
  capacity?: number;

  @JoiningInstructions()
  joiningInstructions?: string | null;

  @NotNullIfGiven()
  @ReservedSeats()
  reservedSeats?: ReservedSeatsInputDto[];

  @ReservationsEndOn()
  @IsCalendarDate()
  reservationsEndOn?: string | null;

  @ApiPropertyOptional({ description: 'The version you read; a stale one is refused with 409' })
  @NotNullIfGiven()
  @IsInt()
  @Min(1)
  version?: number;
}

export class ChangeSessionStatusDto {
  @ApiProperty({ enum: SESSION_STATUSES })
  @IsIn(SESSION_STATUSES)
  status: SessionStatus;

  @ApiPropertyOptional({ description: 'The version you read; a stale one is refused with 409' })
  @NotNullIfGiven()
  @IsInt()
  @Min(1)
  version?: number;
}

export class AssignInstructorDto {
  @ApiProperty({ format: 'uuid' })
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? value.toLowerCase() : value,
  )
  @IsUUID('all')
  instructorId: string;

  @ApiProperty({ enum: INSTRUCTOR_ROLES })
  @IsIn(INSTRUCTOR_ROLES)
  role: InstructorRole;
}

export class ListSessionsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid' })
  @IsOptional()
  @IsUUID('all')
  courseId?: string;

  @ApiPropertyOptional({ enum: SESSION_STATUSES })
  @IsOptional()
  @IsIn(SESSION_STATUSES)
  status?: SessionStatus;

  @ApiPropertyOptional({ format: 'date', description: 'Sessions starting on or after this day' })
  @IsOptional()
  @IsCalendarDate()
  from?: string;

  @ApiPropertyOptional({ format: 'date', description: 'Sessions starting on or before this day' })
  @IsOptional()
  @IsCalendarDate()
  to?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'Sessions this instructor is assigned to' })
  @IsOptional()
  @IsUUID('all')
  instructorId?: string;

  @ApiPropertyOptional({
    enum: ['true', 'false'],
    description: "true: only the signed-in instructor's own sessions",
  })
  @IsOptional()
  @IsIn(['true', 'false'])
  mine?: 'true' | 'false';
}

export class SessionPageDto {
  @ApiProperty({ type: [SessionDto] }) items: SessionDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}
