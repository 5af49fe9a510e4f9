import type { EntityManager } from 'typeorm';
import type { Certificate } from './certificate.entity.js';

/**
 * The writes of issuance, one statement per batch rather than per certificate: issuing for a
 * session of hundreds otherwise costs several round trips for each of them.
 */

/** Rows per INSERT: each carries a signed JWT of a few kilobytes. */
const INSERT_CHUNK = 500;

/** New certificates with their ids set by the caller, so nothing needs reading back. */
export async function insertCertificates(
  tx: EntityManager,
  certificates: Certificate[],
): Promise<void> {
  for (let start = 0; start < certificates.length; start += INSERT_CHUNK) {
    const rows = certificates.slice(start, start + INSERT_CHUNK).map((c) => ({
      id: c.id,
      serial: c.serial,
      trainee_id: c.traineeId,
      course_id: c.courseId,
      session_id: c.sessionId,
      enrolment_id: c.enrolmentId,
      issued_by: c.issuedBy,
      issued_at: c.issuedAt,
      valid_until: c.validUntil,
      list_number: c.statusListNumber,
      list_index: c.statusListIndex,
      jwt: c.credentialJwt,
    }));
    // Status, imported, timestamps and version take their column defaults; the Data Integrity
    // form stays null until first asked for.
    await tx.query(
      `INSERT INTO certificates
         (id, serial, trainee_id, course_id, session_id, enrolment_id, issued_by, issued_at,
          valid_until, status_list_number, status_list_index, credential_jwt)
       SELECT c.id, c.serial, c.trainee_id, c.course_id, c.session_id, c.enrolment_id,
              c.issued_by, c.issued_at, c.valid_until, c.list_number, c.list_index, c.jwt
         FROM json_to_recordset($1::json)
              AS c(id uuid, serial text, trainee_id uuid, course_id uuid, session_id uuid,
                   enrolment_id uuid, issued_by uuid, issued_at timestamptz, valid_until date,
                   list_number int, list_index int, jwt text)`,
      [JSON.stringify(rows)],
    );
  }
}

export interface Supersession {
  id: string;
  serial: string;
}

/** $1 new certificate ids, $2 their holders, $3 the course ids, $4 when, $5 by whom. */
export const SUPERSEDE_EARLIER_SQL = `
  UPDATE certificates old
     SET status = 'superseded', superseded_by_id = n.id, status_changed_at = $4,
         status_changed_by = $5, status_reason = NULL, updated_at = now(),
         version = old.version + 1
    FROM unnest($1::uuid[], $2::uuid[]) AS n(id, trainee_id)
   WHERE old.trainee_id = n.trainee_id
     AND old.course_id = ANY($3::uuid[])
     AND old.status = 'active'
     AND old.id <> ALL($1::uuid[])
  RETURNING old.id, old.serial, old.issued_at, n.id AS superseded_by_id`;

/**
 * Every active certificate of the given courses held by the trainee of a new certificate becomes
 * superseded by it, in one statement whose row locks hold back any concurrent change to them. The
 * new certificates themselves are left alone. A trainee holds at most one seat in a session
 * (enrolments_active_key), so each earlier certificate has one successor. Answered per new
 * certificate, oldest first.
 */
export async function supersedeEarlier(
  tx: EntityManager,
  issued: Pick<Certificate, 'id' | 'traineeId'>[],
  courseIds: string[],
  changedBy: string | null,
  changedAt: Date,
): Promise<Map<string, Supersession[]>> {
  // updated_at and version move as TypeORM's update() moves them, so an edit based on the
  // certificate as read before is refused as stale.
  const [rows] = (await tx.query(SUPERSEDE_EARLIER_SQL, [
    issued.map((c) => c.id),
    issued.map((c) => c.traineeId),
    courseIds,
    changedAt,
    changedBy,
  ])) as [{ id: string; serial: string; issued_at: Date; superseded_by_id: string }[], number];
  rows.sort((a, b) => a.issued_at.getTime() - b.issued_at.getTime() || a.id.localeCompare(b.id));
  const bySuccessor = new Map<string, Supersession[]>();
  for (const r of rows) {
    const list = bySuccessor.get(r.superseded_by_id) ?? [];
    list.push({ id: r.id, serial: r.serial });
    bySuccessor.set(r.superseded_by_id, list);
  }
  return bySuccessor;
}
