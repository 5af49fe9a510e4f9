import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, today } from '../src/common/calendar.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { TraineesService } from '../src/trainees/trainees.service.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  assign,
  makeCertificate,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makeSession,
  makeTrainee,
} from './fixtures.js';

const MISSING_ID = '00000000-0000-4000-8000-000000000000';

describe('trainees', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let organisationId: string;
  let counter = 0;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
    organisationId = (await makeOrganisation(t.db)).id;
  });
  afterAll(() => t.close());

  /** A valid body whose identity is new each time (the date of birth varies). */
  const body = (init: Record<string, unknown> = {}) => {
    counter += 1;
    return {
      givenName: 'Leyla',
      familyName: 'Məmmədova',
      dateOfBirth: addDays('1980-01-01', counter),
      sex: 'female',
      nationality: 'AZ',
      organisationId,
      ...init,
    };
  };
  const post = (data: unknown, user: SignedInUser = admin) =>
    t.http
      .post('/api/v1/trainees')
      .set(user.auth)
      .send(data as object);
  const auditRows = (entityId: string) =>
    t.db.query(
      'SELECT action, actor_id, data FROM audit_events WHERE entity_id = $1 ORDER BY seq',
      [entityId],
    ) as Promise<{ action: string; actor_id: string; data: Record<string, unknown> }[]>;

  /** An instructor (with an account) teaching a session in which the trainee has `status`. */
  async function instructorOf(traineeId: string, status: Enrolment['status'] = 'enrolled') {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id);
    const instructor = await makeInstructor(t.db);
    await assign(t.db, session.id, instructor.id);
    await t.db.getRepository(Enrolment).save({
      sessionId: session.id,
      traineeId,
      status,
      waitlistPosition: status === 'waitlisted' ? 1 : null,
      withdrawnAt: status === 'withdrawn' ? new Date() : null,
    });
    return createUser(t, ['instructor'], { instructorId: instructor.id });
  }

  describe('POST /api/v1/trainees', () => {
    it('registers a trainee, trimming names and upper-casing the nationality, and audits it', async () => {
      const res = await post({
        givenName: '  Leyla ',
        familyName: 'Hüseynova',
        dateOfBirth: '1995-04-12',
        sex: 'female',
        nationality: 'az',
        organisationId,
        email: ' Leyla.H@Operator.Example ',
        medicalClearanceUntil: '2027-06-30',
      });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        givenName: 'Leyla',
        familyName: 'Hüseynova',
        dateOfBirth: '1995-04-12',
        sex: 'female',
        nationality: 'AZ',
        organisationId,
        email: 'leyla.h@operator.example',
        medicalClearanceUntil: '2027-06-30',
        phone: null,
        identityDocument: null,
        userId: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const events = await auditRows(res.body.id);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'trainee.created',
        actor_id: admin.id,
        data: { after: { id: res.body.id, familyName: 'Hüseynova' } },
      });
    });

    it('accepts names in any script, and no organisation (omitted or null)', async () => {
      for (const names of [
        { givenName: 'Günay', familyName: 'Əliyeva-Şıxəliyeva' },
        { givenName: 'Олександр', familyName: 'Шевченко' },
        { givenName: 'Jean-Luc', familyName: "O'Neill" },
        { givenName: 'محمد', familyName: 'الحسن' },
      ]) {
        const res = await post(body({ ...names, organisationId: undefined }));
        expect(res.status).toBe(201);
        expect(res.body).toMatchObject({ ...names, organisationId: null, email: null });
      }
      const nulls = await post(body({ organisationId: null, email: null }));
      expect(nulls.status).toBe(201);
      expect(nulls.body.organisationId).toBeNull();
    });

    it('refuses a second trainee with the same names, date of birth and nationality', async () => {
      const first = await post(body({ givenName: 'Rashad', familyName: 'Əliyev' }));
      expect(first.status).toBe(201);
      const same = { dateOfBirth: first.body.dateOfBirth, nationality: 'AZ' };
      for (const names of [
        { givenName: 'Rashad', familyName: 'Əliyev' },
        { givenName: 'rashad', familyName: 'Aliyev' }, // ə folds to a, case ignored
        { givenName: '  RASHAD ', familyName: 'ƏLİYEV' },
      ]) {
        const res = expectError(await post(body({ ...names, ...same })), 409, 'DUPLICATE_TRAINEE');
        expect(res.details).toEqual({ existingId: first.body.id });
      }
      // "  leyla " and "Leyla" are the same name.
      const leyla = await post(body({ givenName: 'Leyla', familyName: 'Quliyeva' }));
      const twin = expectError(
        await post(
          body({
            givenName: '  leyla ',
            familyName: 'quliyeva',
            dateOfBirth: leyla.body.dateOfBirth,
          }),
        ),
        409,
        'DUPLICATE_TRAINEE',
      );
      expect(twin.details).toEqual({ existingId: leyla.body.id });
      // Another nationality or date of birth is another person.
      expect(
        (
          await post(
            body({ givenName: 'Rashad', familyName: 'Əliyev', ...same, nationality: 'TR' }),
          )
        ).status,
      ).toBe(201);
      expect(
        (
          await post(
            body({
              givenName: 'Rashad',
              familyName: 'Əliyev',
              dateOfBirth: addDays(same.dateOfBirth, 1),
            }),
          )
        ).status,
      ).toBe(201);
    });

    it('creates exactly one of ten simultaneous identical trainees', async () => {
      const data = body({ givenName: 'Tural', familyName: 'Nəsirov' });
      const results = await Promise.all(Array.from({ length: 10 }, () => post(data)));
      const created = results.filter((r) => r.status === 201);
      expect(created).toHaveLength(1);
      for (const r of results.filter((r) => r.status !== 201)) {
        expect(expectError(r, 409, 'DUPLICATE_TRAINEE').details).toEqual({
          existingId: created[0].body.id,
        });
      }
      const [{ count }] = (await t.db.query(
        'SELECT count(*)::int AS count FROM trainees WHERE family_name = $1',
        ['Nəsirov'],
      )) as { count: number }[];
      expect(count).toBe(1);
    });

    it('answers 422 for an organisation that does not exist', async () => {
      const res = expectError(
        await post(body({ organisationId: MISSING_ID })),
        422,
        'REFERENCE_NOT_FOUND',
      );
      expect(res.details).toEqual({ field: 'organisationId' });
    });

    it('answers 400, never 500, for malformed input', async () => {
      const tomorrow = addDays(today('UTC'), 1);
      const bad: Record<string, unknown>[] = [
        { givenName: 42 },
        { givenName: '' },
        { givenName: '   ' },
        { givenName: 'x'.repeat(101) },
        { givenName: 'x'.repeat(100_000) },
        { givenName: 'Ley\u0000la' },
        { givenName: 'Ley\nla' },
        { familyName: 'Al\u001biyev' },
        { familyName: 'a|b' },
        { familyName: '1234' },
        { familyName: ['Aliyev'] },
        { familyName: undefined },
        { dateOfBirth: '2026-02-30' },
        { dateOfBirth: tomorrow },
        { dateOfBirth: '1899-12-31' },
        { dateOfBirth: '12/04/1995' },
        { dateOfBirth: 19950412 },
        { dateOfBirth: null },
        { sex: 'other' },
        { sex: 'FEMALE' },
        { nationality: 'XX' },
        { nationality: 'AZE' },
        { nationality: 31 },
        { organisationId: 'not-a-uuid' },
        { organisationId: 7 },
        { email: 'not-an-email' },
        { email: `${'a'.repeat(250)}@x.example` },
        { medicalClearanceUntil: '2026-13-01' },
        { admin: true },
        { id: MISSING_ID },
      ];
      for (const change of bad) {
        const res = await post(body(change));
        if (res.status !== 400)
          throw new Error(`${JSON.stringify(change).slice(0, 80)}: ${res.status}`);
        expectError(res, 400);
      }
      expectError(await post([body()]), 400);
      expectError(
        await t.http
          .post('/api/v1/trainees')
          .set(admin.auth)
          .set('Content-Type', 'application/json')
          .send('{"givenName":'),
        400,
        'MALFORMED_BODY',
      );
      // Born today is allowed.
      expect((await post(body({ dateOfBirth: today('UTC') }))).status).toBe(201);
    });

    it('is for admins only: 401 anonymous, 403 auditor, instructor and trainee', async () => {
      expectError(await t.http.post('/api/v1/trainees').send(body()), 401);
      const trainee = await makeTrainee(t.db);
      for (const user of [
        auditor,
        await createUser(t, ['instructor']),
        await createUser(t, ['trainee'], { traineeId: trainee.id }),
      ]) {
        expectError(await post(body(), user), 403);
        // Authorization comes before validation.
        expectError(await post({ nonsense: true }, user), 403);
      }
    });
  });

  describe('GET /api/v1/trainees', () => {
    it('lists with keyset pagination for admins and auditors', async () => {
      const seen = new Set<string>();
      let cursor: string | null = null;
      let pages = 0;
      do {
        const url: string = `/api/v1/trainees?limit=3${cursor ? `&cursor=${cursor}` : ''}`;
        const res = await t.http.get(url).set(auditor.auth);
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        for (const item of res.body.items as { id: string }[]) {
          expect(seen.has(item.id)).toBe(false);
          seen.add(item.id);
        }
        cursor = res.body.nextCursor as string | null;
        pages += 1;
      } while (cursor && pages < 100);
      const [{ count }] = (await t.db.query('SELECT count(*)::int AS count FROM trainees')) as {
        count: number;
      }[];
      expect(seen.size).toBe(count);
      expect(pages).toBeGreaterThan(1);
      expect((await t.http.get('/api/v1/trainees').set(admin.auth)).status).toBe(200);
    });

    it('filters by organisation, nationality and part of the name', async () => {
      const org = await makeOrganisation(t.db);
      const a = await makeTrainee(t.db, {
        givenName: 'Səbinə',
        familyName: 'Zeynalova',
        organisationId: org.id,
        nationality: 'AZ',
      });
      const b = await makeTrainee(t.db, {
        givenName: 'Оксана',
        familyName: 'Коваленко',
        organisationId: org.id,
        nationality: 'UA',
      });
      const ids = async (query: string) => {
        const res = await t.http.get(`/api/v1/trainees?${query}`).set(admin.auth);
        expect(res.status).toBe(200);
        return (res.body.items as { id: string }[]).map((i) => i.id).sort();
      };
      expect(await ids(`organisationId=${org.id}`)).toEqual([a.id, b.id].sort());
      expect(await ids(`organisationId=${org.id}&nationality=ua`)).toEqual([b.id]);
      expect(await ids(`q=${encodeURIComponent('zeynal')}`)).toEqual([a.id]);
      expect(await ids(`q=${encodeURIComponent('sabina zeynalova')}`)).toEqual([a.id]);
      expect(await ids(`q=${encodeURIComponent('ЗЕЙН')}`)).toEqual([]);
      expect(await ids(`q=${encodeURIComponent('коваЛЕНКО')}`)).toEqual([b.id]);
      expect(await ids(`q=${encodeURIComponent('%')}&organisationId=${org.id}`)).toEqual([]);
      expect(await ids(`organisationId=${MISSING_ID}`)).toEqual([]);
    });

    it('answers 400 for bad filters and 401/403 for others', async () => {
      for (const query of [
        'organisationId=abc',
        'nationality=XX',
        'limit=0',
        'limit=201',
        'limit=ten',
        'cursor=garbage',
        `q=${'x'.repeat(300)}`,
        'unknown=1',
      ]) {
        expectError(await t.http.get(`/api/v1/trainees?${query}`).set(admin.auth), 400);
      }
      expectError(await t.http.get('/api/v1/trainees'), 401);
      const trainee = await makeTrainee(t.db);
      expectError(
        await t.http
          .get('/api/v1/trainees')
          .set((await createUser(t, ['trainee'], { traineeId: trainee.id })).auth),
        403,
      );
      expectError(
        await t.http.get('/api/v1/trainees').set((await createUser(t, ['instructor'])).auth),
        403,
      );
    });
  });

  describe('GET /api/v1/trainees/:id', () => {
    it('shows the trainee with the linked account to admins and auditors', async () => {
      const trainee = await makeTrainee(t.db);
      const account = await createUser(t, ['trainee'], { traineeId: trainee.id });
      for (const user of [admin, auditor]) {
        const res = await t.http.get(`/api/v1/trainees/${trainee.id}`).set(user.auth);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ id: trainee.id, userId: account.id, version: 1 });
      }
      expectError(await t.http.get(`/api/v1/trainees/${MISSING_ID}`).set(auditor.auth), 404);
      expectError(await t.http.get('/api/v1/trainees/not-a-uuid').set(admin.auth), 400);
      expectError(await t.http.get(`/api/v1/trainees/${trainee.id}`), 401);
    });

    it('lets a trainee see only themself, and answers 403 for any other id', async () => {
      const me = await makeTrainee(t.db);
      const other = await makeTrainee(t.db);
      const user = await createUser(t, ['trainee'], { traineeId: me.id });
      expect((await t.http.get(`/api/v1/trainees/${me.id}`).set(user.auth)).status).toBe(200);
      expectError(await t.http.get(`/api/v1/trainees/${other.id}`).set(user.auth), 403);
      expectError(await t.http.get(`/api/v1/trainees/${MISSING_ID}`).set(user.auth), 403);
    });

    it('lets an instructor see the trainees of their own sessions only', async () => {
      const trainee = await makeTrainee(t.db);
      const teacher = await instructorOf(trainee.id, 'waitlisted');
      expect((await t.http.get(`/api/v1/trainees/${trainee.id}`).set(teacher.auth)).status).toBe(
        200,
      );
      const stranger = await instructorOf((await makeTrainee(t.db)).id);
      expectError(await t.http.get(`/api/v1/trainees/${trainee.id}`).set(stranger.auth), 403);
      expectError(await t.http.get(`/api/v1/trainees/${MISSING_ID}`).set(stranger.auth), 403);
      // A withdrawn enrolment does not count.
      const gone = await makeTrainee(t.db);
      const former = await instructorOf(gone.id, 'withdrawn');
      expectError(await t.http.get(`/api/v1/trainees/${gone.id}`).set(former.auth), 403);
      // An instructor role without a linked instructor record sees no one.
      expectError(
        await t.http
          .get(`/api/v1/trainees/${trainee.id}`)
          .set((await createUser(t, ['instructor'])).auth),
        403,
      );
    });
  });

  describe('PATCH /api/v1/trainees/:id', () => {
    it('corrects a trainee, bumps the version and audits before and after', async () => {
      const created = await post(body({ givenName: 'Nigar' }));
      const res = await t.http
        .patch(`/api/v1/trainees/${created.body.id}`)
        .set(admin.auth)
        .send({ familyName: ' Rəhimova ', email: 'N.R@example.org', version: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id: created.body.id,
        givenName: 'Nigar',
        familyName: 'Rəhimova',
        email: 'n.r@example.org',
        version: 2,
      });
      const events = await auditRows(created.body.id);
      expect(events.map((e) => e.action)).toEqual(['trainee.created', 'trainee.updated']);
      expect(events[1].data).toMatchObject({
        before: { familyName: 'Məmmədova', email: null, version: 1 },
        after: { familyName: 'Rəhimova', email: 'n.r@example.org', version: 2 },
      });
      // Clearing the nullable fields.
      const cleared = await t.http
        .patch(`/api/v1/trainees/${created.body.id}`)
        .set(admin.auth)
        .send({ email: null, organisationId: null, medicalClearanceUntil: null });
      expect(cleared.status).toBe(200);
      expect(cleared.body).toMatchObject({ email: null, organisationId: null, version: 3 });
    });

    it('refuses a stale version with 409 and the current version', async () => {
      const created = await post(body());
      const url = `/api/v1/trainees/${created.body.id}`;
      expect(
        (await t.http.patch(url).set(admin.auth).send({ sex: 'male', version: 1 })).status,
      ).toBe(200);
      const stale = expectError(
        await t.http.patch(url).set(admin.auth).send({ sex: 'female', version: 1 }),
        409,
        'STALE_VERSION',
      );
      expect(stale.details).toEqual({ currentVersion: 2 });
      expect((await t.http.get(url).set(admin.auth)).body.sex).toBe('male');
    });

    it('refuses a change that would make the trainee a twin of another', async () => {
      const a = await post(body({ givenName: 'Elvin', familyName: 'Qasımov' }));
      const b = await post(body({ givenName: 'Elvin', familyName: 'Qasimov' }));
      expect(b.status).toBe(201);
      const res = expectError(
        await t.http
          .patch(`/api/v1/trainees/${b.body.id}`)
          .set(admin.auth)
          .send({ dateOfBirth: a.body.dateOfBirth }),
        409,
        'DUPLICATE_TRAINEE',
      );
      // "Qasımov" and "Qasimov" fold alike: the dotless ı is an i.
      expect(res.details).toEqual({ existingId: a.body.id });
      // Renaming within the same identity is fine.
      expect(
        (
          await t.http
            .patch(`/api/v1/trainees/${a.body.id}`)
            .set(admin.auth)
            .send({ familyName: 'QASIMOV' })
        ).status,
      ).toBe(200);
    });

    it('answers 400, 404 and 422 as it should', async () => {
      const created = await post(body());
      const url = `/api/v1/trainees/${created.body.id}`;
      for (const data of [
        {},
        { version: 1 },
        { givenName: null },
        { dateOfBirth: null },
        { sex: null },
        { nationality: null },
        { dateOfBirth: addDays(today('UTC'), 1) },
        { dateOfBirth: '2026-02-30' },
        { nationality: 'ZZ' },
        { version: '1' },
        { version: 0 },
        { identityKey: 'x' },
        { familyName: 'a\u0007b' },
      ]) {
        const res = await t.http.patch(url).set(admin.auth).send(data);
        if (res.status !== 400) throw new Error(`${JSON.stringify(data)}: ${res.status}`);
        expectError(res, 400);
      }
      expectError(
        await t.http.patch(`/api/v1/trainees/${MISSING_ID}`).set(admin.auth).send({ sex: 'male' }),
        404,
      );
      expectError(
        await t.http.patch('/api/v1/trainees/1234').set(admin.auth).send({ sex: 'male' }),
        400,
      );
      expectError(
        await t.http.patch(url).set(admin.auth).send({ organisationId: MISSING_ID }),
        422,
        'REFERENCE_NOT_FOUND',
      );
    });

    it('is for admins only', async () => {
      const trainee = await makeTrainee(t.db);
      const url = `/api/v1/trainees/${trainee.id}`;
      expectError(await t.http.patch(url).send({ sex: 'male' }), 401);
      for (const user of [
        auditor,
        await createUser(t, ['trainee'], { traineeId: trainee.id }),
        await instructorOf(trainee.id),
      ]) {
        expectError(await t.http.patch(url).set(user.auth).send({ sex: 'male' }), 403);
      }
    });
  });

  describe('GET /api/v1/trainees/:id/transcript', () => {
    it('shows enrolments with results and certificates with their current status', async () => {
      const trainee = await makeTrainee(t.db);
      const eod1 = await makeCourse(t.db, { title: 'EOD Level 1' });
      const eod2 = await makeCourse(t.db, { title: 'EOD Level 2' });
      const earlier = await makeSession(t.db, eod1.id, {
        startsOn: '2024-03-04',
        endsOn: '2024-03-08',
        status: 'completed',
      });
      const later = await makeSession(t.db, eod2.id, {
        startsOn: '2026-12-07',
        endsOn: '2026-12-11',
      });
      const enrolments = t.db.getRepository(Enrolment);
      const passed = await enrolments.save({
        sessionId: earlier.id,
        traineeId: trainee.id,
        status: 'completed',
        waitlistPosition: null,
        attendancePercent: 80,
        theoryScore: 82,
        practicalScore: 77.25,
        passed: true,
        assessedAt: new Date(),
      });
      // The transcript reads attendance from the days recorded, as the roster does: 4 of 5.
      await t.db.query(
        `INSERT INTO attendance_days (enrolment_id, day, present)
         SELECT $1, d::date, d::date <> '2024-03-06' FROM generate_series('2024-03-04'::date, '2024-03-08'::date, '1 day') d`,
        [passed.id],
      );
      const waiting = await enrolments.save({
        sessionId: later.id,
        traineeId: trainee.id,
        status: 'waitlisted',
        waitlistPosition: 2,
      });
      const day = today('UTC');
      const expired = await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: eod1.id,
        validUntil: addDays(day, -1),
        issuedAt: new Date('2022-03-08T12:00:00Z'),
      });
      const current = await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: eod1.id,
        validUntil: day,
        issuedAt: new Date('2024-03-08T12:00:00Z'),
      });
      const revoked = await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: eod2.id,
        validUntil: addDays(day, -10),
        status: 'revoked',
        issuedAt: new Date('2023-01-10T09:00:00Z'),
      });
      await t.db.query(
        "UPDATE certificates SET status_reason = 'fraud_or_misconduct' WHERE id = $1",
        [revoked.id],
      );
      const lifelong = await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: eod2.id,
        validUntil: null,
        issuedAt: new Date('2025-05-01T08:00:00Z'),
      });
      // Someone else's certificate never shows.
      await makeCertificate(t.db, { traineeId: (await makeTrainee(t.db)).id, courseId: eod1.id });

      const res = await t.http.get(`/api/v1/trainees/${trainee.id}/transcript`).set(auditor.auth);
      expect(res.status).toBe(200);
      expect(res.body.trainee).toMatchObject({ id: trainee.id, familyName: trainee.familyName });
      expect(res.body.enrolments).toEqual([
        {
          enrolmentId: waiting.id,
          sessionId: later.id,
          course: {
            id: eod2.id,
            code: eod2.code,
            title: 'EOD Level 2',
            localizedTitle: 'EOD Level 2',
          },
          startsOn: '2026-12-07',
          endsOn: '2026-12-11',
          status: 'waitlisted',
          waitlistPosition: 2,
          attendancePercent: null,
          theoryScore: null,
          practicalScore: null,
          passed: null,
        },
        {
          enrolmentId: passed.id,
          sessionId: earlier.id,
          course: {
            id: eod1.id,
            code: eod1.code,
            title: 'EOD Level 1',
            localizedTitle: 'EOD Level 1',
          },
          startsOn: '2024-03-04',
          endsOn: '2024-03-08',
          status: 'completed',
          waitlistPosition: null,
          attendancePercent: 80,
          theoryScore: 82,
          practicalScore: 77.25,
          passed: true,
        },
      ]);
      const cert = (c: typeof expired, status: string, statusReason: string | null = null) => ({
        id: c.id,
        serial: c.serial,
        courseId: c.courseId,
        courseCode: c.courseId === eod1.id ? eod1.code : eod2.code,
        courseTitle: c.courseId === eod1.id ? 'EOD Level 1' : 'EOD Level 2',
        localizedCourseTitle: c.courseId === eod1.id ? 'EOD Level 1' : 'EOD Level 2',
        issuedAt: c.issuedAt.toISOString(),
        validUntil: c.validUntil,
        status,
        statusReason,
        supersededById: null,
      });
      expect(res.body.certificates).toEqual([
        cert(lifelong, 'active'),
        cert(current, 'active'),
        cert(revoked, 'revoked', 'fraud_or_misconduct'),
        cert(expired, 'expired'),
      ]);
    });

    it('shows a superseded certificate with its successor', async () => {
      const trainee = await makeTrainee(t.db);
      const course = await makeCourse(t.db);
      const renewal = await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: course.id,
        issuedAt: new Date('2025-02-01T00:00:00Z'),
      });
      const old = await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: course.id,
        status: 'superseded',
        issuedAt: new Date('2023-02-01T00:00:00Z'),
      });
      await t.db.query('UPDATE certificates SET superseded_by_id = $1 WHERE id = $2', [
        renewal.id,
        old.id,
      ]);
      const res = await t.http.get(`/api/v1/trainees/${trainee.id}/transcript`).set(admin.auth);
      expect(res.status).toBe(200);
      expect(res.body.enrolments).toEqual([]);
      expect(
        res.body.certificates.map((c: Record<string, unknown>) => [
          c.id,
          c.status,
          c.supersededById,
        ]),
      ).toEqual([
        [renewal.id, 'active', null],
        [old.id, 'superseded', renewal.id],
      ]);
    });

    it('has the same access as the trainee record', async () => {
      const trainee = await makeTrainee(t.db);
      const url = `/api/v1/trainees/${trainee.id}/transcript`;
      expectError(await t.http.get(url), 401);
      expect((await t.http.get(url).set(admin.auth)).status).toBe(200);
      expect((await t.http.get(url).set(auditor.auth)).status).toBe(200);
      const own = await createUser(t, ['trainee'], { traineeId: trainee.id });
      expect((await t.http.get(url).set(own.auth)).status).toBe(200);
      const other = await createUser(t, ['trainee'], { traineeId: (await makeTrainee(t.db)).id });
      expectError(await t.http.get(url).set(other.auth), 403);
      expect((await t.http.get(url).set((await instructorOf(trainee.id)).auth)).status).toBe(200);
      const stranger = await instructorOf((await makeTrainee(t.db)).id);
      expectError(await t.http.get(url).set(stranger.auth), 403);
      expectError(
        await t.http.get(`/api/v1/trainees/${MISSING_ID}/transcript`).set(admin.auth),
        404,
      );
      expectError(
        await t.http.get(`/api/v1/trainees/${MISSING_ID}/transcript`).set(other.auth),
        403,
      );
      expectError(await t.http.get('/api/v1/trainees/x/transcript').set(admin.auth), 400);
    });
    it('shows an instructor only the enrolments and certificates of the sessions they teach, as the object routes do', async () => {
      const trainee = await makeTrainee(t.db);
      const enrolments = t.db.getRepository(Enrolment);
      const seatIn = async (sessionId: string) =>
        enrolments.save({
          sessionId,
          traineeId: trainee.id,
          status: 'completed',
          waitlistPosition: null,
          attendancePercent: 100,
          theoryScore: 91,
          practicalScore: 88,
          passed: true,
        });
      const certificateOf = async (courseId: string, sessionId: string | null) => {
        const c = await makeCertificate(t.db, { traineeId: trainee.id, courseId });
        if (sessionId) {
          await t.db.query('UPDATE certificates SET session_id = $1 WHERE id = $2', [
            sessionId,
            c.id,
          ]);
        }
        return c;
      };
      const taught = await makeCourse(t.db);
      const taughtSession = await makeSession(t.db, taught.id, { status: 'completed' });
      const elsewhere = await makeCourse(t.db);
      const otherSession = await makeSession(t.db, elsewhere.id, { status: 'completed' });
      const instructor = await makeInstructor(t.db);
      await assign(t.db, taughtSession.id, instructor.id);
      await assign(t.db, otherSession.id, (await makeInstructor(t.db)).id);
      const instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
      const own = await seatIn(taughtSession.id);
      const foreign = await seatIn(otherSession.id);
      const ownCert = await certificateOf(taught.id, taughtSession.id);
      const foreignCert = await certificateOf(elsewhere.id, otherSession.id);
      const imported = await certificateOf(elsewhere.id, null);

      const res = await t.http
        .get(`/api/v1/trainees/${trainee.id}/transcript`)
        .set(instructorUser.auth);
      expect(res.status).toBe(200);
      expect(res.body.enrolments.map((e: { enrolmentId: string }) => e.enrolmentId)).toEqual([
        own.id,
      ]);
      expect(res.body.certificates.map((c: { id: string }) => c.id)).toEqual([ownCert.id]);
      // The object routes decide the same way for each record.
      const status = async (url: string) => (await t.http.get(url).set(instructorUser.auth)).status;
      expect(await status(`/api/v1/enrolments/${own.id}`)).toBe(200);
      expect(await status(`/api/v1/enrolments/${foreign.id}`)).toBe(403);
      expect(await status(`/api/v1/certificates/${ownCert.id}`)).toBe(200);
      expect(await status(`/api/v1/certificates/${foreignCert.id}`)).toBe(403);
      expect(await status(`/api/v1/certificates/${imported.id}`)).toBe(403);

      // The trainee themself and an admin still see the whole record.
      const self = await createUser(t, ['trainee'], { traineeId: trainee.id });
      for (const reader of [self, admin]) {
        const whole = await t.http
          .get(`/api/v1/trainees/${trainee.id}/transcript`)
          .set(reader.auth);
        expect(whole.body.enrolments).toHaveLength(2);
        expect(whole.body.certificates).toHaveLength(3);
      }
    });
  });

  describe('TraineesService for other modules', () => {
    it('finds a trainee for update inside a transaction, or null', async () => {
      const trainee = await makeTrainee(t.db);
      const service = t.app.get(TraineesService);
      const found = await t.db.transaction((tx) => service.findForUpdate(tx, trainee.id));
      expect(found).toMatchObject({ id: trainee.id, familyName: trainee.familyName });
      expect(await t.db.transaction((tx) => service.findForUpdate(tx, MISSING_ID))).toBeNull();
    });
  });
});
