import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger, QueryRunner } from 'typeorm';
import { CourseSession } from '../src/courses/session.entity.js';
import { addDays, today } from '../src/common/calendar.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  assign,
  makeCertificate,
  makeCourse,
  makeInstructor,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

describe('enrolment', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    // No mail worker: it would send the mail these changes queue while a test counts the
    // statements a request makes (the mail itself is tested in the notification suites).
    t = await startTestApp({ mailWorker: false });
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  const enrol = (user: SignedInUser, sessionId: string, traineeId: string) =>
    t.http.post(`/api/v1/sessions/${sessionId}/enrolments`).set(user.auth).send({ traineeId });

  async function traineeUser() {
    const trainee = await makeTrainee(t.db);
    const user = await createUser(t, ['trainee'], { traineeId: trainee.id });
    return { trainee, user };
  }

  describe('POST /sessions/:id/enrolments', () => {
    it('a trainee enrols themself and takes a seat', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id, { capacity: 2 });
      const { trainee, user } = await traineeUser();
      const res = await enrol(user, session.id, trainee.id);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        sessionId: session.id,
        traineeId: trainee.id,
        status: 'enrolled',
        waitlistPosition: null,
      });
      expectError(await enrol(user, session.id, trainee.id), 409, 'ALREADY_ENROLLED');
    });

    it('a trainee may not enrol someone else; instructors and auditors may not enrol; anonymous 401', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id);
      const { user } = await traineeUser();
      const other = await makeTrainee(t.db);
      expectError(await enrol(user, session.id, other.id), 403);
      expectError(await enrol(auditor, session.id, other.id), 403);
      const instructor = await createUser(t, ['instructor']);
      expectError(await enrol(instructor, session.id, other.id), 403);
      expectError(
        await t.http
          .post(`/api/v1/sessions/${session.id}/enrolments`)
          .send({ traineeId: other.id }),
        401,
      );
      // An admin enrols anyone.
      expect((await enrol(admin, session.id, other.id)).status).toBe(201);
    });

    it('refuses a session that is not open', async () => {
      const course = await makeCourse(t.db);
      const trainee = await makeTrainee(t.db);
      for (const status of ['planned', 'in_progress', 'completed', 'cancelled'] as const) {
        const session = await makeSession(t.db, course.id, { status });
        const body = expectError(
          await enrol(admin, session.id, trainee.id),
          422,
          'SESSION_NOT_OPEN',
        );
        expect(body.details).toEqual({ status });
      }
    });

    it('answers 400 for bad input and 404/422 for unknown records', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id);
      expectError(
        await t.http
          .post(`/api/v1/sessions/${session.id}/enrolments`)
          .set(admin.auth)
          .send({ traineeId: 'x' }),
        400,
      );
      expectError(
        await t.http.post(`/api/v1/sessions/${session.id}/enrolments`).set(admin.auth).send({}),
        400,
      );
      expectError(
        await t.http.post(`/api/v1/sessions/${session.id}/enrolments`).set(admin.auth).send([1, 2]),
        400,
      );
      expectError(
        await t.http
          .post('/api/v1/sessions/nope/enrolments')
          .set(admin.auth)
          .send({ traineeId: session.id }),
        400,
      );
      expectError(
        await enrol(admin, '00000000-0000-4000-8000-000000000000', (await makeTrainee(t.db)).id),
        404,
      );
      expectError(
        await enrol(admin, session.id, '00000000-0000-4000-8000-000000000000'),
        422,
        'REFERENCE_NOT_FOUND',
      );
    });
  });

  describe('prerequisites', () => {
    it('requires a certificate for each prerequisite that is current on the session start date', async () => {
      const eod1 = await makeCourse(t.db, { code: `EOD1-${Date.now()}` });
      const eod2 = await makeCourse(t.db, { prerequisiteIds: [eod1.id], level: 'EOD 2' });
      const session = await makeSession(t.db, eod2.id, {
        startsOn: '2026-12-07',
        endsOn: '2026-12-11',
      });

      const none = await makeTrainee(t.db);
      const body = expectError(
        await enrol(admin, session.id, none.id),
        422,
        'PREREQUISITE_NOT_MET',
      );
      expect(body.details).toMatchObject({ missing: [eod1.code] });

      const expired = await makeTrainee(t.db);
      await makeCertificate(t.db, {
        traineeId: expired.id,
        courseId: eod1.id,
        validUntil: '2026-12-06',
      });
      expectError(await enrol(admin, session.id, expired.id), 422, 'PREREQUISITE_NOT_MET');

      for (const status of ['suspended', 'revoked', 'superseded'] as const) {
        const holder = await makeTrainee(t.db);
        await makeCertificate(t.db, { traineeId: holder.id, courseId: eod1.id, status });
        expectError(await enrol(admin, session.id, holder.id), 422, 'PREREQUISITE_NOT_MET');
      }

      const lastDay = await makeTrainee(t.db);
      await makeCertificate(t.db, {
        traineeId: lastDay.id,
        courseId: eod1.id,
        validUntil: '2026-12-07',
      });
      expect((await enrol(admin, session.id, lastDay.id)).status).toBe(201);

      const forever = await makeTrainee(t.db);
      await makeCertificate(t.db, { traineeId: forever.id, courseId: eod1.id, validUntil: null });
      expect((await enrol(admin, session.id, forever.id)).status).toBe(201);
    });

    it('counts a refresher certificate as the course it renews', async () => {
      const base = await makeCourse(t.db);
      const refresher = await makeCourse(t.db, { renewsCourseId: base.id });
      const next = await makeCourse(t.db, { prerequisiteIds: [base.id] });
      const session = await makeSession(t.db, next.id);
      const trainee = await makeTrainee(t.db);
      await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: base.id,
        status: 'superseded',
      });
      await makeCertificate(t.db, { traineeId: trainee.id, courseId: refresher.id });
      expect((await enrol(admin, session.id, trainee.id)).status).toBe(201);
    });
  });

  describe('medical clearance', () => {
    it('must cover the whole session when the course requires it', async () => {
      const course = await makeCourse(t.db, { requiresMedicalClearance: true });
      const session = await makeSession(t.db, course.id, {
        startsOn: '2026-12-07',
        endsOn: '2026-12-11',
      });
      const none = await makeTrainee(t.db);
      expectError(await enrol(admin, session.id, none.id), 422, 'MEDICAL_CLEARANCE_REQUIRED');
      const short = await makeTrainee(t.db, { medicalClearanceUntil: '2026-12-10' });
      const body = expectError(
        await enrol(admin, session.id, short.id),
        422,
        'MEDICAL_CLEARANCE_REQUIRED',
      );
      expect(body.details).toEqual({ requiredUntil: '2026-12-11', clearanceUntil: '2026-12-10' });
      const fit = await makeTrainee(t.db, { medicalClearanceUntil: '2026-12-11' });
      expect((await enrol(admin, session.id, fit.id)).status).toBe(201);
    });
  });

  describe('waiting list and withdrawal', () => {
    it('puts trainees on a waiting list when full and promotes the first in line on withdrawal', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id, { capacity: 1 });
      const a = await traineeUser();
      const b = await traineeUser();
      const c = await traineeUser();
      const ea = await enrol(a.user, session.id, a.trainee.id);
      const eb = await enrol(b.user, session.id, b.trainee.id);
      const ec = await enrol(c.user, session.id, c.trainee.id);
      expect([ea.body.status, eb.body.status, ec.body.status]).toEqual([
        'enrolled',
        'waitlisted',
        'waitlisted',
      ]);
      expect([eb.body.waitlistPosition, ec.body.waitlistPosition]).toEqual([1, 2]);

      // Someone else may not withdraw a's enrolment.
      expectError(
        await t.http.post(`/api/v1/enrolments/${ea.body.id}/withdraw`).set(b.user.auth),
        403,
      );
      expectError(
        await t.http.post(`/api/v1/enrolments/${ea.body.id}/withdraw`).set(auditor.auth),
        403,
      );

      const withdrawn = await t.http
        .post(`/api/v1/enrolments/${ea.body.id}/withdraw`)
        .set(a.user.auth);
      expect(withdrawn.status).toBe(200);
      expect(withdrawn.body).toMatchObject({ status: 'withdrawn', waitlistPosition: null });

      const promoted = await t.http.get(`/api/v1/enrolments/${eb.body.id}`).set(b.user.auth);
      expect(promoted.body).toMatchObject({ status: 'enrolled', waitlistPosition: null });
      const moved = await t.http.get(`/api/v1/enrolments/${ec.body.id}`).set(c.user.auth);
      expect(moved.body).toMatchObject({ status: 'waitlisted', waitlistPosition: 1 });

      expectError(
        await t.http.post(`/api/v1/enrolments/${ea.body.id}/withdraw`).set(a.user.auth),
        409,
        'NOT_WITHDRAWABLE',
      );

      // A withdrawn trainee may enrol again and goes to the back of the line.
      const again = await enrol(a.user, session.id, a.trainee.id);
      expect(again.body).toMatchObject({ status: 'waitlisted', waitlistPosition: 2 });

      const events = (await t.db.query(
        "SELECT action FROM audit_events WHERE entity_id = $1 AND action = 'enrolment.promoted'",
        [eb.body.id],
      )) as unknown[];
      expect(events).toHaveLength(1);
    });

    it('raising the capacity promotes the people waiting, in order', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id, { capacity: 1 });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push((await enrol(admin, session.id, (await makeTrainee(t.db)).id)).body.id);
      const patched = await t.http
        .patch(`/api/v1/sessions/${session.id}`)
        .set(admin.auth)
        .send({ capacity: 3 });
      expect(patched.status).toBe(200);
      expect(patched.body).toMatchObject({ capacity: 3, seatsTaken: 3 });
      const rows = await t.db.getRepository(Enrolment).find({ where: { sessionId: session.id } });
      const byId = new Map(rows.map((r) => [r.id, r]));
      expect(ids.map((id) => [byId.get(id)!.status, byId.get(id)!.waitlistPosition])).toEqual([
        ['enrolled', null],
        ['enrolled', null],
        ['enrolled', null],
        ['waitlisted', 1],
      ]);
    });

    it('a waitlisted withdrawal closes the gap behind it', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id, { capacity: 1 });
      const ids: string[] = [];
      for (let i = 0; i < 4; i++)
        ids.push((await enrol(admin, session.id, (await makeTrainee(t.db)).id)).body.id);
      await t.http.post(`/api/v1/enrolments/${ids[2]}/withdraw`).set(admin.auth).expect(200);
      const rows = await t.db
        .getRepository(Enrolment)
        .find({ where: { sessionId: session.id }, order: { waitlistPosition: 'ASC' } });
      expect(
        rows.filter((r) => r.status === 'waitlisted').map((r) => [r.id, r.waitlistPosition]),
      ).toEqual([
        [ids[1], 1],
        [ids[3], 2],
      ]);
    });
  });

  describe('concurrency', () => {
    it('a session closed while an enrolment waited for its lock is refused, not enrolled into', async () => {
      // The rules are read before the session's row lock (issue 20); a change made while the
      // request waits for the lock must still be decided on the locked row.
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id);
      const trainee = await makeTrainee(t.db);
      const blocker = t.db.createQueryRunner();
      await blocker.connect();
      await blocker.startTransaction();
      try {
        await blocker.query('SELECT id FROM course_sessions WHERE id = $1 FOR UPDATE', [
          session.id,
        ]);
        const pending = enrol(admin, session.id, trainee.id).then((res) => res);
        // Until the request is queued behind the lock (it has read the rules by then).
        for (let i = 0; i < 200; i++) {
          const [{ waiting }] = (await t.db.query(
            `SELECT count(*)::int AS waiting FROM pg_locks l JOIN pg_class c ON c.oid = l.relation
              WHERE c.relname = 'course_sessions' AND NOT l.granted`,
          )) as { waiting: number }[];
          if (waiting > 0) break;
          await new Promise((resolve) => setTimeout(resolve, 10));
        }
        await blocker.query(`UPDATE course_sessions SET status = 'cancelled' WHERE id = $1`, [
          session.id,
        ]);
        await blocker.commitTransaction();
        const res = await pending;
        expectError(res, 422, 'SESSION_NOT_OPEN');
        const [{ n }] = (await t.db.query(
          'SELECT count(*)::int AS n FROM enrolments WHERE session_id = $1',
          [session.id],
        )) as { n: number }[];
        expect(n).toBe(0);
      } finally {
        if (blocker.isTransactionActive) await blocker.rollbackTransaction();
        await blocker.release();
      }
    });

    it('holds the session lock only to write the seat, its audit event and its mail', async () => {
      // Every enrolment into the session waits for that lock: what does not depend on the seat
      // (the rules, the trainee's address) is read before it (bench/README.md, the rush).
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id, { capacity: 1 });
      const logger = t.db.logger as Logger;
      const logQuery = logger.logQuery.bind(logger);
      const byConnection = new Map<QueryRunner | undefined, string[]>();
      logger.logQuery = (query: string, parameters?: unknown[], runner?: QueryRunner) => {
        byConnection.set(runner, [...(byConnection.get(runner) ?? []), query]);
        return logQuery(query, parameters, runner);
      };
      try {
        for (const expected of ['enrolled', 'waitlisted']) {
          byConnection.clear();
          const { trainee, user } = await traineeUser();
          const res = await enrol(user, session.id, trainee.id);
          expect(res.body.status).toBe(expected);
          const statements = [...byConnection.values()].find((list) =>
            list.some((q) => /FROM course_sessions s\s+WHERE s\.id = \$1 FOR UPDATE/.test(q)),
          )!;
          const locked = statements.findIndex((q) => /FOR UPDATE/.test(q));
          const committed = statements.indexOf('COMMIT');
          const underLock = statements.slice(locked + 1, committed);
          expect(underLock).toHaveLength(3);
          expect(underLock[0]).toMatch(/INSERT INTO enrolments/);
          expect(underLock[1]).toMatch(/INSERT INTO audit_pending/);
          expect(underLock[2]).toMatch(/INSERT INTO notifications/);
          // The address was read with the rules, before the lock: the message was queued to it.
          const beforeLock = statements.slice(0, locked);
          expect(beforeLock.filter((q) => /^\s*SELECT/.test(q))).toHaveLength(1);
          expect(beforeLock.some((q) => /recipient_email/.test(q))).toBe(true);
          const [mail] = (await t.db.query(
            `SELECT type FROM notifications WHERE idempotency_key = $1`,
            [`enrolment.${expected === 'enrolled' ? 'confirmed' : 'waitlisted'}:${res.body.id}`],
          )) as { type: string }[];
          expect(mail?.type).toBe(
            `enrolment.${expected === 'enrolled' ? 'confirmed' : 'waitlisted'}`,
          );
        }
      } finally {
        logger.logQuery = logQuery;
      }
    });

    async function expectConsistent(sessionId: string, capacity: number) {
      const rows = await t.db.getRepository(Enrolment).find({ where: { sessionId } });
      const enrolled = rows.filter((r) => r.status === 'enrolled');
      const waiting = rows
        .filter((r) => r.status === 'waitlisted')
        .map((r) => r.waitlistPosition)
        .sort((a, b) => a! - b!);
      const session = await t.db.getRepository(CourseSession).findOneByOrFail({ id: sessionId });
      expect(enrolled.length).toBeLessThanOrEqual(capacity);
      expect(session.seatsTaken).toBe(enrolled.length);
      expect(waiting).toEqual(waiting.map((_, i) => i + 1));
      if (waiting.length > 0) expect(enrolled.length).toBe(capacity);
      return { enrolled: enrolled.length, waiting: waiting.length };
    }

    it('100 simultaneous enrolments into 10 seats: exactly 10 enrolled, 90 in a gapless line', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id, { capacity: 10 });
      const trainees = await Promise.all(Array.from({ length: 100 }, () => makeTrainee(t.db)));
      const results = await Promise.all(trainees.map((tr) => enrol(admin, session.id, tr.id)));
      expect(results.map((r) => r.status)).toEqual(results.map(() => 201));
      expect(await expectConsistent(session.id, 10)).toEqual({ enrolled: 10, waiting: 90 });
      const positions = results
        .filter((r) => r.body.status === 'waitlisted')
        .map((r) => r.body.waitlistPosition as number);
      expect(new Set(positions).size).toBe(90);
    });

    it('stays consistent with withdrawals interleaved', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id, { capacity: 10 });
      const first = await Promise.all(Array.from({ length: 20 }, () => makeTrainee(t.db)));
      const firstResults = await Promise.all(first.map((tr) => enrol(admin, session.id, tr.id)));
      const more = await Promise.all(Array.from({ length: 80 }, () => makeTrainee(t.db)));
      const toWithdraw = firstResults.slice(0, 15).map((r) => r.body.id as string);
      const results = await Promise.all([
        ...more.map((tr) => enrol(admin, session.id, tr.id)),
        ...toWithdraw.map((id) => t.http.post(`/api/v1/enrolments/${id}/withdraw`).set(admin.auth)),
      ]);
      expect(
        results.filter((r) => r.status !== 201 && r.status !== 200).map((r) => r.body),
      ).toEqual([]);
      expect(await expectConsistent(session.id, 10)).toEqual({
        enrolled: 10,
        waiting: 100 - 15 - 10,
      });
      const chain = (await t.db.query('SELECT count(*)::int AS n FROM audit_events')) as {
        n: number;
      }[];
      expect(chain[0].n).toBeGreaterThan(100);
    });
  });

  describe('attendance and assessment', () => {
    async function runningSession(opts: { passMark?: number; minAttendancePercent?: number } = {}) {
      const course = await makeCourse(t.db, {
        passMark: opts.passMark ?? 70,
        minAttendancePercent: opts.minAttendancePercent ?? 80,
      });
      const session = await makeSession(t.db, course.id, {
        startsOn: '2026-11-02',
        endsOn: '2026-11-06',
        status: 'open',
      });
      const instructor = await makeInstructor(t.db);
      await qualify(t.db, instructor.id, course.id);
      await assign(t.db, session.id, instructor.id);
      const instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
      const { trainee, user } = await traineeUser();
      const enrolment = (await enrol(user, session.id, trainee.id)).body as { id: string };
      await t.db.getRepository(CourseSession).update({ id: session.id }, { status: 'in_progress' });
      return {
        course,
        session,
        instructorUser,
        trainee,
        traineeUser: user,
        enrolmentId: enrolment.id,
      };
    }
    const week = (present: boolean[]) =>
      ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].map((date, i) => ({
        date,
        present: present[i],
      }));

    it('the assigned instructor records attendance and results; passed follows the pass mark and attendance once the session is completed', async () => {
      const s = await runningSession();
      const att = await t.http
        .put(`/api/v1/enrolments/${s.enrolmentId}/attendance`)
        .set(s.instructorUser.auth)
        .send({ days: week([true, true, true, true, false]) });
      expect(att.status).toBe(200);
      expect(att.body.attendancePercent).toBe(80);
      expect(att.body.days).toHaveLength(5);
      const read = await t.http
        .get(`/api/v1/enrolments/${s.enrolmentId}/attendance`)
        .set(s.traineeUser.auth);
      expect(read.status).toBe(200);
      expect(read.body.days).toEqual(week([true, true, true, true, false]));

      // Not decided while the session runs (api.md: `passed` is null until it is completed).
      const scored = await t.http
        .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
        .set(s.instructorUser.auth)
        .send({ theoryScore: 70, practicalScore: 88.5 });
      expect(scored.status).toBe(200);
      expect(scored.body).toMatchObject({
        passed: null,
        status: 'enrolled',
        attendancePercent: 80,
        theoryScore: 70,
        practicalScore: 88.5,
        passMark: 70,
      });

      // Completing the session decides it, with an audit event under the enrolment.
      const completed = await t.http
        .post(`/api/v1/sessions/${s.session.id}/status`)
        .set(admin.auth)
        .send({ status: 'completed' });
      expect(completed.status).toBe(200);
      expect(
        (await t.http.get(`/api/v1/enrolments/${s.enrolmentId}`).set(s.traineeUser.auth)).body,
      ).toMatchObject({ passed: true, status: 'completed', attendancePercent: 80 });
      const decided = (await t.db.query(
        `SELECT reason, data FROM audit_events
          WHERE entity_id = $1 AND action = 'enrolment.assessed' ORDER BY seq DESC LIMIT 1`,
        [s.enrolmentId],
      )) as { reason: string; data: { after: { passed: boolean } } }[];
      expect(decided[0]).toMatchObject({
        reason: 'session_completed',
        data: { after: { passed: true } },
      });

      const pass = await t.http
        .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
        .set(s.instructorUser.auth)
        .send({ theoryScore: 70, practicalScore: 88.5 });
      expect(pass.body).toMatchObject({ passed: true, status: 'completed', attendancePercent: 80 });

      // Attendance corrected below the minimum turns the result into a fail.
      const corrected = await t.http
        .put(`/api/v1/enrolments/${s.enrolmentId}/attendance`)
        .set(s.instructorUser.auth)
        .send({ days: [{ date: '2026-11-04', present: false }] });
      expect(corrected.body.attendancePercent).toBe(60);
      expect(corrected.body.enrolment).toMatchObject({ passed: false, status: 'failed' });

      const low = await t.http
        .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
        .set(s.instructorUser.auth)
        .send({ theoryScore: 69.99, practicalScore: 100 });
      expect(low.body).toMatchObject({ passed: false, status: 'failed' });
    });

    it('mid-course: attendance is of the days so far and there is no result yet (not 41% and "Not passed")', async () => {
      const s = await runningSession();
      // Twelve days around today: the days so far are present, the rest has not happened yet.
      const day = today('UTC');
      const startsOn = addDays(day, -4);
      await t.db
        .getRepository(CourseSession)
        .update({ id: s.session.id }, { startsOn, endsOn: addDays(startsOn, 11) });
      const soFar = Array.from({ length: 5 }, (_, i) => ({
        date: addDays(startsOn, i),
        present: true,
      }));
      const att = await t.http
        .put(`/api/v1/enrolments/${s.enrolmentId}/attendance`)
        .set(s.instructorUser.auth)
        .send({ days: soFar });
      expect(att.status).toBe(200);
      expect(att.body.attendancePercent).toBe(100);
      const scored = await t.http
        .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
        .set(s.instructorUser.auth)
        .send({ theoryScore: 95, practicalScore: 95 });
      expect(scored.status).toBe(200);
      expect(scored.body).toMatchObject({
        attendancePercent: 100,
        passed: null,
        status: 'enrolled',
      });
      const roster = await t.http
        .get(`/api/v1/sessions/${s.session.id}/enrolments`)
        .set(s.instructorUser.auth);
      expect(roster.body.items[0]).toMatchObject({
        attendancePercent: 100,
        passed: null,
        certification: { eligible: false, reason: 'SESSION_NOT_COMPLETED' },
        certificate: null,
      });
      // A session can be completed only from its last day: once it is, all twelve days count.
      await t.db.getRepository(CourseSession).update({ id: s.session.id }, { status: 'completed' });
      const after = await t.http
        .get(`/api/v1/sessions/${s.session.id}/enrolments`)
        .set(s.instructorUser.auth);
      expect(after.body.items[0]).toMatchObject({ attendancePercent: 41.67, passed: false });
    });

    it('refuses days outside the session, in the future, or twice', async () => {
      const s = await runningSession();
      const put = (days: unknown) =>
        t.http
          .put(`/api/v1/enrolments/${s.enrolmentId}/attendance`)
          .set(s.instructorUser.auth)
          .send({ days });
      expectError(
        await put([{ date: '2026-11-01', present: true }]),
        422,
        'INVALID_ATTENDANCE_DATE',
      );
      expectError(
        await put([
          { date: '2026-11-02', present: true },
          { date: '2026-11-02', present: false },
        ]),
        422,
        'INVALID_ATTENDANCE_DATE',
      );
      expectError(await put([{ date: '2026-02-30', present: true }]), 400, 'VALIDATION_FAILED');
      expectError(await put([{ date: '2026-11-02', present: 'yes' }]), 400, 'VALIDATION_FAILED');
      expectError(await put([]), 400);
      const future = await makeSession(t.db, s.course.id, {
        startsOn: '2099-01-01',
        endsOn: '2099-01-05',
        status: 'in_progress',
      });
      const instructorId = (
        await t.db.query('SELECT instructor_id FROM users WHERE id = $1', [s.instructorUser.id])
      )[0].instructor_id;
      await assign(t.db, future.id, instructorId);
      const e = await t.db
        .getRepository(Enrolment)
        .save({ sessionId: future.id, traineeId: s.trainee.id, status: 'enrolled' });
      expectError(
        await t.http
          .put(`/api/v1/enrolments/${e.id}/attendance`)
          .set(s.instructorUser.auth)
          .send({ days: [{ date: '2099-01-01', present: true }] }),
        422,
        'INVALID_ATTENDANCE_DATE',
      );
    });

    it('refuses scores out of range and sessions not started', async () => {
      const s = await runningSession();
      const put = (body: unknown) =>
        t.http
          .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
          .set(s.instructorUser.auth)
          .send(body as object);
      expectError(await put({ theoryScore: 101, practicalScore: 50 }), 400);
      expectError(await put({ theoryScore: -1, practicalScore: 50 }), 400);
      expectError(await put({ theoryScore: '80', practicalScore: 50 }), 400);
      expectError(await put({ theoryScore: 80 }), 400);
      await t.db.getRepository(CourseSession).update({ id: s.session.id }, { status: 'open' });
      expectError(await put({ theoryScore: 80, practicalScore: 80 }), 422, 'SESSION_NOT_STARTED');
    });

    it('only the assigned instructors (and admins) record; trainees and auditors may not', async () => {
      const s = await runningSession();
      const stranger = await createUser(t, ['instructor'], {
        instructorId: (await makeInstructor(t.db)).id,
      });
      const body = { theoryScore: 80, practicalScore: 80 };
      expectError(
        await t.http
          .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
          .set(stranger.auth)
          .send(body),
        403,
      );
      expectError(
        await t.http
          .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
          .set(s.traineeUser.auth)
          .send(body),
        403,
      );
      expectError(
        await t.http
          .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
          .set(auditor.auth)
          .send(body),
        403,
      );
      expect(
        (
          await t.http
            .put(`/api/v1/enrolments/${s.enrolmentId}/assessment`)
            .set(admin.auth)
            .send(body)
        ).status,
      ).toBe(200);
      // A failed request changed nothing and left no audit event.
      const events = (await t.db.query(
        "SELECT count(*)::int AS n FROM audit_events WHERE entity_id = $1 AND action = 'enrolment.assessed'",
        [s.enrolmentId],
      )) as { n: number }[];
      expect(events[0].n).toBe(1);
    });
  });

  describe('what a trainee sees before the click: enrolment and canEnrol on session answers', () => {
    interface CanEnrol {
      allowed: boolean;
      reasons: { code: string; details: Record<string, unknown> }[];
    }
    const readAs = async (user: SignedInUser, sessionId: string) =>
      (await t.http.get(`/api/v1/sessions/${sessionId}`).set(user.auth).expect(200)).body as {
        enrolment: Record<string, unknown> | null;
        canEnrol: CanEnrol | null;
      };
    /** canEnrol says no with `codes`, and enrolling is then refused with the first of them. */
    async function expectRefused(
      user: SignedInUser,
      traineeId: string,
      sessionId: string,
      status: number,
      codes: string[],
    ) {
      const { canEnrol } = await readAs(user, sessionId);
      expect(canEnrol?.allowed).toBe(false);
      expect(canEnrol?.reasons.map((r) => r.code)).toEqual(codes);
      const refusal = expectError(await enrol(user, sessionId, traineeId), status, codes[0]);
      expect(canEnrol?.reasons[0].details).toEqual(refusal.details);
      return canEnrol!;
    }

    it('an eligible open session: allowed, and enrolling then succeeds; afterwards ALREADY_ENROLLED', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id);
      const { trainee, user } = await traineeUser();
      expect(await readAs(user, session.id)).toMatchObject({
        enrolment: null,
        canEnrol: { allowed: true, reasons: [] },
      });
      const res = await enrol(user, session.id, trainee.id);
      expect(res.status).toBe(201);

      const after = await readAs(user, session.id);
      expect(after.enrolment).toEqual({
        id: res.body.id,
        sessionId: session.id,
        traineeId: trainee.id,
        status: 'enrolled',
        waitlistPosition: null,
      });
      const canEnrol = await expectRefused(user, trainee.id, session.id, 409, ['ALREADY_ENROLLED']);
      expect(canEnrol.reasons[0].details).toEqual({ enrolmentId: res.body.id, status: 'enrolled' });

      // After withdrawing: the withdrawn enrolment shows, and enrolling again is allowed.
      await t.http.post(`/api/v1/enrolments/${res.body.id}/withdraw`).set(user.auth).expect(200);
      expect(await readAs(user, session.id)).toMatchObject({
        enrolment: { id: res.body.id, status: 'withdrawn' },
        canEnrol: { allowed: true, reasons: [] },
      });
      expect((await enrol(user, session.id, trainee.id)).status).toBe(201);
    });

    it('a session that is not open: SESSION_NOT_OPEN', async () => {
      const course = await makeCourse(t.db);
      const { trainee, user } = await traineeUser();
      for (const status of ['planned', 'in_progress', 'completed', 'cancelled'] as const) {
        const session = await makeSession(t.db, course.id, { status });
        const canEnrol = await expectRefused(user, trainee.id, session.id, 422, [
          'SESSION_NOT_OPEN',
        ]);
        expect(canEnrol.reasons[0].details).toEqual({ status });
      }
    });

    it('a missing prerequisite: PREREQUISITE_NOT_MET listing the course codes; allowed once held', async () => {
      const first = await makeCourse(t.db, { code: `PRE-A-${Date.now()}` });
      const second = await makeCourse(t.db, { code: `PRE-B-${Date.now()}` });
      const course = await makeCourse(t.db, { prerequisiteIds: [second.id, first.id] });
      const session = await makeSession(t.db, course.id);
      const { trainee, user } = await traineeUser();
      const canEnrol = await expectRefused(user, trainee.id, session.id, 422, [
        'PREREQUISITE_NOT_MET',
      ]);
      expect(canEnrol.reasons[0].details).toMatchObject({
        missing: [first.code, second.code],
        courseCode: course.code,
      });
      await makeCertificate(t.db, { traineeId: trainee.id, courseId: first.id });
      await makeCertificate(t.db, { traineeId: trainee.id, courseId: second.id });
      expect((await readAs(user, session.id)).canEnrol).toEqual({
        allowed: true,
        reasons: [],
        seatAvailable: true,
      });
      expect((await enrol(user, session.id, trainee.id)).status).toBe(201);
    });

    it('no medical clearance: MEDICAL_CLEARANCE_REQUIRED', async () => {
      const course = await makeCourse(t.db, { requiresMedicalClearance: true });
      const session = await makeSession(t.db, course.id);
      const { trainee, user } = await traineeUser();
      const canEnrol = await expectRefused(user, trainee.id, session.id, 422, [
        'MEDICAL_CLEARANCE_REQUIRED',
      ]);
      expect(canEnrol.reasons[0].details).toEqual({
        requiredUntil: session.endsOn,
        clearanceUntil: null,
      });
    });

    it('lists every reason at once; the route answers the first', async () => {
      const pre = await makeCourse(t.db);
      const course = await makeCourse(t.db, {
        prerequisiteIds: [pre.id],
        requiresMedicalClearance: true,
      });
      const session = await makeSession(t.db, course.id, { status: 'planned' });
      const { trainee, user } = await traineeUser();
      await expectRefused(user, trainee.id, session.id, 422, [
        'SESSION_NOT_OPEN',
        'PREREQUISITE_NOT_MET',
        'MEDICAL_CLEARANCE_REQUIRED',
      ]);
    });

    it('is null for callers who are not trainees', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id);
      const instructor = await createUser(t, ['instructor']);
      for (const who of [admin, auditor, instructor]) {
        expect(await readAs(who, session.id)).toMatchObject({ enrolment: null, canEnrol: null });
      }
    });

    it('GET /sessions answers a whole page per trainee with the same number of queries for 2 sessions as for 20', async () => {
      const pre = await makeCourse(t.db);
      const course = await makeCourse(t.db, { prerequisiteIds: [pre.id] });
      const plain = await makeCourse(t.db);
      const { trainee, user } = await traineeUser();
      const sessions = [];
      for (let i = 0; i < 20; i++) {
        sessions.push(
          await makeSession(t.db, i % 2 ? course.id : plain.id, {
            startsOn: `2031-03-${String(1 + i).padStart(2, '0')}`,
            endsOn: `2031-03-${String(2 + i).padStart(2, '0')}`,
            status: i % 3 === 2 ? 'planned' : 'open',
          }),
        );
      }
      const mine = await enrol(user, sessions[0].id, trainee.id);
      expect(mine.status).toBe(201);

      const logger = t.db.logger as Logger;
      const logQuery = logger.logQuery.bind(logger);
      let statements = 0;
      logger.logQuery = (query: string, parameters?: unknown[], runner?: QueryRunner) => {
        statements += 1;
        return logQuery(query, parameters, runner);
      };
      const page = async (limit: number) => {
        statements = 0;
        const res = await t.http
          .get(`/api/v1/sessions?from=2031-01-01&to=2031-12-31&limit=${limit}`)
          .set(user.auth)
          .expect(200);
        return { items: res.body.items as (CanEnrol & Record<string, unknown>)[], statements };
      };
      try {
        const small = await page(2);
        const large = await page(20);
        expect(large.items).toHaveLength(20);
        expect(small.statements).toBeGreaterThan(0);
        expect(large.statements).toBe(small.statements);

        const byId = new Map(large.items.map((item) => [item.id as string, item]));
        for (const [i, s] of sessions.entries()) {
          const codes = [
            ...(i % 3 === 2 ? ['SESSION_NOT_OPEN'] : []),
            ...(i === 0 ? ['ALREADY_ENROLLED'] : []),
            ...(i % 2 ? ['PREREQUISITE_NOT_MET'] : []),
          ];
          const item = byId.get(s.id) as unknown as {
            enrolment: { id: string } | null;
            canEnrol: CanEnrol;
          };
          expect({ i, codes: item.canEnrol.reasons.map((r) => r.code) }).toEqual({ i, codes });
          expect(item.canEnrol.allowed).toBe(codes.length === 0);
          expect(item.enrolment?.id ?? null).toBe(i === 0 ? mine.body.id : null);
        }
      } finally {
        logger.logQuery = logQuery;
      }
    });
  });

  describe('reading enrolments and rosters', () => {
    it('roster: admin, auditor and the assigned instructor; not other instructors or trainees', async () => {
      const course = await makeCourse(t.db);
      const session = await makeSession(t.db, course.id);
      const instructor = await makeInstructor(t.db);
      await qualify(t.db, instructor.id, course.id);
      await assign(t.db, session.id, instructor.id, 'assistant');
      const assigned = await createUser(t, ['instructor'], { instructorId: instructor.id });
      const stranger = await createUser(t, ['instructor'], {
        instructorId: (await makeInstructor(t.db)).id,
      });
      const { trainee, user } = await traineeUser();
      const e = await enrol(user, session.id, trainee.id);
      for (const who of [admin, auditor, assigned]) {
        const res = await t.http.get(`/api/v1/sessions/${session.id}/enrolments`).set(who.auth);
        expect(res.status).toBe(200);
        expect(res.body.items).toEqual([
          expect.objectContaining({
            id: e.body.id,
            trainee: {
              id: trainee.id,
              givenName: trainee.givenName,
              familyName: trainee.familyName,
            },
          }),
        ]);
        expect(res.body.nextCursor).toBeNull();
      }
      expectError(
        await t.http.get(`/api/v1/sessions/${session.id}/enrolments`).set(stranger.auth),
        403,
      );
      expectError(
        await t.http.get(`/api/v1/sessions/${session.id}/enrolments`).set(user.auth),
        403,
      );
      expectError(await t.http.get(`/api/v1/sessions/${session.id}/enrolments`), 401);

      // One enrolment: the trainee, the assigned instructor, admin, auditor; not another trainee.
      for (const who of [admin, auditor, assigned, user]) {
        expect((await t.http.get(`/api/v1/enrolments/${e.body.id}`).set(who.auth)).status).toBe(
          200,
        );
      }
      const other = await traineeUser();
      expectError(await t.http.get(`/api/v1/enrolments/${e.body.id}`).set(other.user.auth), 403);
      expectError(await t.http.get(`/api/v1/enrolments/${e.body.id}`).set(stranger.auth), 403);
    });
  });
});
