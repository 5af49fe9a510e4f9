import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { forbidden, type DomainError } from '../common/errors.js';
import { reachesSession, reachOf, type Permission } from './access-policy.js';

/**
 * The records a permission reaches for one caller, checked against the database: the second
 * half of the access policy (access-policy.ts says which roles hold a permission and how far
 * each role reaches; this file says what "own", "assigned" and "organisation" mean for each
 * kind of record).
 */
export type RecordRef =
  /** A trainee's own file (their record, their transcript). */
  | { kind: 'trainee'; traineeId: string }
  /** A record made in a session (an enrolment, its results, a certificate from it). */
  | { kind: 'session-record'; sessionId: string | null; traineeId: string | null }
  /** A session as a whole (its roster, attendance and results for everyone in it). */
  | { kind: 'session'; sessionId: string }
  /** An instructor's own file (their qualifications). */
  | { kind: 'instructor'; instructorId: string };

type Caller = Pick<Actor, 'roles' | 'traineeId' | 'instructorId'> &
  Partial<Pick<Actor, 'organisationId'>>;

/** Whether the instructor is assigned (lead or assistant) to the session. */
export async function isAssignedInstructor(
  manager: EntityManager,
  instructorId: string | null,
  sessionId: string,
): Promise<boolean> {
  if (!instructorId) return false;
  const rows = (await manager.query(
    'SELECT 1 FROM session_instructors WHERE session_id = $1 AND instructor_id = $2',
    [sessionId, instructorId],
  )) as unknown[];
  return rows.length > 0;
}

/** Who is assigned (lead or assistant) to teach the session. */
async function assignedTo(manager: EntityManager, sessionId: string): Promise<string[]> {
  const rows = (await manager.query(
    'SELECT instructor_id FROM session_instructors WHERE session_id = $1',
    [sessionId],
  )) as { instructor_id: string }[];
  return rows.map((r) => r.instructor_id);
}

/** Whether the instructor teaches (or taught) a session the trainee holds or held a place in. */
async function teachesTrainee(
  manager: EntityManager,
  instructorId: string,
  traineeId: string,
): Promise<boolean> {
  const rows = (await manager.query(
    `SELECT 1 FROM enrolments e
       JOIN session_instructors si ON si.session_id = e.session_id
      WHERE e.trainee_id = $1 AND si.instructor_id = $2 AND e.status <> 'withdrawn'
      LIMIT 1`,
    [traineeId, instructorId],
  )) as unknown[];
  return rows.length > 0;
}

/** Whether the trainee belongs to the organisation (false for an unknown trainee). */
async function inOrganisation(
  manager: EntityManager,
  organisationId: string,
  traineeId: string,
): Promise<boolean> {
  const rows = (await manager.query(
    'SELECT 1 FROM trainees WHERE id = $1 AND organisation_id = $2',
    [traineeId, organisationId],
  )) as unknown[];
  return rows.length > 0;
}

/** Whether the permission reaches this record for the caller. */
export async function mayReach(
  manager: EntityManager,
  caller: Caller,
  permission: Permission,
  record: RecordRef,
): Promise<boolean> {
  const reach = reachOf(caller, permission);
  if (reach.has('all')) return true;
  if (reach.has('own') && caller.traineeId) {
    if ((record.kind === 'trainee' || record.kind === 'session-record') && record.traineeId) {
      if (record.traineeId === caller.traineeId) return true;
    }
  }
  if (reach.has('assigned') && caller.instructorId) {
    const me = caller.instructorId;
    switch (record.kind) {
      case 'instructor':
        return record.instructorId === me;
      case 'trainee':
        return teachesTrainee(manager, me, record.traineeId);
      case 'session':
        return reachesSession(caller, permission, await assignedTo(manager, record.sessionId));
      case 'session-record':
        // A record from outside any session (an imported certificate) is no instructor's.
        return record.sessionId !== null && isAssignedInstructor(manager, me, record.sessionId);
    }
  }
  if (reach.has('organisation') && caller.organisationId) {
    switch (record.kind) {
      case 'trainee':
      case 'session-record':
        return (
          !!record.traineeId && inOrganisation(manager, caller.organisationId, record.traineeId)
        );
      case 'session':
        // Any session, for the organisation's people in it: what a route reads of the session
        // is narrowed to them (sessionRecordScope).
        return true;
      case 'instructor':
        return false;
    }
  }
  return false;
}

