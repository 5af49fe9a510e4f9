import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { EnrolmentMail } from '../enrolments/enrolment-mail.js';
import { cancelEnrolmentsOfSession } from '../enrolments/session-cancellation.js';
import { settleSessionResults } from '../enrolments/results-settlement.js';
import { promoteWhileSeatsFree } from '../enrolments/waiting-list.js';
import { badRequest, conflict, notFound, ruleViolation } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from './course.entity.js';
import {
  ChangeSessionStatusDto,
  CreateSessionDto,
  ListSessionsQueryDto,
  SessionDto,
  UpdateSessionDto,
} from './dto/session.dto.js';
import {
  isSessionEditable,
  sessionTransitionRefusal,
  type SessionTransitionRefusal,
} from './session-lifecycle.js';
import { sessionChanges } from './session-changes.js';
import {
  assertReservationsAllowed,
  readReservations,
  sortedReservations,
  writeReservations,
} from './session-reservations.js';
import { sessionDto, sessionDtos, sessionRecordOf, type SessionViewer } from './session-view.js';
import { CourseSession } from './session.entity.js';

const editableFields = (s: CourseSession) => ({
  startsOn: s.startsOn,
  endsOn: s.endsOn,
  location: s.location,
  language: s.language,
  capacity: s.capacity,
  joiningInstructions: s.joiningInstructions,
  reservationsEndOn: s.reservationsEndOn,
});

