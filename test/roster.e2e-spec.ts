import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import type { Logger, QueryRunner } from 'typeorm';
import { CourseSession } from '../src/courses/session.entity.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, isAccessCheck, type SignedInUser } from './factories.js';
import {
  assign,
  completedSessionWithInstructor,
  makeCourse,
  makeInstructor,
  makePassedEnrolment,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

const WEEK = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'];
const days = (present: boolean[]) => WEEK.map((date, i) => ({ date, present: present[i] }));

/** Roster rows (results, eligibility, certificate) and the whole-roster recording routes. */
describe('roster', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    // No mail worker: it would send the mail these changes queue while a test counts the
    // statements a request makes (the mail itself is tested in the notification suites).
    t = await startTestApp({ mailWorker: false });
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  const roster = (user: SignedInUser, sessionId: string) =>
    t.http.get(`/api/v1/sessions/${sessionId}/enrolments`).set(user.auth);
  const auditCount = async (ids: string[]) =>
    (
      (await t.db.query(
        "SELECT count(*)::int AS n FROM audit_events WHERE entity_id = ANY($1::uuid[]) AND entity_type = 'enrolment'",
        [ids],
      )) as { n: number }[]
    )[0].n;

  /** A session of 2-6 November 2026, in progress, three trainees enrolled, an instructor assigned. */
  async function runningSession() {
    const course = await makeCourse(t.db, { passMark: 70, minAttendancePercent: 80 });
    const session = await makeSession(t.db, course.id, {
      startsOn: WEEK[0],
      endsOn: WEEK[4],
      status: 'in_progress',
      seatsTaken: 3,
    });
    const instructor = await makeInstructor(t.db);
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, session.id, instructor.id);
    const instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) {
      const trainee = await makeTrainee(t.db);
      ids.push(
        (
          await t.db
            .getRepository(Enrolment)
            .save({ sessionId: session.id, traineeId: trainee.id, status: 'enrolled' })
        ).id,
      );
    }
    return { course, session, instructorUser, ids };
  }

  it('rows carry attendance, result, eligibility to be certified and the certificate issued', async () => {
    const w = await completedSessionWithInstructor(t);
    const issued = await makePassedEnrolment(t.db, w.session.id, (await makeTrainee(t.db)).id);
    const eligible = await makePassedEnrolment(t.db, w.session.id, (await makeTrainee(t.db)).id);
    const failed = await t.db.getRepository(Enrolment).save({
      sessionId: w.session.id,
      traineeId: (await makeTrainee(t.db)).id,
      status: 'failed',
      passed: false,
      attendancePercent: 100,
      theoryScore: 50,
      practicalScore: 90,
    });
    // Attendance is read from the days recorded: every day of the completed session counts.
    await t.db.query(
      `INSERT INTO attendance_days (enrolment_id, day, present)
       SELECT e, d::date, true FROM unnest($1::uuid[]) e,
              generate_series('2026-11-02'::date, '2026-11-06'::date, '1 day') d`,
      [[issued.id, eligible.id, failed.id]],
    );
    const certificate = await t.http
      .post(`/api/v1/enrolments/${issued.id}/certificate`)
      .set(w.instructorUser.auth);
    expect(certificate.status).toBe(201);

    const res = await roster(w.instructorUser, w.session.id);
    expect(res.status).toBe(200);
    const row = (id: string) => res.body.items.find((r: { id: string }) => r.id === id);
    expect(row(issued.id)).toMatchObject({
      attendancePercent: 100,
      passed: true,
      certification: { eligible: false, reason: 'ALREADY_ISSUED' },
      certificate: { id: certificate.body.id, serial: certificate.body.serial, status: 'active' },
    });
    expect(row(eligible.id)).toMatchObject({
      passed: true,
      certification: { eligible: true, reason: null },
      certificate: null,
    });
    expect(row(failed.id)).toMatchObject({
      passed: false,
      certification: { eligible: false, reason: 'NOT_PASSED' },
      certificate: null,
    });
    // The answer is the same whatever the rest of the course's register holds: the roster finds
    // certificates by enrolment, not by reading the course's certificates.
    const other = await makeSession(t.db, w.course.id, {
      startsOn: '2026-10-05',
      endsOn: '2026-10-09',
      status: 'completed',
    });
    await makePassedEnrolment(t.db, other.id, (await makeTrainee(t.db)).id);
    expect((await roster(admin, w.session.id)).body.items).toHaveLength(3);
  });

  it('rows carry the attendance days recorded, so a roster page needs no request per trainee', async () => {
    const s = await runningSession();
    const recorded = days([true, false, true, true, true]);
    const saved = await t.http
      .put(`/api/v1/sessions/${s.session.id}/attendance`)
      .set(s.instructorUser.auth)
      .send({ entries: [{ enrolmentId: s.ids[0], days: recorded }] });
    expect(saved.status).toBe(200);
    expect(saved.body.items[0].attendance).toEqual(recorded);

    const rows = (await roster(s.instructorUser, s.session.id)).body.items as {
      id: string;
      attendance: unknown;
    }[];
    const row = (id: string) => rows.find((r) => r.id === id)!;
    expect(row(s.ids[0]).attendance).toEqual(recorded);
    // Nothing recorded: no days, not null.
    expect(row(s.ids[1]).attendance).toEqual([]);
  });

  it('reads a whole roster in the same number of queries for 2 rows as for 30', async () => {
    const w = await completedSessionWithInstructor(t);
    const logger = t.db.logger as Logger;
    const logQuery = logger.logQuery.bind(logger);
    let statements = 0;
    logger.logQuery = (query: string, parameters?: unknown[], runner?: QueryRunner) => {
      if (!isAccessCheck(query)) statements += 1;
      return logQuery(query, parameters, runner);
    };
    const count = async (rows: number) => {
      statements = 0;
      const res = await roster(w.instructorUser, w.session.id);
      expect(res.body.items).toHaveLength(rows);
      return statements;
    };
    try {
      for (let i = 0; i < 2; i++) {
        await makePassedEnrolment(t.db, w.session.id, (await makeTrainee(t.db)).id);
      }
      const forTwo = await count(2);
      for (let i = 0; i < 28; i++) {
        await makePassedEnrolment(t.db, w.session.id, (await makeTrainee(t.db)).id);
      }
      expect(forTwo).toBeGreaterThan(0);
      expect(await count(30)).toBe(forTwo);
    } finally {
      logger.logQuery = logQuery;
    }
  });

  describe('PUT /sessions/:id/attendance', () => {
    it('records a whole roster in one request; unchanged entries write nothing', async () => {
      const s = await runningSession();
      const body = {
        entries: [
          { enrolmentId: s.ids[0], days: days([true, true, true, true, true]) },
          { enrolmentId: s.ids[1], days: days([true, false, true, false, true]) },
        ],
      };
      const res = await t.http
        .put(`/api/v1/sessions/${s.session.id}/attendance`)
        .set(s.instructorUser.auth)
        .send(body);
      expect(res.status).toBe(200);
      expect(res.body.items).toEqual([
        expect.objectContaining({ id: s.ids[0], attendancePercent: 100, passed: null }),
        expect.objectContaining({ id: s.ids[1], attendancePercent: 60, passed: null }),
      ]);
      expect(res.body.items[0]).toHaveProperty('certification');
      expect(await auditCount(s.ids)).toBe(2);

      // The same again, plus one change: one more event, for the changed enrolment only.
      body.entries[1].days = days([true, true, true, false, true]);
      const again = await t.http
        .put(`/api/v1/sessions/${s.session.id}/attendance`)
        .set(s.instructorUser.auth)
        .send(body);
      expect(again.status).toBe(200);
      expect(again.body.items[1].attendancePercent).toBe(80);
      expect(await auditCount(s.ids)).toBe(3);
      const events = (await t.db.query(
        'SELECT entity_id FROM audit_events WHERE entity_id = ANY($1::uuid[]) ORDER BY seq DESC LIMIT 1',
        [s.ids],
      )) as { entity_id: string }[];
      expect(events[0].entity_id).toBe(s.ids[1]);
    });

    it('any invalid entry writes nothing, and the error names the entry', async () => {
      const s = await runningSession();
      const put = (entries: unknown) =>
        t.http
          .put(`/api/v1/sessions/${s.session.id}/attendance`)
          .set(s.instructorUser.auth)
          .send({ entries });
      const good = { enrolmentId: s.ids[0], days: days([true, true, true, true, true]) };

      const elsewhere = await makeSession(t.db, s.course.id, { status: 'in_progress' });
      const foreign = await t.db.getRepository(Enrolment).save({
        sessionId: elsewhere.id,
        traineeId: (await makeTrainee(t.db)).id,
        status: 'enrolled',
      });
      const res = expectError(
        await put([good, { enrolmentId: foreign.id, days: days([true, true, true, true, true]) }]),
        400,
        'VALIDATION_FAILED',
      );
      expect((res.details as { fields: unknown }).fields).toEqual([
        expect.objectContaining({ field: 'entries.1.enrolmentId' }),
      ]);
      expectError(
        await put([
          good,
          { enrolmentId: randomUUID(), days: days([true, true, true, true, true]) },
        ]),
        400,
        'VALIDATION_FAILED',
      );
      expectError(await put([good, good]), 400, 'VALIDATION_FAILED');

      const outside = expectError(
        await put([good, { enrolmentId: s.ids[1], days: [{ date: '2026-11-09', present: true }] }]),
        422,
        'INVALID_ATTENDANCE_DATE',
      );
      expect(outside.details).toMatchObject({ index: 1, outsideSession: ['2026-11-09'] });

      const badDate = expectError(
        await put([good, { enrolmentId: s.ids[1], days: [{ date: '2026-02-30', present: true }] }]),
        400,
        'VALIDATION_FAILED',
      );
      expect(JSON.stringify(badDate.details)).toContain('entries.1.days.0.date');

      await t.db.getRepository(Enrolment).update({ id: s.ids[2] }, { status: 'withdrawn' });
      const withdrawn = expectError(
        await put([good, { enrolmentId: s.ids[2], days: days([true, true, true, true, true]) }]),
        409,
        'NOT_RECORDABLE',
      );
      expect(withdrawn.details).toMatchObject({ index: 1 });

      // Nothing at all was written by any of these.
      const written = (await t.db.query(
        'SELECT count(*)::int AS n FROM attendance_days WHERE enrolment_id = ANY($1::uuid[])',
        [s.ids],
      )) as { n: number }[];
      expect(written[0].n).toBe(0);
      expect(await auditCount(s.ids)).toBe(0);
    });

    it('takes a roster of 200 enrolments × 60 days (not 413)', async () => {
      const s = await runningSession();
      const sixty = Array.from({ length: 60 }, (_, i) => ({
        date: `2026-${String(9 + Math.floor(i / 28)).padStart(2, '0')}-${String((i % 28) + 1).padStart(2, '0')}`,
        present: true,
      }));
      const entries = Array.from({ length: 200 }, () => ({
        enrolmentId: randomUUID(),
        days: sixty,
      }));
      const big = await t.http
        .put(`/api/v1/sessions/${s.session.id}/attendance`)
        .set(s.instructorUser.auth)
        .send({ entries });
      // Parsed and validated (the enrolments are made up), not refused for its size.
      expect(big.status).toBe(400);
      expect(big.body.code).toBe('VALIDATION_FAILED');
      expect(big.body.details.fields[0].field).toBe('entries.0.enrolmentId');
    });

    it('nobody records for themself: one own entry refuses the whole request', async () => {
      const s = await runningSession();
      const own = await t.db.getRepository(Enrolment).findOneByOrFail({ id: s.ids[1] });
      const both = await createUser(t, ['admin', 'trainee'], { traineeId: own.traineeId });
      expectError(
        await t.http
          .put(`/api/v1/sessions/${s.session.id}/attendance`)
          .set(both.auth)
          .send({
            entries: s.ids.map((enrolmentId) => ({
              enrolmentId,
              days: days([true, true, true, true, true]),
            })),
          }),
        403,
        'SELF_CERTIFICATION',
      );
      expect(await auditCount(s.ids)).toBe(0);
    });
  });

  describe('PUT /sessions/:id/assessments', () => {
    it('records scores for a roster; results are decided when the session is completed', async () => {
      const s = await runningSession();
      await t.http
        .put(`/api/v1/sessions/${s.session.id}/attendance`)
        .set(s.instructorUser.auth)
        .send({
          entries: s.ids.map((enrolmentId) => ({
            enrolmentId,
            days: days([true, true, true, true, true]),
          })),
        });
      const put = (entries: unknown) =>
        t.http
          .put(`/api/v1/sessions/${s.session.id}/assessments`)
          .set(s.instructorUser.auth)
          .send({ entries });
      const out = expectError(
        await put([
          { enrolmentId: s.ids[0], theoryScore: 80, practicalScore: 80 },
          { enrolmentId: s.ids[1], theoryScore: 101, practicalScore: 80 },
        ]),
        400,
        'VALIDATION_FAILED',
      );
      expect((out.details as { fields: unknown }).fields).toEqual([
        expect.objectContaining({ field: 'entries.1.theoryScore' }),
      ]);
      const before = await auditCount(s.ids);

      const scored = await put([
        { enrolmentId: s.ids[0], theoryScore: 80, practicalScore: 80 },
        { enrolmentId: s.ids[1], theoryScore: 40, practicalScore: 80 },
      ]);
      expect(scored.status).toBe(200);
      expect(scored.body.items).toEqual([
        expect.objectContaining({
          id: s.ids[0],
          theoryScore: 80,
          passed: null,
          status: 'enrolled',
        }),
        expect.objectContaining({
          id: s.ids[1],
          theoryScore: 40,
          passed: null,
          status: 'enrolled',
        }),
      ]);
      expect(await auditCount(s.ids)).toBe(before + 2);
      // Unchanged scores write nothing.
      expect(
        (await put([{ enrolmentId: s.ids[0], theoryScore: 80, practicalScore: 80 }])).status,
      ).toBe(200);
      expect(await auditCount(s.ids)).toBe(before + 2);

      const completed = await t.http
        .post(`/api/v1/sessions/${s.session.id}/status`)
        .set(admin.auth)
        .send({ status: 'completed' });
      expect(completed.status).toBe(200);
      const rows = (await roster(s.instructorUser, s.session.id)).body.items as {
        id: string;
        passed: boolean | null;
        status: string;
        certification: { eligible: boolean; reason: string | null };
      }[];
      const row = (id: string) => rows.find((r) => r.id === id);
      expect(row(s.ids[0])).toMatchObject({
        passed: true,
        status: 'completed',
        certification: { eligible: true, reason: null },
      });
      expect(row(s.ids[1])).toMatchObject({
        passed: false,
        status: 'failed',
        certification: { eligible: false, reason: 'NOT_PASSED' },
      });
      expect(row(s.ids[2])).toMatchObject({
        passed: null,
        status: 'enrolled',
        certification: { eligible: false, reason: 'NOT_ASSESSED' },
      });
    });

    it('a session not started refuses, and so does another session’s instructor', async () => {
      const s = await runningSession();
      const body = { entries: [{ enrolmentId: s.ids[0], theoryScore: 80, practicalScore: 80 }] };
      const stranger = await createUser(t, ['instructor'], {
        instructorId: (await makeInstructor(t.db)).id,
      });
      expectError(
        await t.http
          .put(`/api/v1/sessions/${s.session.id}/assessments`)
          .set(stranger.auth)
          .send(body),
        403,
      );
      await t.db.getRepository(CourseSession).update({ id: s.session.id }, { status: 'open' });
      expectError(
        await t.http
          .put(`/api/v1/sessions/${s.session.id}/assessments`)
          .set(s.instructorUser.auth)
          .send(body),
        422,
        'SESSION_NOT_STARTED',
      );
    });
  });
});
