import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { permissionsOf } from '../src/access/access-policy.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser } from './factories.js';
import { assign, makeCourse, makeInstructor, makeSession, makeTrainee } from './fixtures.js';

/**
 * What the pages are told about the access policy: each account's permissions, and what each
 * caller may do with a session. The guard and the services enforce the same table
 * (test/authorization-matrix.e2e-spec.ts proves the routes).
 */
describe('the access policy as the API tells it', () => {
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('gives each account its permissions with the user, on sign-in and from /auth/me', async () => {
    for (const roles of [
      ['admin'],
      ['auditor'],
      ['instructor'],
      ['trainee'],
      ['coordinator'],
    ] as const) {
      const user = await createUser(t, [...roles]);
      const me = await t.http.get('/api/v1/auth/me').set(user.auth);
      expect(me.status).toBe(200);
      expect(me.body.permissions).toEqual(permissionsOf({ roles: [...roles] }));
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ email: user.email, password: 'Field-Training-Area-7' });
      expect(login.body.user.permissions).toEqual(me.body.permissions);
    }
    const auditor = await createUser(t, ['auditor']);
    const me = await t.http.get('/api/v1/auth/me').set(auditor.auth);
    expect(me.body.permissions).toContain('audit.read');
    expect(me.body.permissions).not.toContain('certificates.changeStatus');
  });

  it("says what each caller may do with a session: an instructor's only where assigned", async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id);
    const teaching = await makeInstructor(t.db);
    const other = await makeInstructor(t.db);
    await assign(t.db, session.id, teaching.id);
    const trainee = await makeTrainee(t.db);
    const callers = {
      admin: await createUser(t, ['admin']),
      auditor: await createUser(t, ['auditor']),
      assigned: await createUser(t, ['instructor'], { instructorId: teaching.id }),
      unassigned: await createUser(t, ['instructor'], { instructorId: other.id }),
      trainee: await createUser(t, ['trainee'], { traineeId: trainee.id }),
    };
    const actions: Record<string, unknown> = {};
    for (const [who, caller] of Object.entries(callers)) {
      const one = await t.http.get(`/api/v1/sessions/${session.id}`).set(caller.auth);
      const list = await t.http
        .get('/api/v1/sessions')
        .query({ courseId: course.id })
        .set(caller.auth);
      expect(list.body.items[0].allowedActions).toEqual(one.body.allowedActions);
      actions[who] = one.body.allowedActions;
    }
    expect(actions).toEqual({
      admin: ['manage', 'readRoster', 'recordResults', 'printAttendanceSheet'],
      auditor: ['readRoster', 'printAttendanceSheet'],
      assigned: ['readRoster', 'recordResults', 'issueCertificates', 'printAttendanceSheet'],
      unassigned: [],
      trainee: [],
    });

    // What it says is what the routes do.
    const roster = (who: keyof typeof callers) =>
      t.http.get(`/api/v1/sessions/${session.id}/enrolments`).set(callers[who].auth);
    expect((await roster('assigned')).status).toBe(200);
    expect((await roster('unassigned')).status).toBe(403);
    expect((await roster('auditor')).status).toBe(200);
    const sheet = (who: keyof typeof callers) =>
      t.http.get(`/api/v1/sessions/${session.id}/attendance-sheet`).set(callers[who].auth);
    expect((await sheet('assigned')).status).toBe(200);
    expect((await sheet('unassigned')).status).toBe(403);
    expect((await roster('trainee')).status).toBe(403);
  });
});
