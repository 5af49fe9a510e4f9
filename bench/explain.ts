import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import pg from 'pg';
import { SUPERSEDE_EARLIER_SQL } from '../src/certifications/issuance-writes.js';
import { addDays, today } from '../src/common/calendar.js';
import { VERIFY_BY_SERIAL } from '../src/credentials/verify-by-serial.query.js';
import { SEAT_HOLDING } from '../src/enrolments/enrolment.entity.js';
import { trainingReportSql } from '../src/reports/training-report.query.js';
import { openBenchDatabase, readMeta } from './database.js';
import { cleanUpOnSignal } from './settings.js';

/**
 * `node dist/bench/explain.js`: EXPLAIN (ANALYZE, BUFFERS) of the statements behind each
 * benchmark scenario on the seeded data set, into bench/results/plans.md. The statements are
 * written as the services send them (test/query-plans.e2e-spec.ts captures the real ones).
 */
const say = (line: string) => console.log(`[bench:explain] ${line}`);

const CERTIFICATE_COLUMNS = `c.created_at, c.updated_at, c.version, c.id, c.serial, c.trainee_id, c.course_id,
  c.session_id, c.enrolment_id, c.issued_by, c.issued_at, c.valid_until, c.status, c.status_reason,
  c.status_note, c.status_changed_at, c.status_changed_by, c.superseded_by_id,
  c.status_list_number, c.status_list_index, c.imported`;

