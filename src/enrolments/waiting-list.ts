import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { CourseSession } from '../courses/session.entity.js';
import { EnrolmentDto } from './dto/enrolment.dto.js';
import { Enrolment, SEAT_HOLDING } from './enrolment.entity.js';
import { seatFor, seatsOpenTo, type Seat, type SeatPicture } from './seat-rule.js';

/** Everyone behind a departing person moves up one place, so positions stay 1..n. */
export async function closeGap(
  tx: EntityManager,
  sessionId: string,
  leftPosition: number,
): Promise<void> {
  await tx.query(
    `UPDATE enrolments SET waitlist_position = waitlist_position - 1, updated_at = now(), version = version + 1
      WHERE session_id = $1 AND waitlist_position > $2`,
    [sessionId, leftPosition],
  );
}

/**
 * Moves a waiting person from `from` to `to` in the line: everyone between shifts by one
 * place towards the gap, so positions stay 1..n (the position key is deferred to the commit).
 */
export async function moveInLine(
  tx: EntityManager,
  sessionId: string,
  enrolmentId: string,
  from: number,
  to: number,
): Promise<void> {
  if (from === to) return;
  const [low, high, shift] = to < from ? [to, from - 1, 1] : [from + 1, to, -1];
  await tx.query(
    `UPDATE enrolments SET waitlist_position = waitlist_position + $4, updated_at = now(), version = version + 1
      WHERE session_id = $1 AND waitlist_position BETWEEN $2 AND $3`,
    [sessionId, low, high, shift],
  );
  await tx.query(
    `UPDATE enrolments SET waitlist_position = $2, updated_at = now(), version = version + 1
      WHERE id = $1`,
    [enrolmentId, to],
  );
}

/** The number of people waiting in a session's line (positions are 1..n). */
export async function waitingCount(tx: EntityManager, sessionId: string): Promise<number> {
  const [{ n }] = (await tx.query(
    `SELECT count(*)::int AS n FROM enrolments WHERE session_id = $1 AND status = 'waitlisted'`,
    [sessionId],
  )) as { n: number }[];
  return n;
}

/**
 * The seats of a session as the seat rule sees them, read inside the caller's transaction
 * (which holds the session row lock when it is about to give a seat) in one statement:
 * capacity, seats held, each reservation with the seats its organisation holds against it, and
 * how many people wait in line.
 */
export async function readSeatPicture(
  tx: EntityManager,
  sessionId: string,
): Promise<SeatPicture & { waiting: number }> {
  const [row] = (await tx.query(
    `SELECT s.capacity, s.seats_taken, s.reservations_end_on::text AS reservations_end_on,
            (SELECT count(*)::int FROM enrolments e
              WHERE e.session_id = s.id AND e.status = 'waitlisted') AS waiting,
            COALESCE((
              SELECT json_agg(json_build_object(
                       'organisationId', r.organisation_id, 'seats', r.seats,
                       'taken', (SELECT count(*)::int FROM enrolments e
                                  WHERE e.session_id = r.session_id
                                    AND e.reserved_organisation_id = r.organisation_id
                                    AND e.status = ANY ($2::text[])))
                     ORDER BY r.organisation_id)
                FROM session_reservations r WHERE r.session_id = s.id), '[]'::json) AS reservations
       FROM course_sessions s WHERE s.id = $1`,
    [sessionId, SEAT_HOLDING],
  )) as {
    capacity: number;
    seats_taken: number;
    reservations_end_on: string | null;
    waiting: number;
    reservations: SeatPicture['reservations'];
  }[];
  return {
    capacity: row.capacity,
    seatsTaken: row.seats_taken,
    reservationsEndOn: row.reservations_end_on,
    reservations: row.reservations,
    waiting: row.waiting,
  };
}

/** The organisation the seat rule counts for a trainee: theirs, or null. */
export async function traineeOrganisation(
  tx: EntityManager,
  traineeId: string,
): Promise<string | null> {
  const [row] = (await tx.query('SELECT organisation_id FROM trainees WHERE id = $1', [
    traineeId,
  ])) as { organisation_id: string | null }[];
  return row?.organisation_id ?? null;
}

/**
 * Gives a waiting enrolment (locked by the caller) the seat, closes the gap it leaves in the
 * line and counts the seat as taken.
 */
