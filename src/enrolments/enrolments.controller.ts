import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import {
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { JsonBodyLimits } from '../common/json-limits.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import {
  AssessmentDto,
  AttendanceDto,
  EnrolDto,
  EnrolmentDto,
  MAX_ROSTER_ENTRIES,
  RecordAssessmentDto,
  RecordAttendanceDto,
  RecordSessionAssessmentsDto,
  RecordSessionAttendanceDto,
  RosterPageDto,
  RosterQueryDto,
  RosterRowsDto,
} from './dto/enrolment.dto.js';
import {
  MoveInLineDto,
  OptionalBodyPipe,
  WaitlistReasonDto,
  WithdrawDto,
} from './dto/waiting-list.dto.js';
import { RENEWAL_WINDOW_MONTHS } from './enrolment-rules.js';
import { EnrolmentsService } from './enrolments.service.js';
import { ResultsService } from './results.service.js';

@ApiTags('enrolments')
@Controller('api/v1')
export class EnrolmentsController {
  constructor(
    private readonly enrolments: EnrolmentsService,
    private readonly results: ResultsService,
  ) {}

  @Post('sessions/:id/enrolments')
  @Allow('enrolments.enrol')
  @ApiOperation({
    summary: 'Enrol a trainee in an open session',
    description: `A trainee enrols only themself; an admin anyone; a coordinator nominates the people of their organisation (another organisation's trainee is answered as an unknown one: 422 REFERENCE_NOT_FOUND), refused for the same reasons as a trainee enrolling themself. Prerequisites must be held as certificates current on the session start date, and medical clearance must cover the session when the course requires it. A trainee enrolling themself must not already hold a certificate of the course (or of the course it renews) that stays current beyond the renewal window: the session's last day plus ${RENEWAL_WINDOW_MONTHS} months. A full session puts the trainee on the waiting list with a position. 409 ALREADY_ENROLLED; 422 as described below. The same rule answers canEnrol on session answers.`,
  })
  @ApiCreatedResponse({ type: EnrolmentDto })
  @ApiUnprocessableEntityResponse({
    description: `SESSION_NOT_OPEN (details.status); PREREQUISITE_NOT_MET (details.missing lists course codes, checkedOn the first day); MEDICAL_CLEARANCE_REQUIRED (details.requiredUntil, clearanceUntil); ALREADY_CERTIFIED: a trainee enrolling themself holds a certificate of the course, or of the course it renews, that is current and never expires or is valid beyond the session's last day plus ${RENEWAL_WINDOW_MONTHS} months (details.certificateId, serial, validUntil, renewalWindowMonths). A renewal within those months is accepted so the new certificate supersedes the old without a gap; an admin (registrar) may enrol such a trainee all the same. Nothing is written.`,
    type: ErrorResponseDto,
  })
  enrol(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) sessionId: string,
    @Body() body: EnrolDto,
  ): Promise<EnrolmentDto> {
    return this.enrolments.enrol(actor, sessionId, body.traineeId);
  }

  @Get('sessions/:id/enrolments')
  @Allow('roster.read', { record: 'session' })
  @ApiOperation({
    summary: 'The session roster',
    description:
      "Admins and auditors; instructors only for sessions they are assigned to; a coordinator gets only their organisation's people in any session. Each row carries the trainee's attendance (of the days so far until the session is completed), the result (`passed`, null until then), `certification` (whether the caller may issue a certificate now, or the reason: NOT_ELIGIBLE's reasons, SELF_CERTIFICATION, ALREADY_ISSUED) and the `certificate` issued from the enrolment, or null. With `status=waitlisted` the rows are the waiting line in position order (1..n); otherwise in the order people enrolled.",
  })
  @ApiOkResponse({ type: RosterPageDto })
  roster(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) sessionId: string,
    @Query() query: RosterQueryDto,
  ): Promise<RosterPageDto> {
    return this.enrolments.roster(actor, sessionId, query);
  }

  @Get('enrolments/:id')
  @Allow('enrolments.read')
  @ApiOperation({
    summary: 'One enrolment',
    description:
      "Trainees see their own; instructors those of their sessions; coordinators their organisation's people's (another organisation's: 404, as an unknown id). A seat holder's attendancePercent and passed are the roster's: by the results rule as of today (of the days so far until the session is completed), not a figure stored at the last save.",
  })
  @ApiOkResponse({ type: EnrolmentDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<EnrolmentDto> {
    return this.enrolments.get(actor, id);
  }

  @Get('enrolments/:id/attendance')
  @Allow('enrolments.read')
  @ApiOperation({
    summary: 'The attendance recorded for an enrolment',
    description: 'Same access as reading the enrolment. Days not listed were not recorded.',
  })
  @ApiOkResponse({ type: AttendanceDto })
  async readAttendance(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
  ): Promise<AttendanceDto> {
    const enrolment = await this.enrolments.get(actor, id);
    const days = await this.results.attendanceOf(id);
    return {
      enrolmentId: id,
      days,
      attendancePercent: enrolment.attendancePercent ?? 0,
      enrolment,
    };
  }

  @Post('enrolments/:id/withdraw')
  @HttpCode(200)
  @Allow('enrolments.enrol')
  @ApiOperation({
    summary: 'Withdraw from a session, or leave its waiting line',
    description:
      'Takes an optional body `{reason}`; without a body it works as before. The reason (the registrar withdrawing someone, or removing them from the line) is recorded as the reason of the `enrolment.withdrawn` audit event. A freed seat goes to the people waiting by the seat rule, in the same transaction: a general seat to the first in line; a reserved seat, while reservations hold, to the first in line of its organisation.',
  })
  @ApiBody({ type: WithdrawDto, required: false })
  @ApiOkResponse({ type: EnrolmentDto })
  @ApiConflictResponse({
    description: 'NOT_WITHDRAWABLE: the enrolment or its session is over',
    type: ErrorResponseDto,
  })
  withdraw(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body(new OptionalBodyPipe(WithdrawDto)) body: WithdrawDto | undefined,
  ): Promise<EnrolmentDto> {
    return this.enrolments.withdraw(actor, id, body?.reason);
  }

  @Post('enrolments/:id/promote')
  @HttpCode(200)
  @Allow('waitlist.manage')
  @ApiOperation({
    summary: 'Give a waiting person a free seat now (registrar)',
    description:
      "Ahead of the line: the person takes a free seat they may take by the seat rule (one of their organisation's unused reserved seats first, else a general seat; while reservations hold, not another organisation's reserved seat), while the session is open or in progress. Everyone behind them moves up one place. The reason is recorded on the `enrolment.promoted` audit event, and the person is mailed as for any promotion.",
  })
  @ApiOkResponse({ type: EnrolmentDto })
  @ApiConflictResponse({
    description:
      'NOT_WAITLISTED (details.status): the enrolment is not in the line; NO_SEAT_AVAILABLE (details.capacity, seatsTaken, reservationsHold): no seat they may take is free',
    type: ErrorResponseDto,
  })
  @ApiUnprocessableEntityResponse({
    description: 'SESSION_NOT_OPEN (details.status): the session is neither open nor in progress',
    type: ErrorResponseDto,
  })
  promote(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: WaitlistReasonDto,
  ): Promise<EnrolmentDto> {
    return this.enrolments.promote(actor, id, body.reason);
  }

  @Post('enrolments/:id/waitlist-position')
  @HttpCode(200)
  @Allow('waitlist.manage')
  @ApiOperation({
    summary: 'Move a waiting person up or down the line (registrar)',
    description:
      'Positions stay 1..n: everyone between the old and the new place shifts by one. The reason is recorded on the `enrolment.moved` audit event (data.before/after.waitlistPosition).',
  })
  @ApiOkResponse({ type: EnrolmentDto })
  @ApiConflictResponse({
    description: 'NOT_WAITLISTED (details.status): the enrolment is not in the line',
    type: ErrorResponseDto,
  })
  @ApiUnprocessableEntityResponse({
    description:
      'WAITLIST_POSITION_OUT_OF_RANGE: details.min (1) and details.max (the number waiting) give the allowed range',
    type: ErrorResponseDto,
  })
  moveInLine(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: MoveInLineDto,
  ): Promise<EnrolmentDto> {
    return this.enrolments.moveInLine(actor, id, body.position, body.reason);
  }

  @Put('enrolments/:id/attendance')
  @JsonBodyLimits({ maxArrayLength: 366, maxKeys: 1024 })
  @Allow('results.record', { record: 'enrolment' })
  @ApiOperation({
    summary: 'Record attendance days',
    description:
      'An instructor assigned to the session. Days lie within the session and not in the future. Attendance percent counts present days over the session days so far until the session is completed, then over all its days.',
  })
  @ApiOkResponse({ type: AttendanceDto })
  attendance(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: RecordAttendanceDto,
  ): Promise<AttendanceDto> {
    return this.results.recordAttendance(actor, id, body);
  }

  @Put('enrolments/:id/assessment')
  @Allow('results.record', { record: 'enrolment' })
  @ApiOperation({
    summary: 'Record theory and practical scores',
    description:
      'An instructor assigned to the session. `passed` is null until the session is completed; then passed when both scores reach the course pass mark and attendance reaches its minimum, and the enrolment becomes completed or failed (completing the session decides the results recorded before).',
  })
  @ApiOkResponse({ type: AssessmentDto })
  assessment(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: RecordAssessmentDto,
  ): Promise<AssessmentDto> {
    return this.results.recordAssessment(actor, id, body);
  }

  @Put('sessions/:id/attendance')
  // A roster of 200 enrolments for 60 days: 24,000 keys and more; up to 500 entries of 366 days.
  @JsonBodyLimits({ maxArrayLength: MAX_ROSTER_ENTRIES, maxKeys: 60_000, maxDepth: 5 })
  @Allow('results.record', { record: 'session' })
  @ApiOperation({
    summary: "Record a whole roster's attendance",
    description:
      'One transaction: every entry is checked as PUT /enrolments/:id/attendance checks it, and any refusal writes nothing (details.index names the entry; an enrolment of another session or listed twice is 400 VALIDATION_FAILED on entries.<index>.enrolmentId; an entry for the caller themself refuses the whole request with 403 SELF_CERTIFICATION). Entries that change nothing write nothing; each changed enrolment gets one audit event. Answers the roster rows of the entries, in their order.',
  })
  @ApiOkResponse({ type: RosterRowsDto })
  sessionAttendance(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) sessionId: string,
    @Body() body: RecordSessionAttendanceDto,
  ): Promise<RosterRowsDto> {
    return this.results.recordSessionAttendance(actor, sessionId, body);
  }

  @Put('sessions/:id/assessments')
  @JsonBodyLimits({ maxArrayLength: MAX_ROSTER_ENTRIES, maxKeys: 5_000, maxDepth: 5 })
  @Allow('results.record', { record: 'session' })
  @ApiOperation({
    summary: "Record a whole roster's scores",
    description:
      'One transaction, with the rules of PUT /enrolments/:id/assessment for every entry and those of PUT /sessions/:id/attendance for the request: any refusal writes nothing; scores outside 0-100 are 400 naming entries.<index>.theoryScore or practicalScore. Unchanged scores write nothing; each changed enrolment gets one audit event. Answers the roster rows of the entries, in their order.',
  })
  @ApiOkResponse({ type: RosterRowsDto })
  sessionAssessments(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) sessionId: string,
    @Body() body: RecordSessionAssessmentsDto,
  ): Promise<RosterRowsDto> {
    return this.results.recordSessionAssessments(actor, sessionId, body);
  }
}
