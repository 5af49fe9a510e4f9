import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { CourseSession } from '../src/courses/session.entity.js';
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

const week = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'].map((date) => ({
  date,
  present: true,
}));

/**
 * Nobody records their own attendance or results, or certifies themself: not with one account
 * holding both roles, not with two accounts or records of the same person, not as an admin.
 */
describe('self-certification', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  /** An open session (2-6 November 2026) of a new course, with a qualified instructor record. */
  async function openSession() {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, {
      startsOn: '2026-11-02',
      endsOn: '2026-11-06',
      status: 'open',
    });
    return { course, session };
  }

  async function enrol(user: SignedInUser, sessionId: string, traineeId: string) {
    const res = await t.http
      .post(`/api/v1/sessions/${sessionId}/enrolments`)
      .set(user.auth)
      .send({ traineeId });
    expect(res.status).toBe(201);
    return (res.body as { id: string }).id;
  }

  const setStatus = (sessionId: string, status: CourseSession['status']) =>
    t.db.getRepository(CourseSession).update({ id: sessionId }, { status });
  const attendance = (user: SignedInUser, enrolmentId: string) =>
    t.http.put(`/api/v1/enrolments/${enrolmentId}/attendance`).set(user.auth).send({ days: week });
  const assessment = (user: SignedInUser, enrolmentId: string) =>
    t.http
      .put(`/api/v1/enrolments/${enrolmentId}/assessment`)
      .set(user.auth)
      .send({ theoryScore: 100, practicalScore: 100 });

  it('one account with both roles: no own attendance, results or certificate; the others go on', async () => {
    const { course, session } = await openSession();
    const instructor = await makeInstructor(t.db);
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, session.id, instructor.id);
    const self = await makeTrainee(t.db);
    const both = await createUser(t, ['instructor', 'trainee'], {
      instructorId: instructor.id,
      traineeId: self.id,
    });
    const ownEnrolment = await enrol(both, session.id, self.id);
    const other = await makeTrainee(t.db);
    const otherEnrolment = await enrol(admin, session.id, other.id);
    await setStatus(session.id, 'in_progress');

    expectError(await attendance(both, ownEnrolment), 403, 'SELF_CERTIFICATION');
    expectError(await assessment(both, ownEnrolment), 403, 'SELF_CERTIFICATION');
    // The same instructor records the other trainee's results as usual.
    expect((await attendance(both, otherEnrolment)).status).toBe(200);
    expect((await assessment(both, otherEnrolment)).status).toBe(200);

    // Results recorded by someone else (an admin) do not open the way to a self-issued certificate.
    expect((await attendance(admin, ownEnrolment)).status).toBe(200);
    expect((await assessment(admin, ownEnrolment)).status).toBe(200);
    // Completed through the API: completing decides the results recorded while it ran.
    expect(
      (
        await t.http
          .post(`/api/v1/sessions/${session.id}/status`)
          .set(admin.auth)
          .send({ status: 'completed' })
      ).status,
    ).toBe(200);
    expectError(
      await t.http.post(`/api/v1/enrolments/${ownEnrolment}/certificate`).set(both.auth),
      403,
      'SELF_CERTIFICATION',
    );
    const bulk = await t.http.post(`/api/v1/sessions/${session.id}/certificates`).set(both.auth);
    expect(bulk.status).toBe(201);
    expect(bulk.body.issued.map((c: { traineeId: string }) => c.traineeId)).toEqual([other.id]);
    expect(bulk.body.skipped).toEqual([
      { enrolmentId: ownEnrolment, code: 'SELF_CERTIFICATION', message: expect.any(String) },
    ]);
    const certificates = (await t.db.query(
      'SELECT trainee_id FROM certificates WHERE session_id = $1',
      [session.id],
    )) as { trainee_id: string }[];
    expect(certificates).toEqual([{ trainee_id: other.id }]);
  });

  it('two records of one person: the instructor and the trainee share an e-mail (any case)', async () => {
    const { course, session } = await openSession();
    const instructor = await makeInstructor(t.db, { email: 'samir.huseynov@coe.test' });
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, session.id, instructor.id);
    const instructorUser = await createUser(t, ['instructor'], {
      instructorId: instructor.id,
      email: 'lead-samir@coe.test',
    });
    // The same person's trainee record, with no account and the e-mail typed differently.
    const trainee = await makeTrainee(t.db, { email: ' Samir.Huseynov@COE.test' });
    const enrolment = await enrol(admin, session.id, trainee.id);
    await setStatus(session.id, 'in_progress');
    expectError(await attendance(instructorUser, enrolment), 403, 'SELF_CERTIFICATION');
    expectError(await assessment(instructorUser, enrolment), 403, 'SELF_CERTIFICATION');
  });

  it("two accounts of one person: the trainee's account has the instructor record's e-mail", async () => {
    const { course, session } = await openSession();
    const instructor = await makeInstructor(t.db, { email: 'nigar.aliyeva@coe.test' });
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, session.id, instructor.id);
    const instructorUser = await createUser(t, ['instructor'], {
      instructorId: instructor.id,
      email: 'instructor-nigar@coe.test',
    });
    const trainee = await makeTrainee(t.db, { email: null });
    const traineeAccount = await createUser(t, ['trainee'], {
      traineeId: trainee.id,
      email: 'nigar.aliyeva@coe.test',
    });
    const enrolment = await enrol(traineeAccount, session.id, trainee.id);
    await setStatus(session.id, 'in_progress');
    expectError(await attendance(instructorUser, enrolment), 403, 'SELF_CERTIFICATION');
  });

  it('an admin who is the trainee may not record their own results either', async () => {
    const { session } = await openSession();
    const trainee = await makeTrainee(t.db);
    const adminTrainee = await createUser(t, ['admin', 'trainee'], { traineeId: trainee.id });
    const enrolment = await enrol(adminTrainee, session.id, trainee.id);
    await setStatus(session.id, 'in_progress');
    expectError(await attendance(adminTrainee, enrolment), 403, 'SELF_CERTIFICATION');
    expectError(await assessment(adminTrainee, enrolment), 403, 'SELF_CERTIFICATION');
    // Another admin may.
    expect((await attendance(admin, enrolment)).status).toBe(200);
  });
});
