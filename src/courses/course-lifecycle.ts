import type { CourseStatus } from './course.entity.js';

/** A retired course may be re-activated; nothing goes back to draft once offered. */
const COURSE_TRANSITIONS: Record<CourseStatus, readonly CourseStatus[]> = {
  draft: ['active', 'retired'],
  active: ['retired'],
  retired: ['active'],
};

export const canMoveCourse = (from: CourseStatus, to: CourseStatus) =>
  from === to || COURSE_TRANSITIONS[from].includes(to);
