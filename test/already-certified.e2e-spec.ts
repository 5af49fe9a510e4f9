import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { StoredCertificateStatus } from '../src/certifications/certificate.entity.js';
import { addDays, addMonths, today } from '../src/common/calendar.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCertificate, makeCourse, makeSession, makeTrainee } from './fixtures.js';

interface CanEnrol {
  allowed: boolean;
  reasons: { code: string; details: Record<string, unknown> }[];
}

/**
 * "Already certified and current": a trainee enrolling themself is refused while they hold a
 * certificate of the course that stays current beyond the renewal window (the session's last
 * day plus six months); within the window is a renewal. The registrar may still enrol them.
 * The enrol route and the session's canEnrol answer by the same rule.
 */
describe('enrolling when already certified and current', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let day: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    day = today(t.config.timeZone);
  });
  afterAll(() => t.close());

  /** An open session of a course, ending 10 days from now, and a signed-in trainee. */
  async function world(courseInit: Parameters<typeof makeCourse>[1] = {}) {
    const course = await makeCourse(t.db, courseInit);
    const session = await makeSession(t.db, course.id, {
      startsOn: addDays(day, 6),
      endsOn: addDays(day, 10),
    });
    const trainee = await makeTrainee(t.db);
    const user = await createUser(t, ['trainee'], { traineeId: trainee.id });
    /** The last day a certificate may be valid and still be renewed by this session. */
    const windowEnds = addMonths(session.endsOn, 6);
    return { course, session, trainee, user, windowEnds };
  }
  type World = Awaited<ReturnType<typeof world>>;

  const enrol = (user: SignedInUser, w: World, lang = 'en') =>
    t.http
      .post(`/api/v1/sessions/${w.session.id}/enrolments`)
      .set(user.auth)
      .set('Accept-Language', lang)
      .send({ traineeId: w.trainee.id });
  const canEnrol = async (w: World) =>
    (await t.http.get(`/api/v1/sessions/${w.session.id}`).set(w.user.auth).expect(200)).body
      .canEnrol as CanEnrol;
  const written = async (w: World) => {
    const [row] = (await t.db.query(
      `SELECT (SELECT count(*)::int FROM enrolments WHERE session_id = $1) AS enrolments,
              (SELECT seats_taken FROM course_sessions WHERE id = $1) AS seats,
              (SELECT count(*)::int FROM audit_events
                WHERE action = 'enrolment.created' AND data::text LIKE '%' || $1 || '%') AS events`,
      [w.session.id],
    )) as { enrolments: number; seats: number; events: number }[];
    return row;
  };
  const hold = (w: World, validUntil: string | null, status: StoredCertificateStatus = 'active') =>
    makeCertificate(t.db, { traineeId: w.trainee.id, courseId: w.course.id, validUntil, status });

  it('refuses the trainee with 422 ALREADY_CERTIFIED, writes nothing, and canEnrol says so first', async () => {
    const w = await world();
    const cert = await hold(w, null);
    const expected = {
      certificateId: cert.id,
      serial: cert.serial,
      validUntil: null,
      renewalWindowMonths: 6,
    };
    expect(await canEnrol(w)).toEqual({
      allowed: false,
      reasons: [{ code: 'ALREADY_CERTIFIED', details: expected, message: expect.any(String) }],
      seatAvailable: true,
    });
    const refused = expectError(await enrol(w.user, w), 422, 'ALREADY_CERTIFIED');
    expect(refused.details).toEqual(expected);
    expect(await written(w)).toEqual({ enrolments: 0, seats: 0, events: 0 });
    // Worded in the caller's language, naming the certificate.
    const az = expectError(await enrol(w.user, w, 'az'), 422, 'ALREADY_CERTIFIED');
    expect(az.message).toBe(
      `Bu kurs üzrə artıq ${cert.serial} nömrəli sertifikatınız var və onun müddəti bitmir.`,
    );
  });

  it('refuses a certificate valid even one day beyond the renewal window', async () => {
    const w = await world();
    const cert = await hold(w, addDays(w.windowEnds, 1));
    const ru = expectError(await enrol(w.user, w, 'ru'), 422, 'ALREADY_CERTIFIED');
    expect(ru.details).toMatchObject({ certificateId: cert.id, validUntil: cert.validUntil });
    expect(ru.message).toContain(
      `${cert.serial} по этому курсу, действующий до ${cert.validUntil}`,
    );
    expect((await canEnrol(w)).reasons.map((r) => r.code)).toEqual(['ALREADY_CERTIFIED']);
  });

  it('lets the trainee renew a certificate expiring within the window', async () => {
    for (const validUntil of [
      (w0: World) => w0.windowEnds,
      (w0: World) => addDays(w0.session.endsOn, 30),
    ]) {
      const w = await world();
      await hold(w, validUntil(w));
      expect(await canEnrol(w)).toEqual({ allowed: true, reasons: [], seatAvailable: true });
      expect((await enrol(w.user, w)).status).toBe(201);
    }
  });

  it('counts no suspended, revoked, superseded or expired certificate', async () => {
    for (const [status, validUntil] of [
      ['suspended', null],
      ['revoked', null],
      ['superseded', null],
      ['active', addDays(day, -1)],
    ] as const) {
      const w = await world();
      await hold(w, validUntil, status);
      expect({ status, canEnrol: await canEnrol(w) }).toEqual({
        status,
        canEnrol: { allowed: true, reasons: [], seatAvailable: true },
      });
      expect((await enrol(w.user, w)).status).toBe(201);
    }
  });

  it('lets the registrar (admin) enrol a certified trainee: a re-qualification is their decision', async () => {
    const w = await world();
    await hold(w, null);
    expectError(await enrol(w.user, w), 422, 'ALREADY_CERTIFIED');
    const res = await enrol(admin, w);
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ traineeId: w.trainee.id, status: 'enrolled' });
    expect(await written(w)).toEqual({ enrolments: 1, seats: 1, events: 1 });
  });

  it('counts a certificate of the course a refresher renews: the refresher would supersede it', async () => {
    const base = await makeCourse(t.db);
    const w = await world({ renewsCourseId: base.id });
    const cert = await makeCertificate(t.db, {
      traineeId: w.trainee.id,
      courseId: base.id,
      validUntil: addDays(w.windowEnds, 90),
    });
    const refused = expectError(await enrol(w.user, w), 422, 'ALREADY_CERTIFIED');
    expect(refused.details).toMatchObject({ certificateId: cert.id });
    // A certificate of another course, however current, is no refusal.
    const other = await world();
    await makeCertificate(t.db, {
      traineeId: other.trainee.id,
      courseId: base.id,
      validUntil: null,
    });
    expect((await enrol(other.user, other)).status).toBe(201);
  });
});
