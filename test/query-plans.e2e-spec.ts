import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger, QueryRunner } from 'typeorm';
import { loadDataSet } from '../bench/generator.js';
import { today } from '../src/common/calendar.js';
import { encodeCursor } from '../src/common/pagination.js';
import { ReportsService } from '../src/reports/reports.service.js';
import {
  TRAINING_SEATS_COLUMNS,
  TRAINING_SEATS_SELECT,
} from '../src/reports/training-seats.query.js';
import { VERIFY_BY_SERIAL } from '../src/credentials/verify-by-serial.query.js';
import { CLAIM_DUE_NOTIFICATION } from '../src/notifications/notification-worker.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import {
  assign,
  makeCourse,
  makeInstructor,
  makePassedEnrolment,
  makeSession,
  qualify,
} from './fixtures.js';

/**
 * Every query the benchmark drives must be answered through an index, not by reading a large
 * table whole. The benchmark's own generator loads a realistic data set (20,000 certificates,
 * ANALYZEd), the app serves each request while its SQL is captured, and each captured statement
 * is EXPLAINed as the planner really would run it: a Seq Scan of one of the large tables fails.
 */
const LARGE_TABLES = ['certificates', 'trainees', 'enrolments', 'audit_events'];
const CERTIFICATES = 20_000;

interface Captured {
  query: string;
  parameters: unknown[];
}

interface PlanNode {
  'Node Type': string;
  'Relation Name'?: string;
  'Index Name'?: string;
  Plans?: PlanNode[];
}

let t: TestApp;
let admin: SignedInUser;
let captured: Captured[] | null = null;

beforeAll(async () => {
  // No mail worker: its polling would land in the captured statements of whatever runs then.
  t = await startTestApp({ mailWorker: false });
  await loadDataSet({
    databaseUrl: t.config.databaseUrl,
    certificates: CERTIFICATES,
    seed: 'query-plans',
    asOf: today('UTC'),
    publicBaseUrl: t.config.publicBaseUrl,
    centerName: t.config.centerName,
    keyEncryptionSecret: t.config.keyEncryptionSecret,
    password: 'not-used-by-this-test-0',
    signedCredentials: 20,
    auditLevel: 'lean',
  });
  admin = await createUser(t, ['admin']);
  // Every statement the app sends passes through the data source's logger first.
  const logger = t.db.logger as Logger;
  const logQuery = logger.logQuery.bind(logger);
  logger.logQuery = (query: string, parameters?: unknown[], runner?: QueryRunner) => {
    captured?.push({ query, parameters: parameters ?? [] });
    return logQuery(query, parameters, runner);
  };
}, 300_000);

afterAll(async () => {
  await t?.close();
});

/** The statements touching a large table that `act` makes the app send. */
async function statementsOf(act: () => Promise<unknown>): Promise<Captured[]> {
  captured = [];
  try {
    await act();
    return captured.filter((c) =>
      LARGE_TABLES.some((table) => new RegExp(`\\b${table}\\b`).test(c.query)),
    );
  } finally {
    captured = null;
  }
}

function scans(node: PlanNode, out: PlanNode[] = []): PlanNode[] {
  if (node['Relation Name']) out.push(node);
  for (const child of node.Plans ?? []) scans(child, out);
  return out;
}

/** Fails on a sequential scan of a large table; answers the scans for the failure message. */
async function expectIndexedPlans(act: () => Promise<unknown>): Promise<void> {
  const statements = await statementsOf(act);
  expect(statements.length).toBeGreaterThan(0);
  await expectIndexed(statements);
}

async function expectIndexed(statements: Captured[]): Promise<void> {
  for (const { query, parameters } of statements) {
    const [row] = (await t.db.query(`EXPLAIN (FORMAT JSON) ${query}`, parameters)) as {
      'QUERY PLAN': { Plan: PlanNode }[];
    }[];
    const relationScans = scans(row['QUERY PLAN'][0].Plan);
    const sequential = relationScans
      .filter((s) => s['Node Type'] === 'Seq Scan' && LARGE_TABLES.includes(s['Relation Name']!))
      .map((s) => s['Relation Name']);
    // The statement without its column list, so a failure shows what it filters and sorts on.
    const shown = query.replace(/\s+/g, ' ').replace(/^SELECT .*? FROM /, 'SELECT … FROM ');
    expect({ query: shown, sequential }).toEqual({ query: shown, sequential: [] });
  }
}

