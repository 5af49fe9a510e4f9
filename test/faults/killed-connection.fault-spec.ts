import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Response } from 'supertest';
import type { TestApp } from '../app.js';
import { createUser, type SignedInUser } from '../factories.js';
import { makeCourse, makeSession, makeTrainee } from '../fixtures.js';
import {
  expectUnavailable,
  FaultDatabase,
  holdAuditChain,
  killAppConnections,
  startFaultApp,
  waitFor,
} from './fault-harness.js';
import {
  completedSession,
  expectRegisterConsistent,
  fullSessionWithWaitingList,
  registerSnapshot,
} from './register-state.js';

/** App backends waiting for a lock: a row lock, or the audit chain's advisory lock. */
async function appBackendsWaitingOnLocks(database: FaultDatabase): Promise<number> {
  const [row] = await database.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM pg_stat_activity
      WHERE application_name = 'coe' AND wait_event_type = 'Lock'`,
  );
  return row.n;
}

describe('a connection killed in the middle of a transaction', () => {
  let database: FaultDatabase;
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    database = await FaultDatabase.start('kill');
    t = await startFaultApp(database);
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(async () => {
    await t?.close();
    await database?.destroy();
  });

  /**
   * Holds the audit chain so that `requests` stop just before their last write (every other
   * change of theirs made, nothing committed), kills the app's connections there, and checks
   * that every request was answered 503 and the register is exactly as it was before.
   */
  async function killMidTransaction(requests: () => PromiseLike<Response>[], waiting: number) {
    const before = await registerSnapshot(database);
    const chain = await holdAuditChain(database);
    let answers: Response[];
    try {
      // supertest sends a request only once it is awaited.
      const pending = requests().map((request) => request.then((res) => res));
      await waitFor(
        'the requests to be inside their transactions',
        async () => (await appBackendsWaitingOnLocks(database)) === waiting,
      );
      expect(await chain.waiters()).toBe(1);
      expect(await killAppConnections(database)).toBeGreaterThanOrEqual(waiting);
      answers = await Promise.all(pending);
    } finally {
      await chain.release();
    }
    for (const res of answers) expectUnavailable(res);
    expect(await registerSnapshot(database)).toEqual(before);
    await expectRegisterConsistent(database, t, auditor);
  }

  it('enrolments into the last seats: none half-done, and they succeed when sent again', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, { capacity: 2, status: 'open' });
    const trainees = await Promise.all([1, 2, 3, 4].map(() => makeTrainee(t.db)));
    const enrol = (traineeId: string) =>
      t.http.post(`/api/v1/sessions/${session.id}/enrolments`).set(admin.auth).send({ traineeId });

    // The first holds the session row and waits for the chain; the others queue on the row.
    await killMidTransaction(() => trainees.map((trainee) => enrol(trainee.id)), 4);

    const again = await Promise.all(trainees.map((trainee) => enrol(trainee.id)));
    expect(again.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    expect(again.map((r) => (r.body as { status: string }).status).sort()).toEqual([
      'enrolled',
      'enrolled',
      'waitlisted',
      'waitlisted',
    ]);
    await expectRegisterConsistent(database, t, auditor);
  });

  it('a withdrawal that promotes the first in line: the seat is neither lost nor doubled', async () => {
    const { seated, waitlisted } = await fullSessionWithWaitingList(t, 2, 2);
    const withdraw = () =>
      t.http.post(`/api/v1/enrolments/${seated[0].id}/withdraw`).set(admin.auth);

    // It stops at its first audit event: withdrawn, seat freed, first in line promoted.
    await killMidTransaction(() => [withdraw()], 1);

    const again = await withdraw();
    expect(again.status).toBe(200);
    const [promoted] = await database.query<{ status: string; seats: number }>(
      `SELECT e.status, s.seats_taken AS seats FROM enrolments e
         JOIN course_sessions s ON s.id = e.session_id WHERE e.id = $1`,
      [waitlisted[0].id],
    );
    expect(promoted).toEqual({ status: 'enrolled', seats: 2 });
    await expectRegisterConsistent(database, t, auditor);
  });

  it('a bulk certificate issue: no certificate without its audit event, none half-issued', async () => {
    const { session, instructorUser } = await completedSession(t, 5);
    const issueAll = () =>
      t.http.post(`/api/v1/sessions/${session.id}/certificates`).set(instructorUser.auth);

    // Five certificates signed and saved, stopped at the first one's audit event.
    await killMidTransaction(() => [issueAll()], 1);
    const [{ n }] = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM certificates WHERE session_id = $1',
      [session.id],
    );
    expect(n).toBe(0);

    const again = await issueAll();
    expect(again.status).toBe(201);
    expect((again.body as { issued: unknown[] }).issued).toHaveLength(5);
    await expectRegisterConsistent(database, t, auditor);
  });

  it('connections killed again and again under mixed load: every answer is success, a rule, or 503', async () => {
    const { session } = await fullSessionWithWaitingList(t, 3, 0);
    const trainees = await Promise.all(Array.from({ length: 8 }, () => makeTrainee(t.db)));
    const statuses = new Map<string, number>();
    const unexpected: Response[] = [];
    let stop = false;

    const worker = async (traineeId: string) => {
      let enrolmentId: string | undefined;
      for (let round = 0; !stop && round < 200; round++) {
        const res = enrolmentId
          ? await t.http.post(`/api/v1/enrolments/${enrolmentId}/withdraw`).set(admin.auth)
          : await t.http
              .post(`/api/v1/sessions/${session.id}/enrolments`)
              .set(admin.auth)
              .send({ traineeId });
        const key = `${res.status} ${(res.body as { code?: string }).code ?? ''}`.trim();
        statuses.set(key, (statuses.get(key) ?? 0) + 1);
        if (res.status === 201) enrolmentId = (res.body as { id: string }).id;
        else if (res.status === 200) enrolmentId = undefined;
        else if (res.status === 503) expectUnavailable(res);
        // A 503 may hide a commit that happened: the next attempt then meets the rule instead.
        else if (res.status === 409 && (res.body as { code: string }).code === 'ALREADY_ENROLLED')
          enrolmentId = (res.body as { details: { enrolmentId: string } }).details.enrolmentId;
        else if (res.status === 409 && (res.body as { code: string }).code === 'NOT_WITHDRAWABLE')
          enrolmentId = undefined;
        else unexpected.push(res);
      }
    };
    const load = Promise.all(trainees.map((trainee) => worker(trainee.id)));
    let kills = 0;
    for (; kills < 15; kills++) {
      await new Promise((resolve) => setTimeout(resolve, 80 + Math.random() * 120));
      await killAppConnections(database);
    }
    stop = true;
    await load;

    expect(unexpected.map((r) => ({ status: r.status, body: r.body }))).toEqual([]);
    expect(statuses.get('503 SERVICE_UNAVAILABLE')).toBeGreaterThan(0);
    expect((statuses.get('201') ?? 0) + (statuses.get('200') ?? 0)).toBeGreaterThan(0);
    await waitFor('the app to serve again', async () => {
      return (await t.http.get('/health/ready')).status === 200;
    });
    await expectRegisterConsistent(database, t, auditor);
  });
});