/**
 * Refuses with 403 unless the permission reaches the record. Callers check before saying
 * whether anything else is wrong, so a 403 does not reveal more than the caller may know.
 *
 * `unknown` is the route's answer to an id that names nothing (404 Trainee, 422 for a body's
 * unknown traineeId): a caller whose reach is an organisation gets exactly that for another
 * organisation's record, so an employer cannot tell someone else's people from no one.
 */
export async function assertMayReach(
  manager: EntityManager,
  caller: Caller,
  permission: Permission,
  record: RecordRef,
  message: string,
  unknown?: () => DomainError,
): Promise<void> {
  if (await mayReach(manager, caller, permission, record)) return;
  if (unknown && reachOf(caller, permission).has('organisation')) throw unknown();
  throw forbidden(message);
}

/**
 * The rows of a session-record table (`alias` has trainee_id and session_id) the permission
 * reaches, as an SQL condition with its parameters; null when it reaches every row. An empty
 * reach answers `FALSE`.
 */
export function sessionRecordScope(
  caller: Caller,
  permission: Permission,
  alias: string,
): { sql: string; params: Record<string, string> } | null {
  const reach = reachOf(caller, permission);
  if (reach.has('all')) return null;
  const parts: string[] = [];
  const params: Record<string, string> = {};
  if (reach.has('own') && caller.traineeId) {
    parts.push(`${alias}.trainee_id = :scopeTraineeId`);
    params.scopeTraineeId = caller.traineeId;
  }
  if (reach.has('assigned') && caller.instructorId) {
    parts.push(
      `${alias}.session_id IN (SELECT session_id FROM session_instructors WHERE instructor_id = :scopeInstructorId)`,
    );
    params.scopeInstructorId = caller.instructorId;
  }
  if (reach.has('organisation') && caller.organisationId) {
    parts.push(
      `${alias}.trainee_id IN (SELECT id FROM trainees WHERE organisation_id = :scopeOrganisationId)`,
    );
    params.scopeOrganisationId = caller.organisationId;
  }
  return { sql: parts.length ? `(${parts.join(' OR ')})` : 'FALSE', params };
}

/**
 * The trainees (`alias` has organisation_id) a list permission reaches, as an SQL condition
 * with its parameters; null when it reaches every trainee. A coordinator's: their organisation's.
 */
export function traineeScope(
  caller: Caller,
  permission: Permission,
  alias: string,
): { sql: string; params: Record<string, string> } | null {
  const reach = reachOf(caller, permission);
  if (reach.has('all')) return null;
  if (reach.has('organisation') && caller.organisationId) {
    return {
      sql: `${alias}.organisation_id = :scopeOrganisationId`,
      params: { scopeOrganisationId: caller.organisationId },
    };
  }
  return { sql: 'FALSE', params: {} };
}

/**
 * The organisation a trainee registered (`creating`) or corrected by the caller is to be in. A
 * caller whose permission is confined to an organisation (a coordinator) registers people only
 * into it (when none is given, into it) and moves no one out of it: 403 NOT_YOUR_ORGANISATION.
 * Anyone else: as given.
 */
export function organisationForTrainee(
  caller: Caller,
  permission: Permission,
  given: string | null | undefined,
  creating: boolean,
): string | null | undefined {
  const own = confiningOrganisation(caller, permission);
  if (own === null) return given;
  if (given === undefined) return creating ? own : undefined;
  if (given !== own) {
    throw forbidden(
      'Coordinators register and change only the people of their own organisation',
      'NOT_YOUR_ORGANISATION',
    );
  }
  return given;
}

/**
 * The organisation a caller's reach for the permission is confined to, or null when it is not
 * confined to one (it reaches all, or their own or assigned records by other rules).
 */
export function confiningOrganisation(caller: Caller, permission: Permission): string | null {
  const reach = reachOf(caller, permission);
  if (reach.has('all') || !reach.has('organisation')) return null;
  // A coordinator without an organisation reaches no one: an id that matches no trainee.
  return caller.organisationId ?? '00000000-0000-0000-0000-000000000000';
}

/** Recording attendance and results: `results.record` (admins any session, instructors their own). */
export function assertMayRecordForSession(
  manager: EntityManager,
  caller: Caller,
  sessionId: string,
): Promise<void> {
  return assertMayReach(
    manager,
    caller,
    'results.record',
    { kind: 'session', sessionId },
    'Only the instructors assigned to this session may record for it',
  );
}
