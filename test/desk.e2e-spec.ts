import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Logger, QueryRunner } from 'typeorm';
import { addDays, today } from '../src/common/calendar.js';
import { Certificate } from '../src/certifications/certificate.entity.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, isAccessCheck, type SignedInUser } from './factories.js';
import {
  assign,
  makeCertificate,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makePassedEnrolment,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

interface DeskSession {
  id: string;
  course: { id: string; code: string; title: string };
  startsOn: string;
  capacity: number;
  seatsTaken: number;
  waitingCount: number;
  hasLead: boolean;
  staffing: { instructors: number; needed: number | null; ok: boolean };
}

describe("the registrar's desk (GET /api/v1/desk)", () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  const day = today('UTC');

  beforeAll(async () => {
    t = await startTestApp();
    [admin, auditor] = await Promise.all([createUser(t, ['admin']), createUser(t, ['auditor'])]);
  });
  afterAll(() => t.close());

  const desk = async (user: SignedInUser = admin) => {
    const res = await t.http.get('/api/v1/desk').set(user.auth);
    expect(res.status).toBe(200);
    return res.body as {
      today: string;
      upcoming: { from: string; to: string; sessions: DeskSession[] };
      withoutLead: DeskSession[];
      awaitingCertificates: { sessionId: string; eligible: number; course: { code: string } }[];
      expiring: {
        withinDays: number;
        from: string;
        to: string;
        total: number;
        organisations: {
          organisationId: string | null;
          name: string | null;
          certificates: number;
        }[];
      };
    };
  };
  const seat = (sessionId: string, status: Enrolment['status'], position: number | null = null) =>
    makeTrainee(t.db).then((trainee) =>
      t.db.getRepository(Enrolment).save({
        sessionId,
        traineeId: trainee.id,
        status,
        waitlistPosition: position,
      }),
    );

  it('lists the sessions starting in the next 30 days with seats, waiting line and staffing', async () => {
    const course = await makeCourse(t.db, { maxTraineesPerInstructor: 4 });
    const at = (offset: number, init: Parameters<typeof makeSession>[2] = {}) =>
      makeSession(t.db, course.id, {
        startsOn: addDays(day, offset),
        endsOn: addDays(day, offset + 4),
        ...init,
      });
    const startsToday = await at(0, { capacity: 8, seatsTaken: 2 });
    const lastDay = await at(30, { status: 'planned' });
    const running = await at(0, { status: 'in_progress' });
    const tooLate = await at(31);
    const cancelled = await at(5, { status: 'cancelled' });
    const started = await makeSession(t.db, course.id, {
      startsOn: addDays(day, -1),
      endsOn: addDays(day, 3),
      status: 'in_progress',
    });
    await seat(startsToday.id, 'waitlisted', 1);
    await seat(startsToday.id, 'waitlisted', 2);
    await seat(startsToday.id, 'withdrawn');
    const lead = await makeInstructor(t.db);
    await assign(t.db, startsToday.id, lead.id, 'lead');

    const body = await desk();
    expect(body.today).toBe(day);
    expect(body.upcoming).toMatchObject({ from: day, to: addDays(day, 30) });
    const ids = body.upcoming.sessions.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([startsToday.id, lastDay.id, running.id]));
    for (const absent of [tooLate, cancelled, started]) expect(ids).not.toContain(absent.id);
    // Soonest first.
    expect(ids.indexOf(lastDay.id)).toBeGreaterThan(ids.indexOf(startsToday.id));
    const row = body.upcoming.sessions.find((s) => s.id === startsToday.id)!;
    expect(row).toMatchObject({
      course: {
        id: course.id,
        code: course.code,
        title: course.title,
        localizedTitle: course.title,
      },
      startsOn: day,
      capacity: 8,
      seatsTaken: 2,
      waitingCount: 2,
      hasLead: true,
      // 8 seats at 4 per instructor need 2; one is assigned: the warning.
      staffing: { instructors: 1, needed: 2, maxTraineesPerInstructor: 4, ok: false },
    });
    const second = await makeInstructor(t.db);
    await assign(t.db, startsToday.id, second.id, 'assistant');
    const after = (await desk()).upcoming.sessions.find((s) => s.id === startsToday.id)!;
    expect(after.staffing).toMatchObject({ instructors: 2, needed: 2, ok: true });
  });

  it("names courses in the caller's language too, when translated", async () => {
    const course = await makeCourse(t.db, {
      title: 'Non-Technical Survey',
      translations: { az: { title: 'Qeyri-texniki tədqiqat' } },
    });
    const session = await makeSession(t.db, course.id, {
      startsOn: addDays(day, 2),
      endsOn: addDays(day, 3),
    });
    const read = async (language: string) => {
      const res = await t.http.get('/api/v1/desk').set(admin.auth).set('Accept-Language', language);
      return (res.body.upcoming.sessions as DeskSession[]).find((s) => s.id === session.id)!.course;
    };
    expect(await read('az')).toMatchObject({
      title: 'Non-Technical Survey',
      localizedTitle: 'Qeyri-texniki tədqiqat',
    });
    expect(await read('ru')).toMatchObject({ localizedTitle: 'Non-Technical Survey' });
  });

  it('shows no staffing warning for a course without a maximum', async () => {
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, {
      startsOn: addDays(day, 3),
      endsOn: addDays(day, 4),
    });
    const row = (await desk()).upcoming.sessions.find((s) => s.id === session.id)!;
    expect(row.staffing).toMatchObject({ instructors: 0, needed: null, ok: true });
  });

  it('lists open sessions without a lead instructor, whatever their dates', async () => {
    const course = await makeCourse(t.db);
    const far = { startsOn: addDays(day, 120), endsOn: addDays(day, 122) };
    const nobody = await makeSession(t.db, course.id, far);
    const assistantOnly = await makeSession(t.db, course.id, far);
    const led = await makeSession(t.db, course.id, far);
    const planned = await makeSession(t.db, course.id, { ...far, status: 'planned' });
    const assistant = await makeInstructor(t.db);
    const lead = await makeInstructor(t.db);
    await assign(t.db, assistantOnly.id, assistant.id, 'assistant');
    await assign(t.db, led.id, lead.id, 'lead');

    const ids = (await desk()).withoutLead.map((s) => s.id);
    expect(ids).toEqual(expect.arrayContaining([nobody.id, assistantOnly.id]));
    expect(ids).not.toContain(led.id);
    expect(ids).not.toContain(planned.id);
  });

  it('lists completed sessions with eligible participants not yet certified, by the issuance rule', async () => {
    const course = await makeCourse(t.db, { minAttendancePercent: 80 });
    const done = {
      startsOn: addDays(day, -20),
      endsOn: addDays(day, -16),
      status: 'completed' as const,
    };
    const waiting = await makeSession(t.db, course.id, done);
    // Two eligible, one already certified, one failed, one passed below the attendance minimum.
    for (let i = 0; i < 3; i++) {
      const trainee = await makeTrainee(t.db);
      const enrolment = await makePassedEnrolment(t.db, waiting.id, trainee.id);
      if (i === 2) {
        const certificate = await makeCertificate(t.db, {
          traineeId: trainee.id,
          courseId: course.id,
        });
        await t.db.getRepository(Certificate).update(certificate.id, {
          enrolmentId: enrolment.id,
          sessionId: waiting.id,
        });
      }
    }
    const failed = await seat(waiting.id, 'failed');
    await t.db
      .getRepository(Enrolment)
      .update(failed.id, { passed: false, attendancePercent: 100 });
    const absentOften = await makePassedEnrolment(t.db, waiting.id, (await makeTrainee(t.db)).id);
    await t.db.getRepository(Enrolment).update(absentOften.id, { attendancePercent: 60 });
    await seat(waiting.id, 'withdrawn');

    // Every participant certified: nothing to do.
    const finished = await makeSession(t.db, course.id, done);
    const trainee = await makeTrainee(t.db);
    const enrolment = await makePassedEnrolment(t.db, finished.id, trainee.id);
    const certificate = await makeCertificate(t.db, { traineeId: trainee.id, courseId: course.id });
    await t.db.getRepository(Certificate).update(certificate.id, { enrolmentId: enrolment.id });
    // Not completed yet: no one is eligible before the session is closed.
    const running = await makeSession(t.db, course.id, {
      startsOn: addDays(day, -2),
      endsOn: addDays(day, 2),
      status: 'in_progress',
    });
    await makePassedEnrolment(t.db, running.id, (await makeTrainee(t.db)).id);

    const rows = (await desk()).awaitingCertificates;
    expect(rows.filter((r) => r.sessionId === waiting.id)).toEqual([
      {
        sessionId: waiting.id,
        course: {
          id: course.id,
          code: course.code,
          title: course.title,
          localizedTitle: course.title,
        },
        startsOn: done.startsOn,
        endsOn: done.endsOn,
        location: waiting.location,
        eligible: 2,
      },
    ]);
    const ids = rows.map((r) => r.sessionId);
    expect(ids).not.toContain(finished.id);
    expect(ids).not.toContain(running.id);
    // Issuing the session's certificates (the same rule) certifies exactly those two, and the
    // session leaves the desk.
    const instructor = await makeInstructor(t.db);
    await qualify(t.db, instructor.id, course.id);
    await assign(t.db, waiting.id, instructor.id);
    const signer = await createUser(t, ['instructor'], { instructorId: instructor.id });
    const issued = await t.http
      .post(`/api/v1/sessions/${waiting.id}/certificates`)
      .set(signer.auth);
    expect(issued.status).toBe(201);
    expect(issued.body.issued).toHaveLength(2);
    expect((await desk()).awaitingCertificates.map((r) => r.sessionId)).not.toContain(waiting.id);
  });

  it('counts certificates expiring in 90 days per organisation', async () => {
    const [north, south] = await Promise.all([
      makeOrganisation(t.db, { name: 'Aaa North Demining' }),
      makeOrganisation(t.db, { name: 'Aaa South Demining' }),
    ]);
    const course = await makeCourse(t.db);
    const before = await desk();
    const holder = async (
      organisationId: string | null,
      validUntil: string | null,
      status?: 'revoked',
    ) => {
      const trainee = await makeTrainee(t.db, { organisationId });
      await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: course.id,
        validUntil,
        status,
      });
    };
    await holder(north.id, day); // its last valid day is today
    await holder(north.id, addDays(day, 90));
    await holder(north.id, addDays(day, 91)); // outside the window
    await holder(north.id, addDays(day, -1)); // expired already
    await holder(north.id, addDays(day, 10), 'revoked');
    await holder(north.id, null); // never expires
    await holder(south.id, addDays(day, 45));
    await holder(null, addDays(day, 30));

    const { expiring } = await desk();
    expect(expiring).toMatchObject({ withinDays: 90, from: day, to: addDays(day, 90) });
    const count = (id: string | null) =>
      expiring.organisations.find((o) => o.organisationId === id)?.certificates ?? 0;
    const countBefore = (id: string | null) =>
      before.expiring.organisations.find((o) => o.organisationId === id)?.certificates ?? 0;
    expect(expiring.organisations.find((o) => o.organisationId === north.id)).toEqual({
      organisationId: north.id,
      name: 'Aaa North Demining',
      certificates: 2,
    });
    expect(count(south.id)).toBe(1);
    expect(count(null) - countBefore(null)).toBe(1);
    expect(expiring.total - before.expiring.total).toBe(4);
    // Holders without an organisation last; otherwise most certificates first.
    expect(expiring.organisations.at(-1)!.organisationId).toBeNull();
    const named = expiring.organisations.filter((o) => o.organisationId);
    expect(named.map((o) => o.certificates)).toEqual(
      [...named.map((o) => o.certificates)].sort((a, b) => b - a),
    );
  });

  it('asks the database the same number of times however many sessions there are', async () => {
    const logger = t.db.logger as Logger;
    const logQuery = logger.logQuery.bind(logger);
    let statements = 0;
    logger.logQuery = (query: string, parameters?: unknown[], runner?: QueryRunner) => {
      if (!isAccessCheck(query)) statements++;
      return logQuery(query, parameters, runner);
    };
    const count = async () => {
      statements = 0;
      await desk();
      return statements;
    };
    try {
      const before = await count();
      // The four sections at least (the logger sees every statement).
      expect(before).toBeGreaterThanOrEqual(4);
      const course = await makeCourse(t.db, { maxTraineesPerInstructor: 2 });
      for (let i = 0; i < 5; i++) {
        const session = await makeSession(t.db, course.id, {
          startsOn: addDays(day, i + 1),
          endsOn: addDays(day, i + 2),
        });
        await seat(session.id, 'waitlisted', 1);
        await assign(t.db, session.id, (await makeInstructor(t.db)).id, 'assistant');
      }
      expect(await count()).toBe(before);
    } finally {
      logger.logQuery = logQuery;
    }
  });

  it('answers auditors as admins, and refuses everyone else', async () => {
    const organisation = await makeOrganisation(t.db);
    expect((await desk(auditor)).today).toBe(day);
    expectError(await t.http.get('/api/v1/desk'), 401);
    for (const roles of [['trainee'], ['instructor']] as const) {
      const user = await createUser(t, [...roles]);
      expectError(await t.http.get('/api/v1/desk').set(user.auth), 403);
    }
    const coordinator = await createUser(t, ['coordinator'], { organisationId: organisation.id });
    expectError(await t.http.get('/api/v1/desk').set(coordinator.auth), 403);
  });

  it('is described in the API document with its response schema', async () => {
    const doc = (await t.http.get('/docs-json')).body as {
      paths: Record<string, Record<string, { responses: Record<string, { content?: unknown }> }>>;
      components: { schemas: Record<string, { properties: Record<string, unknown> }> };
    };
    const route = doc.paths['/api/v1/desk'].get;
    expect(route.responses['200'].content).toBeDefined();
    expect(Object.keys(doc.components.schemas.DeskDto.properties)).toEqual([
      'today',
      'upcoming',
      'withoutLead',
      'awaitingCertificates',
      'expiring',
    ]);
    expect(Object.keys(doc.components.schemas.DeskSessionDto.properties)).toContain('staffing');
  });
});

