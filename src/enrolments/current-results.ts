import type { EntityManager } from 'typeorm';
import { Course } from '../courses/course.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { EnrolmentDto } from './dto/enrolment.dto.js';
import { SEAT_HOLDING, type Enrolment, type EnrolmentStatus } from './enrolment.entity.js';
import { resultOf, type ResultCourse, type ResultSession, type Scores } from './results-rule.js';
import { presentDaysOf } from './results-settlement.js';

export interface ShownResult {
  attendancePercent: number | null;
  passed: boolean | null;
}

/** An enrolment as read, with the session and course its result depends on. */
export interface ResultFacts extends Scores, ShownResult {
  id: string;
  status: EnrolmentStatus;
  session: ResultSession;
  course: ResultCourse;
}

/**
 * The attendance percent and result to show for each enrolment, as the roster shows them: a
 * seat holder's by the results rule from the days recorded, as of `today`. The stored figures
 * are only what the rule said when attendance or scores were last saved, and a day passing
 * changes the answer (a day not recorded counts as absent once it has happened). Anyone else
 * (waitlisted, withdrawn, cancelled) has no result to work out and keeps what is stored.
 * One query however many enrolments.
 */
export async function currentResults(
  manager: EntityManager,
  enrolments: readonly ResultFacts[],
  today: string,
): Promise<Map<string, ShownResult>> {
  const seatHolders = enrolments.filter((e) => SEAT_HOLDING.includes(e.status));
  const present = await presentDaysOf(
    manager,
    seatHolders.map((e) => e.id),
  );
  return new Map(
    enrolments.map((e) => [
      e.id,
      SEAT_HOLDING.includes(e.status)
        ? resultOf(e.course, e.session, { ...e, presentDays: present.get(e.id) ?? [] }, today)
        : { attendancePercent: e.attendancePercent, passed: e.passed },
    ]),
  );
}

/** One enrolment's answer with its result as of `today` (see `currentResults`). */
export async function currentEnrolmentDto(
  manager: EntityManager,
  enrolment: Enrolment,
  today: string,
): Promise<EnrolmentDto> {
  const session = await manager.findOneByOrFail(CourseSession, { id: enrolment.sessionId });
  const course = await manager.findOneByOrFail(Course, { id: session.courseId });
  const results = await currentResults(manager, [{ ...enrolment, session, course }], today);
  return EnrolmentDto.from({ ...enrolment, ...results.get(enrolment.id) } as Enrolment);
}
