import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCourse, makeSession, makeTrainee } from './fixtures.js';

/**
 * The registrar's waiting list (issue 17): promote someone into a free seat, move someone up
 * or down the line, remove someone, each with a reason on the audit event.
 */
describe('waiting list (registrar)', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  const enrol = async (sessionId: string, traineeId: string) => {
    const res = await t.http
      .post(`/api/v1/sessions/${sessionId}/enrolments`)
      .set(admin.auth)
      .send({ traineeId });
    expect(res.status).toBe(201);
    return res.body as { id: string; status: string; waitlistPosition: number | null };
  };
  const promote = (user: SignedInUser, id: string, body: object) =>
    t.http.post(`/api/v1/enrolments/${id}/promote`).set(user.auth).send(body);
  const move = (user: SignedInUser, id: string, body: object) =>
    t.http.post(`/api/v1/enrolments/${id}/waitlist-position`).set(user.auth).send(body);

  /** The waiting line as the roster lists it: ids in order, with their positions. */
  async function line(sessionId: string) {
    const res = await t.http
      .get(`/api/v1/sessions/${sessionId}/enrolments?status=waitlisted`)
      .set(admin.auth);
    expect(res.status).toBe(200);
    return (res.body.items as { id: string; waitlistPosition: number }[]).map((e) => [
      e.id,
      e.waitlistPosition,
    ]);
  }

  async function auditOf(enrolmentId: string, action: string) {
    const res = await t.http
      .get(`/api/v1/audit-events?entityType=enrolment&entityId=${enrolmentId}&action=${action}`)
      .set(admin.auth);
    expect(res.status).toBe(200);
    return res.body.items as { reason: string | null; data: Record<string, unknown> }[];
  }

  /** A session with one seat, taken, and three people waiting (1, 2, 3). */
  async function fullSession() {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, { capacity: 1 });
    const people = [];
    for (let i = 0; i < 4; i++) {
      const trainee = await makeTrainee(t.db, { email: `waiting-${randomUUID()}@coe.test` });
      people.push({ trainee, enrolment: await enrol(session.id, trainee.id) });
    }
    const [seated, b, c, d] = people.map((p) => p.enrolment);
    expect(seated.status).toBe('enrolled');
    expect([b, c, d].map((e) => e.waitlistPosition)).toEqual([1, 2, 3]);
    return { session, people, seated, b, c, d };
  }

  it('moves a person up and down the line: positions stay 1..n, the reason is recorded', async () => {
    const { session, b, c, d } = await fullSession();
    expect(await line(session.id)).toEqual([
      [b.id, 1],
      [c.id, 2],
      [d.id, 3],
    ]);

    const up = await move(admin, d.id, { position: 1, reason: 'Priority nomination' });
    expect(up.status).toBe(200);
    expect(up.body).toMatchObject({ id: d.id, status: 'waitlisted', waitlistPosition: 1 });
    expect(await line(session.id)).toEqual([
      [d.id, 1],
      [b.id, 2],
      [c.id, 3],
    ]);

    const down = await move(admin, d.id, { position: 3, reason: 'Nomination deferred' });
    expect(down.status).toBe(200);
    expect(await line(session.id)).toEqual([
      [b.id, 1],
      [c.id, 2],
      [d.id, 3],
    ]);
    // To the same place: nothing moves, still on the record.
    expect((await move(admin, c.id, { position: 2, reason: 'Checked' })).status).toBe(200);
    expect(await line(session.id)).toEqual([
      [b.id, 1],
      [c.id, 2],
      [d.id, 3],
    ]);

    const events = await auditOf(d.id, 'enrolment.moved');
    expect(events.map((e) => [e.reason, e.data])).toEqual(
      expect.arrayContaining([
        [
          'Priority nomination',
          { before: { waitlistPosition: 3 }, after: { waitlistPosition: 1 } },
        ],
        [
          'Nomination deferred',
          { before: { waitlistPosition: 1 }, after: { waitlistPosition: 3 } },
        ],
      ]),
    );
  });

  it('refuses a position out of range with the allowed range, and malformed requests', async () => {
    const { seated, b } = await fullSession();
    const out = expectError(
      await move(admin, b.id, { position: 4, reason: 'x' }),
      422,
      'WAITLIST_POSITION_OUT_OF_RANGE',
    );
    expect(out.details).toMatchObject({ position: 4, min: 1, max: 3 });
    expectError(await move(admin, b.id, { position: 0, reason: 'x' }), 400, 'VALIDATION_FAILED');
    expectError(await move(admin, b.id, { position: 1.5, reason: 'x' }), 400);
    expectError(await move(admin, b.id, { position: 1 }), 400, 'VALIDATION_FAILED');
    expectError(await move(admin, b.id, { position: 1, reason: '  ' }), 400);
    expectError(await move(admin, b.id, { position: 1, reason: 'x', extra: 1 }), 400);
    expectError(await promote(admin, b.id, {}), 400, 'VALIDATION_FAILED');
    // Someone in a seat is not in the line.
    expectError(await move(admin, seated.id, { position: 1, reason: 'x' }), 409, 'NOT_WAITLISTED');
    expectError(await promote(admin, seated.id, { reason: 'x' }), 409, 'NOT_WAITLISTED');
    expectError(await promote(admin, randomUUID(), { reason: 'x' }), 404);
    expectError(await move(admin, randomUUID(), { position: 1, reason: 'x' }), 404);
  });

  it('promotes someone into a free seat ahead of the line; refuses when no seat is free', async () => {
    const { session, seated, b, c, d, people } = await fullSession();
    const full = expectError(
      await promote(admin, c.id, { reason: 'Urgent' }),
      409,
      'NO_SEAT_AVAILABLE',
    );
    expect(full.details).toMatchObject({ capacity: 1, seatsTaken: 1 });

    // Under way, a freed seat is not given to the line automatically: the registrar decides.
    await t.db.query(`UPDATE course_sessions SET status = 'in_progress' WHERE id = $1`, [
      session.id,
    ]);
    const withdrawn = await t.http.post(`/api/v1/enrolments/${seated.id}/withdraw`).set(admin.auth);
    expect(withdrawn.status).toBe(200);
    expect(await line(session.id)).toHaveLength(3);

    const res = await promote(admin, c.id, { reason: 'Team leader of the deployment' });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ id: c.id, status: 'enrolled', waitlistPosition: null });
    expect(await line(session.id)).toEqual([
      [b.id, 1],
      [d.id, 2],
    ]);
    const s = await t.http.get(`/api/v1/sessions/${session.id}`).set(admin.auth);
    expect(s.body).toMatchObject({ seatsTaken: 1, capacity: 1, waitingCount: 2 });

    const [event] = await auditOf(c.id, 'enrolment.promoted');
    expect(event.reason).toBe('Team leader of the deployment');
    expect(event.data).toMatchObject({
      before: { status: 'waitlisted', waitlistPosition: 2 },
      after: { status: 'enrolled', waitlistPosition: null },
    });
    // The promoted person gets the promotion mail, as for any promotion.
    const mail = (await t.db.query(
      `SELECT recipient FROM notifications WHERE type = 'enrolment.promoted' AND recipient = $1`,
      [people[2].trainee.email],
    )) as unknown[];
    expect(mail).toHaveLength(1);
  });

  it('removes someone from the line with a reason; withdraw without a body still works', async () => {
    const { session, seated, b, c, d } = await fullSession();
    const removed = await t.http
      .post(`/api/v1/enrolments/${c.id}/withdraw`)
      .set(admin.auth)
      .send({ reason: 'Nomination withdrawn by the operator' });
    expect(removed.status).toBe(200);
    expect(removed.body).toMatchObject({ status: 'withdrawn', waitlistPosition: null });
    expect(await line(session.id)).toEqual([
      [b.id, 1],
      [d.id, 2],
    ]);
    const [event] = await auditOf(c.id, 'enrolment.withdrawn');
    expect(event.reason).toBe('Nomination withdrawn by the operator');

    // No body, and an empty one: the seat holder leaves and the first in line takes the seat.
    const plain = await t.http.post(`/api/v1/enrolments/${seated.id}/withdraw`).set(admin.auth);
    expect(plain.status).toBe(200);
    expect((await auditOf(seated.id, 'enrolment.withdrawn'))[0].reason).toBeNull();
    expect(await line(session.id)).toEqual([[d.id, 1]]);
    const empty = await t.http.post(`/api/v1/enrolments/${b.id}/withdraw`).set(admin.auth).send({});
    expect(empty.status).toBe(200);
    expect(await line(session.id)).toEqual([]);
    expectError(
      await t.http
        .post(`/api/v1/enrolments/${d.id}/withdraw`)
        .set(admin.auth)
        .send({ reason: 'x', note: 'unknown field' }),
      400,
    );
  });

  it('is the registrar’s alone: other roles are refused before the body is read', async () => {
    const { b } = await fullSession();
    const trainee = await makeTrainee(t.db);
    const traineeUser = await createUser(t, ['trainee'], { traineeId: trainee.id });
    const instructor = await createUser(t, ['instructor']);
    for (const user of [traineeUser, instructor, auditor]) {
      expectError(await promote(user, b.id, { reason: 'x' }), 403);
      expectError(await move(user, b.id, { position: 1, reason: 'x' }), 403);
      expectError(await move(user, b.id, {}), 403);
    }
    expectError(await t.http.post(`/api/v1/enrolments/${b.id}/promote`).send({ reason: 'x' }), 401);
    expectError(
      await t.http
        .post(`/api/v1/enrolments/${b.id}/waitlist-position`)
        .send({ position: 1, reason: 'x' }),
      401,
    );
    const me = await t.http.get('/api/v1/auth/me').set(admin.auth);
    expect(me.body.permissions).toContain('waitlist.manage');
  });
});
