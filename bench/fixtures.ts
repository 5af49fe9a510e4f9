import pg from 'pg';
import { addDays, today } from '../src/common/calendar.js';
import { encodeCursor } from '../src/common/pagination.js';
import { BENCH_ACCOUNTS } from './generator.js';

/** What the scenarios need from the seeded database, looked up or arranged before the load. */
export interface Fixtures {
  /** Every serial in the register: verification draws from all of them, uniformly. */
  registerSerials: string[];
  /** A hot set (HOT_SET_SIZE serials drawn at random): small enough to live in the app's cache. */
  hotSerials: string[];
  certificateCount: number;
  /** A keyset cursor 90% of the way through the certificate list. */
  deepCursor: string;
  /** The course with the most certificates: the heaviest filter. */
  busiestCourseId: string;
  bulkSessionIds: string[];
  contentionSessionIds: string[];
  contentionTrainees: string[];
}

const BULK_SIZE = 1_000;
/** The hot set of the second verify scenario: 5,000, a tenth of the cache's 50,000 entries. */
export const HOT_SET_SIZE = 5_000;
const CONTENTION_SESSIONS = 5;
const CONTENTION_CAPACITY = 20;

/**
 * Arranged through SQL (fast and outside the measured window): completed sessions of 1,000
 * passed trainees for the bulk issue, open sessions for the enrolment rush. Each run adds its
 * own, so runs can repeat on one data set.
 */
export async function prepareFixtures(
  url: string,
  options: { bulkRuns: number; contentionTrainees: number },
): Promise<Fixtures> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const [{ n }] = (
      await client.query<{ n: number }>('SELECT count(*)::int AS n FROM certificates')
    ).rows;
    // The whole register, not a sample that fits a cache: inspectors scan certificates spread
    // over every year and course. About 60 MB at a million serials, read once per run.
    const registerSerials = (
      await client.query<{ serial: string }>('SELECT serial FROM certificates')
    ).rows.map((r) => r.serial);
    const hotSerials = sampleOf(registerSerials, HOT_SET_SIZE);
    const [deep] = (
      await client.query<{ issued_at: Date; id: string }>(
        'SELECT issued_at, id FROM certificates ORDER BY issued_at DESC, id DESC OFFSET $1 LIMIT 1',
        [Math.floor(n * 0.9)],
      )
    ).rows;
    const [busiest] = (
      await client.query<{ course_id: string }>(
        'SELECT course_id FROM certificates GROUP BY course_id ORDER BY count(*) DESC LIMIT 1',
      )
    ).rows;
    const bulkSessionIds: string[] = [];
    for (let i = 0; i < options.bulkRuns; i++) bulkSessionIds.push(await bulkSession(client));
    const contentionSessionIds = await contentionSessions(client);
    const contentionTrainees = (
      await client.query<{ id: string }>(
        `SELECT id FROM trainees TABLESAMPLE BERNOULLI (50) REPEATABLE (11) LIMIT $1`,
        [options.contentionTrainees],
      )
    ).rows.map((r) => r.id);
    return {
      registerSerials,
      hotSerials,
      certificateCount: n,
      deepCursor: encodeCursor([deep.issued_at.toISOString(), deep.id]),
      busiestCourseId: busiest.course_id,
      bulkSessionIds,
      contentionSessionIds,
      contentionTrainees,
    };
  } finally {
    await client.end();
  }
}

/** `size` distinct elements drawn at random (a partial Fisher–Yates shuffle of a copy). */
function sampleOf<T>(items: readonly T[], size: number): T[] {
  const copy = [...items];
  const n = Math.min(size, copy.length);
  for (let i = 0; i < n; i++) {
    const j = i + Math.floor(Math.random() * (copy.length - i));
    [copy[i], copy[j]] = [copy[j], copy[i]];
  }
  return copy.slice(0, n);
}

