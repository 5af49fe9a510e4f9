import type { EntityManager } from 'typeorm';
import { hasRole, type Actor } from '../common/actor.js';
import { forbidden } from '../common/errors.js';

/** Whether the acting instructor is assigned (lead or assistant) to the session. */
export async function isAssignedInstructor(
  manager: EntityManager,
  actor: Actor,
  sessionId: string,
): Promise<boolean> {
  if (!actor.instructorId) return false;
  const rows = (await manager.query(
    'SELECT 1 FROM session_instructors WHERE session_id = $1 AND instructor_id = $2',
    [sessionId, actor.instructorId],
  )) as unknown[];
  return rows.length > 0;
}

/** Admins and auditors see every session's people; an instructor only those of their own sessions. */
export async function assertCanReadSessionPeople(
  manager: EntityManager,
  actor: Actor,
  sessionId: string,
): Promise<void> {
  if (hasRole(actor, 'admin', 'auditor')) return;
  if (hasRole(actor, 'instructor') && (await isAssignedInstructor(manager, actor, sessionId)))
    return;
  throw forbidden('Only the instructors assigned to this session may see its trainees');
}

/** Recording attendance and results: the session's assigned instructors (admins may correct). */
export async function assertCanRecordForSession(
  manager: EntityManager,
  actor: Actor,
  sessionId: string,
): Promise<void> {
  if (hasRole(actor, 'admin')) return;
  if (hasRole(actor, 'instructor') && (await isAssignedInstructor(manager, actor, sessionId)))
    return;
  throw forbidden('Only the instructors assigned to this session may record for it');
}
