import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { codeMessage } from '../src/common/error-messages.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError } from './factories.js';
import { makeCertificate, makeCourse, makeSession, makeTrainee } from './fixtures.js';

/**
 * A prerequisite counts when the trainee held its certificate by the session's first day, and
 * days are the Center's (here Baku, UTC+4): a certificate signed at 01:30 on 11 January in Baku
 * (21:30 UTC on the 10th) was not held on the 10th there.
 */
describe("prerequisites are held by the first day in the Center's time zone", () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp({ timeZone: 'Asia/Baku' });
  });
  afterAll(() => t.close());

  async function story(issuedAt: string) {
    const basic = await makeCourse(t.db);
    const advanced = await makeCourse(t.db, { prerequisiteIds: [basic.id] });
    const session = await makeSession(t.db, advanced.id, {
      startsOn: '2027-01-10',
      endsOn: '2027-01-14',
    });
    const trainee = await makeTrainee(t.db);
    await makeCertificate(t.db, {
      traineeId: trainee.id,
      courseId: basic.id,
      issuedAt: new Date(issuedAt),
    });
    const user = await createUser(t, ['trainee'], { traineeId: trainee.id });
    const view = await t.http
      .get(`/api/v1/sessions/${session.id}`)
      .set(user.auth)
      .set('Accept-Language', 'ru');
    const enrol = await t.http
      .post(`/api/v1/sessions/${session.id}/enrolments`)
      .set(user.auth)
      .send({ traineeId: trainee.id });
    return { basic, view, enrol };
  }

  it('refuses a certificate issued after midnight in Baku, though still the day before in UTC', async () => {
    const { basic, view, enrol } = await story('2027-01-10T21:30:00Z');
    const body = expectError(enrol, 422, 'PREREQUISITE_NOT_MET');
    expect((body.details as { missing: string[] }).missing).toEqual([basic.code]);
    expect(view.body.canEnrol.allowed).toBe(false);
    expect(view.body.canEnrol.reasons.map((r: { code: string }) => r.code)).toEqual([
      'PREREQUISITE_NOT_MET',
    ]);
    // Each reason comes worded too, in the caller's language, as the enrol route words it.
    const [reason] = view.body.canEnrol.reasons;
    expect(reason.message).toBe(codeMessage('ru', 'PREREQUISITE_NOT_MET', reason.details));
    expect(reason.message).toContain(basic.code);
  });

  it('accepts one issued late on the first day in Baku', async () => {
    const { view, enrol } = await story('2027-01-10T19:30:00Z');
    expect(enrol.status).toBe(201);
    expect(view.body.canEnrol).toEqual({ allowed: true, reasons: [], seatAvailable: true });
  });
});
