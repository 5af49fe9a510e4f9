import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { recordMany } from '../src/audit/audit-bulk.js';
import { GENESIS_HASH } from '../src/audit/audit-hash.js';
import { AuditService } from '../src/audit/audit.service.js';
import { AuditSweeper } from '../src/audit/audit-sweeper.js';
import { addDays, today } from '../src/common/calendar.js';
import { SYSTEM_ACTOR } from '../src/common/actor.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import { makeCourse, makeSession, makeTrainee } from './fixtures.js';

/**
 * Audit events sequenced after commit (issue 20): changes record their events in
 * `audit_pending` inside their own transaction, and each commit is followed by a run that moves
 * them into the hash chain. Under concurrency, from one instance or two, the chain must still
 * be strictly ordered, gapless and verifiable, with exactly the events of committed changes.
 */
describe('audit sequencing after commit', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp({ mailWorker: false });
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  /** Every property of the chain the sequencer must keep, checked in SQL and by the API. */
  async function expectSoundChain(): Promise<number> {
    const [shape] = (await t.db.query(
      `SELECT count(*)::int AS n, coalesce(min(seq), 0)::int AS lo, coalesce(max(seq), 0)::int AS hi,
              (SELECT count(*)::int FROM audit_events e JOIN audit_events p ON p.seq = e.seq - 1
                WHERE e.prev_hash <> p.hash) AS broken_links,
              (SELECT prev_hash FROM audit_events WHERE seq = 1) AS first_prev,
              (SELECT count(*)::int FROM audit_pending) AS pending
         FROM audit_events`,
    )) as {
      n: number;
      lo: number;
      hi: number;
      broken_links: number;
      first_prev: string;
      pending: number;
    }[];
    expect(shape).toEqual({
      n: shape.hi,
      lo: 1,
      hi: shape.n,
      broken_links: 0,
      first_prev: GENESIS_HASH,
      pending: 0,
    });
    const res = await t.http
      .get('/api/v1/audit-events/verification')
      .query({ full: 'true' })
      .set(auditor.auth);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ intact: true, checked: shape.n, firstBrokenId: null });
    return shape.n;
  }

  /** Open sessions of 20 seats starting in a month, and `count` trainees to fill them. */
  async function arrange(sessions: number, count: number) {
    const course = await makeCourse(t.db);
    const startsOn = addDays(today('UTC'), 30);
    const sessionIds: string[] = [];
    for (let i = 0; i < sessions; i++) {
      sessionIds.push(
        (await makeSession(t.db, course.id, { capacity: 20, startsOn, endsOn: startsOn })).id,
      );
    }
    const traineeIds: string[] = [];
    for (let i = 0; i < count; i++) traineeIds.push((await makeTrainee(t.db)).id);
    return { sessionIds, traineeIds };
  }

  /** Each enrolment of the sessions has exactly one `enrolment.created` event about it. */
  async function expectOneEventPerEnrolment(sessionIds: string[], expected: number) {
    const [counts] = (await t.db.query(
      `SELECT count(*)::int AS enrolments,
              count(*) FILTER (WHERE (SELECT count(*) FROM audit_events a
                                       WHERE a.entity_id = e.id
                                         AND a.action = 'enrolment.created') = 1)::int AS with_one,
              count(*) FILTER (WHERE e.status = 'enrolled')::int AS seated
         FROM enrolments e WHERE e.session_id = ANY ($1::uuid[])`,
      [sessionIds],
    )) as { enrolments: number; with_one: number; seated: number }[];
    expect(counts).toEqual({
      enrolments: expected,
      with_one: expected,
      seated: Math.min(expected, sessionIds.length * 20),
    });
  }

  it('hundreds of concurrent changes through the API make one gapless chain that verifies', async () => {
    const { sessionIds, traineeIds } = await arrange(5, 300);
    const enrolments = traineeIds.map((traineeId, i) =>
      t.http
        .post(`/api/v1/sessions/${sessionIds[i % sessionIds.length]}/enrolments`)
        .set(admin.auth)
        .send({ traineeId }),
    );
    const others = Array.from({ length: 40 }, (_, i) =>
      t.http
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ name: `Rush Operator ${i}`, country: 'AZ', type: 'ngo' }),
    );
    const answers = await Promise.all([...enrolments, ...others]);
    expect(answers.map((r) => r.status)).toEqual(Array(340).fill(201));
    await expectOneEventPerEnrolment(sessionIds, 300);
    const [{ organisations }] = (await t.db.query(
      `SELECT count(*)::int AS organisations FROM audit_events
        WHERE action = 'organisation.created' AND data->'after'->>'name' LIKE 'Rush Operator %'`,
    )) as { organisations: number }[];
    expect(organisations).toBe(40);
    await expectSoundChain();
  }, 120_000);

  it('each transaction finds its events in the chain once it has committed (read after write)', async () => {
    const audit = t.app.get(AuditService);
    const missing = await Promise.all(
      Array.from({ length: 100 }, async (_, i) => {
        const event = await t.db.transaction((tx) =>
          audit.record(tx, SYSTEM_ACTOR, {
            action: 'organisation.updated',
            entityType: 'organisation',
            entityId: randomUUID(),
            data: { after: { name: `Group ${i}` } },
          }),
        );
        const found = (await t.db.query('SELECT seq FROM audit_events WHERE id = $1', [
          event.id,
        ])) as unknown[];
        return found.length === 1 ? null : event.id;
      }),
    );
    expect(missing.filter((id) => id !== null)).toEqual([]);
    await expectSoundChain();
  });

  it("keeps one transaction's events in the order it recorded them, record and recordMany alike", async () => {
    const audit = t.app.get(AuditService);
    const input = (name: string) => ({
      action: 'organisation.updated' as const,
      entityType: 'organisation' as const,
      entityId: randomUUID(),
      data: { after: { name } },
    });
    await t.db.transaction(async (tx) => {
      await audit.record(tx, SYSTEM_ACTOR, input('first'));
      await recordMany(tx, SYSTEM_ACTOR, [input('second'), input('third')]);
      await audit.record(tx, SYSTEM_ACTOR, input('fourth'));
    });
    const names = (await t.db.query(
      `SELECT data->'after'->>'name' AS name FROM audit_events
        WHERE data->'after'->>'name' IN ('first', 'second', 'third', 'fourth') ORDER BY seq`,
    )) as { name: string }[];
    expect(names.map((r) => r.name)).toEqual(['first', 'second', 'third', 'fourth']);
    await expectSoundChain();
  });

  it('two instances writing at once still make one gapless chain that verifies', async () => {
    const peer = await startPeerApp(t);
    try {
      const { sessionIds, traineeIds } = await arrange(5, 200);
      const answers = await Promise.all([
        ...traineeIds.map((traineeId, i) =>
          (i % 2 === 0 ? t : peer).http
            .post(`/api/v1/sessions/${sessionIds[i % sessionIds.length]}/enrolments`)
            .set(admin.auth)
            .send({ traineeId }),
        ),
        ...Array.from({ length: 20 }, (_, i) =>
          (i % 2 === 0 ? peer : t).http
            .post('/api/v1/organisations')
            .set(admin.auth)
            .send({ name: `Peer Operator ${i}`, country: 'AZ', type: 'military' }),
        ),
      ]);
      expect(answers.map((r) => r.status)).toEqual(Array(220).fill(201));
      await expectOneEventPerEnrolment(sessionIds, 200);
      await expectSoundChain();
    } finally {
      await peer.close();
    }
  }, 120_000);

  it('a rolled-back change leaves neither a pending row nor an event', async () => {
    const audit = t.app.get(AuditService);
    const before = await expectSoundChain();
    let id: string | undefined;
    await expect(
      t.db.transaction(async (tx) => {
        id = (
          await audit.record(tx, SYSTEM_ACTOR, {
            action: 'organisation.updated',
            entityType: 'organisation',
            entityId: randomUUID(),
          })
        ).id;
        throw new Error('the change fails after its event was recorded');
      }),
    ).rejects.toThrow('the change fails');
    expect(id).toBeDefined();
    const [found] = (await t.db.query(
      `SELECT (SELECT count(*)::int FROM audit_pending WHERE id = $1) AS pending,
              (SELECT count(*)::int FROM audit_events WHERE id = $1) AS events`,
      [id],
    )) as { pending: number; events: number }[];
    expect(found).toEqual({ pending: 0, events: 0 });
    // A failed change through the API likewise: the trainee does not exist.
    const { sessionIds } = await arrange(1, 0);
    const refused = await t.http
      .post(`/api/v1/sessions/${sessionIds[0]}/enrolments`)
      .set(admin.auth)
      .send({ traineeId: randomUUID() });
    expect(refused.status).toBeGreaterThanOrEqual(400);
    expect(await expectSoundChain()).toBe(before);
  });

  /** A pending row committed with no run after it, as a crash between commit and run leaves. */
  async function leftover(name: string): Promise<string> {
    const id = randomUUID();
    await t.db.query(
      `INSERT INTO audit_pending (id, occurred_at, actor_roles, action, entity_type, entity_id, data)
       VALUES ($1, now(), '{}', 'organisation.updated', 'organisation', $2, $3::jsonb)`,
      [id, randomUUID(), JSON.stringify({ after: { name, note: 'ə, ğ, ı, ş' } })],
    );
    return id;
  }

  const seqOf = async (id: string) =>
    (
      (await t.db.query('SELECT seq::int AS seq FROM audit_events WHERE id = $1', [id])) as {
        seq: number;
      }[]
    )[0]?.seq;

  it('events left pending by a crash are sequenced by the sweeper, or by the next run', async () => {
    const swept = await leftover('left by a crash');
    await t.app.get(AuditSweeper).sweep();
    expect(await seqOf(swept)).toEqual(expect.any(Number));
    await expectSoundChain();

    const carried = await leftover('left by another crash');
    const res = await t.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ name: 'Operator after a crash', country: 'AZ', type: 'ngo' });
    expect(res.status).toBe(201);
    const [created] = (await t.db.query(
      `SELECT seq::int AS seq FROM audit_events
        WHERE action = 'organisation.created' AND entity_id = $1`,
      [(res.body as { id: string }).id],
    )) as { seq: number }[];
    // Waiting longer, it went first.
    expect(await seqOf(carried)).toBeLessThan(created.seq);
    await expectSoundChain();
  });

  it('the database refuses to edit or remove pending events outside sequencing, and events always', async () => {
    const id = await leftover('guarded');
    await expect(
      t.db.query("UPDATE audit_pending SET note = 'rewritten' WHERE id = $1", [id]),
    ).rejects.toThrow(/refused outside audit sequencing/);
    await expect(t.db.query('DELETE FROM audit_pending WHERE id = $1', [id])).rejects.toThrow(
      /refused outside audit sequencing/,
    );
    await expect(t.db.query('TRUNCATE audit_pending')).rejects.toThrow(
      /refused outside audit sequencing/,
    );
    // The flag the sequencer sets opens DELETE (here rolled back), never UPDATE.
    const runner = t.db.createQueryRunner();
    try {
      await runner.query('BEGIN');
      await runner.query("SELECT set_config('coe.audit_sequencing', 'on', true)");
      await runner.query('DELETE FROM audit_pending WHERE id = $1', [id]);
      await expect(
        runner.query("UPDATE audit_pending SET note = 'rewritten' WHERE id = $1", [id]),
      ).rejects.toThrow(/refused outside audit sequencing/);
      await runner.query('ROLLBACK');
    } finally {
      await runner.release();
    }
    await t.app.get(AuditSweeper).sweep();
    const seq = await seqOf(id);
    expect(seq).toEqual(expect.any(Number));
    await expect(
      t.db.query("UPDATE audit_events SET note = 'rewritten' WHERE seq = $1", [seq]),
    ).rejects.toThrow(/append-only/);
    await expect(t.db.query('DELETE FROM audit_events WHERE seq = $1', [seq])).rejects.toThrow(
      /append-only/,
    );
    await expect(t.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
    await expectSoundChain();
  });
});
