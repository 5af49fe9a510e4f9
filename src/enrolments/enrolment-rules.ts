import type { EntityManager } from 'typeorm';
import { ruleViolation } from '../common/errors.js';
import type { Course } from '../courses/course.entity.js';
import type { CourseSession } from '../courses/session.entity.js';
import type { Trainee } from '../trainees/trainee.entity.js';

/**
 * A prerequisite counts only when the trainee holds a certificate for it that is current on the
 * session's first day: active (not suspended, revoked or superseded) and not expired by then.
 * A certificate of a refresher that renews the prerequisite counts as the prerequisite.
 */
export async function assertPrerequisitesMet(
  manager: EntityManager,
  traineeId: string,
  course: Course,
  session: CourseSession,
): Promise<void> {
  const missing = (await manager.query(
    `SELECT p.code
       FROM course_prerequisites cp
       JOIN courses p ON p.id = cp.prerequisite_course_id
      WHERE cp.course_id = $1
        AND NOT EXISTS (
          SELECT 1 FROM certificates c
            JOIN courses cc ON cc.id = c.course_id
           WHERE c.trainee_id = $2
             AND (c.course_id = p.id OR cc.renews_course_id = p.id)
             AND c.status = 'active'
             AND c.issued_at::date <= $3::date
             AND (c.valid_until IS NULL OR c.valid_until >= $3::date))
      ORDER BY p.code`,
    [course.id, traineeId, session.startsOn],
  )) as { code: string }[];
  if (missing.length > 0) {
    const codes = missing.map((m) => m.code);
    throw ruleViolation(
      'PREREQUISITE_NOT_MET',
      `${course.code} requires a current certificate for ${codes.join(', ')} on ${session.startsOn}`,
      { missing: codes, courseCode: course.code, checkedOn: session.startsOn },
    );
  }
}

/** Field courses need the trainee medically fit for every day of the session. */
export function assertMedicallyCleared(
  trainee: Trainee,
  course: Course,
  session: CourseSession,
): void {
  if (!course.requiresMedicalClearance) return;
  const until = trainee.medicalClearanceUntil;
  if (!until || until < session.endsOn) {
    throw ruleViolation(
      'MEDICAL_CLEARANCE_REQUIRED',
      until
        ? `${course.code} requires medical clearance until ${session.endsOn}; the trainee's ends ${until}`
        : `${course.code} requires medical clearance covering the session; none is recorded`,
      { requiredUntil: session.endsOn, clearanceUntil: until },
    );
  }
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