/** A completed DEM-1 session led by the bench instructor, with 1,000 new trainees who all passed. */
async function bulkSession(client: pg.Client): Promise<string> {
  const day = today('UTC');
  const tag = `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;
  await client.query('BEGIN');
  try {
    const [{ id: sessionId }] = (
      await client.query<{ id: string }>(
        `INSERT INTO course_sessions (course_id, starts_on, ends_on, location, language, capacity, seats_taken, status)
         SELECT id, $1::date, $2::date, 'Bench field training area', 'az', $3, $3, 'completed'
           FROM courses WHERE code = 'DEM-1'
         RETURNING id`,
        [addDays(day, -25), addDays(day, -6), BULK_SIZE],
      )
    ).rows;
    await client.query(
      `INSERT INTO session_instructors (session_id, instructor_id, role)
       SELECT $1, instructor_id, 'lead' FROM users WHERE email = $2`,
      [sessionId, BENCH_ACCOUNTS.instructor],
    );
    await client.query(
      `WITH t AS (
         INSERT INTO trainees (given_name, family_name, date_of_birth, sex, nationality, identity_key)
         SELECT 'Bench', 'Trainee ' || $2 || '-' || g, DATE '1990-01-01' + (g % 3000), CASE WHEN g % 5 = 0 THEN 'female' ELSE 'male' END, 'AZ',
                'bench|trainee ' || $2 || ' ' || g || '|' || (DATE '1990-01-01' + (g % 3000)) || '|AZ'
           FROM generate_series(1, $3) g
         RETURNING id)
       INSERT INTO enrolments (session_id, trainee_id, status, theory_score, practical_score, attendance_percent, passed, assessed_at)
       SELECT $1, id, 'completed', 88, 91, 100, true, now() FROM t`,
      [sessionId, tag, BULK_SIZE],
    );
    await client.query('COMMIT');
    return sessionId;
  } catch (error) {
    await client.query('ROLLBACK');
    throw error;
  }
}

/** Open sessions of a course without prerequisites or medical rules, so every request is admissible. */
async function contentionSessions(client: pg.Client): Promise<string[]> {
  const day = today('UTC');
  const { rows } = await client.query<{ id: string }>(
    `INSERT INTO course_sessions (course_id, starts_on, ends_on, location, language, capacity, status)
     SELECT c.id, $1::date, $2::date, 'Bench classroom', 'en', $3, 'open'
       FROM courses c, generate_series(1, $4)
      WHERE c.code = 'EORE-1'
     RETURNING id`,
    [addDays(day, 30), addDays(day, 34), CONTENTION_CAPACITY, CONTENTION_SESSIONS],
  );
  return rows.map((r) => r.id);
}

/** Seats and waiting lists after the rush: seats never overbooked, positions 1..n without gaps. */
export async function contentionInvariants(
  url: string,
  sessionIds: string[],
): Promise<{ ok: boolean; detail: string }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{
      id: string;
      capacity: number;
      seats_taken: number;
      enrolled: number;
      waitlisted: number;
      max_position: number | null;
    }>(
      `SELECT s.id, s.capacity, s.seats_taken,
              count(*) FILTER (WHERE e.status = 'enrolled')::int AS enrolled,
              count(*) FILTER (WHERE e.status = 'waitlisted')::int AS waitlisted,
              max(e.waitlist_position) AS max_position
         FROM course_sessions s LEFT JOIN enrolments e ON e.session_id = s.id
        WHERE s.id = ANY($1)
        GROUP BY s.id`,
      [sessionIds],
    );
    const bad = rows.filter(
      (r) =>
        r.seats_taken !== r.enrolled ||
        r.enrolled > r.capacity ||
        (r.waitlisted > 0 && (r.enrolled < r.capacity || r.max_position !== r.waitlisted)),
    );
    const total = rows.reduce((n, r) => n + r.enrolled + r.waitlisted, 0);
    return {
      ok: bad.length === 0,
      detail:
        bad.length === 0
          ? `${total} enrolments in ${rows.length} sessions; seats = enrolled ≤ capacity, waiting lists gapless`
          : `inconsistent sessions: ${bad.map((r) => r.id).join(', ')}`,
    };
  } finally {
    await client.end();
  }
}
