import type { EntityManager } from 'typeorm';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';

/**
 * Taken by every transaction that changes prerequisite edges, so two edits that would close
 * a cycle only together (A needs B, B needs A, saved at once) cannot both pass the check.
 */
const PREREQUISITE_GRAPH_LOCK = ADVISORY_LOCKS.prerequisiteGraph;

export async function lockPrerequisiteGraph(tx: EntityManager): Promise<void> {
  await tx.query('SELECT pg_advisory_xact_lock($1)', [PREREQUISITE_GRAPH_LOCK]);
}

export async function replacePrerequisites(
  tx: EntityManager,
  courseId: string,
  prerequisiteIds: string[],
): Promise<void> {
  await tx.query('DELETE FROM course_prerequisites WHERE course_id = $1', [courseId]);
  if (prerequisiteIds.length === 0) return;
  await tx.query(
    `INSERT INTO course_prerequisites (course_id, prerequisite_course_id)
     SELECT $1, unnest($2::uuid[])`,
    [courseId, prerequisiteIds],
  );
}

/**
 * The codes along a prerequisite cycle through the course, starting and ending with its own
 * code (e.g. A, B, C, A), or null. Walks the edges as stored, so call it after writing them.
 */
export async function findPrerequisiteCycle(
  tx: EntityManager,
  courseId: string,
): Promise<string[] | null> {
  const rows = (await tx.query(
    `WITH RECURSIVE walk (course_id, path) AS (
       SELECT p.prerequisite_course_id, ARRAY[p.course_id, p.prerequisite_course_id]
         FROM course_prerequisites p
        WHERE p.course_id = $1
       UNION ALL
       SELECT p.prerequisite_course_id, w.path || p.prerequisite_course_id
         FROM walk w
         JOIN course_prerequisites p ON p.course_id = w.course_id
        WHERE w.course_id <> $1
          AND NOT p.prerequisite_course_id = ANY (w.path[2:])
     )
     SELECT (SELECT array_agg(c.code ORDER BY step.n)
               FROM unnest(walk.path) WITH ORDINALITY AS step(id, n)
               JOIN courses c ON c.id = step.id) AS codes
       FROM walk
      WHERE walk.course_id = $1
      ORDER BY array_length(walk.path, 1)
      LIMIT 1`,
    [courseId],
  )) as { codes: string[] }[];
  return rows[0]?.codes ?? null;
}

/** Prerequisite ids per course, ordered by the prerequisite's code. */
export async function prerequisiteIdsByCourse(
  manager: EntityManager,
  courseIds: string[],
): Promise<Map<string, string[]>> {
  const result = new Map<string, string[]>(courseIds.map((id) => [id, []]));
  if (courseIds.length === 0) return result;
  const rows = (await manager.query(
    `SELECT p.course_id, p.prerequisite_course_id
       FROM course_prerequisites p
       JOIN courses c ON c.id = p.prerequisite_course_id
      WHERE p.course_id = ANY ($1::uuid[])
      ORDER BY c.code`,
    [courseIds],
  )) as { course_id: string; prerequisite_course_id: string }[];
  for (const row of rows) result.get(row.course_id)?.push(row.prerequisite_course_id);
  return result;
}

/** Which of the ids name no course. */
export async function missingCourseIds(manager: EntityManager, ids: string[]): Promise<string[]> {
  if (ids.length === 0) return [];
  const rows = (await manager.query('SELECT id FROM courses WHERE id = ANY ($1::uuid[])', [
    ids,
  ])) as { id: string }[];
  const found = new Set(rows.map((r) => r.id));
  return ids.filter((id) => !found.has(id));
}
