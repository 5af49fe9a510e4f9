import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DEMO_ACCOUNTS, seedDemoData } from '../src/database/seed.js';
import { startTestApp, type TestApp } from './app.js';

describe('demo data set', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('loads once through the services, with demo logins for every role', async () => {
    expect(await seedDemoData(t.app)).toBe(true);
    expect(await seedDemoData(t.app)).toBe(false);
    const counts = (await t.db.query(`SELECT
        (SELECT count(*)::int FROM courses) AS courses,
        (SELECT count(*)::int FROM course_sessions) AS sessions,
        (SELECT count(*)::int FROM certificates) AS certificates,
        (SELECT count(*)::int FROM enrolments WHERE status = 'waitlisted') AS waiting`)) as Record<
      string,
      number
    >[];
    expect(counts[0].courses).toBeGreaterThanOrEqual(10);
    expect(counts[0].sessions).toBeGreaterThanOrEqual(8);
    expect(counts[0].certificates).toBeGreaterThanOrEqual(20);
    expect(counts[0].waiting).toBeGreaterThanOrEqual(1);
    for (const account of DEMO_ACCOUNTS) {
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ email: account.email, password: account.password });
      expect(res.status).toBe(200);
      expect(res.body.user.roles).toEqual([account.role]);
    }
    const trainee = await t.http
      .post('/api/v1/auth/login')
      .send({ email: DEMO_ACCOUNTS[2].email, password: DEMO_ACCOUNTS[2].password });
    const transcript = await t.http
      .get(`/api/v1/trainees/${trainee.body.user.traineeId}/transcript`)
      .set('Authorization', `Bearer ${trainee.body.accessToken}`);
    expect(transcript.status).toBe(200);
    expect(transcript.body.certificates.length).toBeGreaterThanOrEqual(2);
  });
});
