import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, today } from '../src/common/calendar.js';
import { InstructorsService } from '../src/instructors/instructors.service.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCourse, makeInstructor, makeOrganisation, makeTrainee, qualify } from './fixtures.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('instructors', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let colleague: SignedInUser;
  let trainee: SignedInUser;
  let organisationId: string;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
    colleague = await createUser(t, ['instructor'], {
      instructorId: (await makeInstructor(t.db)).id,
    });
    trainee = await createUser(t, ['trainee'], { traineeId: (await makeTrainee(t.db)).id });
    organisationId = (await makeOrganisation(t.db)).id;
  });
  afterAll(() => t.close());

  const body = (init: Record<string, unknown> = {}) => {
    counter += 1;
    return {
      givenName: 'Rashad',
      familyName: 'Əliyev',
      email: `rashad.${counter}@coe.test`,
      organisationId,
      ...init,
    };
  };
  const post = (data: unknown, user: SignedInUser = admin) =>
    t.http
      .post('/api/v1/instructors')
      .set(user.auth)
      .send(data as object);
  const grant = (instructorId: string, data: unknown, user: SignedInUser = admin) =>
    t.http
      .post(`/api/v1/instructors/${instructorId}/qualifications`)
      .set(user.auth)
      .send(data as object);
  const auditRows = (entityId: string) =>
    t.db.query(
      'SELECT action, actor_id, entity_type, data FROM audit_events WHERE entity_id = $1 ORDER BY seq',
      [entityId],
    ) as Promise<
      { action: string; actor_id: string; entity_type: string; data: Record<string, unknown> }[]
    >;

  describe('POST /api/v1/instructors', () => {
    it('registers an instructor with a lower-cased email and audits it', async () => {
      const res = await post(
        body({ givenName: ' Günel ', familyName: 'Məmmədova', email: ' G.Mammadova@CoE.Test ' }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        givenName: 'Günel',
        familyName: 'Məmmədova',
        email: 'g.mammadova@coe.test',
        organisationId,
        userId: null,
        qualifications: [],
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const events = await auditRows(res.body.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'instructor.created',
        entity_type: 'instructor',
        actor_id: admin.id,
        data: { after: { email: 'g.mammadova@coe.test' } },
      });
      const noOrganisation = await post(body({ organisationId: undefined }));
      expect(noOrganisation.status).toBe(201);
      expect(noOrganisation.body.organisationId).toBeNull();
      expect((await post(body({ organisationId: null }))).body.organisationId).toBeNull();
    });

    it('refuses a second instructor with the same email, whatever its case', async () => {
      expect((await post(body({ email: 'taken@coe.test' }))).status).toBe(201);
      expectError(await post(body({ email: 'TAKEN@coe.test' })), 409, 'INSTRUCTOR_EMAIL_TAKEN');
      const results = await Promise.all(
        Array.from({ length: 6 }, () => post(body({ email: 'race@coe.test' }))),
      );
      expect(results.filter((r) => r.status === 201)).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 201)) {
        expectError(r, 409, 'INSTRUCTOR_EMAIL_TAKEN');
      }
    });

    it('answers 422 for an unknown organisation and 400 for malformed input', async () => {
      expectError(await post(body({ organisationId: MISSING_ID })), 422, 'REFERENCE_NOT_FOUND');
      for (const change of [
        { givenName: 5 },
        { givenName: '' },
        { givenName: 'a'.repeat(101) },
        { familyName: 'Ali\u0000yev' },
        { familyName: undefined },
        { email: undefined },
        { email: null },
        { email: 'nope' },
        { email: `${'a'.repeat(300)}@coe.test` },
        { organisationId: 'xyz' },
        { role: 'lead' },
      ]) {
        const res = await post(body(change));
        if (res.status !== 400)
          throw new Error(`${JSON.stringify(change).slice(0, 60)}: ${res.status}`);
        expectError(res, 400);
      }
    });

    it('is for admins only', async () => {
      expectError(await t.http.post('/api/v1/instructors').send(body()), 401);
      for (const user of [auditor, colleague, trainee]) {
        expectError(await post(body(), user), 403);
        expectError(await post({ garbage: 1 }, user), 403);
      }
    });
  });

  describe('GET /api/v1/instructors and /:id', () => {
    it('shows current qualifications only, one per course with the latest date', async () => {
      const instructor = await makeInstructor(t.db);
      const account = await createUser(t, ['instructor'], { instructorId: instructor.id });
      const eod1 = await makeCourse(t.db, { code: 'EOD-1-Q', title: 'EOD Level 1' });
      const medic = await makeCourse(t.db, { code: 'MED-Q', title: 'Field medic' });
      const eore = await makeCourse(t.db, { code: 'EORE-Q', title: 'Risk education' });
      const day = today('UTC');
      await qualify(t.db, instructor.id, eod1.id, addDays(day, 30));
      await qualify(t.db, instructor.id, eod1.id, addDays(day, 400)); // renewal
      await qualify(t.db, instructor.id, medic.id, day); // last day: still current
      await qualify(t.db, instructor.id, eore.id, addDays(day, -1)); // lapsed
      const res = await t.http.get(`/api/v1/instructors/${instructor.id}`).set(colleague.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: instructor.id, userId: account.id, version: 1 });
      expect(res.body.qualifications).toEqual([
        {
          courseId: eod1.id,
          courseCode: 'EOD-1-Q',
          courseTitle: 'EOD Level 1',
          validUntil: addDays(day, 400),
        },
        { courseId: medic.id, courseCode: 'MED-Q', courseTitle: 'Field medic', validUntil: day },
      ]);
    });

    it('reads for admins, auditors and instructors; 403 trainees, 401 anonymous', async () => {
      const instructor = await makeInstructor(t.db);
      for (const user of [admin, auditor, colleague]) {
        expect(
          (await t.http.get(`/api/v1/instructors/${instructor.id}`).set(user.auth)).status,
        ).toBe(200);
        expect((await t.http.get('/api/v1/instructors').set(user.auth)).status).toBe(200);
      }
      expectError(await t.http.get(`/api/v1/instructors/${instructor.id}`).set(trainee.auth), 403);
      expectError(await t.http.get('/api/v1/instructors').set(trainee.auth), 403);
      expectError(await t.http.get(`/api/v1/instructors/${instructor.id}`), 401);
      expectError(await t.http.get('/api/v1/instructors'), 401);
      expectError(await t.http.get(`/api/v1/instructors/${MISSING_ID}`).set(auditor.auth), 404);
      expectError(await t.http.get('/api/v1/instructors/abc').set(auditor.auth), 400);
    });

    it('lists with keyset pagination and filters', async () => {
      const org = await makeOrganisation(t.db);
      const a = await makeInstructor(t.db, {
        givenName: 'Vüqar',
        familyName: 'Hüseynli',
        organisationId: org.id,
      });
      const b = await makeInstructor(t.db, {
        givenName: 'Ірина',
        familyName: 'Бондаренко',
        email: 'iryna.b@demining.example',
        organisationId: org.id,
      });
      const ids = async (query: string) => {
        const res = await t.http.get(`/api/v1/instructors?${query}`).set(auditor.auth);
        expect(res.status).toBe(200);
        return (res.body.items as { id: string }[]).map((i) => i.id).sort();
      };
      expect(await ids(`organisationId=${org.id}`)).toEqual([a.id, b.id].sort());
      expect(await ids(`q=${encodeURIComponent('hüseyn')}`)).toEqual([a.id]);
      expect(await ids(`q=${encodeURIComponent('ІРИНА')}`)).toEqual([b.id]);
      expect(await ids(`q=${encodeURIComponent('IRYNA.B@')}`)).toEqual([b.id]);
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const res = await t.http
          .get(`/api/v1/instructors?limit=2${cursor ? `&cursor=${cursor}` : ''}`)
          .set(admin.auth);
        expect(res.status).toBe(200);
        for (const item of res.body.items as { id: string }[]) {
          expect(seen.has(item.id)).toBe(false);
          seen.add(item.id);
        }
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 100);
      const [{ count }] = (await t.db.query('SELECT count(*)::int AS count FROM instructors')) as {
        count: number;
      }[];
      expect(seen.size).toBe(count);
      expect(pages).toBeGreaterThan(1);
      for (const query of ['organisationId=1', 'limit=999', 'cursor=x', 'extra=1']) {
        expectError(await t.http.get(`/api/v1/instructors?${query}`).set(admin.auth), 400);
      }
    });
  });

  describe('PATCH /api/v1/instructors/:id', () => {
    it('corrects an instructor, bumps the version and audits before and after', async () => {
      const created = await post(body());
      const res = await t.http
        .patch(`/api/v1/instructors/${created.body.id}`)
        .set(admin.auth)
        .send({ email: 'New.Address@CoE.Test', organisationId: null, version: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        email: 'new.address@coe.test',
        organisationId: null,
        version: 2,
      });
      const events = await auditRows(created.body.id);
      expect(events.map((e) => e.action)).toEqual(['instructor.created', 'instructor.updated']);
      expect(events[1].data).toMatchObject({
        before: { email: created.body.email, organisationId, version: 1 },
        after: { email: 'new.address@coe.test', organisationId: null, version: 2 },
      });
    });

    it('refuses a stale version, a taken email, bad input and unknown references', async () => {
      const created = await post(body());
      const url = `/api/v1/instructors/${created.body.id}`;
      expect(
        (await t.http.patch(url).set(admin.auth).send({ givenName: 'Ruslan', version: 1 })).status,
      ).toBe(200);
      const stale = expectError(
        await t.http.patch(url).set(admin.auth).send({ givenName: 'Rauf', version: 1 }),
        409,
        'STALE_VERSION',
      );
      expect(stale.details).toEqual({ currentVersion: 2 });
      const other = await post(body());
      expectError(
        await t.http.patch(url).set(admin.auth).send({ email: other.body.email.toUpperCase() }),
        409,
        'INSTRUCTOR_EMAIL_TAKEN',
      );
      // Its own email again is no change, not a conflict.
      expect(
        (await t.http.patch(url).set(admin.auth).send({ email: created.body.email })).status,
      ).toBe(200);
      for (const data of [
        {},
        { version: 2 },
        { email: null },
        { givenName: null },
        { email: 'bad' },
        { qualifications: [] },
      ]) {
        const res = await t.http.patch(url).set(admin.auth).send(data);
        if (res.status !== 400) throw new Error(`${JSON.stringify(data)}: ${res.status}`);
        expectError(res, 400);
      }
      expectError(
        await t.http.patch(url).set(admin.auth).send({ organisationId: MISSING_ID }),
        422,
        'REFERENCE_NOT_FOUND',
      );
      expectError(
        await t.http
          .patch(`/api/v1/instructors/${MISSING_ID}`)
          .set(admin.auth)
          .send({ givenName: 'X' }),
        404,
      );
    });

    it('is for admins only', async () => {
      const instructor = await makeInstructor(t.db);
      const url = `/api/v1/instructors/${instructor.id}`;
      const self = await createUser(t, ['instructor'], { instructorId: instructor.id });
      expectError(await t.http.patch(url).send({ givenName: 'X' }), 401);
      for (const user of [auditor, colleague, self, trainee]) {
        expectError(await t.http.patch(url).set(user.auth).send({ givenName: 'X' }), 403);
      }
    });
  });

  describe('qualifications', () => {
    it('grants a qualification, keeps renewals as history and audits each grant', async () => {
      const instructor = await makeInstructor(t.db);
      const course = await makeCourse(t.db, { title: 'Non-technical survey' });
      const day = today('UTC');
      const first = await grant(instructor.id, {
        courseId: course.id,
        validUntil: addDays(day, -1),
      });
      expect(first.status).toBe(201);
      expect(first.body).toEqual({
        id: expect.any(String),
        instructorId: instructor.id,
        courseId: course.id,
        courseCode: course.code,
        courseTitle: 'Non-technical survey',
        validUntil: addDays(day, -1),
        current: false,
        createdAt: expect.any(String),
      });
      const renewal = await grant(instructor.id, { courseId: course.id, validUntil: day });
      expect(renewal.status).toBe(201);
      expect(renewal.body).toMatchObject({ validUntil: day, current: true });
      expect(renewal.body.id).not.toBe(first.body.id);

      const events = await auditRows(renewal.body.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'qualification.granted',
        entity_type: 'qualification',
        actor_id: admin.id,
        data: { instructorId: instructor.id, courseId: course.id, validUntil: day },
      });

      const history = await t.http
        .get(`/api/v1/instructors/${instructor.id}/qualifications`)
        .set(auditor.auth);
      expect(history.status).toBe(200);
      expect(history.body.nextCursor).toBeNull();
      expect(history.body.items).toEqual([renewal.body, first.body]);
      const profile = await t.http.get(`/api/v1/instructors/${instructor.id}`).set(admin.auth);
      expect(profile.body.qualifications).toEqual([
        {
          courseId: course.id,
          courseCode: course.code,
          courseTitle: course.title,
          validUntil: day,
        },
      ]);
    });

    it('pages through a long history, newest first', async () => {
      const instructor = await makeInstructor(t.db);
      const course = await makeCourse(t.db);
      for (let i = 0; i < 5; i++) {
        await grant(instructor.id, { courseId: course.id, validUntil: addDays('2030-01-01', i) });
      }
      const first = await t.http
        .get(`/api/v1/instructors/${instructor.id}/qualifications?limit=3`)
        .set(admin.auth);
      expect(first.body.items).toHaveLength(3);
      const second = await t.http
        .get(
          `/api/v1/instructors/${instructor.id}/qualifications?limit=3&cursor=${first.body.nextCursor}`,
        )
        .set(admin.auth);
      expect(second.body.nextCursor).toBeNull();
      const dates = [...first.body.items, ...second.body.items].map(
        (q: { validUntil: string }) => q.validUntil,
      );
      expect(dates).toEqual([4, 3, 2, 1, 0].map((i) => addDays('2030-01-01', i)));
    });

    it('answers 404, 422 and 400 as it should', async () => {
      const instructor = await makeInstructor(t.db);
      const course = await makeCourse(t.db);
      expectError(await grant(MISSING_ID, { courseId: course.id, validUntil: '2030-01-01' }), 404);
      const missingCourse = expectError(
        await grant(instructor.id, { courseId: MISSING_ID, validUntil: '2030-01-01' }),
        422,
        'REFERENCE_NOT_FOUND',
      );
      expect(missingCourse.details).toEqual({ field: 'courseId' });
      for (const data of [
        {},
        { courseId: course.id },
        { courseId: 'abc', validUntil: '2030-01-01' },
        { courseId: course.id, validUntil: '2030-02-30' },
        { courseId: course.id, validUntil: '31.12.2030' },
        { courseId: course.id, validUntil: 20301231 },
        { courseId: course.id, validUntil: '2030-01-01', current: true },
      ]) {
        const res = await grant(instructor.id, data);
        if (res.status !== 400) throw new Error(`${JSON.stringify(data)}: ${res.status}`);
        expectError(res, 400);
      }
      expectError(await grant('abc', { courseId: course.id, validUntil: '2030-01-01' }), 400);
      expectError(
        await t.http.get(`/api/v1/instructors/${MISSING_ID}/qualifications`).set(admin.auth),
        404,
      );
    });

    it('lets admins grant, and admins, auditors and the instructor themself read', async () => {
      const instructor = await makeInstructor(t.db);
      const self = await createUser(t, ['instructor'], { instructorId: instructor.id });
      const course = await makeCourse(t.db);
      const data = { courseId: course.id, validUntil: '2030-06-30' };
      expectError(
        await t.http.post(`/api/v1/instructors/${instructor.id}/qualifications`).send(data),
        401,
      );
      for (const user of [auditor, self, colleague, trainee]) {
        expectError(await grant(instructor.id, data, user), 403);
      }
      expect((await grant(instructor.id, data)).status).toBe(201);
      const url = `/api/v1/instructors/${instructor.id}/qualifications`;
      expectError(await t.http.get(url), 401);
      for (const user of [admin, auditor, self]) {
        const res = await t.http.get(url).set(user.auth);
        expect(res.status).toBe(200);
        expect(res.body.items).toHaveLength(1);
      }
      expectError(await t.http.get(url).set(colleague.auth), 403);
      expectError(await t.http.get(url).set(trainee.auth), 403);
      // Another instructor learns nothing about which ids exist.
      expectError(
        await t.http.get(`/api/v1/instructors/${MISSING_ID}/qualifications`).set(colleague.auth),
        403,
      );
    });
  });

  describe('InstructorsService for other modules', () => {
    it('hasCurrentQualification answers for a given day, counting renewals', async () => {
      const instructor = await makeInstructor(t.db);
      const course = await makeCourse(t.db);
      const otherCourse = await makeCourse(t.db);
      await qualify(t.db, instructor.id, course.id, '2026-06-30');
      await qualify(t.db, instructor.id, course.id, '2027-06-30');
      const service = t.app.get(InstructorsService);
      const has = (courseId: string, day: string) =>
        service.hasCurrentQualification(t.db.manager, instructor.id, courseId, day);
      expect(await has(course.id, '2026-01-01')).toBe(true);
      expect(await has(course.id, '2027-06-30')).toBe(true);
      expect(await has(course.id, '2027-07-01')).toBe(false);
      expect(await has(otherCourse.id, '2026-01-01')).toBe(false);
      expect(
        await t.db.transaction((tx) =>
          service.hasCurrentQualification(tx, MISSING_ID, course.id, '2026-01-01'),
        ),
      ).toBe(false);
    });
  });
});
