import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AccessDeniedRecorder } from '../src/audit/access-denied.recorder.js';
import { recordMany } from '../src/audit/audit-bulk.js';
import { chainHash } from '../src/audit/audit-hash.js';
import { SYSTEM_ACTOR } from '../src/common/actor.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeTrainee } from './fixtures.js';

interface Verification {
  intact: boolean;
  checked: number;
  firstBrokenId: string | null;
  problem: string | null;
  full: boolean;
  rehashed: number;
  trustedUpTo: number;
}

/** What keeps the append-only trail bounded and its verification fast as it grows. */
describe('audit trail growth', () => {
  let t: TestApp;
  let auditor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  const lastSeq = async () =>
    (
      (await t.db.query('SELECT coalesce(max(seq), 0)::int AS seq FROM audit_events')) as {
        seq: number;
      }[]
    )[0].seq;

  async function verification(query: Record<string, string> = {}): Promise<Verification> {
    const res = await t.http
      .get('/api/v1/audit-events/verification')
      .query(query)
      .set(auditor.auth);
    expect(res.status).toBe(200);
    return res.body as Verification;
  }

  async function withTriggerDisabled<T>(work: () => Promise<T>): Promise<T> {
    await t.db.query('ALTER TABLE audit_events DISABLE TRIGGER USER');
    try {
      return await work();
    } finally {
      await t.db.query('ALTER TABLE audit_events ENABLE TRIGGER USER');
    }
  }

  const appendEvents = (count: number) =>
    t.db.transaction((tx) =>
      recordMany(
        tx,
        SYSTEM_ACTOR,
        Array.from({ length: count }, (_, i) => ({
          action: 'organisation.updated',
          entityType: 'organisation' as const,
          entityId: randomUUID(),
          data: { after: { name: `Operator ${i}`, note: 'ə, ğ, ı, ş' } },
        })),
      ),
    );

  describe('refused access', () => {
    it('a flood of 403s adds a bounded number of events, and the trail still tells how many', async () => {
      const trainee = await createUser(t, ['trainee'], {
        traineeId: (await makeTrainee(t.db)).id,
      });
      const before = await lastSeq();
      // 300 refusals on one route (each a different trainee id, as in probing for records),
      // 30 at a time.
      for (let round = 0; round < 10; round++) {
        const answers = await Promise.all(
          Array.from({ length: 30 }, () =>
            t.http.get(`/api/v1/trainees/${randomUUID()}`).set(trainee.auth),
          ),
        );
        for (const res of answers) expectError(res, 403, 'FORBIDDEN');
      }
      // The first refusal was on the record before its 403 was answered; the rest are counted.
      expect(await lastSeq()).toBeLessThanOrEqual(before + 2);
      // The minute's summary is written when the minute ends, or at shutdown (flush).
      await t.app.get(AccessDeniedRecorder).flush();
      const events = (await t.db.query(
        `SELECT action, entity_id, actor_id, data FROM audit_events WHERE seq > $1 ORDER BY seq`,
        [before],
      )) as {
        action: string;
        entity_id: string;
        actor_id: string;
        data: Record<string, unknown>;
      }[];
      expect(events.length).toBeGreaterThanOrEqual(2);
      expect(events.length).toBeLessThanOrEqual(4); // a minute boundary may fall inside the flood
      for (const e of events) {
        expect(e).toMatchObject({
          action: 'user.access_denied',
          entity_id: trainee.id,
          actor_id: trainee.id,
        });
        expect(e.data).toMatchObject({ method: 'GET', route: '/api/v1/trainees/:id' });
      }
      // Every refusal is accounted for: each window's first on its own, the rest in summaries.
      const summaries = events.filter((e) => e.data.summary === true);
      const firsts = events.filter((e) => e.data.summary !== true);
      expect(firsts.every((e) => e.data.code === 'FORBIDDEN')).toBe(true);
      expect(summaries.reduce((sum, e) => sum + (e.data.count as number), 0)).toBe(
        300 - firsts.length + summaries.length,
      );
      expect(summaries[0].data).toMatchObject({
        codes: { FORBIDDEN: expect.any(Number) },
        distinctPaths: expect.any(Number),
        paths: expect.any(Array),
      });
      expect((summaries[0].data.paths as string[]).length).toBeLessThanOrEqual(10);

      // Another route, or another caller, is a window of its own: refused access still shows.
      const other = await createUser(t, ['trainee']);
      const before2 = await lastSeq();
      expectError(await t.http.get('/api/v1/audit-events').set(other.auth), 403);
      expectError(await t.http.get('/api/v1/audit-events').set(trainee.auth), 403);
      expect(await lastSeq()).toBe(before2 + 2);
      expect((await verification()).intact).toBe(true);
    });
  });

  describe('verification', () => {
    it('walks only what was appended since the last verification; full=true walks everything', async () => {
      await appendEvents(1_500);
      const first = await verification();
      expect(first).toMatchObject({ intact: true, firstBrokenId: null, problem: null });
      const total = await lastSeq();
      expect(first.checked).toBe(total);

      await appendEvents(20);
      const second = await verification();
      expect(second).toMatchObject({ intact: true, checked: total + 20, firstBrokenId: null });
      expect(second.trustedUpTo).toBe(total);
      expect(second.rehashed).toBe(20);

      const full = await verification({ full: 'true' });
      expect(full).toMatchObject({
        intact: true,
        checked: total + 20,
        full: true,
        rehashed: total + 20,
        trustedUpTo: 0,
      });
      expectError(
        await t.http
          .get('/api/v1/audit-events/verification')
          .query({ full: 'yes' })
          .set(auditor.auth),
        400,
      );
    });

    it('still finds an edit or a deletion before the newest checkpoint, at exactly that event', async () => {
      await appendEvents(1_200);
      expect((await verification()).intact).toBe(true);
      const target = 700;
      const [row] = (await t.db.query(
        'SELECT id, data::text AS data FROM audit_events WHERE seq = $1',
        [target],
      )) as { id: string; data: string }[];
      await withTriggerDisabled(() =>
        t.db.query(
          `UPDATE audit_events SET data = jsonb_set(data, '{forged}', 'true') WHERE seq = $1`,
          [target],
        ),
      );
      try {
        expect(await verification()).toMatchObject({
          intact: false,
          checked: target,
          firstBrokenId: row.id,
          problem: 'hash',
        });
      } finally {
        await withTriggerDisabled(() =>
          t.db.query('UPDATE audit_events SET data = $2::jsonb WHERE seq = $1', [target, row.data]),
        );
      }
      expect((await verification()).intact).toBe(true);

      const [successor] = (await t.db.query('SELECT id FROM audit_events WHERE seq = $1', [
        target + 1,
      ])) as { id: string }[];
      await t.db.query(
        `CREATE TABLE audit_events_saved AS SELECT * FROM audit_events WHERE seq = ${target}`,
      );
      try {
        await withTriggerDisabled(() =>
          t.db.query('DELETE FROM audit_events WHERE seq = $1', [target]),
        );
        expect(await verification()).toMatchObject({
          intact: false,
          firstBrokenId: successor.id,
          problem: 'gap',
        });
        await t.db.query('INSERT INTO audit_events SELECT * FROM audit_events_saved');
      } finally {
        await t.db.query('DROP TABLE audit_events_saved');
      }
      expect((await verification()).intact).toBe(true);
    });

    it('finds history rewritten with recomputed hashes, against the hashes verified earlier', async () => {
      await appendEvents(1_100);
      expect((await verification()).intact).toBe(true);
      const total = await lastSeq();
      const [checkpoint] = (await t.db.query(
        'SELECT to_seq::int AS to_seq FROM audit_checkpoints WHERE to_seq < $1 ORDER BY to_seq DESC LIMIT 1',
        [total],
      )) as { to_seq: number }[];
      // Edit an event inside a verified segment, then rehash it and everything after it, as an
      // insider who knows the hashing would: the chain alone is consistent again.
      const from = checkpoint.to_seq - 5;
      const rows = (await t.db.query(
        `SELECT seq::text AS seq, id, occurred_at, actor_id, actor_roles, action, entity_type,
                entity_id, reason, note, request_id, client_request_id, data, prev_hash
           FROM audit_events WHERE seq >= $1 ORDER BY seq`,
        [from],
      )) as Record<string, unknown>[];
      const rewritten: [string, string, string][] = [];
      let prevHash = rows[0].prev_hash as string;
      for (const r of rows) {
        const data =
          r.seq === String(from) ? { ...(r.data as object), forged: true } : (r.data as object);
        const hash = chainHash(prevHash, {
          seq: r.seq as string,
          id: r.id as string,
          occurredAt: (r.occurred_at as Date).toISOString(),
          actorId: r.actor_id as string | null,
          actorRoles: r.actor_roles as string[],
          action: r.action as string,
          entityType: r.entity_type as string,
          entityId: r.entity_id as string | null,
          reason: r.reason as string | null,
          note: r.note as string | null,
          requestId: r.request_id as string | null,
          clientRequestId: r.client_request_id as string | null,
          data,
        });
        rewritten.push([r.seq as string, JSON.stringify(data), hash]);
        prevHash = hash;
      }
      const original = (await t.db.query(
        'SELECT seq::text AS seq, data::text AS data, prev_hash, hash FROM audit_events WHERE seq >= $1',
        [from],
      )) as { seq: string; data: string; prev_hash: string; hash: string }[];
      const rewrite = (values: [string, string, string, string][]) =>
        withTriggerDisabled(() =>
          t.db.query(
            `UPDATE audit_events e SET data = v.data::jsonb, prev_hash = v.prev_hash, hash = v.hash
               FROM unnest($1::bigint[], $2::text[], $3::text[], $4::text[]) AS v(seq, data, prev_hash, hash)
              WHERE e.seq = v.seq`,
            [0, 1, 2, 3].map((i) => values.map((v) => v[i])),
          ),
        );
      await rewrite(
        rewritten.map(([seq, data, hash], i) => [
          seq,
          data,
          i === 0 ? (rows[0].prev_hash as string) : rewritten[i - 1][2],
          hash,
        ]),
      );
      try {
        const [boundary] = (await t.db.query('SELECT id FROM audit_events WHERE seq = $1', [
          checkpoint.to_seq,
        ])) as { id: string }[];
        for (const query of [{}, { full: 'true' }] as Record<string, string>[]) {
          expect(await verification(query)).toMatchObject({
            intact: false,
            checked: checkpoint.to_seq,
            firstBrokenId: boundary.id,
            problem: 'checkpoint',
          });
        }
      } finally {
        await rewrite(original.map((o) => [o.seq, o.data, o.prev_hash, o.hash]));
      }
      expect((await verification()).intact).toBe(true);
    });

    it('finds a tail deleted below the newest checkpoint', async () => {
      await appendEvents(1_000);
      expect((await verification()).intact).toBe(true);
      const total = await lastSeq();
      await t.db.query(
        'CREATE TABLE audit_tail_saved AS SELECT * FROM audit_events WHERE seq > $1',
        [total - 3],
      );
      try {
        await withTriggerDisabled(() =>
          t.db.query('DELETE FROM audit_events WHERE seq > $1', [total - 3]),
        );
        // What is left is a consistent chain; only the checkpoint remembers it was longer.
        for (const query of [{}, { full: 'true' }] as Record<string, string>[]) {
          expect(await verification(query)).toMatchObject({
            intact: false,
            checked: total - 3,
            firstBrokenId: null,
            problem: 'truncated',
          });
        }
        await t.db.query('INSERT INTO audit_events SELECT * FROM audit_tail_saved');
      } finally {
        await t.db.query('DROP TABLE audit_tail_saved');
      }
      expect((await verification()).intact).toBe(true);
    });

    it('checkpoints are append-only', async () => {
      const [{ n }] = (await t.db.query('SELECT count(*)::int AS n FROM audit_checkpoints')) as {
        n: number;
      }[];
      expect(n).toBeGreaterThan(0);
      await expect(t.db.query('UPDATE audit_checkpoints SET digest = digest')).rejects.toThrow(
        /append-only/,
      );
      await expect(t.db.query('DELETE FROM audit_checkpoints')).rejects.toThrow(/append-only/);
    });
  });
});
