import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { assign, makeCourse, makeInstructor, makeSession, qualify } from './fixtures.js';

const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

describe('courses', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let trainee: SignedInUser;
  let instructor: SignedInUser;
  let serial = 0;

  beforeAll(async () => {
    t = await startTestApp();
    [admin, auditor, trainee, instructor] = await Promise.all([
      createUser(t, ['admin']),
      createUser(t, ['auditor']),
      createUser(t, ['trainee']),
      createUser(t, ['instructor']),
    ]);
  });
  afterAll(() => t.close());

  const newCode = (prefix = 'T') => `${prefix}-${++serial}`;
  const validCourse = (overrides: Record<string, unknown> = {}) => ({
    code: newCode('EOD'),
    title: 'Explosive Ordnance Disposal Level 2',
    description: 'Render safe of single items',
    imasReferences: ['IMAS 09.30'],
    level: 'EOD 2',
    durationDays: 10,
    passMark: 70,
    minAttendancePercent: 90,
    validityMonths: 24,
    ...overrides,
  });
  const post = (body: unknown, user: SignedInUser = admin) =>
    t.http
      .post('/api/v1/courses')
      .set(user.auth)
      .send(body as object);
  const patch = (id: string, body: unknown, user: SignedInUser = admin) =>
    t.http
      .patch(`/api/v1/courses/${id}`)
      .set(user.auth)
      .send(body as object);
  const get = (id: string, user: SignedInUser = admin) =>
    t.http.get(`/api/v1/courses/${id}`).set(user.auth);
  const eventsOf = (id: string) =>
    t.db.getRepository(AuditEvent).find({
      where: { entityType: 'course', entityId: id },
      order: { seq: 'ASC' },
    });

  describe('POST /api/v1/courses', () => {
    it('creates a draft course with every field, normalising the code', async () => {
      const prerequisite = await makeCourse(t.db);
      const renewed = await makeCourse(t.db);
      const res = await post(
        validCourse({
          code: '  eod-2r ',
          prerequisiteCourseIds: [prerequisite.id.toUpperCase()],
          renewsCourseId: renewed.id,
          requiresMedicalClearance: true,
        }),
      );
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        code: 'EOD-2R',
        title: 'Explosive Ordnance Disposal Level 2',
        description: 'Render safe of single items',
        imasReferences: ['IMAS 09.30'],
        level: 'EOD 2',
        durationDays: 10,
        passMark: 70,
        minAttendancePercent: 90,
        validityMonths: 24,
        prerequisiteCourseIds: [prerequisite.id],
        renewsCourseId: renewed.id,
        requiresMedicalClearance: true,
        status: 'draft',
        maxTraineesPerInstructor: null,
        translations: {},
        localized: {
          language: 'en',
          title: 'Explosive Ordnance Disposal Level 2',
          description: 'Render safe of single items',
          level: 'EOD 2',
        },
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      expect((await get(res.body.id)).body).toEqual(res.body);
      const events = await eventsOf(res.body.id);
      expect(events.map((e) => e.action)).toEqual(['course.created']);
      expect(events[0].data).toMatchObject({ after: { code: 'EOD-2R' } });
    });

    it('accepts validityMonths null (never expires) and fills the optional fields', async () => {
      const res = await post({
        code: newCode('EORE'),
        title: 'Explosive Ordnance Risk Education',
        level: 'Basic',
        durationDays: 3,
        passMark: 60,
        minAttendancePercent: 100,
        validityMonths: null,
        status: 'active',
      });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        validityMonths: null,
        description: '',
        imasReferences: [],
        prerequisiteCourseIds: [],
        renewsCourseId: null,
        requiresMedicalClearance: false,
        status: 'active',
      });
    });

    it('refuses a code already taken, whatever its case, with 409 COURSE_CODE_TAKEN', async () => {
      const code = newCode('NTS');
      expect((await post(validCourse({ code }))).status).toBe(201);
      const res = expectError(
        await post(validCourse({ code: ` ${code.toLowerCase()}` })),
        409,
        'COURSE_CODE_TAKEN',
      );
      expect(res.details).toEqual({ code });
    });

    it('gives exactly one of two simultaneous creations of the same code', async () => {
      const code = newCode('RACE');
      const results = await Promise.all([post(validCourse({ code })), post(validCourse({ code }))]);
      expect(results.map((r) => r.status).sort()).toEqual([201, 409]);
    });

    it('refuses unknown prerequisites and renewed courses with 422 REFERENCE_NOT_FOUND', async () => {
      const known = await makeCourse(t.db);
      const missing = expectError(
        await post(validCourse({ prerequisiteCourseIds: [known.id, UNKNOWN_ID] })),
        422,
        'REFERENCE_NOT_FOUND',
      );
      expect(missing.details).toEqual({ field: 'prerequisiteCourseIds', missing: [UNKNOWN_ID] });
      const renews = expectError(
        await post(validCourse({ renewsCourseId: UNKNOWN_ID })),
        422,
        'REFERENCE_NOT_FOUND',
      );
      expect(renews.details).toEqual({ field: 'renewsCourseId' });
    });

    it.each([
      ['a missing code', { code: undefined }],
      ['an empty code', { code: '  ' }],
      ['a code with spaces', { code: 'EOD 2' }],
      ['a code too long', { code: 'A'.repeat(33) }],
      ['a numeric code', { code: 12 }],
      ['a missing title', { title: undefined }],
      ['a title with control characters', { title: 'EOD\u0000' }],
      ['a missing level', { level: undefined }],
      ['durationDays 0', { durationDays: 0 }],
      ['durationDays as a string', { durationDays: '10' }],
      ['a fractional passMark', { passMark: 70.5 }],
      ['passMark 101', { passMark: 101 }],
      ['passMark -1', { passMark: -1 }],
      ['minAttendancePercent 101', { minAttendancePercent: 101 }],
      ['a missing validityMonths', { validityMonths: undefined }],
      ['validityMonths 0', { validityMonths: 0 }],
      ['validityMonths as a string', { validityMonths: '24' }],
      ['imasReferences not an array', { imasReferences: 'IMAS 09.30' }],
      ['an empty IMAS reference', { imasReferences: [' '] }],
      ['a number among IMAS references', { imasReferences: [9.3] }],
      ['a malformed prerequisite id', { prerequisiteCourseIds: ['eod-1'] }],
      ['a repeated prerequisite', { prerequisiteCourseIds: [UNKNOWN_ID, UNKNOWN_ID] }],
      ['a malformed renewsCourseId', { renewsCourseId: 'EOD-1' }],
      ['requiresMedicalClearance as a string', { requiresMedicalClearance: 'yes' }],
      ['a null description', { description: null }],
      ['an unknown status', { status: 'archived' }],
      ['an unknown field', { deleted: false }],
    ])('refuses %s with 400', async (_case, overrides) => {
      expectError(await post(validCourse(overrides)), 400);
    });

    it.each([
      ['anonymous', 401, undefined],
      ['a trainee', 403, () => trainee],
      ['an instructor', 403, () => instructor],
      ['an auditor', 403, () => auditor],
    ])('answers %s with %i', async (_role, status, who) => {
      const req = t.http.post('/api/v1/courses');
      if (who) void req.set(who().auth);
      expectError(await req.send(validCourse()), status);
    });
  });

  describe('GET /api/v1/courses', () => {
    const tag = `LIST${Date.now() % 100000}`;
    let draft: string, active: string, retired: string, medic: string;

    beforeAll(async () => {
      draft = (await makeCourse(t.db, { code: `${tag}-D`, status: 'draft', level: 'EOD 1' })).code;
      active = (await makeCourse(t.db, { code: `${tag}-A`, status: 'active', level: 'EOD 1' }))
        .code;
      retired = (await makeCourse(t.db, { code: `${tag}-R`, status: 'retired', level: 'EOD 2' }))
        .code;
      medic = (
        await makeCourse(t.db, {
          code: `${tag}-M`,
          title: 'Field Medic',
          status: 'active',
          level: 'Basic',
          imasReferences: ['IMAS 10.40', 'IMAS 06.10'],
        })
      ).code;
    });

    const list = (query: Record<string, string | number>, user: SignedInUser = admin) =>
      t.http
        .get('/api/v1/courses')
        .query({ q: tag, ...query })
        .set(user.auth);
    const codes = (res: { body: { items: { code: string }[] } }) =>
      res.body.items.map((c) => c.code);

    it('lists every course to admins and auditors, sorted by code', async () => {
      for (const user of [admin, auditor]) {
        const res = await list({}, user);
        expect(res.status).toBe(200);
        expect(codes(res)).toEqual([active, draft, medic, retired]);
      }
    });

    it('hides drafts from trainees and instructors', async () => {
      for (const user of [trainee, instructor]) {
        const res = await list({}, user);
        expect(res.status).toBe(200);
        expect(codes(res)).toEqual([active, medic, retired]);
        expect(codes(await list({ status: 'draft' }, user))).toEqual([]);
      }
    });

    it('filters by status, level, IMAS reference and title', async () => {
      expect(codes(await list({ status: 'retired' }))).toEqual([retired]);
      expect(codes(await list({ level: 'eod 1' }))).toEqual([active, draft]);
      expect(codes(await list({ imas: 'imas 10.40' }))).toEqual([medic]);
      expect(codes(await list({ q: 'field med' }))).toEqual([medic]);
    });

    it('pages with a cursor', async () => {
      const first = await list({ limit: 2 });
      expect(codes(first)).toEqual([active, draft]);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await list({ limit: 2, cursor: first.body.nextCursor });
      expect(codes(second)).toEqual([medic, retired]);
      expect(second.body.nextCursor).toBeNull();
    });

    it('returns prerequisite ids in list items', async () => {
      const base = await makeCourse(t.db, { code: `${tag}-P0` });
      await makeCourse(t.db, { code: `${tag}-P1`, prerequisiteIds: [base.id] });
      const res = await list({ q: `${tag}-P1` });
      expect(res.body.items[0].prerequisiteCourseIds).toEqual([base.id]);
    });

    it.each([
      ['an unknown status', { status: 'archived' }],
      ['limit 201', { limit: 201 }],
      ['a non-numeric limit', { limit: 'ten' }],
      ['a bad cursor', { cursor: 'abc' }],
      ['an unknown parameter', { owner: 'me' }],
    ])('refuses %s with 400', async (_case, query) => {
      expectError(await list(query), 400);
    });

    it('answers anonymous callers with 401', async () => {
      expectError(await t.http.get('/api/v1/courses'), 401);
    });
  });

  describe('GET /api/v1/courses/:id', () => {
    it('shows a draft to admins and auditors only (404 for trainees and instructors)', async () => {
      const draft = await makeCourse(t.db, { status: 'draft' });
      expect((await get(draft.id, admin)).status).toBe(200);
      expect((await get(draft.id, auditor)).status).toBe(200);
      expectError(await get(draft.id, trainee), 404, 'NOT_FOUND');
      expectError(await get(draft.id, instructor), 404, 'NOT_FOUND');
    });

    it('shows active and retired courses to every signed-in user', async () => {
      for (const status of ['active', 'retired'] as const) {
        const course = await makeCourse(t.db, { status });
        for (const user of [admin, auditor, trainee, instructor]) {
          const res = await get(course.id, user);
          expect(res.status).toBe(200);
          expect(res.body).toMatchObject({ id: course.id, status });
        }
      }
    });

    it('answers 401, 400 and 404 as due', async () => {
      const course = await makeCourse(t.db);
      expectError(await t.http.get(`/api/v1/courses/${course.id}`), 401);
      expectError(await get('1234'), 400, 'INVALID_ID');
      expectError(await get(UNKNOWN_ID), 404, 'NOT_FOUND');
    });
  });

  describe('PATCH /api/v1/courses/:id', () => {
    it('changes fields, bumps the version and audits before and after', async () => {
      const course = await makeCourse(t.db, { passMark: 70 });
      const res = await patch(course.id, {
        passMark: 75,
        title: '  EOD Level 1 (2026 revision) ',
        validityMonths: null,
        version: 1,
      });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        passMark: 75,
        title: 'EOD Level 1 (2026 revision)',
        validityMonths: null,
        version: 2,
      });
      const [event] = await eventsOf(course.id);
      expect(event.action).toBe('course.updated');
      expect(event.data).toMatchObject({
        before: { passMark: 70, validityMonths: 24, version: 1 },
        after: { passMark: 75, validityMonths: null, version: 2 },
      });
    });

    it('refuses a stale version with 409 STALE_VERSION', async () => {
      const course = await makeCourse(t.db);
      expect((await patch(course.id, { level: 'EOD 1+' })).status).toBe(200);
      const res = expectError(
        await patch(course.id, { level: 'X', version: 1 }),
        409,
        'STALE_VERSION',
      );
      expect(res.details).toEqual({ currentVersion: 2 });
    });

    it('writes nothing when the values are already so', async () => {
      const course = await makeCourse(t.db, { passMark: 70 });
      const res = await patch(course.id, { passMark: 70, code: course.code.toLowerCase() });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(1);
      expect(await eventsOf(course.id)).toEqual([]);
    });

    it('normalises a new code and refuses one already taken', async () => {
      const course = await makeCourse(t.db);
      const other = await makeCourse(t.db);
      const code = newCode('mdd');
      expect((await patch(course.id, { code: ` ${code} ` })).body.code).toBe(code.toUpperCase());
      expectError(
        await patch(course.id, { code: other.code.toLowerCase() }),
        409,
        'COURSE_CODE_TAKEN',
      );
    });

    describe('status', () => {
      it.each([
        ['draft', 'active'],
        ['draft', 'retired'],
        ['active', 'retired'],
        ['retired', 'active'],
      ] as const)('moves %s → %s', async (from, to) => {
        const course = await makeCourse(t.db, { status: from });
        const res = await patch(course.id, { status: to });
        expect(res.status).toBe(200);
        expect(res.body.status).toBe(to);
      });

      it.each([
        ['active', 'draft'],
        ['retired', 'draft'],
      ] as const)('refuses %s → %s with 409 ILLEGAL_TRANSITION', async (from, to) => {
        const course = await makeCourse(t.db, { status: from });
        const res = expectError(await patch(course.id, { status: to }), 409, 'ILLEGAL_TRANSITION');
        expect(res.details).toEqual({ from, to });
      });
    });

    describe('prerequisites and renewals', () => {
      it('replaces the prerequisite list and bumps the version even if nothing else changes', async () => {
        const [a, b, c] = [await makeCourse(t.db), await makeCourse(t.db), await makeCourse(t.db)];
        const course = await makeCourse(t.db, { prerequisiteIds: [a.id] });
        const res = await patch(course.id, { prerequisiteCourseIds: [c.id, b.id] });
        expect(res.status).toBe(200);
        expect([...res.body.prerequisiteCourseIds].sort()).toEqual([b.id, c.id].sort());
        expect(res.body.version).toBe(2);
        const cleared = await patch(course.id, { prerequisiteCourseIds: [], version: 2 });
        expect(cleared.body).toMatchObject({ prerequisiteCourseIds: [], version: 3 });
      });

      it('refuses a course as its own prerequisite', async () => {
        const course = await makeCourse(t.db);
        const res = expectError(
          await patch(course.id, { prerequisiteCourseIds: [course.id] }),
          422,
          'PREREQUISITE_CYCLE',
        );
        expect(res.details).toEqual({ cycle: [course.code, course.code] });
      });

      it('refuses a cycle A → B → C → A, naming its codes, and changes nothing', async () => {
        const c = await makeCourse(t.db, { code: newCode('CYC-C') });
        const b = await makeCourse(t.db, { code: newCode('CYC-B'), prerequisiteIds: [c.id] });
        const a = await makeCourse(t.db, { code: newCode('CYC-A'), prerequisiteIds: [b.id] });
        const other = await makeCourse(t.db);
        const res = expectError(
          await patch(c.id, { prerequisiteCourseIds: [other.id, a.id], title: 'Changed' }),
          422,
          'PREREQUISITE_CYCLE',
        );
        expect(res.details).toEqual({ cycle: [c.code, a.code, b.code, c.code] });
        const unchanged = await get(c.id);
        expect(unchanged.body).toMatchObject({ prerequisiteCourseIds: [], version: 1 });
        expect(unchanged.body.title).not.toBe('Changed');
        // A diamond (two paths to the same course) is not a cycle.
        expect((await patch(c.id, { prerequisiteCourseIds: [other.id] })).status).toBe(200);
        expect((await patch(a.id, { prerequisiteCourseIds: [b.id, c.id] })).status).toBe(200);
      });

      it('lets only one of two simultaneous edits that together make a cycle through', async () => {
        const [a, b] = [await makeCourse(t.db), await makeCourse(t.db)];
        const results = await Promise.all([
          patch(a.id, { prerequisiteCourseIds: [b.id] }),
          patch(b.id, { prerequisiteCourseIds: [a.id] }),
        ]);
        expect(results.map((r) => r.status).sort()).toEqual([200, 422]);
      });

      it('refuses unknown prerequisites and renewed courses with 422', async () => {
        const course = await makeCourse(t.db);
        expectError(
          await patch(course.id, { prerequisiteCourseIds: [UNKNOWN_ID] }),
          422,
          'REFERENCE_NOT_FOUND',
        );
        expectError(
          await patch(course.id, { renewsCourseId: UNKNOWN_ID }),
          422,
          'REFERENCE_NOT_FOUND',
        );
      });

      it('sets and clears the renewed course, and refuses a course renewing itself', async () => {
        const base = await makeCourse(t.db);
        const refresher = await makeCourse(t.db);
        expect((await patch(refresher.id, { renewsCourseId: base.id })).body.renewsCourseId).toBe(
          base.id,
        );
        expect((await patch(refresher.id, { renewsCourseId: null })).body.renewsCourseId).toBe(
          null,
        );
        expectError(
          await patch(refresher.id, { renewsCourseId: refresher.id }),
          422,
          'COURSE_RENEWS_ITSELF',
        );
      });
    });

    it.each([
      ['an empty body', {}],
      ['only a version', { version: 1 }],
      ['a null title', { title: null }],
      ['a null passMark', { passMark: null }],
      ['a null prerequisite list', { prerequisiteCourseIds: null }],
      ['passMark 101', { passMark: 101 }],
      ['minAttendancePercent -5', { minAttendancePercent: -5 }],
      ['a malformed prerequisite id', { prerequisiteCourseIds: ['x'] }],
      ['an unknown status', { status: 'deleted' }],
      ['a version 0', { title: 'x', version: 0 }],
      ['an unknown field', { createdAt: '2026-01-01' }],
    ])('refuses %s with 400', async (_case, body) => {
      const course = await makeCourse(t.db);
      expectError(await patch(course.id, body), 400);
    });

    it('answers 404 for an unknown course and 400 for a malformed id', async () => {
      expectError(await patch(UNKNOWN_ID, { title: 'X' }), 404, 'NOT_FOUND');
      expectError(await patch('EOD-1', { title: 'X' }), 400, 'INVALID_ID');
    });

    it.each([
      ['anonymous', 401, undefined],
      ['a trainee', 403, () => trainee],
      ['an instructor', 403, () => instructor],
      ['an auditor', 403, () => auditor],
    ])('answers %s with %i', async (_role, status, who) => {
      const course = await makeCourse(t.db);
      const req = t.http.patch(`/api/v1/courses/${course.id}`);
      if (who) void req.set(who().auth);
      expectError(await req.send({ status: 'retired' }), status);
    });
  });

  describe('maxTraineesPerInstructor', () => {
    it('is optional on create (null: no limit), a positive integer when given', async () => {
      const limited = await post(validCourse({ maxTraineesPerInstructor: 6 }));
      expect(limited.status).toBe(201);
      expect(limited.body.maxTraineesPerInstructor).toBe(6);
      expect((await get(limited.body.id)).body.maxTraineesPerInstructor).toBe(6);
      const unlimited = await post(validCourse({ maxTraineesPerInstructor: null }));
      expect(unlimited.status).toBe(201);
      expect(unlimited.body.maxTraineesPerInstructor).toBeNull();
      for (const bad of [0, -3, 2.5, '6', true, 1001]) {
        expectError(await post(validCourse({ maxTraineesPerInstructor: bad })), 400);
      }
    });

    it('is set and cleared by PATCH, audited before and after', async () => {
      const course = await makeCourse(t.db);
      const set = await patch(course.id, { maxTraineesPerInstructor: 4 });
      expect(set.status).toBe(200);
      expect(set.body).toMatchObject({ maxTraineesPerInstructor: 4, version: 2 });
      const cleared = await patch(course.id, { maxTraineesPerInstructor: null });
      expect(cleared.body).toMatchObject({ maxTraineesPerInstructor: null, version: 3 });
      expectError(await patch(course.id, { maxTraineesPerInstructor: 0 }), 400);
      const events = await eventsOf(course.id);
      expect(events.map((e) => e.data)).toEqual([
        expect.objectContaining({
          before: expect.objectContaining({ maxTraineesPerInstructor: null }),
          after: expect.objectContaining({ maxTraineesPerInstructor: 4 }),
        }),
        expect.objectContaining({
          before: expect.objectContaining({ maxTraineesPerInstructor: 4 }),
          after: expect.objectContaining({ maxTraineesPerInstructor: null }),
        }),
      ]);
      expectError(await patch(course.id, { maxTraineesPerInstructor: 5 }, auditor), 403);
    });

    it("gives session answers the staffing against the course's maximum, a warning only", async () => {
      const course = await makeCourse(t.db, { maxTraineesPerInstructor: 4 });
      const session = await makeSession(t.db, course.id, { capacity: 10, seatsTaken: 3 });
      const staffing = async () =>
        (await t.http.get(`/api/v1/sessions/${session.id}`).set(admin.auth)).body.staffing;
      // ceil(10 / 4) = 3 instructors for a full session, whatever the seats taken so far.
      expect(await staffing()).toEqual({
        instructors: 0,
        needed: 3,
        maxTraineesPerInstructor: 4,
        traineesPerInstructor: null,
        ok: false,
      });
      const instructors = await Promise.all([1, 2, 3].map(() => makeInstructor(t.db)));
      for (const i of instructors) await qualify(t.db, i.id, course.id);
      // Assigning fewer than needed is allowed.
      for (const [n, i] of instructors.slice(0, 2).entries()) {
        const res = await t.http
          .post(`/api/v1/sessions/${session.id}/instructors`)
          .set(admin.auth)
          .send({ instructorId: i.id, role: n === 0 ? 'lead' : 'assistant' });
        expect(res.status).toBe(201);
      }
      expect(await staffing()).toMatchObject({
        instructors: 2,
        traineesPerInstructor: 1.5,
        ok: false,
      });
      await assign(t.db, session.id, instructors[2].id, 'assistant');
      expect(await staffing()).toMatchObject({ instructors: 3, needed: 3, ok: true });
      await patch(course.id, { maxTraineesPerInstructor: null });
      expect(await staffing()).toMatchObject({ needed: null, ok: true });
      // Lists carry it too.
      const listed = await t.http
        .get('/api/v1/sessions')
        .query({ courseId: course.id })
        .set(admin.auth);
      expect(listed.body.items[0].staffing).toMatchObject({ instructors: 3, ok: true });
    });

    it('gives completed and cancelled sessions no staffing', async () => {
      const course = await makeCourse(t.db, { maxTraineesPerInstructor: 4 });
      const session = await makeSession(t.db, course.id, { status: 'completed' });
      const res = await t.http.get(`/api/v1/sessions/${session.id}`).set(admin.auth);
      expect(res.body.staffing).toBeNull();
    });
  });

  describe('deleting', () => {
    it('has no DELETE route, and the API document says to retire instead', async () => {
      const course = await makeCourse(t.db);
      const res = await t.http.delete(`/api/v1/courses/${course.id}`).set(admin.auth);
      expect(res.status).toBe(404);
      expect((await get(course.id)).status).toBe(200);
      const doc = await t.http.get('/docs-json');
      const operation = doc.body.paths['/api/v1/courses/{id}'];
      expect(operation.delete).toBeUndefined();
      expect(operation.patch.description).toMatch(/retire a course instead/i);
    });
  });
});
