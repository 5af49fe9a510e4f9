/**
 * The statement behind every verification by serial, in a file of its own so that the
 * benchmark's bare baseline server (bench/baseline-server.ts) and the query-plan test run
 * exactly what the app runs, without loading the app.
 *
 * A named statement: each pooled connection parses and plans it once, then only binds and runs
 * it (verification is the busiest path, and its plan never changes: one unique-index lookup).
 */
export const VERIFY_BY_SERIAL = {
  name: 'verify-by-serial',
  text: `SELECT c.serial, c.status, c.valid_until, c.issued_at, c.status_reason,
                c.trainee_id, c.course_id, t.given_name, t.family_name,
                t.identity_document_type AS document_type,
                right(t.identity_document_number, 4) AS document_last4, co.code, co.title,
                co.translations
           FROM certificates c
           JOIN trainees t ON t.id = c.trainee_id
           JOIN courses co ON co.id = c.course_id
          WHERE c.serial = $1`,
};
