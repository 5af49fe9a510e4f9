import type { EntityManager } from 'typeorm';

/**
 * "Instructor currently qualified", written once: a qualification is current on a day when its
 * last valid day (`validUntil`) is that day or later. Renewals add rows, so the instructor is
 * qualified for a course when any of their rows for it is current. Session assignment asks it
 * for every teaching day still to come, issuance for the day of issue, and the instructor's
 * record labels each qualification with it.
 */
export function isQualificationCurrentOn(validUntil: string, day: string): boolean {
  return validUntil >= day;
}

/**
 * The same rule as an SQL condition on the qualifications row `alias`; `day` is an SQL date
 * expression the caller writes (a bound parameter such as `$3::date`), never a pasted value.
 */
export function qualificationCurrentOnSql(alias: string, day: string): string {
  if (!/^[a-z_][a-z0-9_]*$/i.test(alias)) throw new Error(`Not an SQL alias: ${alias}`);
  return `${alias}.valid_until >= ${day}`;
}

/** Whether the instructor holds a qualification for the course current on `day` (YYYY-MM-DD). */
export async function holdsQualification(
  manager: EntityManager,
  instructorId: string,
  courseId: string,
  day: string,
): Promise<boolean> {
  const [{ qualified }] = (await manager.query(
    `SELECT EXISTS (SELECT 1 FROM qualifications q
                     WHERE q.instructor_id = $1 AND q.course_id = $2
                       AND ${qualificationCurrentOnSql('q', '$3::date')}) AS qualified`,
    [instructorId, courseId, day],
  )) as { qualified: boolean }[];
  return qualified;
}
