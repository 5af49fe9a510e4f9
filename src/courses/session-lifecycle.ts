import { can } from '../access/access-policy.js';
import type { Actor } from '../common/actor.js';
import type { CourseStatus } from './course.entity.js';
import { SESSION_STATUSES, type CourseSession, type SessionStatus } from './session.entity.js';

const SESSION_TRANSITIONS: Record<SessionStatus, readonly SessionStatus[]> = {
  planned: ['open', 'cancelled'],
  open: ['in_progress', 'cancelled'],
  in_progress: ['completed'],
  completed: [],
  cancelled: [],
};

export const canMoveSession = (from: SessionStatus, to: SessionStatus) =>
  SESSION_TRANSITIONS[from].includes(to);

/** Dates, place, language and capacity may change only before teaching starts. */
export const isSessionEditable = (status: SessionStatus) =>
  status === 'planned' || status === 'open';

/** Over: completed or cancelled. The record of who taught is history then. */
export const CLOSED_SESSION_STATUSES: readonly SessionStatus[] = ['completed', 'cancelled'];

export const isSessionClosed = (status: SessionStatus) => CLOSED_SESSION_STATUSES.includes(status);

/**
 * Open for enrolment or being taught: the sessions in which people hold a seat or a place in
 * line now (a planned session takes no one yet, a closed one has settled everyone).
 */
export const RUNNING_SESSION_STATUSES: readonly SessionStatus[] = ['open', 'in_progress'];

/** Who moves a session along its lifecycle: the access policy's `sessions.manage`. */
export const mayChangeSessionStatus = (actor: Pick<Actor, 'roles'>) =>
  can(actor, 'sessions.manage');

/** What a transition's checks need to know besides the session itself. */
export interface TransitionContext {
  /** The status of the session's course: enrolment opens only for an active course. */
  courseStatus: CourseStatus;
  /** Today in the Center's time zone. */
  today: string;
}

export type SessionTransitionRefusal =
  | { code: 'ILLEGAL_TRANSITION'; details: { from: SessionStatus; to: SessionStatus } }
  | { code: 'COURSE_NOT_ACTIVE'; details: { courseId: string; status: CourseStatus } }
  | { code: 'SESSION_NOT_FINISHED'; details: { endsOn: string; today: string } };

/**
 * Why `session` cannot move to `to` now, or null if it can: the one decision behind both
 * `POST /sessions/:id/status` and the `allowedTransitions` a session answer lists. Checked in
 * this order: the lifecycle, an active course to open, the last day reached to complete.
 */
export function sessionTransitionRefusal(
  session: Pick<CourseSession, 'status' | 'endsOn' | 'courseId'>,
  to: SessionStatus,
  context: TransitionContext,
): SessionTransitionRefusal | null {
  const from = session.status;
  if (!canMoveSession(from, to)) return { code: 'ILLEGAL_TRANSITION', details: { from, to } };
  if (to === 'open' && context.courseStatus !== 'active') {
    return {
      code: 'COURSE_NOT_ACTIVE',
      details: { courseId: session.courseId, status: context.courseStatus },
    };
  }
  // A session can be completed on or after its last day.
  if (to === 'completed' && context.today < session.endsOn) {
    return {
      code: 'SESSION_NOT_FINISHED',
      details: { endsOn: session.endsOn, today: context.today },
    };
  }
  return null;
}

/** The statuses `actor` may move `session` to right now, in lifecycle order. */
export function allowedSessionTransitions(
  actor: Pick<Actor, 'roles'>,
  session: Pick<CourseSession, 'status' | 'endsOn' | 'courseId'>,
  context: TransitionContext,
): SessionStatus[] {
  if (!mayChangeSessionStatus(actor)) return [];
  return SESSION_STATUSES.filter((to) => sessionTransitionRefusal(session, to, context) === null);
}
