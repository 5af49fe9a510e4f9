import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import pg from 'pg';
import { addDays, today } from '../src/common/calendar.js';
import type { Course } from '../src/courses/course.entity.js';
import type { CourseSession } from '../src/courses/session.entity.js';
import type { Organisation } from '../src/organisations/organisation.entity.js';
import { TRAINING_SEATS_SELECT } from '../src/reports/training-seats.query.js';
import type { Trainee } from '../src/trainees/trainee.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import {
  assign,
  makeCertificate,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

interface SeatRow {
  enrolment_id: string;
  starts_on: string;
  course_id: string;
  trainee_id: string;
  sex: string;
  date_of_birth: string;
  organisation_id: string | null;
  country: string;
  completed: boolean;
  certified: boolean;
  age_band: number;
}

/** The age band as the report counted it before training_seats existed. */
const AGE = "date_part('year', age(starts_on, date_of_birth))";
const AGE_BAND = `CASE WHEN ${AGE} < 18 THEN 1 WHEN ${AGE} < 25 THEN 2 WHEN ${AGE} < 35 THEN 3
  WHEN ${AGE} < 50 THEN 4 ELSE 5 END`;

/**
 * `training_seats` is kept by triggers, in the transaction of each change: after every change
 * below, made through the API as users make it (or in SQL where the API never changes a thing),
 * the table must hold exactly the rows its definition computes from the base tables.
 */
