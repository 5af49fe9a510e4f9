import { AGE_BANDS, type TrainingGroup } from './dto/report.dto.js';

/**
 * What each grouping adds: the keys `training_seats` is grouped by, the output columns read
 * from the totals (names joined only after grouping, once per group), the sort keys, and the
 * table that gives the names.
 */
const GROUPS: Record<
  TrainingGroup,
  { keys: string[]; columns: string[]; orderBy: string[]; join?: string }
> = {
  sex: { keys: ['ts.sex'], columns: ['g.sex'], orderBy: ['g.sex'] },
  ageBand: {
    keys: ['ts.age_band'],
    columns: [
      `(ARRAY[${AGE_BANDS.map((band) => `'${band}'`).join(', ')}])[g.age_band] AS age_band`,
    ],
    orderBy: ['g.age_band'],
  },
  organisation: {
    keys: ['ts.organisation_id'],
    columns: ['g.organisation_id', 'o.name AS organisation_name'],
    orderBy: ['o.name NULLS LAST', 'g.organisation_id'],
    join: 'LEFT JOIN organisations o ON o.id = g.organisation_id',
  },
  country: { keys: ['ts.country'], columns: ['g.country'], orderBy: ['g.country'] },
  course: {
    keys: ['ts.course_id'],
    columns: ['g.course_id', 'c.code AS course_code', 'c.title AS course_title'],
    orderBy: ['c.code'],
    join: 'JOIN courses c ON c.id = g.course_id',
  },
  // Truncated per row, formatted per group: to_char on every seat cost three times as much.
  month: {
    keys: ["date_trunc('month', ts.starts_on::timestamp) AS month"],
    columns: ["to_char(g.month, 'YYYY-MM') AS month"],
    orderBy: ['g.month'],
  },
};

/**
 * The training report: every seat-holding enrolment of a session that starts in the period
 * (cancelled sessions never ran and are left out), grouped as asked. Counts are per enrolment,
 * so rows add up to the total: a trainee in two sessions counts in both. It reads
 * `training_seats` alone (see migration TrainingSeats), kept exact by triggers, instead of
 * joining enrolments, sessions, trainees and certificates: about 9 s at a million
 * certificates before it.
 */
export function trainingReportSql(
  groupBy: TrainingGroup[],
  period: { from?: string; to?: string },
): { sql: string; params: unknown[] } {
  const params: unknown[] = [];
  const where: string[] = [];
  if (period.from) {
    params.push(period.from);
    where.push(`ts.starts_on >= $${params.length}::date`);
  }
  if (period.to) {
    params.push(period.to);
    where.push(`ts.starts_on <= $${params.length}::date`);
  }
  const groups = groupBy.map((g) => GROUPS[g]);
  const keys = groups.flatMap((g) => g.keys);
  const columns = groups.flatMap((g) => g.columns);
  const orderBy = groups.flatMap((g) => g.orderBy);
  const joins = groups.flatMap((g) => g.join ?? []);
  // Without groups the aggregate still answers one row (zeros for an empty period).
  const sql = `
    WITH g AS (
      SELECT ${[...keys, ''].join(', ')}
             count(*)::int AS enrolled,
             count(*) FILTER (WHERE ts.completed)::int AS completed,
             count(*) FILTER (WHERE ts.certified)::int AS certified
        FROM training_seats ts
       ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}
       ${keys.length > 0 ? `GROUP BY ${keys.map((_, i) => i + 1).join(', ')}` : ''}
    )
    SELECT ${[...columns, ''].join(', ')} g.enrolled, g.completed, g.certified
      FROM g
      ${joins.join('\n      ')}
     ${orderBy.length > 0 ? `ORDER BY ${orderBy.join(', ')}` : ''}`;
  return { sql, params };
}

export interface TrainingReportSqlRow {
  sex?: string;
  age_band?: string;
  organisation_id?: string | null;
  organisation_name?: string | null;
  country?: string;
  course_id?: string;
  course_code?: string;
  course_title?: string;
  month?: string;
  enrolled: number;
  completed: number;
  certified: number;
}
