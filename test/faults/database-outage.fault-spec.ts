import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Response } from 'supertest';
import type { TestApp } from '../app.js';
import { createUser, type SignedInUser } from '../factories.js';
import { expectUnavailable, FaultDatabase, startFaultApp, waitFor } from './fault-harness.js';

interface Outcome {
  kind: 'write' | 'read';
  status: number;
  body: unknown;
  headers: object;
  startedAt: number;
  endedAt: number;
}

/** How long a request may take to be refused while the database is away: fail fast. */
const FAIL_FAST_MS = 2_000;
const WORKERS = 6;
/** A bound on the load, whatever happens: each worker stops after this many requests. */
const MAX_REQUESTS_PER_WORKER = 1_000;
const WRITES_BEFORE = 20;
const REFUSED_DURING = 40;
const WRITES_AFTER = 20;

describe('the database goes away under load and comes back', () => {
  let database: FaultDatabase;
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    database = await FaultDatabase.start('outage');
    t = await startFaultApp(database);
    admin = await createUser(t, ['admin']);
  });
  afterAll(async () => {
    await t?.close();
    await database?.destroy();
  });

  /**
   * Workers create organisations and read them back while the database is taken away
   * (`outage`) and started again. Returns what the clients saw, for the assertions.
   */
  async function underLoad(outage: () => Promise<void>) {
    const outcomes: Outcome[] = [];
    const acknowledged: string[] = [];
    let stopLoad = false;

    const send = async (kind: Outcome['kind'], request: () => Promise<Response>) => {
      const startedAt = Date.now();
      const res = await request();
      outcomes.push({
        kind,
        status: res.status,
        body: res.body,
        headers: res.headers,
        startedAt,
        endedAt: Date.now(),
      });
      return res;
    };
    const worker = async () => {
      for (let sent = 0; !stopLoad && sent < MAX_REQUESTS_PER_WORKER; sent += 2) {
        const created = await send('write', () =>
          t.http
            .post('/api/v1/organisations')
            .set(admin.auth)
            .send({ name: `Operator ${randomUUID()}`, country: 'AZ', type: 'ngo' }),
        );
        if (created.status === 201) acknowledged.push((created.body as { id: string }).id);
        const someId = acknowledged[Math.floor(Math.random() * acknowledged.length)];
        await send('read', () =>
          someId
            ? t.http.get(`/api/v1/organisations/${someId}`).set(admin.auth)
            : t.http.get('/api/v1/organisations?limit=5').set(admin.auth),
        );
      }
    };
    const load = Promise.all(Array.from({ length: WORKERS }, worker));
    const startedSince = (since: number) => outcomes.filter((o) => o.startedAt >= since);

    try {
      await waitFor('writes before the outage', async () => acknowledged.length >= WRITES_BEFORE);
      await outage();
      const downSince = Date.now();
      await waitFor(
        'refused requests during the outage',
        async () => startedSince(downSince).length >= REFUSED_DURING,
      );
      const readiness = await t.http.get('/health/ready');
      const liveness = await t.http.get('/health/live');
      const downUntil = Date.now();

      await database.startServer();
      const upSince = Date.now();
      await waitFor(
        'readiness after the restart',
        async () => (await t.http.get('/health/ready')).status === 200,
      );
      const acknowledgedAtRecovery = acknowledged.length;
      await waitFor(
        'writes after the restart',
        async () => acknowledged.length >= acknowledgedAtRecovery + WRITES_AFTER,
      );
      return {
        outcomes,
        acknowledged,
        readiness,
        liveness,
        duringOutage: outcomes.filter((o) => o.startedAt >= downSince && o.endedAt <= downUntil),
        afterRestart: startedSince(upSince),
      };
    } finally {
      stopLoad = true;
      await load;
    }
  }

  async function expectConsistentOutcome(run: Awaited<ReturnType<typeof underLoad>>) {
    // Nothing but success or the documented 503, whatever the moment the database went away.
    for (const o of run.outcomes) {
      if (o.status >= 300) expectUnavailable(o);
      else expect(o.status).toBe(o.kind === 'write' ? 201 : 200);
    }
    // While it is down: 503 at once with Retry-After, readiness says so, liveness does not.
    expect(run.duringOutage.length).toBeGreaterThanOrEqual(REFUSED_DURING);
    for (const o of run.duringOutage) {
      expectUnavailable(o);
      expect(o.endedAt - o.startedAt).toBeLessThan(FAIL_FAST_MS);
      expect((o.headers as Record<string, string>)['retry-after']).toBe('5');
    }
    expectUnavailable(run.readiness);
    expect(run.liveness.status).toBe(200);
    // Recovered by itself: the same app instance serves again.
    expect(run.afterRestart.filter((o) => o.status < 300).length).toBeGreaterThanOrEqual(
      WRITES_AFTER,
    );
    // Every 201 the clients saw is in the register.
    expect(new Set(run.acknowledged).size).toBe(run.acknowledged.length);
    const [stored] = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM organisations WHERE id = ANY($1::uuid[])',
      [run.acknowledged],
    );
    expect(stored.n).toBe(run.acknowledged.length);
  }

  it('stopped (fast shutdown): 503 fast while down, recovers without a restart, no acknowledged write lost', async () => {
    await expectConsistentOutcome(await underLoad(() => database.stopServer()));
  });

  it('crashed (postmaster killed): the pool drops the dead connections and recovers the same way', async () => {
    await expectConsistentOutcome(await underLoad(() => database.crashServer()));
  });
});
