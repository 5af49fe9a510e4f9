import { In, type EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AWAITING_SESSION, Enrolment, SEAT_HOLDING } from './enrolment.entity.js';

/**
 * Ends every seat and waiting-list place of a session being cancelled: each becomes
 * `cancelled` without a position, the seats stop counting as taken, and each changed enrolment
 * gets its own audit event. The caller holds the session row lock and its transaction.
 * Answers the enrolments it ended, as they were before (a seat or a place in line).
 */
export async function cancelEnrolmentsOfSession(
  tx: EntityManager,
  audit: AuditService,
  actor: Actor,
  sessionId: string,
): Promise<Enrolment[]> {
  const enrolments = await tx.find(Enrolment, {
    where: { sessionId, status: In(AWAITING_SESSION) },
    order: { createdAt: 'ASC', id: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
  if (enrolments.length === 0) return [];
  const seatsFreed = enrolments.filter((e) => e.status === 'enrolled').length;
  await tx.query(
    `UPDATE enrolments SET status = 'cancelled', waitlist_position = NULL,
            updated_at = now(), version = version + 1
      WHERE id = ANY ($1::uuid[])`,
    [enrolments.map((e) => e.id)],
  );
  if (seatsFreed > 0) {
    // Counted again rather than decremented: what remains are the seat holders, if any.
    await tx.query(
      `UPDATE course_sessions SET seats_taken =
              (SELECT count(*) FROM enrolments WHERE session_id = $1 AND status = ANY ($2::text[]))
        WHERE id = $1`,
      [sessionId, SEAT_HOLDING],
    );
  }
  for (const e of enrolments) {
    await audit.record(tx, actor, {
      action: 'enrolment.cancelled',
      entityType: 'enrolment',
      entityId: e.id,
      reason: 'session_cancelled',
      data: {
        before: { status: e.status, waitlistPosition: e.waitlistPosition },
        after: { status: 'cancelled', waitlistPosition: null },
      },
    });
  }
  return enrolments;
}
