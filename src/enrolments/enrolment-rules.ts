import type { EntityManager } from 'typeorm';
import { currentOnSql } from '../certifications/certificate-status.js';
import { conflict, ruleViolation, type DomainError } from '../common/errors.js';
import type { Course } from '../courses/course.entity.js';
import type { CourseSession } from '../courses/session.entity.js';
import type { Trainee } from '../trainees/trainee.entity.js';
import type { EnrolmentStatus } from './enrolment.entity.js';

/** The codes the enrol route refuses with, and `canEnrol.reasons` lists, in checking order. */
export const ENROLMENT_REFUSAL_CODES = [
  'SESSION_NOT_OPEN',
  'ALREADY_ENROLLED',
  'PREREQUISITE_NOT_MET',
  'MEDICAL_CLEARANCE_REQUIRED',
] as const;
export type EnrolmentRefusalCode = (typeof ENROLMENT_REFUSAL_CODES)[number];

export interface EnrolmentRefusal {
  code: EnrolmentRefusalCode;
  message: string;
  details: Record<string, unknown>;
}

/** The trainee's latest enrolment in a session, whatever its status. */
export interface OwnEnrolment {
  id: string;
  sessionId: string;
  traineeId: string;
  status: EnrolmentStatus;
  waitlistPosition: number | null;
}

/** Everything the enrolment preconditions look at, for one trainee and one session. */
export interface EnrolmentFacts {
  session: Pick<CourseSession, 'id' | 'status' | 'startsOn' | 'endsOn'>;
  course: Pick<Course, 'code' | 'requiresMedicalClearance'>;
  trainee: Pick<Trainee, 'id' | 'medicalClearanceUntil'>;
  /** Null if the trainee never enrolled in the session. */
  latest: OwnEnrolment | null;
  /** Codes of the prerequisite courses without a certificate current on the first day. */
  missingPrerequisites: string[];
}

/**
 * Every reason the trainee may not enrol in the session now, in checking order (empty: they
 * may). The one rule behind both the enrol route, which refuses with the first reason, and
 * the `canEnrol` of session answers, which lists them all.
 *
 * - The session must be open (the status decides, not the date).
 * - Not already in it: any enrolment but a withdrawn one counts (a withdrawn trainee may
 *   enrol again).
 * - A prerequisite counts only when the trainee holds a certificate for it that is current on
 *   the session's first day (see `readEnrolmentFacts`).
 * - Field courses need the trainee medically fit for every day of the session.
 *
 * Holding a current certificate of the course itself is no refusal: a second session of the
 * same course is how a certificate is renewed (the new one supersedes the old).
 */
export function enrolmentRefusals(facts: EnrolmentFacts): EnrolmentRefusal[] {
  const { session, course, trainee, latest, missingPrerequisites } = facts;
  const refusals: EnrolmentRefusal[] = [];
  if (session.status !== 'open') {
    refusals.push({
      code: 'SESSION_NOT_OPEN',
      message: `The session is ${session.status}, not open for enrolment`,
      details: { status: session.status },
    });
  }
  if (latest && latest.status !== 'withdrawn') {
    refusals.push({
      code: 'ALREADY_ENROLLED',
      message: 'The trainee is already in this session',
      details: { enrolmentId: latest.id, status: latest.status },
    });
  }
  if (missingPrerequisites.length > 0) {
    refusals.push({
      code: 'PREREQUISITE_NOT_MET',
      message: `${course.code} requires a current certificate for ${missingPrerequisites.join(', ')} on ${session.startsOn}`,
      details: {
        missing: missingPrerequisites,
        courseCode: course.code,
        checkedOn: session.startsOn,
      },
    });
  }
  if (course.requiresMedicalClearance) {
    const until = trainee.medicalClearanceUntil;
    if (!until || until < session.endsOn) {
      refusals.push({
        code: 'MEDICAL_CLEARANCE_REQUIRED',
        message: until
          ? `${course.code} requires medical clearance until ${session.endsOn}; the trainee's ends ${until}`
          : `${course.code} requires medical clearance covering the session; none is recorded`,
        details: { requiredUntil: session.endsOn, clearanceUntil: until },
      });
    }
  }
  return refusals;
}

