import { SEAT_HOLDING } from '../enrolments/enrolment.entity.js';
import { AGE_BANDS, type TrainingGroup } from './dto/report.dto.js';

/** What each grouping adds to the aggregate: output columns and sort keys (all fixed SQL). */
const GROUPS: Record<TrainingGroup, { columns: string[]; orderBy: string[] }> = {
  sex: { columns: ['sex'], orderBy: ['sex'] },
  ageBand: { columns: ['age_band', 'age_band_order'], orderBy: ['age_band_order'] },
  organisation: {
    columns: ['organisation_id', 'organisation_name'],
    orderBy: ['organisation_name NULLS LAST', 'organisation_id'],
  },
  country: { columns: ['country'], orderBy: ['country'] },
  course: { columns: ['course_id', 'course_code', 'course_title'], orderBy: ['course_code'] },
  month: { columns: ['month'], orderBy: ['month'] },
};

// Whole years at the session's first day, as age() counts them (birthdays on 29 February too).
const AGE = "date_part('year', age(s.starts_on, t.date_of_birth))";
const AGE_BAND_ORDER = `CASE WHEN ${AGE} < 18 THEN 1 WHEN ${AGE} < 25 THEN 2 WHEN ${AGE} < 35 THEN 3 WHEN ${AGE} < 50 THEN 4 ELSE 5 END`;

/**
 * The training report as ONE aggregate query: every seat-holding enrolment of a session that
 * starts in the period (cancelled sessions never ran and are left out), grouped as asked.
 * Counts are per enrolment, so rows add up to the total: a trainee in two sessions counts
 * in both.
 */
export function trainingReportSql(
  groupBy: TrainingGroup[],
  period: { from?: string; to?: string },
): { sql: string; params: unknown[] } {
  const params: unknown[] = [SEAT_HOLDING, [...AGE_BANDS]];
  const where = ['e.status = ANY($1)', "s.status <> 'cancelled'"];
  if (period.from) {
    params.push(period.from);
    where.push(`s.starts_on >= $${params.length}::date`);
  }
  if (period.to) {
    params.push(period.to);
    where.push(`s.starts_on <= $${params.length}::date`);
  }
  const columns = groupBy.flatMap((g) => GROUPS[g].columns);
  const orderBy = groupBy.flatMap((g) => GROUPS[g].orderBy);
  const sql = `
    WITH seats AS (
      SELECT t.sex,
             ${AGE_BAND_ORDER} AS age_band_order,
             ($2::text[])[${AGE_BAND_ORDER}] AS age_band,
             o.id AS organisation_id,
             o.name AS organisation_name,
             t.nationality AS country,
             c.id AS course_id,
             c.code AS course_code,
             c.title AS course_title,
             to_char(s.starts_on, 'YYYY-MM') AS month,
             e.status,
             cert.id IS NOT NULL AS certified
        FROM enrolments e
        JOIN course_sessions s ON s.id = e.session_id
        JOIN courses c ON c.id = s.course_id
        JOIN trainees t ON t.id = e.trainee_id
        LEFT JOIN organisations o ON o.id = t.organisation_id
        LEFT JOIN certificates cert ON cert.enrolment_id = e.id
       WHERE ${where.join(' AND ')}
    )
    SELECT ${[...columns, ''].join(', ')}
           count(*)::int AS enrolled,
           count(*) FILTER (WHERE status = 'completed')::int AS completed,
           count(*) FILTER (WHERE certified)::int AS certified
      FROM seats
     ${columns.length > 0 ? `GROUP BY ${columns.join(', ')}` : ''}
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
