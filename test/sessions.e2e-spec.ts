import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { addDays, today } from '../src/common/calendar.js';
import { isAssignedInstructor } from '../src/access/record-access.js';
import {
  CourseSession,
  SESSION_STATUSES,
  type SessionStatus,
} from '../src/courses/session.entity.js';
import { SessionsService } from '../src/courses/sessions.service.js';
import { MESSAGES } from '../src/web/i18n.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  assign,
  makeCourse,
  makeInstructor,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';
const TODAY = today('UTC');
const days = (n: number) => addDays(TODAY, n);

describe('sessions', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let trainee: SignedInUser;
  /** Signed in as an instructor assigned to `assignedSessionId`. */
  let instructor: SignedInUser;
  let instructorId: string;
  let courseId: string;
  let assignedSessionId: string;

  beforeAll(async () => {
    t = await startTestApp();
    courseId = (await makeCourse(t.db, { code: 'EOD-1', title: 'EOD Level 1', level: 'EOD 1' })).id;
    instructorId = (await makeInstructor(t.db, { givenName: 'Rashad', familyName: 'Aliyev' })).id;
    assignedSessionId = (await makeSession(t.db, courseId)).id;
    await assign(t.db, assignedSessionId, instructorId, 'lead');
    [admin, auditor, trainee, instructor] = await Promise.all([
      createUser(t, ['admin']),
      createUser(t, ['auditor']),
      createUser(t, ['trainee']),
      createUser(t, ['instructor'], { instructorId }),
    ]);
  });
  afterAll(() => t.close());

  const eventsOf = (sessionId: string) =>
    t.db.getRepository(AuditEvent).find({
      where: { entityType: 'session', entityId: sessionId },
      order: { seq: 'ASC' },
    });
  const session = (init: Parameters<typeof makeSession>[2] = {}) =>
    makeSession(t.db, courseId, { startsOn: days(7), endsOn: days(11), ...init });
  /** Who answers how on a write route: everyone but the admin is refused. */
  const writeRefusals = [
    ['anonymous', 401, undefined],
    ['a trainee', 403, () => trainee],
    ['the assigned instructor', 403, () => instructor],
    ['an auditor', 403, () => auditor],
  ] as const;

  describe('POST /api/v1/courses/:courseId/sessions', () => {
    const valid = (overrides: Record<string, unknown> = {}) => ({
      startsOn: days(10),
      endsOn: days(14),
      location: 'Goygol field training area',
      language: 'az',
      capacity: 12,
      ...overrides,
    });
    const post = (body: unknown, course = courseId, user: SignedInUser = admin) =>
      t.http
        .post(`/api/v1/courses/${course}/sessions`)
        .set(user.auth)
        .send(body as object);

    it('plans a session of an active course and audits it', async () => {
      const res = await post(valid({ language: ' AZ-Latn ', location: '  Baku, classroom 2 ' }));
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        courseId,
        course: {
          id: courseId,
          code: 'EOD-1',
          title: 'EOD Level 1',
          level: 'EOD 1',
          localizedTitle: 'EOD Level 1',
          localizedLevel: 'EOD 1',
        },
        startsOn: days(10),
        endsOn: days(14),
        location: 'Baku, classroom 2',
        language: 'az-latn',
        capacity: 12,
        seatsTaken: 0,
        seatsLeft: 12,
        waitingCount: 0,
        reservedSeats: [],
        reservationsEndOn: null,
        reservationsHold: false,
        status: 'planned',
        joiningInstructions: null,
        instructors: [],
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
        allowedTransitions: ['open', 'cancelled'],
        allowedActions: ['manage', 'readRoster', 'recordResults', 'printAttendanceSheet'],
        enrolment: null,
        canEnrol: null,
        canNominate: null,
        staffing: {
          instructors: 0,
          needed: null,
          maxTraineesPerInstructor: null,
          traineesPerInstructor: null,
          ok: true,
        },
        resultsDecided: false,
      });
      const events = await eventsOf(res.body.id);
      expect(events.map((e) => e.action)).toEqual(['session.created']);
      // The record, not what the admin who read it could do next.
      expect(Object.keys(events[0].data.after as object)).not.toContain('allowedTransitions');
      expect(Object.keys(events[0].data.after as object)).not.toContain('allowedActions');
      expect(Object.keys(events[0].data.after as object)).not.toContain('staffing');
      expect(Object.keys(events[0].data.after as object)).not.toContain('resultsDecided');
    });

    it('accepts a one-day session starting today', async () => {
      const res = await post(valid({ startsOn: TODAY, endsOn: TODAY, capacity: 1000 }));
      expect(res.status).toBe(201);
    });

    it('refuses endsOn before startsOn with 422 INVALID_DATES', async () => {
      expectError(await post(valid({ startsOn: days(5), endsOn: days(4) })), 422, 'INVALID_DATES');
    });

    it('refuses a start in the past with 422 INVALID_DATES, saying that it starts in the past, in each language', async () => {
      const past = valid({ startsOn: days(-1), endsOn: days(3) });
      const english = expectError(await post(past), 422, 'INVALID_DATES');
      expect(english.details).toEqual({
        startsOn: days(-1),
        today: TODAY,
        reason: 'starts_in_past',
      });
      expect(english.message).toBe(`A session cannot start in the past (today is ${TODAY})`);
      for (const lang of ['az', 'ru'] as const) {
        const res = await t.http
          .post(`/api/v1/courses/${courseId}/sessions`)
          .set(admin.auth)
          .set('Accept-Language', lang)
          .send(past);
        expect(expectError(res, 422, 'INVALID_DATES').message).toBe(
          MESSAGES[lang]['error.SESSION_STARTS_IN_PAST'],
        );
      }
      // The words the pages show for it say it too, not "the last day must be on or after the first".
      expect(MESSAGES.en['error.SESSION_STARTS_IN_PAST']).toMatch(/cannot start in the past/);
    });

    it.each(['draft', 'retired'] as const)(
      'refuses a %s course with 422 COURSE_NOT_ACTIVE',
      async (status) => {
        const course = await makeCourse(t.db, { status });
        const res = expectError(await post(valid(), course.id), 422, 'COURSE_NOT_ACTIVE');
        expect(res.details).toMatchObject({ status });
      },
    );

    it('answers 404 for an unknown course and 400 for a malformed id', async () => {
      expectError(await post(valid(), UNKNOWN_ID), 404, 'NOT_FOUND');
      expectError(await post(valid(), 'EOD-1'), 400, 'INVALID_ID');
    });

    it.each([
      ['an impossible date', { startsOn: '2027-02-30' }],
      ['a date without padding', { endsOn: '2027-2-3' }],
      ['a timestamp', { startsOn: '2027-02-03T10:00:00Z' }],
      ['a missing endsOn', { endsOn: undefined }],
      ['capacity 0', { capacity: 0 }],
      ['capacity 1001', { capacity: 1001 }],
      ['a fractional capacity', { capacity: 2.5 }],
      ['capacity as a string', { capacity: '12' }],
      ['a language name', { language: 'english' }],
      ['a one-letter language', { language: 'a' }],
      ['a language with spaces', { language: 'az latn' }],
      ['an empty location', { location: ' ' }],
      ['a null location', { location: null }],
      ['a location too long', { location: 'x'.repeat(201) }],
      ['an unknown field', { status: 'open' }],
    ])('refuses %s with 400', async (_case, overrides) => {
      expectError(await post(valid(overrides)), 400);
    });

    it.each(writeRefusals)('answers %s with %i', async (_role, status, who) => {
      const req = t.http.post(`/api/v1/courses/${courseId}/sessions`);
      if (who) void req.set(who().auth);
      expectError(await req.send(valid()), status);
    });
  });

  describe('GET /api/v1/sessions', () => {
    let listCourseId: string;
    let ids: Record<string, string>;
    let otherInstructorId: string;

    beforeAll(async () => {
      listCourseId = (await makeCourse(t.db, { code: 'LIST-1' })).id;
      const at = (startsOn: string, status: SessionStatus = 'open') =>
        makeSession(t.db, listCourseId, { startsOn, endsOn: addDays(startsOn, 2), status }).then(
          (s) => s.id,
        );
      ids = {
        jan: await at('2027-01-10'),
        febA: await at('2027-02-01', 'planned'),
        febB: await at('2027-02-01', 'planned'),
        mar: await at('2027-03-15', 'cancelled'),
        apr: await at('2027-04-01'),
      };
      otherInstructorId = (await makeInstructor(t.db)).id;
      await assign(t.db, ids.mar, otherInstructorId, 'assistant');
      await assign(t.db, ids.jan, instructorId, 'assistant');
    });

    const list = (query: Record<string, string | number>, user: SignedInUser = admin) =>
      t.http.get('/api/v1/sessions').query(query).set(user.auth);
    const idsOf = (res: { body: { items: { id: string }[] } }) => res.body.items.map((s) => s.id);
    const byId = (a: string, b: string) => (a < b ? [a, b] : [b, a]);

    it("lists a course's sessions by start date, then id", async () => {
      const res = await list({ courseId: listCourseId });
      expect(res.status).toBe(200);
      expect(idsOf(res)).toEqual([ids.jan, ...byId(ids.febA, ids.febB), ids.mar, ids.apr]);
      expect(res.body.items[0]).toMatchObject({
        course: { code: 'LIST-1' },
        seatsLeft: 10,
        instructors: [
          { instructorId, role: 'assistant', givenName: 'Rashad', familyName: 'Aliyev' },
        ],
      });
    });

    it('filters by status and by an inclusive from/to range of start dates', async () => {
      expect(idsOf(await list({ courseId: listCourseId, status: 'cancelled' }))).toEqual([ids.mar]);
      expect(
        idsOf(await list({ courseId: listCourseId, from: '2027-02-01', to: '2027-03-15' })),
      ).toEqual([...byId(ids.febA, ids.febB), ids.mar]);
      expect(idsOf(await list({ courseId: listCourseId, from: '2027-03-16' }))).toEqual([ids.apr]);
    });

    it('filters by assigned instructor, and mine=true gives an instructor their own sessions', async () => {
      expect(idsOf(await list({ instructorId: otherInstructorId }))).toEqual([ids.mar]);
      const mine = await list({ mine: 'true' }, instructor);
      expect(idsOf(mine).sort()).toEqual([ids.jan, assignedSessionId].sort());
      expect((await list({ mine: 'true' }, trainee)).body.items).toEqual([]);
    });

    it('pages on (startsOn, id) with a cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await list({ courseId: listCourseId, limit: 2, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        seen.push(...idsOf(res));
        cursor = res.body.nextCursor;
        pages++;
      } while (cursor);
      expect(pages).toBe(3);
      expect(seen).toEqual([ids.jan, ...byId(ids.febA, ids.febB), ids.mar, ids.apr]);
    });

    it.each([
      ['an impossible from date', { from: '2027-02-30' }],
      ['a malformed to date', { to: 'tomorrow' }],
      ['an unknown status', { status: 'done' }],
      ['a malformed courseId', { courseId: 'EOD-1' }],
      ['a malformed instructorId', { instructorId: '123' }],
      ['mine=yes', { mine: 'yes' }],
      ['a bad cursor', { cursor: 'eyJhIjoxfQ' }],
      ['limit 500', { limit: 500 }],
      ['an unknown parameter', { location: 'Baku' }],
    ])('refuses %s with 400', async (_case, query) => {
      expectError(await list(query), 400);
    });

    it.each([
      ['a trainee', () => trainee],
      ['an instructor', () => instructor],
      ['an auditor', () => auditor],
    ])('is open to %s', async (_role, who) => {
      const res = await list({ courseId: listCourseId }, who());
      expect(res.status).toBe(200);
      expect(res.body.items).toHaveLength(5);
    });

    it('answers anonymous callers with 401', async () => {
      expectError(await t.http.get('/api/v1/sessions'), 401);
    });
  });

  describe('GET /api/v1/sessions/:id', () => {
    it('shows the session, its seats and its instructors (lead first) to any signed-in user', async () => {
      const s = await session({ capacity: 8, seatsTaken: 3 });
      const assistant = await makeInstructor(t.db, { givenName: 'Aygun', familyName: 'Babayeva' });
      const lead = await makeInstructor(t.db, { givenName: 'Zaur', familyName: 'Zeynalov' });
      await assign(t.db, s.id, assistant.id, 'assistant');
      await assign(t.db, s.id, lead.id, 'lead');
      for (const user of [admin, auditor, trainee, instructor]) {
        const res = await t.http.get(`/api/v1/sessions/${s.id}`).set(user.auth);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ capacity: 8, seatsTaken: 3, seatsLeft: 5 });
        expect(res.body.instructors).toEqual([
          { instructorId: lead.id, role: 'lead', givenName: 'Zaur', familyName: 'Zeynalov' },
          {
            instructorId: assistant.id,
            role: 'assistant',
            givenName: 'Aygun',
            familyName: 'Babayeva',
          },
        ]);
      }
    });

    it('answers 401, 400 and 404 as due', async () => {
      expectError(await t.http.get(`/api/v1/sessions/${assignedSessionId}`), 401);
      expectError(await t.http.get('/api/v1/sessions/x').set(admin.auth), 400, 'INVALID_ID');
      expectError(await t.http.get(`/api/v1/sessions/${UNKNOWN_ID}`).set(admin.auth), 404);
    });
  });

  describe('PATCH /api/v1/sessions/:id', () => {
    const patch = (id: string, body: unknown, user: SignedInUser = admin) =>
      t.http
        .patch(`/api/v1/sessions/${id}`)
        .set(user.auth)
        .send(body as object);

    it('changes dates, place, language and capacity, and audits before and after', async () => {
      const s = await session({ status: 'open' });
      const res = await patch(s.id, {
        startsOn: days(8),
        endsOn: days(12),
        location: 'Baku',
        language: 'RU',
        capacity: 20,
        version: 1,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        startsOn: days(8),
        endsOn: days(12),
        location: 'Baku',
        language: 'ru',
        capacity: 20,
        seatsLeft: 20,
        version: 2,
      });
      const [event] = await eventsOf(s.id);
      expect(event.action).toBe('session.updated');
      expect(event.data).toEqual({
        before: {
          startsOn: days(7),
          endsOn: days(11),
          location: 'Goygol field training area',
          language: 'az',
          capacity: 10,
          joiningInstructions: null,
          reservationsEndOn: null,
          reservedSeats: [],
        },
        after: {
          startsOn: days(8),
          endsOn: days(12),
          location: 'Baku',
          language: 'ru',
          capacity: 20,
          joiningInstructions: null,
          reservationsEndOn: null,
          reservedSeats: [],
        },
      });
    });

    it('keeps capacity at or above the seats taken (422 CAPACITY_BELOW_SEATS_TAKEN)', async () => {
      const s = await session({ capacity: 10, seatsTaken: 6 });
      const res = expectError(
        await patch(s.id, { capacity: 5 }),
        422,
        'CAPACITY_BELOW_SEATS_TAKEN',
      );
      expect(res.details).toEqual({ seatsTaken: 6, capacity: 5 });
      expect((await patch(s.id, { capacity: 6 })).body).toMatchObject({
        capacity: 6,
        seatsLeft: 0,
      });
    });

    it('checks the dates together with the stored ones (422 INVALID_DATES, a past start said as such)', async () => {
      const s = await session();
      expectError(await patch(s.id, { endsOn: days(6) }), 422, 'INVALID_DATES');
      expectError(await patch(s.id, { startsOn: days(12) }), 422, 'INVALID_DATES');
      const past = expectError(await patch(s.id, { startsOn: days(-1) }), 422, 'INVALID_DATES');
      expect(past.details).toEqual({ startsOn: days(-1), today: TODAY, reason: 'starts_in_past' });
      expect((await patch(s.id, { startsOn: TODAY })).status).toBe(200);
    });

    it('lets an open session that has already started change its end date', async () => {
      const s = await session({ startsOn: days(-2), endsOn: days(2), status: 'open' });
      expect((await patch(s.id, { endsOn: days(3) })).status).toBe(200);
    });

    it.each(['in_progress', 'completed', 'cancelled'] as const)(
      'refuses changes to a %s session with 409 SESSION_NOT_EDITABLE',
      async (status) => {
        const s = await session({ status });
        expectError(await patch(s.id, { location: 'Baku' }), 409, 'SESSION_NOT_EDITABLE');
      },
    );

    it('refuses a stale version with 409 STALE_VERSION', async () => {
      const s = await session();
      expect((await patch(s.id, { location: 'Ganja' })).status).toBe(200);
      const res = expectError(
        await patch(s.id, { location: 'Baku', version: 1 }),
        409,
        'STALE_VERSION',
      );
      expect(res.details).toEqual({ currentVersion: 2 });
    });

    it.each([
      ['an empty body', {}],
      ['an impossible date', { startsOn: '2027-02-29' }],
      ['capacity 1001', { capacity: 1001 }],
      ['capacity -1', { capacity: -1 }],
      ['a null location', { location: null }],
      ['a bad language', { language: 'en_GB' }],
      ['an unknown field', { seatsTaken: 0 }],
      ['a status', { status: 'open' }],
    ])('refuses %s with 400', async (_case, body) => {
      const s = await session();
      expectError(await patch(s.id, body), 400);
    });

    it('answers 404 for an unknown session', async () => {
      expectError(await patch(UNKNOWN_ID, { capacity: 3 }), 404);
    });

    it.each(writeRefusals)('answers %s with %i', async (_role, status, who) => {
      const req = t.http.patch(`/api/v1/sessions/${assignedSessionId}`);
      if (who) void req.set(who().auth);
      expectError(await req.send({ capacity: 11 }), status);
    });
  });

  describe('POST /api/v1/sessions/:id/status', () => {
    const move = (id: string, body: unknown, user: SignedInUser = admin) =>
      t.http
        .post(`/api/v1/sessions/${id}/status`)
        .set(user.auth)
        .send(body as object);

    it('moves planned → open → in_progress → completed, auditing each step', async () => {
      const s = await session({ status: 'planned', startsOn: days(-4), endsOn: days(-1) });
      for (const status of ['open', 'in_progress', 'completed']) {
        const res = await move(s.id, { status });
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(status);
        // Pass/fail is decided with completion, and the answer says so (pages ask it).
        expect(res.body.resultsDecided).toBe(status === 'completed');
      }
      const events = await eventsOf(s.id);
      expect(events.map((e) => [e.action, e.data])).toEqual([
        ['session.status_changed', { before: { status: 'planned' }, after: { status: 'open' } }],
        [
          'session.status_changed',
          { before: { status: 'open' }, after: { status: 'in_progress' } },
        ],
        [
          'session.status_changed',
          { before: { status: 'in_progress' }, after: { status: 'completed' } },
        ],
      ]);
    });

    it.each(['planned', 'open'] as const)('cancels a %s session', async (from) => {
      const s = await session({ status: from });
      expect((await move(s.id, { status: 'cancelled' })).body.status).toBe('cancelled');
    });

    it('cancelling ends every seat and place in line (cancelled, no position), frees the seats, one audit event each', async () => {
      const s = await session({ status: 'open', capacity: 1 });
      const [seated, waiting, left] = await Promise.all([
        makeTrainee(t.db),
        makeTrainee(t.db),
        makeTrainee(t.db),
      ]);
      const enrol = async (traineeId: string) =>
        (
          await t.http
            .post(`/api/v1/sessions/${s.id}/enrolments`)
            .set(admin.auth)
            .send({ traineeId })
            .expect(201)
        ).body as { id: string; status: string; waitlistPosition: number | null };
      const seat = await enrol(seated.id);
      const gone = await enrol(left.id);
      const line = await enrol(waiting.id);
      expect([seat.status, gone.status, line]).toMatchObject([
        'enrolled',
        'waitlisted',
        { status: 'waitlisted', waitlistPosition: 2 },
      ]);
      await t.http.post(`/api/v1/enrolments/${gone.id}/withdraw`).set(admin.auth).expect(200);

      const res = await move(s.id, { status: 'cancelled' });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ status: 'cancelled', seatsTaken: 0, seatsLeft: 1 });
      expect(res.body.allowedTransitions).toEqual([]);
      for (const [id, was] of [
        [seat.id, 'enrolled'],
        [line.id, 'waitlisted'],
      ]) {
        const e = await t.http.get(`/api/v1/enrolments/${id}`).set(admin.auth).expect(200);
        expect(e.body).toMatchObject({ status: 'cancelled', waitlistPosition: null });
        const events = await t.db.getRepository(AuditEvent).find({
          where: { entityType: 'enrolment', entityId: id, action: 'enrolment.cancelled' },
        });
        expect(events.map((ev) => [ev.reason, ev.data])).toEqual([
          [
            'session_cancelled',
            {
              before: { status: was, waitlistPosition: was === 'waitlisted' ? 1 : null },
              after: { status: 'cancelled', waitlistPosition: null },
            },
          ],
        ]);
      }
      // A withdrawal stays what it was.
      const withdrawn = await t.http.get(`/api/v1/enrolments/${gone.id}`).set(admin.auth);
      expect(withdrawn.body.status).toBe('withdrawn');
      // The roster and the trainee's transcript say so too.
      const roster = await t.http.get(`/api/v1/sessions/${s.id}/enrolments`).set(admin.auth);
      expect(
        (roster.body.items as { id: string; status: string }[]).map((e) => [e.id, e.status]).sort(),
      ).toEqual(
        [
          [seat.id, 'cancelled'],
          [line.id, 'cancelled'],
          [gone.id, 'withdrawn'],
        ].sort(),
      );
      const transcript = await t.http
        .get(`/api/v1/trainees/${seated.id}/transcript`)
        .set(admin.auth)
        .expect(200);
      expect(transcript.body.enrolments).toMatchObject([
        { enrolmentId: seat.id, status: 'cancelled', waitlistPosition: null },
      ]);
      const stored = await t.db.getRepository(CourseSession).findOneByOrFail({ id: s.id });
      expect(stored.seatsTaken).toBe(0);
    });

    it.each([
      ['planned', 'planned'],
      ['planned', 'in_progress'],
      ['planned', 'completed'],
      ['open', 'planned'],
      ['open', 'completed'],
      ['in_progress', 'open'],
      ['in_progress', 'cancelled'],
      ['completed', 'in_progress'],
      ['completed', 'cancelled'],
      ['cancelled', 'open'],
      ['cancelled', 'planned'],
    ] as const)('refuses %s → %s with 409 ILLEGAL_TRANSITION', async (from, to) => {
      const s = await session({ status: from, startsOn: days(-10), endsOn: days(-5) });
      const res = expectError(await move(s.id, { status: to }), 409, 'ILLEGAL_TRANSITION');
      expect(res.details).toEqual({ from, to });
    });

    describe('allowedTransitions', () => {
      const read = (id: string, user: SignedInUser = admin) =>
        t.http.get(`/api/v1/sessions/${id}`).set(user.auth).expect(200);

      it('lists for an admin exactly what the status route then accepts, from every status, before and on the last day', async () => {
        for (const from of SESSION_STATUSES) {
          for (const endsOn of [days(1), TODAY]) {
            for (const to of SESSION_STATUSES) {
              const s = await session({ status: from, startsOn: days(-2), endsOn });
              const allowed = (await read(s.id)).body.allowedTransitions as string[];
              const res = await move(s.id, { status: to });
              expect({ from, to, endsOn, status: res.status }).toEqual({
                from,
                to,
                endsOn,
                status: allowed.includes(to) ? 200 : expect.any(Number),
              });
              if (!allowed.includes(to)) expect([409, 422]).toContain(res.status);
            }
          }
        }
      });

      it('leaves out completing before the last day and opening for a retired course', async () => {
        const early = await session({ status: 'in_progress', startsOn: days(-1), endsOn: days(1) });
        expect((await read(early.id)).body.allowedTransitions).toEqual([]);
        const lastDay = await session({ status: 'in_progress', startsOn: days(-1), endsOn: TODAY });
        expect((await read(lastDay.id)).body.allowedTransitions).toEqual(['completed']);
        const retired = await makeCourse(t.db, { status: 'retired' });
        const s = await makeSession(t.db, retired.id, { status: 'planned' });
        expect((await read(s.id)).body.allowedTransitions).toEqual(['cancelled']);
      });

      it('is empty for everyone but admins, on one session and in lists', async () => {
        const s = await session({ status: 'planned' });
        expect((await read(s.id)).body.allowedTransitions).toEqual(['open', 'cancelled']);
        for (const user of [trainee, instructor, auditor]) {
          expect((await read(s.id, user)).body.allowedTransitions).toEqual([]);
        }
        const list = async (user: SignedInUser) =>
          (
            (
              await t.http
                .get(`/api/v1/sessions?courseId=${courseId}&status=planned&limit=200`)
                .set(user.auth)
                .expect(200)
            ).body.items as { id: string; allowedTransitions: string[] }[]
          ).find((item) => item.id === s.id)!.allowedTransitions;
        expect(await list(admin)).toEqual(['open', 'cancelled']);
        expect(await list(auditor)).toEqual([]);
      });
    });

    it('completes a session on its last day, not before (422 SESSION_NOT_FINISHED)', async () => {
      const early = await session({ status: 'in_progress', startsOn: days(-1), endsOn: days(1) });
      const res = expectError(
        await move(early.id, { status: 'completed' }),
        422,
        'SESSION_NOT_FINISHED',
      );
      expect(res.details).toEqual({ endsOn: days(1), today: TODAY });
      const lastDay = await session({ status: 'in_progress', startsOn: days(-1), endsOn: TODAY });
      expect((await move(lastDay.id, { status: 'completed' })).status).toBe(200);
    });

    it('refuses to open a session of a course that was retired (422 COURSE_NOT_ACTIVE)', async () => {
      const retired = await makeCourse(t.db, { status: 'retired' });
      const s = await makeSession(t.db, retired.id, { status: 'planned' });
      expectError(await move(s.id, { status: 'open' }), 422, 'COURSE_NOT_ACTIVE');
      expect((await move(s.id, { status: 'cancelled' })).status).toBe(200);
    });

    it('refuses a stale version with 409 STALE_VERSION', async () => {
      const s = await session({ status: 'planned' });
      expect((await move(s.id, { status: 'open', version: 1 })).body.version).toBe(2);
      expectError(await move(s.id, { status: 'cancelled', version: 1 }), 409, 'STALE_VERSION');
    });

    it.each([
      ['a missing status', {}],
      ['an unknown status', { status: 'finished' }],
      ['a status in capitals', { status: 'OPEN' }],
      ['an unknown field', { status: 'open', reason: 'ready' }],
    ])('refuses %s with 400', async (_case, body) => {
      const s = await session({ status: 'planned' });
      expectError(await move(s.id, body), 400);
    });

    it('answers 404 for an unknown session', async () => {
      expectError(await move(UNKNOWN_ID, { status: 'open' }), 404);
    });

    it.each(writeRefusals)('answers %s with %i', async (_role, status, who) => {
      const req = t.http.post(`/api/v1/sessions/${assignedSessionId}/status`);
      if (who) void req.set(who().auth);
      expectError(await req.send({ status: 'cancelled' }), status);
    });

    describe("in the Center's time zone", () => {
      let zoned: TestApp;
      let zonedAdmin: SignedInUser;
      // Whichever of these two zones is on another calendar day than UTC right now.
      const zone = new Date().getUTCHours() >= 11 ? 'Pacific/Kiritimati' : 'Pacific/Pago_Pago';
      const zoneToday = today(zone);

      beforeAll(async () => {
        zoned = await startTestApp({ timeZone: zone });
        zonedAdmin = await createUser(zoned, ['admin']);
      });
      afterAll(() => zoned.close());

      it('decides whether the last day has come by the local date, not UTC', async () => {
        expect(zoneToday).not.toBe(TODAY);
        const course = await makeCourse(zoned.db);
        const s = await makeSession(zoned.db, course.id, {
          status: 'in_progress',
          startsOn: days(-3),
          endsOn: zoneToday > TODAY ? zoneToday : TODAY,
        });
        // allowedTransitions counts days where the route does.
        const before = await zoned.http.get(`/api/v1/sessions/${s.id}`).set(zonedAdmin.auth);
        expect(before.body.allowedTransitions).toEqual(zoneToday > TODAY ? ['completed'] : []);
        const res = await zoned.http
          .post(`/api/v1/sessions/${s.id}/status`)
          .set(zonedAdmin.auth)
          .send({ status: 'completed' });
        // Ahead of UTC: the last day has come locally. Behind: it has come in UTC only.
        if (zoneToday > TODAY) expect(res.status).toBe(200);
        else expectError(res, 422, 'SESSION_NOT_FINISHED');
      });
    });
  });

  describe('POST /api/v1/sessions/:id/instructors', () => {
    const post = (sessionId: string, body: unknown, user: SignedInUser = admin) =>
      t.http
        .post(`/api/v1/sessions/${sessionId}/instructors`)
        .set(user.auth)
        .send(body as object);
    const qualifiedInstructor = async (validUntil = days(365)) => {
      const person = await makeInstructor(t.db);
      await qualify(t.db, person.id, courseId, validUntil);
      return person;
    };

    it('assigns a qualified lead and assistant, answering the session', async () => {
      const s = await session();
      const lead = await qualifiedInstructor();
      const assistant = await qualifiedInstructor();
      const first = await post(s.id, { instructorId: lead.id, role: 'lead' });
      expect(first.status).toBe(201);
      expect(first.body).toMatchObject({
        id: s.id,
        instructors: [
          { instructorId: lead.id, role: 'lead', givenName: 'Rashad', familyName: 'Aliyev' },
        ],
      });
      const second = await post(s.id, {
        instructorId: assistant.id.toUpperCase(),
        role: 'assistant',
      });
      expect(second.status).toBe(201);
      expect(second.body.instructors.map((i: { role: string }) => i.role)).toEqual([
        'lead',
        'assistant',
      ]);
      const events = await eventsOf(s.id);
      expect(events.map((e) => [e.action, e.data])).toEqual([
        ['session.instructor_assigned', { after: { instructorId: lead.id, role: 'lead' } }],
        [
          'session.instructor_assigned',
          { after: { instructorId: assistant.id, role: 'assistant' } },
        ],
      ]);
    });

    describe('qualification', () => {
      it('refuses an instructor with no qualification for the course', async () => {
        const s = await session();
        const person = await makeInstructor(t.db);
        const other = await makeCourse(t.db);
        await qualify(t.db, person.id, other.id, days(365));
        const res = expectError(
          await post(s.id, { instructorId: person.id, role: 'lead' }),
          422,
          'INSTRUCTOR_NOT_QUALIFIED',
        );
        expect(res.details).toEqual({
          instructorId: person.id,
          courseId,
          requiredUntil: s.endsOn,
        });
      });

      it('refuses an expired qualification', async () => {
        const s = await session({ startsOn: days(-3), endsOn: days(-1), status: 'in_progress' });
        const person = await qualifiedInstructor(days(-1));
        const res = expectError(
          await post(s.id, { instructorId: person.id, role: 'assistant' }),
          422,
          'INSTRUCTOR_NOT_QUALIFIED',
        );
        expect(res.details).toMatchObject({ requiredUntil: TODAY });
      });

      it('refuses a qualification that lapses before the session ends', async () => {
        const s = await session({ endsOn: days(11) });
        const person = await qualifiedInstructor(days(10));
        expectError(
          await post(s.id, { instructorId: person.id, role: 'lead' }),
          422,
          'INSTRUCTOR_NOT_QUALIFIED',
        );
      });

      it('accepts a qualification valid through the last day, or renewed after lapsing', async () => {
        const s = await session({ endsOn: days(11) });
        const exact = await qualifiedInstructor(days(11));
        expect((await post(s.id, { instructorId: exact.id, role: 'lead' })).status).toBe(201);
        const renewed = await qualifiedInstructor(days(-30));
        await qualify(t.db, renewed.id, courseId, days(400));
        expect((await post(s.id, { instructorId: renewed.id, role: 'assistant' })).status).toBe(
          201,
        );
      });
    });

    it('refuses a second lead with 409 LEAD_ALREADY_ASSIGNED, even when both arrive at once', async () => {
      const s = await session();
      const [a, b, c] = await Promise.all([
        qualifiedInstructor(),
        qualifiedInstructor(),
        qualifiedInstructor(),
      ]);
      const both = await Promise.all([
        post(s.id, { instructorId: a.id, role: 'lead' }),
        post(s.id, { instructorId: b.id, role: 'lead' }),
      ]);
      expect(both.map((r) => r.status).sort()).toEqual([201, 409]);
      expectError(
        both.find((r) => r.status === 409)!,
        409,
        'LEAD_ALREADY_ASSIGNED',
      );
      expectError(
        await post(s.id, { instructorId: c.id, role: 'lead' }),
        409,
        'LEAD_ALREADY_ASSIGNED',
      );
    });

    it('refuses an instructor already assigned with 409 ALREADY_ASSIGNED', async () => {
      const s = await session();
      const person = await qualifiedInstructor();
      expect((await post(s.id, { instructorId: person.id, role: 'assistant' })).status).toBe(201);
      expectError(
        await post(s.id, { instructorId: person.id, role: 'lead' }),
        409,
        'ALREADY_ASSIGNED',
      );
    });

    it.each(['completed', 'cancelled'] as const)(
      'refuses changes to a %s session with 409 SESSION_CLOSED',
      async (status) => {
        const s = await session({ status, startsOn: days(-5), endsOn: days(-1) });
        const person = await qualifiedInstructor();
        expectError(
          await post(s.id, { instructorId: person.id, role: 'lead' }),
          409,
          'SESSION_CLOSED',
        );
      },
    );

    it('assigns to a session in progress', async () => {
      const s = await session({ status: 'in_progress', startsOn: days(-1) });
      const person = await qualifiedInstructor();
      expect((await post(s.id, { instructorId: person.id, role: 'assistant' })).status).toBe(201);
    });

    it('refuses an unknown instructor (422) and an unknown session (404)', async () => {
      const s = await session();
      const res = expectError(
        await post(s.id, { instructorId: UNKNOWN_ID, role: 'lead' }),
        422,
        'REFERENCE_NOT_FOUND',
      );
      expect(res.details).toEqual({ field: 'instructorId' });
      const person = await qualifiedInstructor();
      expectError(await post(UNKNOWN_ID, { instructorId: person.id, role: 'lead' }), 404);
    });

    it.each([
      ['an unknown role', { role: 'chief' }],
      ['a missing role', { role: undefined }],
      ['a malformed instructorId', { instructorId: 'rashad' }],
      ['a numeric instructorId', { instructorId: 7 }],
      ['an unknown field', { note: 'x' }],
    ])('refuses %s with 400', async (_case, overrides) => {
      const s = await session();
      expectError(await post(s.id, { instructorId: UNKNOWN_ID, role: 'lead', ...overrides }), 400);
    });

    it.each(writeRefusals)('answers %s with %i', async (_role, status, who) => {
      const s = await session();
      const req = t.http.post(`/api/v1/sessions/${s.id}/instructors`);
      if (who) void req.set(who().auth);
      // Even the instructor offering themselves, qualified, is refused.
      await qualify(t.db, instructorId, courseId, days(365));
      expectError(await req.send({ instructorId, role: 'lead' }), status);
    });
  });

  describe('DELETE /api/v1/sessions/:id/instructors/:instructorId', () => {
    const remove = (sessionId: string, who: string, user: SignedInUser = admin) =>
      t.http.delete(`/api/v1/sessions/${sessionId}/instructors/${who}`).set(user.auth);

    it('takes an instructor off a session (204) and audits it', async () => {
      const s = await session();
      const person = await makeInstructor(t.db);
      await assign(t.db, s.id, person.id, 'lead');
      const res = await remove(s.id, person.id);
      expect(res.status).toBe(204);
      expect(res.text).toBe('');
      const after = await t.http.get(`/api/v1/sessions/${s.id}`).set(admin.auth);
      expect(after.body.instructors).toEqual([]);
      const events = await eventsOf(s.id);
      expect(events.map((e) => [e.action, e.data])).toEqual([
        ['session.instructor_unassigned', { before: { instructorId: person.id, role: 'lead' } }],
      ]);
      expectError(await remove(s.id, person.id), 404, 'NOT_FOUND');
    });

    it('ends what the access policy counts as "assigned"', async () => {
      const s = await session();
      await assign(t.db, s.id, instructorId, 'assistant');
      expect(await isAssignedInstructor(t.db.manager, instructorId, s.id)).toBe(true);
      expect((await remove(s.id, instructorId)).status).toBe(204);
      expect(await isAssignedInstructor(t.db.manager, instructorId, s.id)).toBe(false);
    });

    it('answers 404 for someone not assigned and for an unknown session', async () => {
      const s = await session();
      const person = await makeInstructor(t.db);
      expectError(await remove(s.id, person.id), 404);
      expectError(await remove(UNKNOWN_ID, person.id), 404);
    });

    it('refuses to rewrite who taught a completed or cancelled session (409 SESSION_CLOSED)', async () => {
      for (const status of ['completed', 'cancelled'] as const) {
        const s = await session({ status, startsOn: days(-5), endsOn: days(-1) });
        const person = await makeInstructor(t.db);
        await assign(t.db, s.id, person.id, 'lead');
        expectError(await remove(s.id, person.id), 409, 'SESSION_CLOSED');
      }
    });

    it('answers 400 for malformed ids', async () => {
      expectError(await remove('x', instructorId), 400, 'INVALID_ID');
      expectError(await remove(assignedSessionId, 'x'), 400, 'INVALID_ID');
    });

    it.each(writeRefusals)('answers %s with %i', async (_role, status, who) => {
      const req = t.http.delete(
        `/api/v1/sessions/${assignedSessionId}/instructors/${instructorId}`,
      );
      if (who) void req.set(who().auth);
      expectError(await req, status);
    });
  });

  describe('SessionsService.getSessionWithCourse (for other modules)', () => {
    it('gives the session with its course, locked if asked, or 404', async () => {
      const service = t.app.get(SessionsService);
      const s = await session();
      const found = await t.db.transaction((tx) =>
        service.getSessionWithCourse(tx, s.id, { lock: 'update' }),
      );
      expect(found.session.id).toBe(s.id);
      expect(found.course).toMatchObject({ id: courseId, code: 'EOD-1' });
      await expect(service.getSessionWithCourse(t.db.manager, UNKNOWN_ID)).rejects.toMatchObject({
        status: 404,
      });
    });
  });
});