describe("the desk counts days in the Center's time zone", () => {
  // A zone whose date differs from UTC's now, whatever the hour the suite runs at.
  const timeZone = new Date().getUTCHours() < 10 ? 'Pacific/Pago_Pago' : 'Pacific/Kiritimati';
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp({ timeZone });
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  it('takes today, the 30 days and the 90 days from where the Center is', async () => {
    const day = today(timeZone);
    expect(day).not.toBe(today('UTC'));
    const course = await makeCourse(t.db);
    const starting = (offset: number) =>
      makeSession(t.db, course.id, {
        startsOn: addDays(day, offset),
        endsOn: addDays(day, offset + 1),
      });
    const [before, first, last, after] = await Promise.all(
      [-1, 0, 30, 31].map((offset) => starting(offset)),
    );
    const res = await t.http.get('/api/v1/desk').set(admin.auth);
    expect(res.body).toMatchObject({
      today: day,
      upcoming: { from: day, to: addDays(day, 30) },
      expiring: { from: day, to: addDays(day, 90) },
    });
    const ids = (res.body.upcoming.sessions as { id: string }[]).map((s) => s.id);
    expect(ids).toEqual([first.id, last.id]);
    expect(ids).not.toContain(before.id);
    expect(ids).not.toContain(after.id);
  });
});
