import { expect } from '@jest/globals';
import { CourseSession } from '../../src/courses/session.entity.js';
import { Enrolment } from '../../src/enrolments/enrolment.entity.js';
import type { TestApp } from '../app.js';
import { createUser, type SignedInUser } from '../factories.js';
import {
  assign,
  makeCourse,
  makeInstructor,
  makeSession,
  makeTrainee,
  qualify,
} from '../fixtures.js';
import type { FaultDatabase } from './fault-harness.js';

/**
 * Everything a half-written change could leave behind, in one comparable value: seats, places
 * in line, enrolment and certificate statuses (status-list positions live on certificates) and
 * the length of the audit trail: events in the chain plus those committed and waiting to be
 * chained (audit_pending), a sum that sequencing after commit does not change.
 */
export async function registerSnapshot(database: FaultDatabase): Promise<unknown> {
  const [row] = await database.query<{ snapshot: unknown }>(
    `SELECT json_build_object(
       'sessions', (SELECT json_agg(json_build_array(id, seats_taken, status) ORDER BY id)
                      FROM course_sessions),
       'enrolments', (SELECT json_agg(json_build_array(id, status, waitlist_position) ORDER BY id)
                        FROM enrolments),
       'certificates', (SELECT json_agg(json_build_array(id, serial, status, superseded_by_id,
                                                         status_list_number, status_list_index)
                                        ORDER BY id) FROM certificates),
       'auditEvents', (SELECT count(*) FROM audit_events) + (SELECT count(*) FROM audit_pending)
     ) AS snapshot`,
  );
  return row.snapshot;
}

/** The register's invariants, whatever happened to the requests that wrote it. */
export async function expectRegisterConsistent(
  database: FaultDatabase,
  t: TestApp,
  auditor: SignedInUser,
): Promise<void> {
  // Every session's seat count is the number of enrolments holding a seat.
  const seatDrift = await database.query(
    `SELECT s.id, s.seats_taken, count(e.id) FILTER (WHERE e.status IN ('enrolled','completed','failed')) AS held
       FROM course_sessions s LEFT JOIN enrolments e ON e.session_id = s.id
      GROUP BY s.id HAVING s.seats_taken <> count(e.id) FILTER (WHERE e.status IN ('enrolled','completed','failed'))`,
  );
  expect(seatDrift).toEqual([]);
  // The waiting list of every session is numbered 1..n without gaps or repeats.
  const brokenLines = await database.query(
    `SELECT session_id FROM enrolments WHERE status = 'waitlisted'
      GROUP BY session_id
     HAVING min(waitlist_position) <> 1 OR max(waitlist_position) <> count(*)
         OR count(DISTINCT waitlist_position) <> count(*)`,
  );
  expect(brokenLines).toEqual([]);
  // No certificate issued by the service exists without the audit event of its issue.
  const unaudited = await database.query(
    `SELECT c.id FROM certificates c
      WHERE NOT c.imported AND NOT EXISTS (
        SELECT 1 FROM (SELECT entity_type, entity_id, action FROM audit_events
                        UNION ALL SELECT entity_type, entity_id, action FROM audit_pending) a
         WHERE a.entity_type = 'certificate' AND a.entity_id = c.id AND a.action = 'certificate.issued')`,
  );
  expect(unaudited).toEqual([]);
  // No superseded certificate without the certificate that replaced it.
  const orphans = await database.query(
    `SELECT c.id FROM certificates c WHERE c.status = 'superseded'
        AND NOT EXISTS (SELECT 1 FROM certificates n WHERE n.id = c.superseded_by_id)`,
  );
  expect(orphans).toEqual([]);
  // The audit chain verifies end to end, through the API an auditor uses.
  const verification = await t.http.get('/api/v1/audit-events/verification').set(auditor.auth);
  expect(verification.status).toBe(200);
  expect(verification.body).toMatchObject({ intact: true, firstBrokenId: null });
}

/** A completed session whose trainees all passed, with an assigned, qualified instructor. */
export async function completedSession(t: TestApp, participants: number) {
  const course = await makeCourse(t.db, { validityMonths: 24 });
  const session = await makeSession(t.db, course.id, {
    startsOn: '2026-11-02',
    endsOn: '2026-11-06',
    status: 'completed',
    capacity: participants,
  });
  const instructor = await makeInstructor(t.db);
  await qualify(t.db, instructor.id, course.id);
  await assign(t.db, session.id, instructor.id);
  const instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
  for (let i = 0; i < participants; i++) {
    const trainee = await makeTrainee(t.db);
    await t.db.getRepository(Enrolment).save({
      sessionId: session.id,
      traineeId: trainee.id,
      status: 'completed',
      passed: true,
      attendancePercent: 100,
      theoryScore: 90,
      practicalScore: 85,
    });
  }
  await t.db.getRepository(CourseSession).update({ id: session.id }, { seatsTaken: participants });
  return { course, session, instructorUser };
}

/** An open session with `capacity` seats, all taken, and `waiting` trainees in line. */
export async function fullSessionWithWaitingList(t: TestApp, capacity: number, waiting: number) {
  const course = await makeCourse(t.db);
  const session = await makeSession(t.db, course.id, { capacity, status: 'open' });
  const seated: Enrolment[] = [];
  const waitlisted: Enrolment[] = [];
  for (let i = 0; i < capacity + waiting; i++) {
    const trainee = await makeTrainee(t.db);
    const holdsSeat = i < capacity;
    const enrolment = await t.db.getRepository(Enrolment).save({
      sessionId: session.id,
      traineeId: trainee.id,
      status: holdsSeat ? 'enrolled' : 'waitlisted',
      waitlistPosition: holdsSeat ? null : i - capacity + 1,
    });
    (holdsSeat ? seated : waitlisted).push(enrolment);
  }
  await t.db.getRepository(CourseSession).update({ id: session.id }, { seatsTaken: capacity });
  return { course, session, seated, waitlisted };
}
