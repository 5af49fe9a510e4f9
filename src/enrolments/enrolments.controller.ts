import { Body, Controller, Get, HttpCode, Param, Post, Put, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { AssignedInstructorOnly, Roles } from '../common/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { JsonBodyLimits } from '../common/json-limits.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  AssessmentDto,
  AttendanceDto,
  EnrolDto,
  EnrolmentDto,
  RecordAssessmentDto,
  RecordAttendanceDto,
  RosterPageDto,
  RosterQueryDto,
} from './dto/enrolment.dto.js';
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
  @Roles('admin', 'trainee')
  @ApiOperation({
    summary: 'Enrol a trainee in an open session',
    description:
      'A trainee enrols only themself; an admin anyone. Prerequisites must be held as certificates current on the session start date, and medical clearance must cover the session when the course requires it. A full session puts the trainee on the waiting list with a position. 409 ALREADY_ENROLLED; 422 PREREQUISITE_NOT_MET (details.missing lists course codes), MEDICAL_CLEARANCE_REQUIRED, SESSION_NOT_OPEN.',
  })
  @ApiCreatedResponse({ type: EnrolmentDto })
  enrol(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) sessionId: string,
    @Body() body: EnrolDto,
  ): Promise<EnrolmentDto> {
    return this.enrolments.enrol(actor, sessionId, body.traineeId);
  }

  @Get('sessions/:id/enrolments')
  @Roles('admin', 'auditor', 'instructor')
  @AssignedInstructorOnly('session', ['admin', 'auditor'])
  @ApiOperation({
    summary: 'The session roster',
    description: 'Admins and auditors; instructors only for sessions they are assigned to.',
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
  @Roles('admin', 'auditor', 'instructor', 'trainee')
  @ApiOperation({
    summary: 'One enrolment',
    description: 'Trainees see their own; instructors those of their sessions.',
  })
  @ApiOkResponse({ type: EnrolmentDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<EnrolmentDto> {
    return this.enrolments.get(actor, id);
  }

  @Get('enrolments/:id/attendance')
  @Roles('admin', 'auditor', 'instructor', 'trainee')
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
  @Roles('admin', 'trainee')
  @ApiOperation({
    summary: 'Withdraw from a session',
    description: 'A freed seat goes to the first person waiting, in the same transaction.',
  })
  @ApiOkResponse({ type: EnrolmentDto })
  withdraw(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<EnrolmentDto> {
    return this.enrolments.withdraw(actor, id);
  }

  @Put('enrolments/:id/attendance')
  @JsonBodyLimits({ maxArrayLength: 366, maxKeys: 1024 })
  @Roles('admin', 'instructor')
  @AssignedInstructorOnly('enrolment')
  @ApiOperation({
    summary: 'Record attendance days',
    description:
      'An instructor assigned to the session. Days lie within the session and not in the future. Attendance percent counts present days over all the session days.',
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
  @Roles('admin', 'instructor')
  @AssignedInstructorOnly('enrolment')
  @ApiOperation({
    summary: 'Record theory and practical scores',
    description:
      'An instructor assigned to the session. Passed when both scores reach the course pass mark and attendance reaches its minimum; the enrolment becomes completed or failed.',
  })
  @ApiOkResponse({ type: AssessmentDto })
  assessment(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: RecordAssessmentDto,
  ): Promise<AssessmentDto> {
    return this.results.recordAssessment(actor, id, body);
  }
}
