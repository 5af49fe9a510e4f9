import { daysBetween } from '../common/calendar.js';
import type { Course } from '../courses/course.entity.js';
import type { CourseSession } from '../courses/session.entity.js';
import type { Enrolment, EnrolmentStatus } from './enrolment.entity.js';
import { assessmentResult } from './enrolment-rules.js';

/**
 * A trainee's result: attendance percent and pass/fail. The one home of this rule: recording,
 * the roster, a session's completion and eligibility all take their figures from here.
 */

export type ResultSession = Pick<CourseSession, 'startsOn' | 'endsOn' | 'status'>;
export type ResultCourse = Pick<Course, 'passMark' | 'minAttendancePercent'>;

/**
 * The session days attendance is counted over, or null before the first one. While the session
 * runs, the days up to today (in the Center's time zone) or its last day, whichever is first: a
 * day that has not happened yet is not an absence. Once completed, every day of the session.
 */
export function countedDays(
  session: ResultSession,
  today: string,
): { from: string; to: string; count: number } | null {
  const to = session.status === 'completed' || today > session.endsOn ? session.endsOn : today;
  if (to < session.startsOn) return null;
  return { from: session.startsOn, to, count: daysBetween(session.startsOn, to).length };
}

/**
 * Days present over the counted days, in percent (two decimals); a counted day with nothing
 * recorded counts as absent. Null before the session's first day (no day to count over).
 * `presentDays` are the dates recorded as present; those outside the counted days are ignored.
 */
export function attendancePercent(
  presentDays: Iterable<string>,
  session: ResultSession,
  today: string,
): number | null {
  const counted = countedDays(session, today);
  if (!counted) return null;
  let present = 0;
  for (const day of presentDays) if (day >= counted.from && day <= counted.to) present++;
  return percentOf(present, counted.count);
}

/** `present` of `counted` days in percent, rounded to two decimals. */
export function percentOf(present: number, counted: number): number {
  return Math.round((present / counted) * 10_000) / 100;
}

export interface Scores {
  theoryScore: number | null;
  practicalScore: number | null;
}

/** Pass/fail is decided when the session is completed; until then scores wait for it. */
export const resultsDecided = (session: Pick<ResultSession, 'status'>): boolean =>
  session.status === 'completed';

/**
 * Passed or not, decided only once the session is completed and both scores are recorded
 * (null until then): both scores reach the pass mark and attendance reaches the minimum.
 */
export function passed(
  course: ResultCourse,
  session: ResultSession,
  scores: Scores,
  percent: number | null,
): boolean | null {
  if (!resultsDecided(session)) return null;
  if (scores.theoryScore === null || scores.practicalScore === null) return null;
  return assessmentResult(
    course,
    { theoryScore: scores.theoryScore, practicalScore: scores.practicalScore },
    percent ?? 0,
  );
}

/** The result of one enrolment: attendance so far (or in all, once completed) and pass/fail. */
export function resultOf(
  course: ResultCourse,
  session: ResultSession,
  enrolment: Scores & { presentDays: Iterable<string> },
  today: string,
): { attendancePercent: number | null; passed: boolean | null } {
  const percent = attendancePercent(enrolment.presentDays, session, today);
  return { attendancePercent: percent, passed: passed(course, session, enrolment, percent) };
}

/**
 * A participant's status follows the result: completed when passed, failed when not, enrolled
 * while undecided. Anyone else (waitlisted, withdrawn, cancelled) keeps their status.
 */
export function statusForResult(status: EnrolmentStatus, result: boolean | null): EnrolmentStatus {
  if (status !== 'enrolled' && status !== 'completed' && status !== 'failed') return status;
  if (result === null) return 'enrolled';
  return result ? 'completed' : 'failed';
}

/** Sets an enrolment's attendance percent, result and status by this rule. */
export function applyResult(
  enrolment: Enrolment,
  session: ResultSession,
  course: ResultCourse,
  presentDays: string[],
  today: string,
): void {
  const result = resultOf(course, session, { ...enrolment, presentDays }, today);
  enrolment.attendancePercent = result.attendancePercent;
  enrolment.passed = result.passed;
  enrolment.status = statusForResult(enrolment.status, result.passed);
}
