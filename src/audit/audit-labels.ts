import type { EntityManager } from 'typeorm';
import type { AuditEntityType } from './audit-event.entity.js';

/** "Aynur Məmmədova": a person as the pages name them. */
const personName = (alias: string) =>
  `NULLIF(concat_ws(' ', ${alias}.given_name, ${alias}.family_name), '')`;
const sessionLabel = (s: string, c: string) =>
  `${c}.code || ' ' || to_char(${s}.starts_on, 'YYYY-MM-DD') || '–' || to_char(${s}.ends_on, 'YYYY-MM-DD')`;

/**
 * How each kind of record is named on an audit page, as a SELECT of (id, label) for the ids in
 * the parameter it is given. A user is the person linked to the account, else its e-mail.
 * Kinds without a row here (none yet for trusted issuers, recognitions) have no label.
 */
const LABELS: Partial<Record<AuditEntityType, (ids: string) => string>> = {
  user: (ids) => `SELECT u.id, COALESCE(${personName('t')}, ${personName('i')}, u.email) AS label
      FROM users u
      LEFT JOIN trainees t ON t.id = u.trainee_id
      LEFT JOIN instructors i ON i.id = u.instructor_id
     WHERE u.id = ANY(${ids})`,
  trainee: (ids) =>
    `SELECT t.id, ${personName('t')} AS label FROM trainees t WHERE t.id = ANY(${ids})`,
  instructor: (ids) =>
    `SELECT i.id, ${personName('i')} AS label FROM instructors i WHERE i.id = ANY(${ids})`,
  organisation: (ids) =>
    `SELECT o.id, o.name AS label FROM organisations o WHERE o.id = ANY(${ids})`,
  course: (ids) => `SELECT c.id, c.code AS label FROM courses c WHERE c.id = ANY(${ids})`,
  session: (ids) => `SELECT s.id, ${sessionLabel('s', 'c')} AS label
      FROM course_sessions s JOIN courses c ON c.id = s.course_id
     WHERE s.id = ANY(${ids})`,
  certificate: (ids) =>
    `SELECT x.id, x.serial AS label FROM certificates x WHERE x.id = ANY(${ids})`,
  enrolment: (
    ids,
  ) => `SELECT e.id, ${personName('t')} || ' · ' || ${sessionLabel('s', 'c')} AS label
      FROM enrolments e
      JOIN trainees t ON t.id = e.trainee_id
      JOIN course_sessions s ON s.id = e.session_id
      JOIN courses c ON c.id = s.course_id
     WHERE e.id = ANY(${ids})`,
  qualification: (ids) => `SELECT q.id, ${personName('i')} || ' · ' || c.code AS label
      FROM qualifications q
      JOIN instructors i ON i.id = q.instructor_id
      JOIN courses c ON c.id = q.course_id
     WHERE q.id = ANY(${ids})`,
  signing_key: (ids) => `SELECT k.id, k.kid AS label FROM signing_keys k WHERE k.id = ANY(${ids})`,
  /** An inspection by what was checked: the serial, as scanned. */
  inspection: (ids) => `SELECT n.id, n.serial AS label FROM inspections n WHERE n.id = ANY(${ids})`,
};

export type LabelKey = `${string}:${string}`;
export const labelKey = (type: string, id: string): LabelKey => `${type}:${id}`;

/**
 * Names for the records a page of events mentions, read when the page is read (never stored:
 * the chain's hashes stay as they are, and a renamed trainee shows under the new name).
 * One statement for the whole page, one branch per kind of record: no query per event.
 */
export async function auditLabels(
  manager: EntityManager,
  wanted: { type: string; id: string }[],
): Promise<Map<LabelKey, string>> {
  const byType = new Map<AuditEntityType, Set<string>>();
  for (const { type, id } of wanted) {
    if (!Object.hasOwn(LABELS, type)) continue;
    const ids = byType.get(type as AuditEntityType) ?? new Set<string>();
    ids.add(id);
    byType.set(type as AuditEntityType, ids);
  }
  if (byType.size === 0) return new Map();
  const params: string[][] = [];
  const branches = [...byType].map(([type, ids]) => {
    params.push([...ids]);
    const select = LABELS[type]!(`$${params.length}::uuid[]`);
    return `SELECT '${type}' AS type, l.id::text AS id, l.label FROM (${select}) l`;
  });
  const rows = (await manager.query(branches.join('\nUNION ALL\n'), params)) as {
    type: string;
    id: string;
    label: string | null;
  }[];
  return new Map(
    rows.filter((r) => r.label !== null).map((r) => [labelKey(r.type, r.id), r.label as string]),
  );
}
