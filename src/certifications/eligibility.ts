import type { Course } from '../courses/course.entity.js';
import type { CourseSession } from '../courses/session.entity.js';
import type { Enrolment } from '../enrolments/enrolment.entity.js';
import { SELF_CERTIFICATION } from '../enrolments/own-record.js';

export const INELIGIBILITY_CODES = [
  'SESSION_NOT_COMPLETED',
  'NOT_ASSESSED',
  'NOT_PASSED',
  'ATTENDANCE_BELOW_MINIMUM',
  'NOT_ENROLLED',
] as const;

export interface Ineligibility {
  code: (typeof INELIGIBILITY_CODES)[number];
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

/** Every reason `certificationRefusal` gives. */
export const CERTIFICATION_REFUSALS = [
  ...INELIGIBILITY_CODES,
  SELF_CERTIFICATION.code,
  'ALREADY_ISSUED',
] as const;

export interface CertificationRefusal {
  code: Ineligibility['code'] | typeof SELF_CERTIFICATION.code | 'ALREADY_ISSUED';
  message: string;
}

/**
 * Why the caller may not certify this enrolment now, or null when they may: the enrolment's
 * own trainee is the caller (SELF_CERTIFICATION), a certificate was already issued from it
 * (ALREADY_ISSUED), or it is not eligible (the codes of `ineligibility`). A session's bulk issue
 * and the roster's `certification` give the same answer for the same enrolment.
 */
export function certificationRefusal(
  enrolment: Enrolment,
  session: CourseSession,
  course: Course,
  facts: { ownRecord: boolean; issued: { serial: string } | null },
): CertificationRefusal | null {
  if (facts.ownRecord)
    return { code: SELF_CERTIFICATION.code, message: SELF_CERTIFICATION.message };
  if (facts.issued) {
    return {
      code: 'ALREADY_ISSUED',
      message: `Certificate ${facts.issued.serial} was already issued`,
    };
  }
  return ineligibility(enrolment, session, course);
}
