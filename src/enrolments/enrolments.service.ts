import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertMayReach, sessionRecordScope } from '../access/record-access.js';
import { AuditService } from '../audit/audit.service.js';
import { SYSTEM_ACTOR, type Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { isUniqueViolation } from '../common/database-errors.js';
import { conflict, notFound, referenceNotFound, ruleViolation } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from '../courses/course.entity.js';
import { isSessionClosed } from '../courses/session-lifecycle.js';
import { CourseSession } from '../courses/session.entity.js';
import { EnrolmentDto, RosterEntryDto, type RosterQueryDto } from './dto/enrolment.dto.js';
import { currentEnrolmentDto } from './current-results.js';
import { EnrolmentMail } from './enrolment-mail.js';
import { AWAITING_SESSION, Enrolment } from './enrolment.entity.js';
import {
  enrolmentFactsFrom,
  enrolmentRefusalError,
  enrolmentRefusals,
  readEnrolmentFacts,
} from './enrolment-rules.js';
import { insertEnrolment, lockSessionRow, readEnrolmentCase } from './enrolment-statements.js';
import { rosterRows } from './roster.js';
import { reservationsHold, seatFor, type SeatPicture } from './seat-rule.js';
import {
  closeGap,
  giveSeat,
  moveInLine,
  promoteWhileSeatsFree,
  readSeatPicture,
  someoneWaitingMaySit,
  traineeOrganisation,
  waitingCount,
} from './waiting-list.js';

/** Seats, the waiting list and withdrawals. Every change locks the session row first. */
@Injectable()
export class EnrolmentsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly mail: EnrolmentMail,
  ) {}

  async enrol(actor: Actor, sessionId: string, traineeId: string): Promise<EnrolmentDto> {
    await assertMayReach(
      this.dataSource.manager,
      actor,
      'enrolments.enrol',
      { kind: 'trainee', traineeId },
      'Trainees may enrol only themselves',
      // A coordinator naming another organisation's trainee is told what an unknown id gets.
      () => referenceNotFound('traineeId', 'The trainee'),
    );
    try {
      return await this.dataSource.transaction(async (tx) => {
        // What decides whether the trainee may enrol does not depend on the seats: it is read
        // before the session's row lock, so the lock (which every enrolment into the session
        // waits for) is held only for taking the seat or the place in line and writing it
        // down. Profiled in the enrolment rush (bench/README.md), these reads were half of
        // the time the lock was held; they are one statement (the session, its course, the
        // trainee and the rules' facts).
        const tz = this.config.timeZone;
        const read = await readEnrolmentCase(tx, sessionId, traineeId, tz);
        // The trainee's address comes with it: read before the lock, as the lock does not
        // change it, and in the same round trip.
        const { session: unlocked, trainee, course, address } = read;
        if (!unlocked || !course) throw notFound('Session');
        if (!trainee) throw referenceNotFound('traineeId', 'The trainee');
        const courses = new Map([[course.id, course]]);
        let facts = enrolmentFactsFrom(read.facts, trainee, [unlocked], courses);
        let [refusal] = enrolmentRefusals(facts.get(sessionId)!, actor);
        if (refusal) throw enrolmentRefusalError(refusal);

        // The session row lock serialises enrolments into one session: simultaneous requests
        // queue here and each sees the seats the previous one took, so none overbooks or fails.
        const session = await lockSession(tx, sessionId);
        // Closed, cancelled or moved meanwhile: the rules are asked again on the locked row.
        if (!sameEnrolmentTerms(unlocked, session)) {
          facts = await readEnrolmentFacts(tx, trainee, [session], courses, tz);
          [refusal] = enrolmentRefusals(facts.get(sessionId)!, actor);
          if (refusal) throw enrolmentRefusalError(refusal);
        }

        const day = today(this.config.timeZone);
        // People already waiting come before the newcomer: seats that opened since the last
        // change (the reservations' last day has passed) go to them first. Without
        // reservations no seat opens by the passing of a day, so the line needs no settling
        // and the locked row is the whole picture (no extra read on the hot path).
        let picture: SeatPicture = {
          capacity: session.capacity,
          seatsTaken: session.seatsTaken,
          reservations: [],
          reservationsEndOn: null,
        };
        let settled: string[] = [];
        if (session.reservationsEndOn !== null) {
          const withLine = await readSeatPicture(tx, sessionId);
          picture = withLine;
          if (someoneWaitingMaySit(withLine, day)) {
            settled = await promoteWhileSeatsFree(
              tx,
              this.audit,
              actor,
              sessionId,
              day,
              'reservations_ended',
            );
            picture = await readSeatPicture(tx, sessionId);
          }
        }
        const seat = seatFor(picture, trainee.organisationId, day);
        // The seat (and the session's count) or the next place in line, in one statement.
        const enrolment = await insertEnrolment(tx, {
          id: randomUUID(),
          sessionId,
          traineeId,
          status: seat ? 'enrolled' : 'waitlisted',
          reservedOrganisationId: seat?.kind === 'reserved' ? seat.organisationId : null,
        });
        const dto = EnrolmentDto.from(enrolment);
        await this.audit.record(tx, actor, {
          action: 'enrolment.created',
          entityType: 'enrolment',
          entityId: enrolment.id,
          data: {
            after: {
              sessionId,
              traineeId,
              status: dto.status,
              waitlistPosition: dto.waitlistPosition,
              ...(dto.reservedOrganisationId && {
                reservedOrganisationId: dto.reservedOrganisationId,
              }),
            },
          },
        });
        await this.mail.promoted(tx, sessionId, settled);
        await this.mail.enrolled(tx, enrolment, session, course, address);
        return dto;
      });
    } catch (error) {
      // Only reachable if the same trainee raced themself past the session lock's check.
      if (isUniqueViolation(error, 'enrolments_active_key')) {
        throw conflict('ALREADY_ENROLLED', 'The trainee is already in this session');
      }
      throw error;
    }
  }

  /**
   * Withdraws from a seat or leaves the line; `reason` (the registrar's, or anyone's) goes on
   * the audit event. A freed seat goes to the people waiting by the seat rule.
   */
  async withdraw(actor: Actor, enrolmentId: string, reason?: string): Promise<EnrolmentDto> {
    return this.dataSource.transaction(async (tx) => {
      const found = await tx.findOneBy(Enrolment, { id: enrolmentId });
      if (!found) throw notFound('Enrolment');
      await assertMayReach(
        tx,
        actor,
        'enrolments.enrol',
        { kind: 'trainee', traineeId: found.traineeId },
        'Trainees may withdraw only their own enrolments',
        () => notFound('Enrolment'),
      );
      const session = await lockSession(tx, found.sessionId);
      const enrolment = await tx.findOneOrFail(Enrolment, {
        where: { id: enrolmentId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!AWAITING_SESSION.includes(enrolment.status)) {
        throw conflict('NOT_WITHDRAWABLE', `A ${enrolment.status} enrolment cannot be withdrawn`, {
          status: enrolment.status,
        });
      }
      if (isSessionClosed(session.status)) {
        throw conflict('NOT_WITHDRAWABLE', `The session is ${session.status}`, {
          sessionStatus: session.status,
        });
      }
      const before = EnrolmentDto.from(enrolment);
      const heldSeat = enrolment.status === 'enrolled';
      const leftPosition = enrolment.waitlistPosition;
      enrolment.status = 'withdrawn';
      enrolment.waitlistPosition = null;
      enrolment.withdrawnAt = new Date();
      await tx.save(enrolment);
      if (leftPosition !== null) await closeGap(tx, session.id, leftPosition);
      if (heldSeat) await tx.decrement(CourseSession, { id: session.id }, 'seatsTaken', 1);
      const after = EnrolmentDto.from(enrolment);
      await this.audit.record(tx, actor, {
        action: 'enrolment.withdrawn',
        entityType: 'enrolment',
        entityId: enrolment.id,
        reason: reason ?? null,
        data: { before: pickStatus(before), after: pickStatus(after) },
      });
      // The freed seat goes to the people waiting, by the seat rule, while the session still
      // takes enrolments (promoteWhileSeatsFree checks it is open).
      const promoted = await promoteWhileSeatsFree(
        tx,
        this.audit,
        actor,
        session.id,
        today(this.config.timeZone),
        heldSeat ? 'seat_freed' : 'reservations_ended',
        heldSeat ? { freedBy: enrolment.id } : {},
      );
      await this.mail.withdrawn(tx, enrolment, leftPosition !== null, session);
      await this.mail.promoted(tx, session.id, promoted);
      return after;
    });
  }

  /**
   * The registrar gives a waiting person a free seat now, ahead of the line: one they may take
   * by the seat rule (409 NO_SEAT_AVAILABLE otherwise). While the session is open or under way.
   */
  async promote(actor: Actor, enrolmentId: string, reason: string): Promise<EnrolmentDto> {
    return this.dataSource.transaction(async (tx) => {
      const { session, enrolment } = await this.lockWaiting(tx, enrolmentId);
      if (session.status !== 'open' && session.status !== 'in_progress') {
        throw ruleViolation('SESSION_NOT_OPEN', `The session is ${session.status}`, {
          status: session.status,
        });
      }
      const day = today(this.config.timeZone);
      const picture = await readSeatPicture(tx, session.id);
      const seat = seatFor(picture, await traineeOrganisation(tx, enrolment.traineeId), day);
      if (!seat) {
        throw conflict('NO_SEAT_AVAILABLE', 'No seat this trainee may take is free', {
          capacity: picture.capacity,
          seatsTaken: picture.seatsTaken,
          reservationsHold: reservationsHold(picture, day),
        });
      }
      const change = await giveSeat(tx, enrolment, seat);
      await this.audit.record(tx, actor, {
        action: 'enrolment.promoted',
        entityType: 'enrolment',
        entityId: enrolment.id,
        reason,
        data: {
          before: pickStatus(change.before),
          after: pickStatus(change.after),
          ...(change.after.reservedOrganisationId && {
            reservedOrganisationId: change.after.reservedOrganisationId,
          }),
        },
      });
      await this.mail.promoted(tx, session.id, [enrolment.id]);
      return change.after;
    });
  }

  /** The registrar moves a waiting person up or down the line (positions stay 1..n). */
  async moveInLine(
    actor: Actor,
    enrolmentId: string,
    position: number,
    reason: string,
  ): Promise<EnrolmentDto> {
    return this.dataSource.transaction(async (tx) => {
      const { session, enrolment } = await this.lockWaiting(tx, enrolmentId);
      const waiting = await waitingCount(tx, session.id);
      if (position < 1 || position > waiting) {
        throw ruleViolation(
          'WAITLIST_POSITION_OUT_OF_RANGE',
          `The position must be between 1 and ${waiting}`,
          { position, min: 1, max: waiting },
        );
      }
      const from = enrolment.waitlistPosition!;
      await moveInLine(tx, session.id, enrolment.id, from, position);
      const moved = await tx.findOneByOrFail(Enrolment, { id: enrolment.id });
      await this.audit.record(tx, actor, {
        action: 'enrolment.moved',
        entityType: 'enrolment',
        entityId: enrolment.id,
        reason,
        data: { before: { waitlistPosition: from }, after: { waitlistPosition: position } },
      });
      return EnrolmentDto.from(moved);
    });
  }

  /**
   * The daily job's share of the seat rule: in each open session whose reservations ended
   * before `day`, with people waiting and seats free, the waiting take the unused seats, as the
   * first enrolment, withdrawal or change after the day would give them. In the caller's
   * transaction, each session under its row lock; answers how many were promoted (each mailed).
   */
  async settleEndedReservations(tx: EntityManager, day: string): Promise<number> {
    const sessions = (await tx.query(
      `SELECT s.id FROM course_sessions s
        WHERE s.status = 'open' AND s.reservations_end_on < $1::date
          AND s.seats_taken < s.capacity
          AND EXISTS (SELECT 1 FROM enrolments e
                       WHERE e.session_id = s.id AND e.status = 'waitlisted')
        ORDER BY s.id`,
      [day],
    )) as { id: string }[];
    let promotedCount = 0;
    for (const { id } of sessions) {
      await lockSession(tx, id);
      const promoted = await promoteWhileSeatsFree(
        tx,
        this.audit,
        SYSTEM_ACTOR,
        id,
        day,
        'reservations_ended',
      );
      await this.mail.promoted(tx, id, promoted);
      promotedCount += promoted.length;
    }
    return promotedCount;
  }

  /** A waiting enrolment and its session, both locked (the session row first, as everywhere). */
  private async lockWaiting(
    tx: EntityManager,
    enrolmentId: string,
  ): Promise<{ session: CourseSession; enrolment: Enrolment }> {
    const found = await tx.findOneBy(Enrolment, { id: enrolmentId });
    if (!found) throw notFound('Enrolment');
    const session = await lockSession(tx, found.sessionId);
    const enrolment = await tx.findOneOrFail(Enrolment, {
      where: { id: enrolmentId },
      lock: { mode: 'pessimistic_write' },
    });
    if (enrolment.status !== 'waitlisted') {
      throw conflict('NOT_WAITLISTED', `A ${enrolment.status} enrolment is not in the line`, {
        status: enrolment.status,
      });
    }
    return { session, enrolment };
  }

  async get(actor: Actor, enrolmentId: string): Promise<EnrolmentDto> {
    const enrolment = await this.dataSource.getRepository(Enrolment).findOneBy({ id: enrolmentId });
    if (!enrolment) throw notFound('Enrolment');
    await this.assertCanRead(this.dataSource.manager, actor, enrolment);
    // The roster's figures: attendance and result by the results rule as of today.
    return currentEnrolmentDto(this.dataSource.manager, enrolment, today(this.config.timeZone));
  }

  async roster(
    actor: Actor,
    sessionId: string,
    query: RosterQueryDto,
  ): Promise<Page<RosterEntryDto>> {
    const session = await this.dataSource.getRepository(CourseSession).findOneBy({ id: sessionId });
    if (!session) throw notFound('Session');
    await assertMayReach(
      this.dataSource.manager,
      actor,
      'roster.read',
      { kind: 'session', sessionId },
      'Only the instructors assigned to this session may see its trainees',
    );
    // A coordinator's roster: their organisation's people in the session, no one else.
    const scope = sessionRecordScope(actor, 'roster.read', 'e');
    const course = await this.dataSource.getRepository(Course).findOneByOrFail({
      id: session.courseId,
    });
    const qb = this.dataSource
      .getRepository(Enrolment)
      .createQueryBuilder('e')
      .innerJoinAndSelect('e.trainee', 't')
      .where('e.session_id = :sessionId', { sessionId });
    if (scope) qb.andWhere(scope.sql, scope.params);
    if (query.status) qb.andWhere('e.status = :status', { status: query.status });
    // The waiting line in its order (positions are 1..n); everyone else as they enrolled.
    const line = query.status === 'waitlisted';
    const page = await keysetPage(qb, {
      alias: 'e',
      sortColumn: line ? 'waitlistPosition' : 'createdAt',
      sortValue: (e) => (line ? e.waitlistPosition! : e.createdAt),
      query,
      map: (e) => e,
    });
    const items = await rosterRows(
      this.dataSource.manager,
      {
        actor,
        session,
        course,
        today: today(this.config.timeZone),
        baseUrl: this.config.publicBaseUrl,
        timeZone: this.config.timeZone,
      },
      page.items,
    );
    return { items, nextCursor: page.nextCursor };
  }

  /** Whom `enrolments.read` reaches: admins and auditors all, trainees their own, instructors their sessions'. */
  async assertCanRead(manager: EntityManager, actor: Actor, enrolment: Enrolment): Promise<void> {
    await assertMayReach(
      manager,
      actor,
      'enrolments.read',
      { kind: 'session-record', sessionId: enrolment.sessionId, traineeId: enrolment.traineeId },
      'You may not see this enrolment',
      () => notFound('Enrolment'),
    );
  }
}

/** Whether two reads of a session agree on everything the enrolment rules look at. */
function sameEnrolmentTerms(a: CourseSession, b: CourseSession): boolean {
  return (
    a.status === b.status &&
    a.courseId === b.courseId &&
    a.startsOn === b.startsOn &&
    a.endsOn === b.endsOn
  );
}

/** The session, locked (lockSessionRow), or 404. */
async function lockSession(tx: EntityManager, sessionId: string): Promise<CourseSession> {
  const session = await lockSessionRow(tx, sessionId);
  if (!session) throw notFound('Session');
  return session;
}

export function pickStatus(dto: EnrolmentDto) {
  return { status: dto.status, waitlistPosition: dto.waitlistPosition };
}