async function main(): Promise<void> {
  const db = await openBenchDatabase(say);
  cleanUpOnSignal(() => db.stop());
  const client = new pg.Client({ connectionString: db.url });
  await client.connect();
  try {
    const meta = await readMeta(db.url);
    if (!meta) throw new Error('No benchmark data set: run `npm run bench:seed` first.');
    const one = async <T>(sql: string, params: unknown[] = []) =>
      (await client.query(sql, params)).rows[0] as T;
    const { serial } = await one<{ serial: string }>(
      'SELECT serial FROM certificates TABLESAMPLE SYSTEM (1) REPEATABLE (3) LIMIT 1',
    );
    const { n } = await one<{ n: number }>('SELECT count(*)::int AS n FROM certificates');
    const deep = await one<{ issued_at: Date; id: string }>(
      'SELECT issued_at, id FROM certificates ORDER BY issued_at DESC, id DESC OFFSET $1 LIMIT 1',
      [Math.floor(n * 0.9)],
    );
    const { course_id: course } = await one<{ course_id: string }>(
      'SELECT course_id FROM certificates GROUP BY course_id ORDER BY count(*) DESC LIMIT 1',
    );
    const holder = await one<{ id: string; trainee_id: string; course_id: string }>(
      'SELECT id, trainee_id, course_id FROM certificates WHERE serial = $1',
      [serial],
    );
    const day = today('UTC');
    const list = (where: string, params: unknown[] = []) => ({
      sql: `SELECT ${CERTIFICATE_COLUMNS} FROM certificates c ${where} ORDER BY c.issued_at DESC, c.id DESC LIMIT 51`,
      params,
    });
    const training = trainingReportSql(['sex', 'ageBand', 'organisation', 'course'], {});
    const cases: { title: string; sql: string; params: unknown[] }[] = [
      {
        title: '1. verify by serial (VerificationService.bySerial, a named statement)',
        sql: VERIFY_BY_SERIAL.text,
        params: [serial],
      },
      { title: '2a. certificate list, first page', ...list('') },
      {
        title: '2b. certificate list, 90% deep (keyset)',
        ...list('WHERE (c.issued_at, c.id) < ($1, $2)', [deep.issued_at.toISOString(), deep.id]),
      },
      { title: '2c. by course', ...list('WHERE c.course_id = $1', [course]) },
      {
        title: '2d. by course and status=active',
        ...list(
          "WHERE c.course_id = $1 AND c.status = 'active' AND (c.valid_until IS NULL OR c.valid_until >= $2)",
          [course, day],
        ),
      },
      { title: '2e. by status=revoked', ...list('WHERE c.status = $1', ['revoked']) },
      {
        title: '3a. training report, all data, grouped by sex, age band, organisation, course',
        sql: training.sql,
        params: training.params,
      },
      {
        title: '3b. expiring within 90 days, first page (ReportsService.expiringRows)',
        sql: `SELECT c.id, c.serial, to_char(c.valid_until, 'YYYY-MM-DD') AS valid_until, t.id AS trainee_id, t.given_name, t.family_name,
                     o.id AS organisation_id, o.name AS organisation_name, co.id AS course_id, co.code AS course_code, co.title AS course_title
                FROM certificates c JOIN trainees t ON t.id = c.trainee_id JOIN courses co ON co.id = c.course_id
                LEFT JOIN organisations o ON o.id = t.organisation_id
               WHERE c.status = 'active' AND c.valid_until BETWEEN $1::date AND $2::date
               ORDER BY c.valid_until, c.serial LIMIT $3`,
        params: [day, addDays(day, 90), 51],
      },
      {
        title: '4a. bulk issue: current status list (StatusListsService.allocate)',
        sql: 'SELECT COALESCE(MAX(status_list_number), 1) AS current FROM certificates WHERE status_list_number >= 1',
        params: [],
      },
      {
        title: '4b. bulk issue: used positions of that list',
        sql: 'SELECT status_list_index AS i FROM certificates WHERE status_list_number = (SELECT max(status_list_number) FROM certificates)',
        params: [],
      },
      {
        title:
          '4c. bulk issue: supersede earlier certificates, one statement per issue (supersedeEarlier)',
        sql: SUPERSEDE_EARLIER_SQL,
        // As if the sampled certificate were the new one (rolled back like every case).
        params: [[holder.id], [holder.trainee_id], [holder.course_id], new Date(), null],
      },
      {
        title: '4d/5. audit chain head, per append (AuditService.record, recordMany)',
        sql: 'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
        params: [],
      },
      {
        title: '5a. enrolment: existing enrolment of the trainee (EnrolmentsService.enrol)',
        sql: 'SELECT * FROM enrolments WHERE session_id = (SELECT id FROM course_sessions LIMIT 1) AND trainee_id = $1 ORDER BY created_at DESC LIMIT 1',
        params: [holder.trainee_id],
      },
      {
        title: '5b. enrolment: seat-holding statuses of a session (roster / report joins)',
        sql: 'SELECT count(*) FROM enrolments WHERE session_id = (SELECT id FROM course_sessions LIMIT 1) AND status = ANY($1)',
        params: [SEAT_HOLDING],
      },
    ];
    const out: string[] = [
      '# Query plans',
      '',
      `EXPLAIN (ANALYZE, BUFFERS) on ${n.toLocaleString('en')} certificates (seed "${meta.seed}", as of ${meta.asOf}), ${new Date().toISOString()}.`,
      '',
    ];
    for (const c of cases) {
      // FOR UPDATE plans are explained inside a transaction that is rolled back.
      await client.query('BEGIN');
      const rows = (
        await client.query<{ 'QUERY PLAN': string }>(
          `EXPLAIN (ANALYZE, BUFFERS) ${c.sql}`,
          c.params,
        )
      ).rows;
      await client.query('ROLLBACK');
      const plan = rows.map((r) => r['QUERY PLAN']).join('\n');
      const time = /Execution Time: ([\d.]+) ms/.exec(plan)?.[1] ?? '?';
      say(
        `${c.title}: ${time} ms${/Seq Scan on (certificates|trainees|enrolments|audit_events)/.test(plan) ? ' (SEQ SCAN)' : ''}`,
      );
      out.push(`## ${c.title}`, '', `${time} ms`, '', '```', plan, '```', '');
    }
    const file = resolve('bench/results/plans.md');
    writeFileSync(file, out.join('\n'));
    say(`Wrote ${file}`);
  } finally {
    await client.end();
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(
    `[bench:explain] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
