import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { forbidden } from '../common/errors.js';

export const SELF_CERTIFICATION = {
  code: 'SELF_CERTIFICATION',
  message:
    'You may not record attendance or results for, or certify, your own enrolment: another instructor must',
} as const;

/**
 * The trainees among `traineeIds` who are the acting person themself. Nobody records their own
 * attendance or results or issues their own certificate, whatever their roles (an admin who is
 * also a trainee included): attendance, assessment and issuance all ask this one rule.
 *
 * One person can hold several records, so "the same person" is any of:
 * - the acting account is linked to the trainee (`users.trainee_id`);
 * - the trainee's e-mail is the acting account's or the acting instructor record's;
 * - another account linked to the trainee has one of those e-mails.
 * E-mails compare trimmed and case-insensitively. Names are not compared: instructors have no
 * date of birth, and names alone are shared by different people.
 */
export async function ownTrainees(
  manager: EntityManager,
  actor: Actor,
  traineeIds: string[],
): Promise<Set<string>> {
  if (traineeIds.length === 0 || (!actor.userId && !actor.instructorId)) return new Set();
  const rows = (await manager.query(
    `WITH me(email) AS (
       SELECT lower(btrim(email)) FROM users WHERE id = $1::uuid
       UNION SELECT lower(btrim(email)) FROM instructors WHERE id = $2::uuid
     )
     SELECT t.id FROM trainees t
      WHERE t.id = ANY($3::uuid[])
        AND (t.id = $4::uuid
             OR lower(btrim(t.email)) IN (SELECT email FROM me)
             OR EXISTS (SELECT 1 FROM users u
                         WHERE u.trainee_id = t.id
                           AND (u.id = $1::uuid OR lower(btrim(u.email)) IN (SELECT email FROM me))))`,
    [actor.userId, actor.instructorId, traineeIds, actor.traineeId],
  )) as { id: string }[];
  return new Set(rows.map((r) => r.id));
}

/** 403 SELF_CERTIFICATION when the acting person is the enrolment's trainee. */
export async function assertNotOwnEnrolment(
  manager: EntityManager,
  actor: Actor,
  traineeId: string,
): Promise<void> {
  if ((await ownTrainees(manager, actor, [traineeId])).size > 0) {
    throw forbidden(SELF_CERTIFICATION.message, SELF_CERTIFICATION.code);
  }
}
