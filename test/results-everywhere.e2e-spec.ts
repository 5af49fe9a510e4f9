import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, daysBetween, today } from '../src/common/calendar.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import {
  assign,
  makeCourse,
  makeInstructor,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

type Figures = { attendancePercent: number | null; passed: boolean | null };

/**
 * An enrolment's attendance percent and result read the same wherever they are shown: the
 * roster, GET /enrolments/:id (and its attendance) and the trainee's transcript all answer the
 * results rule (results-rule.ts) as of today, not a figure stored when attendance was last saved.
 */
describe('attendance percent and result: one figure in roster, enrolment and transcript', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let day: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    day = today(t.config.timeZone);
  });
  afterAll(() => t.close());

  /** A course with an 80% attendance minimum, a session of `from`..`to` in progress, one trainee. */
  async function running(from: number, to: number) {
    const course = await makeCourse(t.db, { passMark: 70, minAttendancePercent: 80 });
    const session = await makeSession(t.db, course.id, {
      startsOn: addDays(day, from),
      endsOn: addDays(day, to),
      status: 'in_progress',
      seatsTaken: 1,
    });
    const instructor = await makeInstructor(t.db);
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, session.id, instructor.id);
    const instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
    const trainee = await makeTrainee(t.db);
    const enrolment = await t.db
      .getRepository(Enrolment)
      .save({ sessionId: session.id, traineeId: trainee.id, status: 'enrolled' });
    return { course, session, instructorUser, trainee, enrolment };
  }

  /** The figures of one enrolment as each of the four answers shows them. */
  async function everywhere(w: Awaited<ReturnType<typeof running>>) {
    const pick = (body: Figures) => ({
      attendancePercent: body.attendancePercent,
      passed: body.passed,
    });
    const roster = await t.http
      .get(`/api/v1/sessions/${w.session.id}/enrolments`)
      .set(w.instructorUser.auth);
    const enrolment = await t.http.get(`/api/v1/enrolments/${w.enrolment.id}`).set(admin.auth);
    const attendance = await t.http
      .get(`/api/v1/enrolments/${w.enrolment.id}/attendance`)
      .set(admin.auth);
    const transcript = await t.http
      .get(`/api/v1/trainees/${w.trainee.id}/transcript`)
      .set(admin.auth);
    for (const res of [roster, enrolment, attendance, transcript]) expect(res.status).toBe(200);
    return {
      roster: pick((roster.body as { items: (Figures & { id: string })[] }).items[0]),
      enrolment: pick(enrolment.body as Figures),
      attendance: {
        attendancePercent: (attendance.body as Figures).attendancePercent,
        passed: (attendance.body as { enrolment: Figures }).enrolment.passed,
      },
      transcript: pick(
        (transcript.body as { enrolments: (Figures & { enrolmentId: string })[] }).enrolments[0],
      ),
    };
  }
  const same = (figures: Figures) => ({
    roster: figures,
    enrolment: figures,
    attendance: figures,
    transcript: figures,
  });

  it('mid-course, present every day so far: 100% and no result yet, even over a figure stored by an older rule', async () => {
    // Day 3 of 5. The stored figure is what the former rule wrote: 3 days present of all 5,
    // counting the two that have not happened yet, and "not passed" before the end.
    const w = await running(-2, 2);
    await t.db.query(
      `INSERT INTO attendance_days (enrolment_id, day, present)
       SELECT $1, d::date, true FROM generate_series($2::date, $3::date, '1 day') d`,
      [w.enrolment.id, addDays(day, -2), day],
    );
    await t.db.query(
      'UPDATE enrolments SET attendance_percent = 60, passed = false WHERE id = $1',
      [w.enrolment.id],
    );
    expect(await everywhere(w)).toEqual(same({ attendancePercent: 100, passed: null }));
  });

  it('a day after attendance was saved, the day not yet recorded counts in every answer alike', async () => {
    // Saved through the API yesterday (100% of the two days then); a day has passed since,
    // which shifting the session and its recorded days one day back reproduces.
    const w = await running(-1, 3);
    const saved = await t.http
      .put(`/api/v1/enrolments/${w.enrolment.id}/attendance`)
      .set(w.instructorUser.auth)
      .send({ days: daysBetween(addDays(day, -1), day).map((date) => ({ date, present: true })) });
    expect(saved.status).toBe(200);
    expect(saved.body).toMatchObject({ attendancePercent: 100 });
    await t.db.query(
      `UPDATE course_sessions SET starts_on = starts_on - 1, ends_on = ends_on - 1 WHERE id = $1`,
      [w.session.id],
    );
    await t.db.query('UPDATE attendance_days SET day = day - 1 WHERE enrolment_id = $1', [
      w.enrolment.id,
    ]);
    // Two of the three days so far recorded present; today is not recorded yet.
    expect(await everywhere(w)).toEqual(same({ attendancePercent: 66.67, passed: null }));

    await t.http
      .put(`/api/v1/enrolments/${w.enrolment.id}/attendance`)
      .set(w.instructorUser.auth)
      .send({ days: [{ date: day, present: true }] })
      .expect(200);
    expect(await everywhere(w)).toEqual(same({ attendancePercent: 100, passed: null }));
  });

  it('once the session is completed, the settled figure and result everywhere', async () => {
    const w = await running(-4, 0);
    const days = daysBetween(addDays(day, -4), day);
    await t.http
      .put(`/api/v1/enrolments/${w.enrolment.id}/attendance`)
      .set(w.instructorUser.auth)
      .send({ days: days.map((date, i) => ({ date, present: i !== 1 })) })
      .expect(200);
    await t.http
      .put(`/api/v1/enrolments/${w.enrolment.id}/assessment`)
      .set(w.instructorUser.auth)
      .send({ theoryScore: 90, practicalScore: 85 })
      .expect(200);
    expect(await everywhere(w)).toEqual(same({ attendancePercent: 80, passed: null }));

    const completed = await t.http
      .post(`/api/v1/sessions/${w.session.id}/status`)
      .set(admin.auth)
      .send({ status: 'completed' });
    expect(completed.status).toBe(200);
    expect(await everywhere(w)).toEqual(same({ attendancePercent: 80, passed: true }));
  });
});
