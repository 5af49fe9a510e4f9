import type { EntityManager } from 'typeorm';
import type { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { CourseSession } from '../courses/session.entity.js';
import { EnrolmentDto } from './dto/enrolment.dto.js';
import { Enrolment } from './enrolment.entity.js';

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

export async function promoteFirstInLine(
  tx: EntityManager,
  sessionId: string,
): Promise<{ before: EnrolmentDto; after: EnrolmentDto } | null> {
  const first = await tx.findOne(Enrolment, {
    where: { sessionId, status: 'waitlisted', waitlistPosition: 1 },
    lock: { mode: 'pessimistic_write' },
  });
  if (!first) return null;
  const before = EnrolmentDto.from(first);
  first.status = 'enrolled';
  first.waitlistPosition = null;
  await tx.save(first);
  await closeGap(tx, sessionId, 1);
  await tx.increment(CourseSession, { id: sessionId }, 'seatsTaken', 1);
  return { before, after: EnrolmentDto.from(first) };
}

/**
 * Gives free seats to the people waiting, first in line first: after a capacity increase. The
 * caller holds the session row lock. Each promotion is an audit event of its own. Answers the
 * promoted enrolments' ids, in the order they were promoted.
 */
export async function promoteWhileSeatsFree(
  tx: EntityManager,
  audit: AuditService,
  actor: Actor,
  sessionId: string,
): Promise<string[]> {
  const promoted: string[] = [];
  for (;;) {
    const session = await tx.findOneByOrFail(CourseSession, { id: sessionId });
    if (session.status !== 'open' || session.seatsTaken >= session.capacity) return promoted;
    const next = await promoteFirstInLine(tx, sessionId);
    if (!next) return promoted;
    promoted.push(next.after.id);
    await audit.record(tx, actor, {
      action: 'enrolment.promoted',
      entityType: 'enrolment',
      entityId: next.after.id,
      reason: 'capacity_increased',
      data: {
        before: { status: next.before.status, waitlistPosition: next.before.waitlistPosition },
        after: { status: next.after.status, waitlistPosition: next.after.waitlistPosition },
      },
    });
  }
}
