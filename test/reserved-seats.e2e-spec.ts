import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { addDays, today } from '../src/common/calendar.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCourse, makeOrganisation, makeTrainee } from './fixtures.js';

interface EnrolmentBody {
  id: string;
  traineeId: string;
  status: string;
  waitlistPosition: number | null;
  reservedOrganisationId: string | null;
}

interface ReservedSeats {
  organisationId: string;
  organisationName: string;
  seats: number;
  taken: number;
}

/**
 * Reserved seats (issue 17): seats kept for organisations' nominees until reservationsEndOn,
 * then open to everyone; the people waiting are promoted by the seat rule.
 */
describe('reserved seats', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let courseId: string;
  let orgA: string;
  let orgB: string;
  let orgC: string;
  const day = (n: number) => addDays(today('UTC'), n);

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    courseId = (await makeCourse(t.db)).id;
    orgA = (await makeOrganisation(t.db, { name: 'A Demining' })).id;
    orgB = (await makeOrganisation(t.db, { name: 'B Engineers' })).id;
    orgC = (await makeOrganisation(t.db, { name: 'C Survey' })).id;
  });
  afterAll(() => t.close());

  const createSession = (body: object) =>
    t.http
      .post(`/api/v1/courses/${courseId}/sessions`)
      .set(admin.auth)
      .send({
        startsOn: day(10),
        endsOn: day(14),
        location: 'Goygol field training area',
        language: 'az',
        capacity: 4,
        ...body,
      });
  const patch = (id: string, body: object) =>
    t.http.patch(`/api/v1/sessions/${id}`).set(admin.auth).send(body);
  const getSession = async (id: string) =>
    (await t.http.get(`/api/v1/sessions/${id}`).set(admin.auth).expect(200)).body as {
      seatsTaken: number;
      capacity: number;
      waitingCount: number;
      reservedSeats: ReservedSeats[];
      reservationsEndOn: string | null;
      reservationsHold: boolean;
    };

  /** An open session with the given reservations. */
  async function openSession(body: object): Promise<string> {
    const res = await createSession(body);
    expect(res.status).toBe(201);
    const id = res.body.id as string;
    await t.http
      .post(`/api/v1/sessions/${id}/status`)
      .set(admin.auth)
      .send({ status: 'open' })
      .expect(200);
    return id;
  }

  const nominate = async (sessionId: string, organisationId: string) => {
    const trainee = await makeTrainee(t.db, { organisationId });
    const res = await t.http
      .post(`/api/v1/sessions/${sessionId}/enrolments`)
      .set(admin.auth)
      .send({ traineeId: trainee.id });
    expect(res.status).toBe(201);
    return res.body as EnrolmentBody;
  };
  const withdraw = async (id: string) =>
    expect((await t.http.post(`/api/v1/enrolments/${id}/withdraw`).set(admin.auth)).status).toBe(
      200,
    );
  const enrolment = async (id: string) =>
    (await t.http.get(`/api/v1/enrolments/${id}`).set(admin.auth).expect(200))
      .body as EnrolmentBody;
  const taken = (s: { reservedSeats: ReservedSeats[] }) =>
    Object.fromEntries(s.reservedSeats.map((r) => [r.organisationId, [r.taken, r.seats]]));

  describe('validation', () => {
    it('creates a session with reservations and answers them with the seats taken', async () => {
      const res = await createSession({
        capacity: 10,
        reservedSeats: [
          { organisationId: orgB, seats: 2 },
          { organisationId: orgA.toUpperCase(), seats: 3 },
        ],
        reservationsEndOn: day(5),
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        capacity: 10,
        reservationsEndOn: day(5),
        reservationsHold: true,
        waitingCount: 0,
        reservedSeats: [
          { organisationId: orgA, organisationName: 'A Demining', seats: 3, taken: 0 },
          { organisationId: orgB, organisationName: 'B Engineers', seats: 2, taken: 0 },
        ],
      });
      // On the reservations' last day, and the session's last day, is allowed too.
      expect(
        (
          await createSession({
            reservedSeats: [{ organisationId: orgA, seats: 4 }],
            reservationsEndOn: day(14),
          })
        ).status,
      ).toBe(201);
    });

    it('refuses unknown or repeated organisations, bad seat counts and bad last days', async () => {
      const unknown = expectError(
        await createSession({
          reservedSeats: [
            { organisationId: orgA, seats: 1 },
            { organisationId: randomUUID(), seats: 1 },
          ],
          reservationsEndOn: day(5),
        }),
        422,
        'REFERENCE_NOT_FOUND',
      );
      expect(unknown.details).toEqual({ field: 'reservedSeats.1.organisationId' });
      expectError(
        await createSession({
          reservedSeats: [
            { organisationId: orgA, seats: 1 },
            { organisationId: orgA, seats: 2 },
          ],
          reservationsEndOn: day(5),
        }),
        422,
        'DUPLICATE_RESERVATION',
      );
      for (const bad of [
        [{ organisationId: orgA, seats: 0 }],
        [{ organisationId: orgA, seats: 1.5 }],
        [{ organisationId: 'not-a-uuid', seats: 1 }],
        [{ organisationId: orgA }],
        [{ organisationId: orgA, seats: 1, extra: true }],
        { organisationId: orgA, seats: 1 },
      ]) {
        expectError(
          await createSession({ reservedSeats: bad, reservationsEndOn: day(5) }),
          400,
          'VALIDATION_FAILED',
        );
      }
      expectError(
        await createSession({ reservedSeats: [{ organisationId: orgA, seats: 1 }] }),
        422,
        'RESERVATIONS_END_REQUIRED',
      );
      const late = expectError(
        await createSession({
          reservedSeats: [{ organisationId: orgA, seats: 1 }],
          reservationsEndOn: day(15),
        }),
        422,
        'RESERVATIONS_END_AFTER_SESSION',
      );
      expect(late.details).toMatchObject({ endsOn: day(14), reservationsEndOn: day(15) });
      expectError(
        await createSession({
          reservedSeats: [{ organisationId: orgA, seats: 1 }],
          reservationsEndOn: '2026-02-30',
        }),
        400,
        'VALIDATION_FAILED',
      );
      const over = expectError(
        await createSession({
          capacity: 4,
          reservedSeats: [
            { organisationId: orgA, seats: 3 },
            { organisationId: orgB, seats: 2 },
          ],
          reservationsEndOn: day(5),
        }),
        422,
        'RESERVATIONS_EXCEED_CAPACITY',
      );
      expect(over.details).toMatchObject({ capacity: 4, reserved: 5 });
      // Without reservations, a last day means nothing and is not kept.
      const none = await createSession({ reservationsEndOn: day(5) });
      expect(none.status).toBe(201);
      expect(none.body).toMatchObject({ reservedSeats: [], reservationsEndOn: null });
    });

    it('a change keeps reservations within capacity and above the seats held; audited', async () => {
      const id = await openSession({
        capacity: 4,
        reservedSeats: [{ organisationId: orgA, seats: 2 }],
        reservationsEndOn: day(5),
      });
      expectError(await patch(id, { capacity: 1 }), 422, 'RESERVATIONS_EXCEED_CAPACITY');
      expectError(
        await patch(id, { reservedSeats: [{ organisationId: orgA, seats: 5 }] }),
        422,
        'RESERVATIONS_EXCEED_CAPACITY',
      );
      expectError(await patch(id, { reservationsEndOn: null }), 422, 'RESERVATIONS_END_REQUIRED');
      expectError(await patch(id, { endsOn: day(12), reservationsEndOn: day(13) }), 422);
      expectError(
        await patch(id, { reservedSeats: [{ organisationId: randomUUID(), seats: 1 }] }),
        422,
        'REFERENCE_NOT_FOUND',
      );

      const a1 = await nominate(id, orgA);
      const a2 = await nominate(id, orgA);
      expect([a1.reservedOrganisationId, a2.reservedOrganisationId]).toEqual([orgA, orgA]);
      const below = expectError(
        await patch(id, { reservedSeats: [{ organisationId: orgA, seats: 1 }] }),
        422,
        'RESERVATION_BELOW_TAKEN',
      );
      expect(below.details).toMatchObject({ organisationId: orgA, seats: 1, taken: 2 });
      // Two people in general seats: reserving three more seats would leave them none.
      await nominate(id, orgC);
      await nominate(id, orgC);
      expectError(
        await patch(id, {
          reservedSeats: [
            { organisationId: orgA, seats: 2 },
            { organisationId: orgB, seats: 1 },
          ],
        }),
        422,
        'RESERVATIONS_EXCEED_FREE_SEATS',
      );

      const res = await patch(id, {
        capacity: 6,
        reservedSeats: [
          { organisationId: orgA, seats: 2 },
          { organisationId: orgB, seats: 2 },
        ],
        reservationsEndOn: day(7),
      });
      expect(res.status).toBe(200);
      expect(taken(res.body)).toEqual({ [orgA]: [2, 2], [orgB]: [0, 2] });
      const events = await t.http
        .get(`/api/v1/audit-events?entityType=session&entityId=${id}&action=session.updated`)
        .set(admin.auth);
      expect(events.body.items[0].data).toMatchObject({
        before: { reservedSeats: [{ organisationId: orgA, seats: 2 }], reservationsEndOn: day(5) },
        after: { reservationsEndOn: day(7) },
      });

      // Removing every reservation: the seats its organisation held become general seats.
      const cleared = await patch(id, { reservedSeats: [] });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({
        reservedSeats: [],
        reservationsEndOn: null,
        reservationsHold: false,
      });
    });
  });

  describe('allocation', () => {
    it('another organisation waits while only reserved seats remain; its own take them first', async () => {
      // 4 seats: 2 kept for A, 1 for B, 1 general.
      const id = await openSession({
        capacity: 4,
        reservedSeats: [
          { organisationId: orgA, seats: 2 },
          { organisationId: orgB, seats: 1 },
        ],
        reservationsEndOn: day(5),
      });
      const c1 = await nominate(id, orgC);
      expect(c1).toMatchObject({ status: 'enrolled', reservedOrganisationId: null });
      const c2 = await nominate(id, orgC);
      expect(c2).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      const a1 = await nominate(id, orgA);
      expect(a1).toMatchObject({ status: 'enrolled', reservedOrganisationId: orgA });
      const a2 = await nominate(id, orgA);
      expect(a2).toMatchObject({ status: 'enrolled', reservedOrganisationId: orgA });
      const a3 = await nominate(id, orgA);
      expect(a3).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });
      let s = await getSession(id);
      expect(s).toMatchObject({ seatsTaken: 3, capacity: 4, waitingCount: 2 });
      expect(taken(s)).toEqual({ [orgA]: [2, 2], [orgB]: [0, 1] });

      // The registrar cannot put C's nominee into B's reserved seat either.
      expectError(
        await t.http
          .post(`/api/v1/enrolments/${c2.id}/promote`)
          .set(admin.auth)
          .send({ reason: 'Urgent' }),
        409,
        'NO_SEAT_AVAILABLE',
      );

      const b1 = await nominate(id, orgB);
      expect(b1).toMatchObject({ status: 'enrolled', reservedOrganisationId: orgB });
      s = await getSession(id);
      expect(s).toMatchObject({ seatsTaken: 4, waitingCount: 2 });

      // A's reserved seat freed: it goes to A's first in line (a3), not to the first in line (c2).
      await withdraw(a1.id);
      expect(await enrolment(a3.id)).toMatchObject({
        status: 'enrolled',
        reservedOrganisationId: orgA,
        waitlistPosition: null,
      });
      expect(await enrolment(c2.id)).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

      // A general seat freed: the first in line takes it.
      await withdraw(c1.id);
      expect(await enrolment(c2.id)).toMatchObject({
        status: 'enrolled',
        reservedOrganisationId: null,
      });
      s = await getSession(id);
      expect(s).toMatchObject({ seatsTaken: 4, waitingCount: 0 });
      expect(taken(s)).toEqual({ [orgA]: [2, 2], [orgB]: [1, 1] });
    });

    it('tells a trainee before the click whether a seat awaits them or a place in line', async () => {
      // 3 seats: 2 kept for A, 1 general; the general one is taken.
      const id = await openSession({
        capacity: 3,
        reservedSeats: [{ organisationId: orgA, seats: 2 }],
        reservationsEndOn: day(5),
      });
      await nominate(id, orgC);
      const viewAs = async (organisationId: string) => {
        const trainee = await makeTrainee(t.db, { organisationId });
        const user = await createUser(t, ['trainee'], { traineeId: trainee.id });
        const res = await t.http.get(`/api/v1/sessions/${id}`).set(user.auth).expect(200);
        return { body: res.body as { seatsLeft: number; canEnrol: object }, user, trainee };
      };
      // Seats left counts what anyone may take: the two kept for A are not B's.
      const b = await viewAs(orgB);
      expect(b.body.seatsLeft).toBe(0);
      expect(b.body.canEnrol).toEqual({ allowed: true, reasons: [], seatAvailable: false });
      const a = await viewAs(orgA);
      expect(a.body.canEnrol).toEqual({ allowed: true, reasons: [], seatAvailable: true });
      // What the route then does is what the answer said.
      const enrolAs = (v: typeof a) =>
        t.http
          .post(`/api/v1/sessions/${id}/enrolments`)
          .set(v.user.auth)
          .send({ traineeId: v.trainee.id });
      expect((await enrolAs(b)).body).toMatchObject({ status: 'waitlisted' });
      expect((await enrolAs(a)).body).toMatchObject({ status: 'enrolled' });
    });

    it('after reservationsEndOn the people waiting are promoted into unused reserved seats', async () => {
      const id = await openSession({
        capacity: 3,
        reservedSeats: [{ organisationId: orgA, seats: 2 }],
        reservationsEndOn: day(0),
      });
      const c1 = await nominate(id, orgC);
      const c2 = await nominate(id, orgB);
      const c3 = await nominate(id, orgC);
      expect([c1.status, c2.waitlistPosition, c3.waitlistPosition]).toEqual(['enrolled', 1, 2]);
      // On the last day itself, the reservations still hold.
      const s = await getSession(id);
      expect(s.reservationsHold).toBe(true);

      // The day passes (the reservations' last day is now yesterday).
      await t.db.query('UPDATE course_sessions SET reservations_end_on = $2 WHERE id = $1', [
        id,
        day(-1),
      ]);
      expect((await getSession(id)).reservationsHold).toBe(false);
      // The next enrolment first gives the waiting their seats, in order, then takes its turn.
      const c4 = await nominate(id, orgC);
      expect(c4).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });
      expect(await enrolment(c2.id)).toMatchObject({ status: 'enrolled' });
      expect(await enrolment(c3.id)).toMatchObject({ status: 'enrolled' });
      const events = await t.http
        .get(
          `/api/v1/audit-events?entityType=enrolment&entityId=${c2.id}&action=enrolment.promoted`,
        )
        .set(admin.auth);
      expect(events.body.items[0].reason).toBe('reservations_ended');
    });

    it('after reservationsEndOn a withdrawal or a change settles the line too', async () => {
      const id = await openSession({
        capacity: 2,
        reservedSeats: [{ organisationId: orgA, seats: 1 }],
        reservationsEndOn: day(0),
      });
      const c1 = await nominate(id, orgC);
      const c2 = await nominate(id, orgC);
      const c3 = await nominate(id, orgC);
      await t.db.query('UPDATE course_sessions SET reservations_end_on = $2 WHERE id = $1', [
        id,
        day(-1),
      ]);
      // A withdrawal from the line: the first in line is given A's unused seat.
      await withdraw(c3.id);
      expect(await enrolment(c2.id)).toMatchObject({ status: 'enrolled' });

      // A change to an unrelated field of another session does the same.
      const other = await openSession({
        capacity: 2,
        reservedSeats: [{ organisationId: orgA, seats: 1 }],
        reservationsEndOn: day(0),
      });
      await nominate(other, orgC);
      const waiting = await nominate(other, orgB);
      await t.db.query('UPDATE course_sessions SET reservations_end_on = $2 WHERE id = $1', [
        other,
        day(-1),
      ]);
      expect((await patch(other, { location: 'Baku, classroom 3' })).status).toBe(200);
      expect(await enrolment(waiting.id)).toMatchObject({ status: 'enrolled' });
      expect(c1.status).toBe('enrolled');
    });

    it('the daily job gives the unused seats to the waiting once the last day has passed', async () => {
      const id = await openSession({
        capacity: 2,
        reservedSeats: [{ organisationId: orgA, seats: 1 }],
        reservationsEndOn: day(0),
      });
      await nominate(id, orgC);
      const waiting = await nominate(id, orgB);
      expect(waiting.status).toBe('waitlisted');
      await t.db.query('UPDATE course_sessions SET reservations_end_on = $2 WHERE id = $1', [
        id,
        day(-1),
      ]);
      const run = await t.http.post('/api/v1/jobs/expiry-reminders').set(admin.auth);
      expect(run.status).toBe(202);
      expect(run.body.byType['enrolment.promoted']).toBeGreaterThanOrEqual(1);
      expect(await enrolment(waiting.id)).toMatchObject({ status: 'enrolled' });
      const events = await t.http
        .get(
          `/api/v1/audit-events?entityType=enrolment&entityId=${waiting.id}&action=enrolment.promoted`,
        )
        .set(admin.auth);
      expect(events.body.items[0]).toMatchObject({ reason: 'reservations_ended', actorId: null });
      // Nothing left to settle: a second run promotes nobody.
      const again = await t.http.post('/api/v1/jobs/expiry-reminders').set(admin.auth);
      expect(again.body.byType['enrolment.promoted']).toBeUndefined();
    });

    it('ending the reservations early by a change promotes the waiting at once', async () => {
      const id = await openSession({
        capacity: 2,
        reservedSeats: [{ organisationId: orgA, seats: 1 }],
        reservationsEndOn: day(3),
      });
      await nominate(id, orgB);
      const waiting = await nominate(id, orgB);
      expect(waiting.status).toBe('waitlisted');
      const res = await patch(id, { reservationsEndOn: day(-1) });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ seatsTaken: 2, waitingCount: 0, reservationsHold: false });
      expect(await enrolment(waiting.id)).toMatchObject({ status: 'enrolled' });
    });
  });

  describe('concurrency', () => {
    it('30 simultaneous nominations from three organisations never exceed capacity or a reservation', async () => {
      // Each organisation's coordinator nominates its own people, as employers do.
      const coordinators = new Map<string, SignedInUser>();
      for (const org of [orgA, orgB, orgC]) {
        coordinators.set(org, await createUser(t, ['coordinator'], { organisationId: org }));
      }
      for (let round = 0; round < 3; round++) {
        // 12 seats: 4 kept for A, 3 for B, 5 general.
        const id = await openSession({
          capacity: 12,
          reservedSeats: [
            { organisationId: orgA, seats: 4 },
            { organisationId: orgB, seats: 3 },
          ],
          reservationsEndOn: day(5),
        });
        const trainees = [];
        for (let i = 0; i < 30; i++) {
          const organisationId = [orgA, orgB, orgC][i % 3];
          const { id: traineeId } = await makeTrainee(t.db, { organisationId });
          trainees.push({ id: traineeId, organisationId });
        }
        const answers = await Promise.all(
          trainees.map((trainee) =>
            t.http
              .post(`/api/v1/sessions/${id}/enrolments`)
              .set(coordinators.get(trainee.organisationId)!.auth)
              .send({ traineeId: trainee.id }),
          ),
        );
        expect(answers.map((a) => a.status)).toEqual(Array(30).fill(201));
        const bodies = answers.map((a) => a.body as EnrolmentBody);
        const seated = bodies.filter((b) => b.status === 'enrolled');
        const waiting = bodies.filter((b) => b.status === 'waitlisted');
        expect(seated).toHaveLength(12);
        expect(waiting).toHaveLength(18);
        expect(waiting.map((b) => b.waitlistPosition).sort((a, b) => a! - b!)).toEqual(
          Array.from({ length: 18 }, (_, i) => i + 1),
        );
        const reservedFor = (org: string) =>
          seated.filter((b) => b.reservedOrganisationId === org).length;
        // A and B each have 10 nominees: every reserved seat goes to its own organisation.
        expect(reservedFor(orgA)).toBe(4);
        expect(reservedFor(orgB)).toBe(3);
        expect(seated.filter((b) => b.reservedOrganisationId === null)).toHaveLength(5);

        const s = await getSession(id);
        expect(s).toMatchObject({ seatsTaken: 12, capacity: 12, waitingCount: 18 });
        expect(taken(s)).toEqual({ [orgA]: [4, 4], [orgB]: [3, 3] });
        const [row] = (await t.db.query(
          `SELECT count(*) FILTER (WHERE status = 'enrolled')::int AS seated,
                  count(DISTINCT waitlist_position)::int AS positions,
                  max(waitlist_position)::int AS last
             FROM enrolments WHERE session_id = $1`,
          [id],
        )) as { seated: number; positions: number; last: number }[];
        expect(row).toEqual({ seated: 12, positions: 18, last: 18 });
      }
    });
  });
});