/** The enrol route's answer to a refusal: 409 for a duplicate, 422 for a broken rule. */
export function enrolmentRefusalError(refusal: EnrolmentRefusal): DomainError {
  return refusal.code === 'ALREADY_ENROLLED'
    ? conflict(refusal.code, refusal.message, refusal.details)
    : ruleViolation(refusal.code, refusal.message, refusal.details);
}

/**
 * The facts `enrolmentRefusals` needs for one trainee and a page of sessions, in two queries
 * whatever the number of sessions: the trainee's latest enrolment in each, and the missing
 * prerequisites of each (a certificate counts when the trainee held it by the session's first
 * day and it is current then, by the rule of certificate-status.ts; a refresher's certificate
 * counts as the course it renews).
 */
export async function readEnrolmentFacts(
  manager: EntityManager,
  trainee: Pick<Trainee, 'id' | 'medicalClearanceUntil'>,
  sessions: Pick<CourseSession, 'id' | 'courseId' | 'status' | 'startsOn' | 'endsOn'>[],
  courses: ReadonlyMap<string, Pick<Course, 'code' | 'requiresMedicalClearance'>>,
): Promise<Map<string, EnrolmentFacts>> {
  const facts = new Map<string, EnrolmentFacts>();
  if (sessions.length === 0) return facts;
  const sessionIds = sessions.map((s) => s.id);
  const latest = (await manager.query(
    `SELECT DISTINCT ON (session_id) id, session_id, status, waitlist_position
       FROM enrolments
      WHERE trainee_id = $1 AND session_id = ANY ($2::uuid[])
      ORDER BY session_id, created_at DESC, id DESC`,
    [trainee.id, sessionIds],
  )) as {
    id: string;
    session_id: string;
    status: EnrolmentStatus;
    waitlist_position: number | null;
  }[];
  const missing = (await manager.query(
    `SELECT s.id AS session_id, p.code
       FROM course_sessions s
       JOIN course_prerequisites cp ON cp.course_id = s.course_id
       JOIN courses p ON p.id = cp.prerequisite_course_id
      WHERE s.id = ANY ($2::uuid[])
        AND NOT EXISTS (
          SELECT 1 FROM certificates c
            JOIN courses cc ON cc.id = c.course_id
           WHERE c.trainee_id = $1
             AND (c.course_id = p.id OR cc.renews_course_id = p.id)
             AND c.issued_at::date <= s.starts_on
             AND ${currentOnSql('c', 's.starts_on')})
      ORDER BY s.id, p.code`,
    [trainee.id, sessionIds],
  )) as { session_id: string; code: string }[];
  const latestBySession = new Map(latest.map((row) => [row.session_id, row]));
  const missingBySession = new Map<string, string[]>();
  for (const row of missing) {
    const codes = missingBySession.get(row.session_id) ?? [];
    codes.push(row.code);
    missingBySession.set(row.session_id, codes);
  }
  for (const session of sessions) {
    const course = courses.get(session.courseId);
    if (!course) throw new Error(`Course ${session.courseId} of session ${session.id} not given`);
    const own = latestBySession.get(session.id);
    facts.set(session.id, {
      session,
      course,
      trainee,
      latest: own
        ? {
            id: own.id,
            sessionId: session.id,
            traineeId: trainee.id,
            status: own.status,
            waitlistPosition: own.waitlist_position,
          }
        : null,
      missingPrerequisites: missingBySession.get(session.id) ?? [],
    });
  }
  return facts;
}

/** Passed = both scores reach the pass mark and attendance reaches the course minimum. */
export function assessmentResult(
  course: Pick<Course, 'passMark' | 'minAttendancePercent'>,
  scores: { theoryScore: number; practicalScore: number },
  attendancePercent: number,
): boolean {
  return (
    scores.theoryScore >= course.passMark &&
    scores.practicalScore >= course.passMark &&
    attendancePercent >= course.minAttendancePercent
  );
}