@Injectable()
export class SessionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly mail: EnrolmentMail,
  ) {}

  /**
   * `allowPastStart` is for recording history (the demo data set, imports of past courses);
   * the HTTP API never sets it.
   */
  async create(
    actor: Actor,
    courseId: string,
    input: CreateSessionDto,
    options: { allowPastStart?: boolean } = {},
  ): Promise<SessionDto> {
    return this.dataSource.transaction(async (tx) => {
      // Shared lock: the course cannot be retired while a session of it is being planned.
      const course = await tx.findOne(Course, {
        where: { id: courseId },
        lock: { mode: 'pessimistic_read' },
      });
      if (!course) throw notFound('Course');
      if (course.status !== 'active') {
        throw ruleViolation(
          'COURSE_NOT_ACTIVE',
          `Sessions can be planned only for active courses; ${course.code} is ${course.status}`,
          { courseId, status: course.status },
        );
      }
      this.checkDates(input.startsOn, input.endsOn, !options.allowPastStart);
      const reservations = input.reservedSeats ?? [];
      // Without reservations there is nothing for a last day to end.
      const reservationsEndOn = reservations.length > 0 ? (input.reservationsEndOn ?? null) : null;
      await assertReservationsAllowed(
        tx,
        null,
        { ...input, seatsTaken: 0, reservations, reservationsEndOn },
        today(this.config.timeZone),
      );
      const session = await tx.save(
        tx.create(CourseSession, {
          courseId,
          startsOn: input.startsOn,
          endsOn: input.endsOn,
          location: input.location,
          language: input.language,
          capacity: input.capacity,
          joiningInstructions: input.joiningInstructions || null,
          reservationsEndOn,
          seatsTaken: 0,
          status: 'planned',
        }),
      );
      await writeReservations(tx, session.id, sortedReservations(reservations));
      const dto = await sessionDto(
        tx,
        await tx.findOneByOrFail(CourseSession, { id: session.id }),
        this.viewer(actor),
      );
      await this.audit.record(tx, actor, {
        action: 'session.created',
        entityType: 'session',
        entityId: session.id,
        data: { after: sessionRecordOf(dto) },
      });
      return dto;
    });
  }

  async list(actor: Actor, query: ListSessionsQueryDto): Promise<Page<SessionDto>> {
    const qb = this.dataSource.getRepository(CourseSession).createQueryBuilder('s');
    if (query.courseId) qb.andWhere('s.courseId = :courseId', { courseId: query.courseId });
    if (query.status) qb.andWhere('s.status = :status', { status: query.status });
    if (query.from) qb.andWhere('s.startsOn >= :from', { from: query.from });
    if (query.to) qb.andWhere('s.startsOn <= :to', { to: query.to });
    if (query.instructorId) {
      qb.andWhere(
        'EXISTS (SELECT 1 FROM session_instructors si WHERE si.session_id = s.id AND si.instructor_id = :instructorId)',
        { instructorId: query.instructorId },
      );
    }
    if (query.mine === 'true') {
      if (!actor.instructorId) return { items: [], nextCursor: null };
      qb.andWhere(
        'EXISTS (SELECT 1 FROM session_instructors si WHERE si.session_id = s.id AND si.instructor_id = :mine)',
        { mine: actor.instructorId },
      );
    }
    const page = await keysetPage(qb, {
      alias: 's',
      sortColumn: 'startsOn',
      sortValue: (s) => s.startsOn,
      query,
      map: (s) => s,
    });
    return {
      items: await sessionDtos(this.dataSource.manager, page.items, this.viewer(actor)),
      nextCursor: page.nextCursor,
    };
  }

  async get(actor: Actor, id: string): Promise<SessionDto> {
    const session = await this.dataSource.manager.findOneBy(CourseSession, { id });
    if (!session) throw notFound('Session');
    return sessionDto(this.dataSource.manager, session, this.viewer(actor));
  }

  async update(actor: Actor, id: string, input: UpdateSessionDto): Promise<SessionDto> {
    const { version, ...changes } = input;
    if (Object.values(changes).every((v) => v === undefined)) {
      throw badRequest('VALIDATION_FAILED', 'Nothing to change', { fields: [] });
    }
    return this.dataSource.transaction(async (tx) => {
      const session = await this.lockForChange(tx, id, version);
      if (!isSessionEditable(session.status)) {
        throw conflict(
          'SESSION_NOT_EDITABLE',
          `A ${session.status} session can no longer be changed`,
          { status: session.status },
        );
      }
      const storedReservations = await readReservations(tx, id);
      const before = { ...editableFields(session), reservedSeats: storedReservations };
      const startsOn = changes.startsOn ?? session.startsOn;
      const endsOn = changes.endsOn ?? session.endsOn;
      this.checkDates(startsOn, endsOn, startsOn !== session.startsOn);
      if (changes.capacity !== undefined && changes.capacity < session.seatsTaken) {
        throw ruleViolation(
          'CAPACITY_BELOW_SEATS_TAKEN',
          `${session.seatsTaken} seats are taken: capacity cannot go below that`,
          { seatsTaken: session.seatsTaken, capacity: changes.capacity },
        );
      }
      const reservations = changes.reservedSeats ?? storedReservations;
      const reservationsEndOn =
        reservations.length === 0
          ? null
          : changes.reservationsEndOn !== undefined
            ? changes.reservationsEndOn
            : session.reservationsEndOn;
      const day = today(this.config.timeZone);
      await assertReservationsAllowed(
        tx,
        id,
        {
          capacity: changes.capacity ?? session.capacity,
          seatsTaken: session.seatsTaken,
          startsOn,
          endsOn,
          reservations,
          reservationsEndOn,
        },
        day,
      );
      Object.assign(session, { startsOn, endsOn, reservationsEndOn });
      if (changes.location !== undefined) session.location = changes.location;
      if (changes.language !== undefined) session.language = changes.language;
      if (changes.capacity !== undefined) session.capacity = changes.capacity;
      if (changes.joiningInstructions !== undefined) {
        session.joiningInstructions = changes.joiningInstructions || null;
      }
      const after = { ...editableFields(session), reservedSeats: sortedReservations(reservations) };
      if (JSON.stringify(before) === JSON.stringify(after)) {
        return sessionDto(tx, session, this.viewer(actor));
      }
      await tx.save(session);
      const reservationsChanged =
        JSON.stringify(before.reservedSeats) !== JSON.stringify(after.reservedSeats);
      if (reservationsChanged) await writeReservations(tx, id, after.reservedSeats);
      const event = await this.audit.record(tx, actor, {
        action: 'session.updated',
        entityType: 'session',
        entityId: id,
        data: { before, after },
      });
      // Seats that opened (more capacity, changed or ended reservations) go to the people
      // already waiting, by the seat rule, in the same transaction.
      const promoted = await promoteWhileSeatsFree(
        tx,
        this.audit,
        actor,
        id,
        day,
        after.capacity > before.capacity
          ? 'capacity_increased'
          : reservationsChanged || before.reservationsEndOn !== after.reservationsEndOn
            ? 'reservations_changed'
            : 'reservations_ended',
      );
      await this.mail.promoted(tx, id, promoted);
      // Everyone in the session (seat or line) hears of new dates or a new venue.
      await this.mail.sessionChanged(tx, id, sessionChanges(before, after), event.id);
      return sessionDto(tx, await tx.findOneByOrFail(CourseSession, { id }), this.viewer(actor));
    });
  }

  /**
   * Moves a session along planned → open → in_progress → completed (or cancels it, which ends
   * its enrolments and waiting list). The rule is session-lifecycle.ts's, which also gives the
   * `allowedTransitions` of session answers.
   */
  async changeStatus(actor: Actor, id: string, input: ChangeSessionStatusDto): Promise<SessionDto> {
    return this.dataSource.transaction(async (tx) => {
      const session = await this.lockForChange(tx, id, input.version);
      const from = session.status;
      const to = input.status;
      const course = await tx.findOneByOrFail(Course, { id: session.courseId });
      const refusal = sessionTransitionRefusal(session, to, {
        courseStatus: course.status,
        today: today(this.config.timeZone),
      });
      if (refusal) throw transitionError(refusal, course);
      session.status = to;
      await tx.save(session);
      await this.audit.record(tx, actor, {
        action: 'session.status_changed',
        entityType: 'session',
        entityId: id,
        data: { before: { status: from }, after: { status: to } },
      });
      // Cancelling ends every seat and place in line, in this transaction (api.md).
      if (to === 'cancelled') {
        const ended = await cancelEnrolmentsOfSession(tx, this.audit, actor, id);
        await this.mail.sessionCancelled(tx, id, ended);
      }
      // Completing decides every participant's result (results-rule.ts), in this transaction.
      if (to === 'completed') {
        await settleSessionResults(tx, actor, id, today(this.config.timeZone));
      }
      return sessionDto(tx, await tx.findOneByOrFail(CourseSession, { id }), this.viewer(actor));
    });
  }

  /**
   * For other modules' rules: the session and its course, or 404. `lock: 'update'` takes the
   * session row for the rest of the caller's transaction (seat counts, status checks).
   */
  async getSessionWithCourse(
    manager: EntityManager,
    id: string,
    options: { lock?: 'update' | 'share' } = {},
  ): Promise<{ session: CourseSession; course: Course }> {
    const session = await manager.findOne(CourseSession, {
      where: { id },
      ...(options.lock && {
        lock: { mode: options.lock === 'update' ? 'pessimistic_write' : 'pessimistic_read' },
      }),
    });
    if (!session) throw notFound('Session');
    const course = await manager.findOneByOrFail(Course, { id: session.courseId });
    return { session, course };
  }

  /** What session answers need to tell the caller what they may do next. */
  private viewer(actor: Actor): SessionViewer {
    return { actor, today: today(this.config.timeZone), timeZone: this.config.timeZone };
  }

  private async lockForChange(
    tx: EntityManager,
    id: string,
    version: number | undefined,
  ): Promise<CourseSession> {
    const session = await tx.findOne(CourseSession, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!session) throw notFound('Session');
    if (version !== undefined && version !== session.version) {
      throw conflict('STALE_VERSION', 'The session was changed since you read it', {
        currentVersion: session.version,
      });
    }
    return session;
  }

  private checkDates(startsOn: string, endsOn: string, startMayNotBePast: boolean): void {
    if (endsOn < startsOn) {
      throw ruleViolation('INVALID_DATES', 'endsOn must be on or after startsOn', {
        startsOn,
        endsOn,
      });
    }
    const day = today(this.config.timeZone);
    if (startMayNotBePast && startsOn < day) {
      // The same code as other bad dates (clients key on it); the reason words the message.
      throw ruleViolation('INVALID_DATES', `A session cannot start in the past (today is ${day})`, {
        startsOn,
        today: day,
        reason: 'starts_in_past',
      });
    }
  }
}

function transitionError(refusal: SessionTransitionRefusal, course: Course) {
  switch (refusal.code) {
    case 'ILLEGAL_TRANSITION': {
      const { from, to } = refusal.details;
      return conflict(
        'ILLEGAL_TRANSITION',
        `A ${from} session cannot become ${to}`,
        refusal.details,
      );
    }
    case 'COURSE_NOT_ACTIVE':
      return ruleViolation(
        'COURSE_NOT_ACTIVE',
        `Enrolment cannot open: the course ${course.code} is ${course.status}`,
        refusal.details,
      );
    case 'SESSION_NOT_FINISHED':
      return ruleViolation(
        'SESSION_NOT_FINISHED',
        `The session runs until ${refusal.details.endsOn}; it can be completed from that day on`,
        refusal.details,
      );
  }
}
