import type { SessionStatus } from './session.entity.js';

/**
 * The staffing rule: how many instructors a session needs for its course's
 * `maxTraineesPerInstructor`, and whether it has them. One home: the session answers, the
 * session page and the registrar's desk all take it from here.
 *
 * Needed is counted from the session's capacity, not from the seats taken so far: the registrar
 * staffs a session while it fills, and an open session can fill up on any day before it starts
 * (or a waiting list be promoted into freed seats), so staffing to today's seats would show "ok"
 * and turn into a warning when the last nominations arrive, too late to find an instructor. The
 * ratio of the seats taken now is given alongside, for the desk to show.
 *
 * Fewer instructors than needed is allowed (a Center may knowingly run a small session short),
 * so this is a warning on the pages, never a refusal.
 */
export interface Staffing {
  /** Instructors assigned, lead and assistants. */
  instructors: number;
  /** Instructors the capacity needs at the course's maximum; null when the course sets none. */
  needed: number | null;
  maxTraineesPerInstructor: number | null;
  /** Trainees holding a seat per assigned instructor now (one decimal); null without instructors. */
  traineesPerInstructor: number | null;
  /** At least `needed` instructors (always true when the course sets no maximum). */
  ok: boolean;
}

/** Sessions that no longer run need no staffing: their answers carry none. */
const STAFFED_STATUSES: readonly SessionStatus[] = ['planned', 'open', 'in_progress'];

export function staffingOf(
  session: { status: SessionStatus; capacity: number; seatsTaken: number },
  maxTraineesPerInstructor: number | null,
  instructors: number,
): Staffing | null {
  if (!STAFFED_STATUSES.includes(session.status)) return null;
  const needed =
    maxTraineesPerInstructor === null
      ? null
      : Math.ceil(session.capacity / maxTraineesPerInstructor);
  return {
    instructors,
    needed,
    maxTraineesPerInstructor,
    traineesPerInstructor:
      instructors === 0 ? null : Math.round((session.seatsTaken / instructors) * 10) / 10,
    ok: needed === null || instructors >= needed,
  };
}