describe('training_seats', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let instructorUser: SignedInUser;
  let course: Course;
  let otherCourse: Course;
  /** Opens for enrolment in a month; its dates and state change below. */
  let upcoming: CourseSession;
  /** Ran last week: attendance, assessment and certificates. */
  let past: CourseSession;
  /** Where an enrolment is moved in SQL. */
  let spare: CourseSession;
  let orgA: Organisation;
  let orgB: Organisation;
  const trainees: Trainee[] = [];
  const enrolments: Record<string, string> = {};
  const day = today('UTC');

  async function seats(): Promise<SeatRow[]> {
    return (await t.db.query('SELECT * FROM training_seats ORDER BY enrolment_id')) as SeatRow[];
  }

  /** Compares the table with its definition; answers the rows for further checks. */
  async function expectExact(): Promise<SeatRow[]> {
    const actual = await seats();
    const expected = (await t.db.query(
      `SELECT *, ${AGE_BAND} AS age_band FROM (${TRAINING_SEATS_SELECT}) d ORDER BY enrolment_id`,
    )) as SeatRow[];
    expect(actual.map(sorted)).toEqual(expected.map(sorted));
    return actual;
  }
  const sorted = (row: SeatRow) =>
    Object.fromEntries(Object.entries(row).sort(([a], [b]) => a.localeCompare(b)));
  const seatOf = async (enrolmentId: string) =>
    (await expectExact()).find((s) => s.enrolment_id === enrolmentId);

  const api = {
    enrol: async (sessionId: string, traineeId: string) => {
      const res = await t.http
        .post(`/api/v1/sessions/${sessionId}/enrolments`)
        .set(admin.auth)
        .send({ traineeId });
      expect(res.status).toBe(201);
      return res.body as { id: string; status: string };
    },
    withdraw: async (enrolmentId: string) => {
      const res = await t.http.post(`/api/v1/enrolments/${enrolmentId}/withdraw`).set(admin.auth);
      expect(res.status).toBe(200);
    },
    sessionStatus: async (sessionId: string, status: string) => {
      const res = await t.http
        .post(`/api/v1/sessions/${sessionId}/status`)
        .set(admin.auth)
        .send({ status });
      expect(res.status).toBe(200);
    },
    patchSession: async (sessionId: string, body: object) => {
      const res = await t.http.patch(`/api/v1/sessions/${sessionId}`).set(admin.auth).send(body);
      expect(res.status).toBe(200);
    },
    patchTrainee: async (traineeId: string, body: object) => {
      const res = await t.http.patch(`/api/v1/trainees/${traineeId}`).set(admin.auth).send(body);
      expect(res.status).toBe(200);
    },
  };

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    orgA = await makeOrganisation(t.db, { name: 'Alpha Demining' });
    orgB = await makeOrganisation(t.db, { name: 'Bravo EOD' });
    course = await makeCourse(t.db);
    otherCourse = await makeCourse(t.db);
    const start = addDays(day, 30);
    upcoming = await makeSession(t.db, course.id, {
      startsOn: start,
      endsOn: addDays(start, 4),
      status: 'open',
      capacity: 2,
    });
    past = await makeSession(t.db, course.id, {
      startsOn: addDays(day, -10),
      endsOn: addDays(day, -6),
      status: 'open',
      capacity: 10,
    });
    spare = await makeSession(t.db, otherCourse.id, {
      startsOn: addDays(day, 90),
      endsOn: addDays(day, 94),
    });
    const instructor = await makeInstructor(t.db);
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, past.id, instructor.id);
    instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
    // The first turns 18 two weeks after `upcoming` starts: moving the session moves her band.
    const eighteenth = addDays(start, 14);
    const born = `${Number(eighteenth.slice(0, 4)) - 18}${eighteenth.slice(4).replace('02-29', '02-28')}`;
    trainees.push(
      await makeTrainee(t.db, { sex: 'female', dateOfBirth: born, organisationId: orgA.id }),
      await makeTrainee(t.db, { sex: 'male', dateOfBirth: '1990-06-15', nationality: 'UA' }),
      await makeTrainee(t.db, {
        sex: 'female',
        dateOfBirth: '1970-01-01',
        organisationId: orgB.id,
      }),
    );
  });
  afterAll(() => t.close());

  it('starts empty and in step', async () => {
    expect(await expectExact()).toEqual([]);
  });

  it('enrolment: a seat is a row, a place on the waiting list is not', async () => {
    for (const [i, trainee] of trainees.entries()) {
      enrolments[`upcoming${i}`] = (await api.enrol(upcoming.id, trainee.id)).id;
    }
    const rows = await expectExact();
    expect(rows.map((r) => r.trainee_id).sort()).toEqual([trainees[0].id, trainees[1].id].sort());
    expect(rows.find((r) => r.trainee_id === trainees[0].id)).toMatchObject({
      age_band: 1,
      organisation_id: orgA.id,
      completed: false,
      certified: false,
    });
  });

  it('withdrawal: the seat leaves, the first in line takes it', async () => {
    await api.withdraw(enrolments.upcoming1);
    const rows = await expectExact();
    expect(rows.map((r) => r.trainee_id).sort()).toEqual([trainees[0].id, trainees[2].id].sort());
  });

  it("a session's new dates: start date and age band follow", async () => {
    await api.patchSession(upcoming.id, {
      startsOn: addDays(day, 60),
      endsOn: addDays(day, 64),
    });
    expect(await seatOf(enrolments.upcoming0)).toMatchObject({
      starts_on: addDays(day, 60),
      age_band: 2,
    });
  });

  it("a trainee's new organisation, sex and date of birth", async () => {
    await api.patchTrainee(trainees[0].id, { organisationId: orgB.id });
    expect(await seatOf(enrolments.upcoming0)).toMatchObject({ organisation_id: orgB.id });
    await api.patchTrainee(trainees[0].id, { organisationId: null, sex: 'male' });
    expect(await seatOf(enrolments.upcoming0)).toMatchObject({
      organisation_id: null,
      sex: 'male',
    });
    await api.patchTrainee(trainees[0].id, { dateOfBirth: '1985-03-03' });
    expect(await seatOf(enrolments.upcoming0)).toMatchObject({
      date_of_birth: '1985-03-03',
      age_band: 4,
    });
    await api.patchTrainee(trainees[2].id, { nationality: 'GB' });
    expect(await seatOf(enrolments.upcoming2)).toMatchObject({ country: 'GB' });
  });

  it('assessment: passed is completed, failed holds its seat', async () => {
    for (const [i, trainee] of trainees.entries()) {
      enrolments[`past${i}`] = (await api.enrol(past.id, trainee.id)).id;
    }
    await api.sessionStatus(past.id, 'in_progress');
    const days = Array.from({ length: 5 }, (_, i) => ({
      date: addDays(past.startsOn, i),
      present: true,
    }));
    for (const [i, score] of [
      [0, 90],
      [1, 40],
    ] as const) {
      const id = enrolments[`past${i}`];
      const attendance = await t.http
        .put(`/api/v1/enrolments/${id}/attendance`)
        .set(instructorUser.auth)
        .send({ days });
      expect(attendance.status).toBe(200);
      const assessed = await t.http
        .put(`/api/v1/enrolments/${id}/assessment`)
        .set(instructorUser.auth)
        .send({ theoryScore: score, practicalScore: score });
      expect(assessed.status).toBe(200);
    }
    // Results are decided when the session is completed (api.md): until then nobody has passed.
    expect((await seatOf(enrolments.past0))?.completed).toBe(false);
    await api.sessionStatus(past.id, 'completed');
    const rows = await expectExact();
    const byEnrolment = (id: string) => rows.find((r) => r.enrolment_id === id);
    expect(byEnrolment(enrolments.past0)).toMatchObject({ completed: true, certified: false });
    expect(byEnrolment(enrolments.past1)).toMatchObject({ completed: false, certified: false });
    expect(byEnrolment(enrolments.past2)).toMatchObject({ completed: false });
  });

  it('certificate issue', async () => {
    const res = await t.http
      .post(`/api/v1/enrolments/${enrolments.past0}/certificate`)
      .set(instructorUser.auth);
    expect(res.status).toBe(201);
    expect(await seatOf(enrolments.past0)).toMatchObject({ completed: true, certified: true });
  });

  it("a session's cancellation: its seats leave", async () => {
    await api.sessionStatus(upcoming.id, 'cancelled');
    const rows = await expectExact();
    expect(rows.filter((r) => r.starts_on === addDays(day, 60))).toEqual([]);
    expect(rows).toHaveLength(3);
  });

  describe('changes the API never makes, in SQL', () => {
    it('a session reinstated, moved to another course', async () => {
      // Cancelling ended its enrolments too: seats come back only with both restored.
      await t.db.query(
        "UPDATE enrolments SET status = 'enrolled' WHERE session_id = $1 AND status = 'cancelled'",
        [upcoming.id],
      );
      expect(await expectExact()).toHaveLength(3);
      await t.db.query("UPDATE course_sessions SET status = 'open' WHERE id = $1", [upcoming.id]);
      expect(await expectExact()).toHaveLength(5);
      await t.db.query('UPDATE course_sessions SET course_id = $1 WHERE id = $2', [
        otherCourse.id,
        upcoming.id,
      ]);
      expect(await seatOf(enrolments.upcoming0)).toMatchObject({ course_id: otherCourse.id });
    });

    it('an enrolment moved to another session or trainee, a status set by hand', async () => {
      await t.db.query('UPDATE enrolments SET session_id = $1 WHERE id = $2', [
        spare.id,
        enrolments.upcoming0,
      ]);
      expect(await seatOf(enrolments.upcoming0)).toMatchObject({
        starts_on: spare.startsOn,
        course_id: otherCourse.id,
      });
      await t.db.query('UPDATE enrolments SET trainee_id = $1 WHERE id = $2', [
        trainees[0].id,
        enrolments.upcoming2,
      ]);
      expect(await seatOf(enrolments.upcoming2)).toMatchObject({
        trainee_id: trainees[0].id,
        date_of_birth: '1985-03-03',
      });
      await t.db.query("UPDATE enrolments SET status = 'enrolled' WHERE id = $1", [
        enrolments.upcoming1,
      ]);
      expect(await seatOf(enrolments.upcoming1)).toBeDefined();
      await t.db.query("UPDATE enrolments SET status = 'waitlisted' WHERE id = $1", [
        enrolments.upcoming1,
      ]);
      expect(await seatOf(enrolments.upcoming1)).toBeUndefined();
    });

    it('a certificate moved to another enrolment, then deleted', async () => {
      await t.db.query('UPDATE certificates SET enrolment_id = $1 WHERE enrolment_id = $2', [
        enrolments.past1,
        enrolments.past0,
      ]);
      expect(await seatOf(enrolments.past0)).toMatchObject({ certified: false });
      expect(await seatOf(enrolments.past1)).toMatchObject({ certified: true });
      await t.db.query('DELETE FROM certificates WHERE enrolment_id = $1', [enrolments.past1]);
      expect(await seatOf(enrolments.past1)).toMatchObject({ certified: false });
    });

    it('an enrolment deleted', async () => {
      await t.db.query('DELETE FROM attendance_days WHERE enrolment_id = $1', [enrolments.past1]);
      await t.db.query('DELETE FROM enrolments WHERE id = $1', [enrolments.past1]);
      expect(await seatOf(enrolments.past1)).toBeUndefined();
    });
  });

  describe('simultaneous changes', () => {
    let other: pg.Client;
    let another: pg.Client;
    beforeAll(async () => {
      other = new pg.Client({ connectionString: t.config.databaseUrl });
      another = new pg.Client({ connectionString: t.config.databaseUrl });
      await Promise.all([other.connect(), another.connect()]);
    });
    afterAll(async () => {
      await Promise.all([other.end(), another.end()]);
    });

    /** True while `query` is still waiting (on a row lock) after a moment. */
    const stillWaiting = async (query: Promise<unknown>) =>
      Promise.race([
        query.then(() => false),
        new Promise<boolean>((resolve) => setTimeout(() => resolve(true), 300)),
      ]);

    it('a seat taken while its trainee is being changed copies the committed change', async () => {
      const trainee = await makeTrainee(t.db, { sex: 'female', dateOfBirth: '2000-01-01' });
      await other.query('BEGIN');
      await other.query("UPDATE trainees SET date_of_birth = '1960-01-01' WHERE id = $1", [
        trainee.id,
      ]);
      const enrolled = another.query(
        "INSERT INTO enrolments (session_id, trainee_id, status) VALUES ($1, $2, 'enrolled') RETURNING id",
        [past.id, trainee.id],
      );
      expect(await stillWaiting(enrolled)).toBe(true);
      await other.query('COMMIT');
      const [{ id }] = (await enrolled).rows as { id: string }[];
      expect(await seatOf(id)).toMatchObject({ date_of_birth: '1960-01-01', age_band: 5 });
    });

    it('a trainee changed while their new seat is uncommitted reaches that seat', async () => {
      const trainee = await makeTrainee(t.db, { sex: 'female', dateOfBirth: '2000-01-01' });
      await another.query('BEGIN');
      const {
        rows: [{ id }],
      } = await another.query<{ id: string }>(
        "INSERT INTO enrolments (session_id, trainee_id, status) VALUES ($1, $2, 'enrolled') RETURNING id",
        [past.id, trainee.id],
      );
      const changed = other.query("UPDATE trainees SET sex = 'male' WHERE id = $1", [trainee.id]);
      expect(await stillWaiting(changed)).toBe(true);
      await another.query('COMMIT');
      await changed;
      expect(await seatOf(id)).toMatchObject({ sex: 'male' });
    });

    it('a certificate linked while its enrolment takes a seat flags the new row', async () => {
      const trainee = await makeTrainee(t.db);
      const {
        rows: [{ id }],
      } = await other.query<{ id: string }>(
        "INSERT INTO enrolments (session_id, trainee_id, status) VALUES ($1, $2, 'waitlisted') RETURNING id",
        [past.id, trainee.id],
      );
      const cert = await makeCertificate(t.db, { traineeId: trainee.id, courseId: course.id });
      await other.query('BEGIN');
      await other.query("UPDATE enrolments SET status = 'completed' WHERE id = $1", [id]);
      const linked = another.query('UPDATE certificates SET enrolment_id = $1 WHERE id = $2', [
        id,
        cert.id,
      ]);
      expect(await stillWaiting(linked)).toBe(true);
      await other.query('COMMIT');
      await linked;
      expect(await seatOf(id)).toMatchObject({ completed: true, certified: true });
    });
  });

  describe('TRUNCATE', () => {
    it('of certificates clears every certified flag', async () => {
      const [{ n }] = (await t.db.query(
        'SELECT count(*)::int AS n FROM training_seats WHERE certified',
      )) as { n: number }[];
      expect(n).toBeGreaterThan(0);
      // Inspection records point at certificates, so they go with them.
      await t.db.query('TRUNCATE certificates, inspections');
      expect((await expectExact()).filter((r) => r.certified)).toEqual([]);
    });

    it('of enrolments (with the tables that must go with them) empties the table', async () => {
      expect((await seats()).length).toBeGreaterThan(0);
      await t.db.query('TRUNCATE enrolments, certificates, attendance_days, inspections');
      expect(await expectExact()).toEqual([]);
    });
  });
});