export async function giveSeat(
  tx: EntityManager,
  enrolment: Enrolment,
  seat: Seat,
): Promise<{ before: EnrolmentDto; after: EnrolmentDto }> {
  const before = EnrolmentDto.from(enrolment);
  const leftPosition = enrolment.waitlistPosition;
  enrolment.status = 'enrolled';
  enrolment.waitlistPosition = null;
  enrolment.reservedOrganisationId = seat.kind === 'reserved' ? seat.organisationId : null;
  await tx.save(enrolment);
  if (leftPosition !== null) await closeGap(tx, enrolment.sessionId, leftPosition);
  await tx.increment(CourseSession, { id: enrolment.sessionId }, 'seatsTaken', 1);
  return { before, after: EnrolmentDto.from(enrolment) };
}

/**
 * Promotes the first person in line who may take a free seat by the seat rule (a freed general
 * seat goes to the first in line; a freed reserved seat, while reservations hold, to the first
 * in line of its organisation), or answers null when nobody waiting may take one.
 */
export async function promoteFirstInLine(
  tx: EntityManager,
  sessionId: string,
  today: string,
): Promise<{ before: EnrolmentDto; after: EnrolmentDto } | null> {
  const picture = await readSeatPicture(tx, sessionId);
  if (picture.waiting === 0) return null;
  const open = seatsOpenTo(picture, today);
  if (!open.anyone && open.organisationIds.length === 0) return null;
  const [next] = (await tx.query(
    `SELECT e.id, t.organisation_id
       FROM enrolments e
       JOIN trainees t ON t.id = e.trainee_id
      WHERE e.session_id = $1 AND e.status = 'waitlisted'
        AND ($2::boolean OR t.organisation_id = ANY ($3::uuid[]))
      ORDER BY e.waitlist_position
      LIMIT 1
      FOR UPDATE OF e`,
    [sessionId, open.anyone, open.anyone ? [] : open.organisationIds],
  )) as { id: string; organisation_id: string | null }[];
  if (!next) return null;
  const seat = seatFor(picture, next.organisation_id, today);
  if (!seat) return null;
  const enrolment = await tx.findOneByOrFail(Enrolment, { id: next.id });
  return giveSeat(tx, enrolment, seat);
}

/** Why the people waiting were given seats, on each promotion's audit event. */
/**
 * Whether anyone waiting may take a free seat now (after the reservations' last day passed,
 * say): what an enrolment checks before taking its own turn, without reading the line.
 */
export function someoneWaitingMaySit(
  picture: SeatPicture & { waiting: number },
  today: string,
): boolean {
  if (picture.waiting === 0) return false;
  const open = seatsOpenTo(picture, today);
  return open.anyone || open.organisationIds.length > 0;
}

export type PromotionReason =
  'seat_freed' | 'capacity_increased' | 'reservations_changed' | 'reservations_ended';

/**
 * Gives free seats to the people waiting, by the seat rule, while the session is open: after a
 * withdrawal, a capacity increase, a change to the reservations, or once the reservations'
 * last day has passed (the first change after it, and the daily job, settle them). The caller
 * holds the session row lock. Each promotion is an audit event of its own. Answers the
 * promoted enrolments' ids, in the order they were promoted.
 */
export async function promoteWhileSeatsFree(
  tx: EntityManager,
  audit: AuditService,
  actor: Actor,
  sessionId: string,
  today: string,
  reason: PromotionReason,
  data: Record<string, unknown> = {},
): Promise<string[]> {
  const promoted: string[] = [];
  const session = await tx.findOneByOrFail(CourseSession, { id: sessionId });
  if (session.status !== 'open') return promoted;
  for (;;) {
    const next = await promoteFirstInLine(tx, sessionId, today);
    if (!next) return promoted;
    promoted.push(next.after.id);
    await audit.record(tx, actor, {
      action: 'enrolment.promoted',
      entityType: 'enrolment',
      entityId: next.after.id,
      reason,
      data: {
        before: { status: next.before.status, waitlistPosition: next.before.waitlistPosition },
        after: { status: next.after.status, waitlistPosition: next.after.waitlistPosition },
        ...(next.after.reservedOrganisationId && {
          reservedOrganisationId: next.after.reservedOrganisationId,
        }),
        ...data,
      },
    });
  }
}