describe('query plans at 20,000 certificates', () => {
  it('the data set is loaded, analysed, and its audit chain verifies', async () => {
    const [{ n }] = (await t.db.query('SELECT count(*)::int AS n FROM certificates')) as {
      n: number;
    }[];
    expect(n).toBe(CERTIFICATES);
    const res = await t.http.get('/api/v1/audit-events/verification').set(admin.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intact: true, firstBrokenId: null });
  });

  it('verify by serial', async () => {
    const [{ serial }] = (await t.db.query(
      'SELECT serial FROM certificates ORDER BY serial LIMIT 1 OFFSET 12345',
    )) as { serial: string }[];
    // Verification sends a named statement on the pool directly, past TypeORM's logger.
    const sent = await statementsOf(async () => {
      const res = await t.http.get(`/verify/${serial}`).set('Accept', 'application/json');
      expect(res.status).toBe(200);
    });
    expect(sent).toEqual([]);
    await expectIndexed([{ query: VERIFY_BY_SERIAL.text, parameters: [serial] }]);
  });

  describe('certificate list', () => {
    const list = (query: string) => async () => {
      const res = await t.http.get(`/api/v1/certificates?limit=50${query}`).set(admin.auth);
      expect(res.status).toBe(200);
    };
    let course = '';
    let deepCursor = '';

    beforeAll(async () => {
      const [busiest] = (await t.db.query(
        'SELECT course_id FROM certificates GROUP BY course_id ORDER BY count(*) DESC LIMIT 1',
      )) as { course_id: string }[];
      course = busiest.course_id;
      const [deep] = (await t.db.query(
        'SELECT issued_at, id FROM certificates ORDER BY issued_at DESC, id DESC OFFSET $1 LIMIT 1',
        [Math.floor(CERTIFICATES * 0.9)],
      )) as { issued_at: Date; id: string }[];
      deepCursor = encodeCursor([deep.issued_at.toISOString(), deep.id]);
    });

    it('first page', () => expectIndexedPlans(list('')));
    it('a page 90% deep', () => expectIndexedPlans(list(`&cursor=${deepCursor}`)));
    it('filtered by course', () => expectIndexedPlans(list(`&courseId=${course}`)));
    it('filtered by course and status', () =>
      expectIndexedPlans(list(`&courseId=${course}&status=active`)));
    // certificates_status_issued_idx leads with status, so a rare status is found, not scanned for.
    it('filtered by a rare status', () => expectIndexedPlans(list('&status=revoked')));
  });

  it('bulk issue for a session whose participants hold earlier certificates', async () => {
    const holders = (await t.db.query(
      `SELECT trainee_id, course_id FROM certificates WHERE status = 'active'
        ORDER BY course_id, trainee_id LIMIT 20`,
    )) as { trainee_id: string; course_id: string }[];
    const renewed = holders[0].course_id;
    const refresher = await makeCourse(t.db, { renewsCourseId: renewed });
    const session = await makeSession(t.db, refresher.id, {
      startsOn: '2026-11-02',
      endsOn: '2026-11-06',
      status: 'completed',
      capacity: 50,
    });
    const instructor = await makeInstructor(t.db);
    await qualify(t.db, instructor.id, refresher.id);
    await assign(t.db, session.id, instructor.id);
    const lead = await createUser(t, ['instructor'], { instructorId: instructor.id });
    const trainees = new Set(
      holders.filter((h) => h.course_id === renewed).map((h) => h.trainee_id),
    );
    expect(trainees.size).toBeGreaterThan(1);
    for (const traineeId of trainees) {
      await makePassedEnrolment(t.db, session.id, traineeId);
    }
    await expectIndexedPlans(async () => {
      const res = await t.http.post(`/api/v1/sessions/${session.id}/certificates`).set(lead.auth);
      expect(res.status).toBe(201);
      expect(res.body.issued).toHaveLength(trainees.size);
    });
    const [{ n }] = (await t.db.query(
      `SELECT count(*)::int AS n FROM certificates old
         JOIN certificates successor ON successor.id = old.superseded_by_id
        WHERE successor.session_id = $1`,
      [session.id],
    )) as { n: number }[];
    expect(n).toBeGreaterThanOrEqual(trainees.size);
  });

  it("the mail workers' claim reads one index entry, without sorting a transaction's batch", async () => {
    // A bulk issue queues its messages in one transaction: all share one next_attempt_at. They
    // are inserted and explained inside a transaction that is rolled back, so the test app's
    // own workers never see them.
    const runner = t.db.createQueryRunner();
    await runner.connect();
    await runner.startTransaction();
    try {
      await runner.query(
        `INSERT INTO notifications
           (type, recipient, language, subject, body_text, body_html, idempotency_key, message_id)
         SELECT 'certificate.issued', 'trainee-' || n || '@example.org', 'en', 'Certificate',
                repeat('text ', 200), repeat('<p>html</p>', 200), 'plan-test:' || n,
                '<plan-test-' || n || '@example.org>'
           FROM generate_series(1, 3000) AS n`,
      );
      await runner.query('ANALYZE notifications');
      const [row] = (await runner.query(`EXPLAIN (FORMAT JSON) ${CLAIM_DUE_NOTIFICATION}`)) as {
        'QUERY PLAN': { Plan: PlanNode }[];
      }[];
      const nodeTypes = (node: PlanNode, out: string[] = []): string[] => {
        out.push(node['Node Type']);
        for (const child of node.Plans ?? []) nodeTypes(child, out);
        return out;
      };
      const plan = nodeTypes(row['QUERY PLAN'][0].Plan);
      expect(plan).toContain('Index Scan');
      expect(plan.filter((type) => /Sort/.test(type))).toEqual([]);
    } finally {
      await runner.rollbackTransaction();
      await runner.release();
    }
  });

  describe('reports', () => {
    // The service directly: the same SQL whether or not its routes are mounted yet.
    const reports = () => new ReportsService(t.db, t.config);

    it('expiring within 90 days', () =>
      expectIndexedPlans(() => reports().expiring({ withinDays: 90 })));

    // The report reads training_seats, which triggers keep, and none of the large tables it
    // summarises: a whole read of that one narrow table is the design (every seat counts).
    it('training report grouped by sex, age band, organisation and course', async () => {
      captured = [];
      let statements: Captured[];
      try {
        await reports().training({ groupBy: ['sex', 'ageBand', 'organisation', 'course'] });
        statements = captured.filter((c) => /\btraining_seats\b/.test(c.query));
      } finally {
        captured = null;
      }
      expect(statements).toHaveLength(1);
      const [{ query, parameters }] = statements;
      const [row] = (await t.db.query(`EXPLAIN (FORMAT JSON) ${query}`, parameters)) as {
        'QUERY PLAN': { Plan: PlanNode }[];
      }[];
      const read = new Set(scans(row['QUERY PLAN'][0].Plan).map((s) => s['Relation Name']));
      expect([...read].sort()).toEqual(['courses', 'organisations', 'training_seats']);
    });

    it('training_seats as the generator fills it (COPY bypasses its triggers) is exact', async () => {
      const columns = TRAINING_SEATS_COLUMNS.join(', ');
      const [counts] = (await t.db.query(
        `SELECT (SELECT count(*) FROM training_seats)::int AS stored,
                (SELECT count(*) FROM (${TRAINING_SEATS_SELECT}) d)::int AS defined,
                (SELECT count(*) FROM (SELECT ${columns} FROM training_seats
                                       EXCEPT SELECT ${columns} FROM (${TRAINING_SEATS_SELECT}) d) x
                )::int AS differing`,
      )) as { stored: number; defined: number; differing: number }[];
      expect(counts.stored).toBeGreaterThan(CERTIFICATES);
      expect(counts).toEqual({ stored: counts.defined, defined: counts.defined, differing: 0 });
    });
  });
});
