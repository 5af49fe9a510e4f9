/**
 * When a recognition counts as its course (the prerequisite rule, src/enrolments/
 * enrolment-rules.ts, reads it through this fragment): accepted (`active`, not pending nor
 * ended), decided by `day`, and not past the credential's own validUntil on that day, all in
 * the Center's time zone. A recognition ended by its issuer's revocation or suspension no longer
 * counts; nor does one waiting for a registrar.
 *
 * `alias` is the recognitions row, `day` an SQL date expression, `timeZone` an SQL text value.
 */
export function recognitionCountsOnSql(alias: string, day: string, timeZone: string): string {
  return `(${alias}.state = 'active'
    AND (${alias}.decided_at AT TIME ZONE ${timeZone})::date <= ${day}
    AND (${alias}.valid_until IS NULL OR (${alias}.valid_until AT TIME ZONE ${timeZone})::date >= ${day}))`;
}
