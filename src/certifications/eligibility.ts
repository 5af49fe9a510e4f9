import type { Course } from '../courses/course.entity.js';
import type { CourseSession } from '../courses/session.entity.js';
import type { Enrolment } from '../enrolments/enrolment.entity.js';

export interface Ineligibility {
  code:
    | 'SESSION_NOT_COMPLETED'
    | 'NOT_ASSESSED'
    | 'NOT_PASSED'
    | 'ATTENDANCE_BELOW_MINIMUM'
    | 'NOT_ENROLLED';
  message: string;
}

/** Why an enrolment may not (yet) be certified, or null when it may. */
export function ineligibility(
  enrolment: Enrolment,
  session: CourseSession,
  course: Course,
): Ineligibility | null {
  if (enrolment.status === 'withdrawn' || enrolment.status === 'waitlisted') {
    return {
      code: 'NOT_ENROLLED',
      message: `The trainee is ${enrolment.status}, not a participant of the session`,
    };
  }
  if (session.status !== 'completed') {
    return {
      code: 'SESSION_NOT_COMPLETED',
      message: `The session is ${session.status}; certify once it is completed`,
    };
  }
  if (enrolment.passed === null) {
    return { code: 'NOT_ASSESSED', message: 'No assessment result has been recorded' };
  }
  if ((enrolment.attendancePercent ?? 0) < course.minAttendancePercent) {
    return {
      code: 'ATTENDANCE_BELOW_MINIMUM',
      message: `Attendance ${enrolment.attendancePercent ?? 0}% is below the course minimum of ${course.minAttendancePercent}%`,
    };
  }
  if (!enrolment.passed || enrolment.status !== 'completed') {
    return {
      code: 'NOT_PASSED',
      message: `The assessment was not passed (pass mark ${course.passMark})`,
    };
  }
  return null;
}
