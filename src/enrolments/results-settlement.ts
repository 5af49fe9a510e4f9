import { In, type EntityManager } from 'typeorm';
import { recordMany } from '../audit/audit-bulk.js';
import type { AuditInput } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { Course } from '../courses/course.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { EnrolmentDto } from './dto/enrolment.dto.js';
import { Enrolment } from './enrolment.entity.js';
import { applyResult } from './results-rule.js';

/**
 * The dates each enrolment was present, in one query. Only participants have a result, so
 * callers ask for those.
 */
export async function presentDaysOf(
  manager: EntityManager,
  enrolmentIds: string[],
): Promise<Map<string, string[]>> {
  if (enrolmentIds.length === 0) return new Map();
  const rows = (await manager.query(
    `SELECT enrolment_id AS id, array_agg(day::text ORDER BY day) AS days
       FROM attendance_days
      WHERE enrolment_id = ANY($1::uuid[]) AND present
      GROUP BY enrolment_id`,
    [enrolmentIds],
  )) as { id: string; days: string[] }[];
  return new Map(rows.map((r) => [r.id, r.days]));
}

/**
 * Once a session is completed, every participant's result is decided (passed or not, attendance
 * over all the session's days) and their status follows it: completed, failed, or enrolled
 * while scores are missing. Call it in the completing transaction, holding the session row.
 * Each enrolment whose result changes gets an `enrolment.assessed` event (reason
 * `session_completed`).
 */
export async function settleSessionResults(
  tx: EntityManager,
  actor: Actor,
  sessionId: string,
  day: string,
): Promise<number> {
  const session = await tx.findOneByOrFail(CourseSession, { id: sessionId });
  const course = await tx.findOneByOrFail(Course, { id: session.courseId });
  const enrolments = await tx.find(Enrolment, {
    where: { sessionId, status: In(['enrolled', 'completed', 'failed']) },
    order: { id: 'ASC' },
    lock: { mode: 'pessimistic_write' },
  });
  const present = await presentDaysOf(
    tx,
    enrolments.map((e) => e.id),
  );
  const saved: Enrolment[] = [];
  const events: AuditInput[] = [];
  for (const enrolment of enrolments) {
    // Nothing recorded, nothing to decide: the enrolment stays as it was.
    if (enrolment.attendancePercent === null && enrolment.theoryScore === null) continue;
    const before = EnrolmentDto.from(enrolment);
    applyResult(enrolment, session, course, present.get(enrolment.id) ?? [], day);
    const after = EnrolmentDto.from(enrolment);
    if (JSON.stringify(pickResult(before)) === JSON.stringify(pickResult(after))) continue;
    saved.push(enrolment);
    events.push({ ...assessmentEvent(before, after, course), reason: 'session_completed' });
  }
  await tx.save(saved);
  await recordMany(tx, actor, events);
  return saved.length;
}

export function assessmentEvent(
  before: EnrolmentDto,
  after: EnrolmentDto,
  course: Course,
): AuditInput {
  return {
    action: 'enrolment.assessed',
    entityType: 'enrolment',
    entityId: after.id,
    data: { before: pickResult(before), after: pickResult(after), passMark: course.passMark },
  };
}

function pickResult(dto: EnrolmentDto) {
  return {
    status: dto.status,
    theoryScore: dto.theoryScore,
    practicalScore: dto.practicalScore,
    attendancePercent: dto.attendancePercent,
    passed: dto.passed,
  };
}
