import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Allow } from '../access/access.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  AssignInstructorDto,
  ChangeSessionStatusDto,
  CreateSessionDto,
  ListSessionsQueryDto,
  SessionDto,
  SessionPageDto,
  UpdateSessionDto,
} from './dto/session.dto.js';
import { SessionInstructorsService } from './session-instructors.service.js';
import { SessionsService } from './sessions.service.js';

/** How reserved seats are checked, on creating and changing a session (seat-rule.ts). */
const RESERVED_SEATS_RULES =
  '`reservedSeats` keeps seats for organisations until `reservationsEndOn` (inclusive): ' +
  '422 REFERENCE_NOT_FOUND (details.field reservedSeats.<i>.organisationId) for an unknown ' +
  'organisation; 422 DUPLICATE_RESERVATION for one listed twice; RESERVATIONS_END_REQUIRED ' +
  'without a last day; RESERVATIONS_END_AFTER_SESSION for one after endsOn; ' +
  'RESERVATIONS_EXCEED_CAPACITY when they add up to more than the capacity (also when the ' +
  'capacity is lowered below them); RESERVATION_BELOW_TAKEN below the seats an organisation ' +
  'already holds; RESERVATIONS_EXCEED_FREE_SEATS when, while they hold, they would leave fewer ' +
  'general seats than people in them.';

@ApiTags('sessions')
@Controller('api/v1')
export class SessionsController {
  constructor(
    private readonly sessions: SessionsService,
    private readonly instructors: SessionInstructorsService,
  ) {}

  @Post('courses/:courseId/sessions')
  @Allow('sessions.manage')
  @ApiOperation({
    summary: 'Plan a session of an active course',
    description:
      'Starts as `planned`. 422 COURSE_NOT_ACTIVE for a draft or retired course; 422 ' +
      'INVALID_DATES when endsOn is before startsOn, or (details reason starts_in_past, ' +
      "startsOn, today) when startsOn is in the past (today is allowed; days are counted in the Center's time zone). " +
      RESERVED_SEATS_RULES,
  })
  @ApiCreatedResponse({ type: SessionDto })
  create(
    @CurrentActor() actor: Actor,
    @Param('courseId', UuidPipe) courseId: string,
    @Body() body: CreateSessionDto,
  ): Promise<SessionDto> {
    return this.sessions.create(actor, courseId, body);
  }

  @Get('sessions')
  @Allow('catalogue.read')
  @ApiOperation({
    summary: 'Browse sessions',
    description:
      'Sorted by start date. from/to select by startsOn, both inclusive. instructorId: ' +
      "sessions that instructor is assigned to; mine=true: the signed-in instructor's own.",
  })
  @ApiOkResponse({ type: SessionPageDto })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListSessionsQueryDto,
  ): Promise<SessionPageDto> {
    return this.sessions.list(actor, query);
  }

  @Get('sessions/:id')
  @Allow('catalogue.read')
  @ApiOperation({
    summary: 'One session, with its course and instructors',
    description:
      'Also what the caller may do next: `allowedTransitions` (admins), and for a signed-in ' +
      'trainee their own `enrolment` and `canEnrol` (null for other callers).',
  })
  @ApiOkResponse({ type: SessionDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<SessionDto> {
    return this.sessions.get(actor, id);
  }

  @Patch('sessions/:id')
  @Allow('sessions.manage')
  @ApiOperation({
    summary: "Change a session's dates, place, language or capacity",
    description:
      'Only while planned or open (409 SESSION_NOT_EDITABLE). Capacity cannot go below the ' +
      'seats taken (422 CAPACITY_BELOW_SEATS_TAKEN). The dates are checked as on creation ' +
      '(422 INVALID_DATES; reason starts_in_past when a new startsOn is in the past). Give ' +
      '`version` to be refused (409 STALE_VERSION) if someone changed the session first. ' +
      RESERVED_SEATS_RULES +
      ' A change that frees seats (more capacity, fewer or ended reservations) gives them to the people waiting, by the seat rule, in the same transaction.',
  })
  @ApiOkResponse({ type: SessionDto })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateSessionDto,
  ): Promise<SessionDto> {
    return this.sessions.update(actor, id, body);
  }

  @Post('sessions/:id/status')
  @HttpCode(200)
  @Allow('sessions.manage')
  @ApiOperation({
    summary: 'Move a session along its lifecycle',
    description:
      'planned → open → in_progress → completed; planned or open → cancelled; anything else ' +
      '409 ILLEGAL_TRANSITION with details {from, to}. Completing needs the last day reached ' +
      "in the Center's time zone (422 SESSION_NOT_FINISHED); opening needs an active course.",
  })
  @ApiOkResponse({ type: SessionDto })
  changeStatus(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: ChangeSessionStatusDto,
  ): Promise<SessionDto> {
    return this.sessions.changeStatus(actor, id, body);
  }

  @Post('sessions/:id/instructors')
  @Allow('sessions.manage')
  @ApiOperation({
    summary: 'Assign an instructor to a session',
    description:
      'The instructor needs a qualification for the course valid until the session ends ' +
      '(and today): otherwise 422 INSTRUCTOR_NOT_QUALIFIED. One lead per session (409 ' +
      'LEAD_ALREADY_ASSIGNED); 409 ALREADY_ASSIGNED; 409 SESSION_CLOSED once completed or ' +
      'cancelled.',
  })
  @ApiCreatedResponse({ type: SessionDto })
  assignInstructor(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: AssignInstructorDto,
  ): Promise<SessionDto> {
    return this.instructors.assign(actor, id, body);
  }

  @Delete('sessions/:id/instructors/:instructorId')
  @HttpCode(204)
  @Allow('sessions.manage')
  @ApiOperation({
    summary: 'Take an instructor off a session',
    description: '404 if not assigned; 409 SESSION_CLOSED once completed or cancelled.',
  })
  @ApiNoContentResponse()
  async unassignInstructor(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Param('instructorId', UuidPipe) instructorId: string,
  ): Promise<void> {
    await this.instructors.unassign(actor, id, instructorId);
  }
}
