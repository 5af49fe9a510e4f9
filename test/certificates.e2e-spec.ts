import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { gunzipSync } from 'node:zlib';
import { Course } from '../src/courses/course.entity.js';
import { CourseSession } from '../src/courses/session.entity.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  assign,
  completedSessionWithInstructor,
  makeCertificate,
  makeCourse,
  makeInstructor,
  makePassedEnrolment,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';
import { withFlippedSignatureBit } from './tamper.js';

describe('certificates', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  /** A completed session with an assigned, qualified instructor and trainees with given results. */
  async function completedSession(
    results: { passed: boolean | null; attendance?: number; status?: Enrolment['status'] }[],
    courseInit: Partial<Course> & { prerequisiteIds?: string[] } = {},
  ) {
    const { course, session, instructor, instructorUser } = await completedSessionWithInstructor(
      t,
      courseInit,
    );
    const enrolments: Enrolment[] = [];
    const trainees = [];
    for (const r of results) {
      const trainee = await makeTrainee(t.db, {
        givenName: 'Aynur',
        familyName: `Məmmədova-${Math.random().toString(36).slice(2, 7)}`,
      });
      trainees.push(trainee);
      enrolments.push(
        await t.db.getRepository(Enrolment).save({
          sessionId: session.id,
          traineeId: trainee.id,
          status: r.status ?? (r.passed === null ? 'enrolled' : r.passed ? 'completed' : 'failed'),
          passed: r.passed,
          attendancePercent: r.attendance ?? 100,
          theoryScore: r.passed === null ? null : r.passed ? 90 : 40,
          practicalScore: r.passed === null ? null : 90,
        }),
      );
    }
    return { course, session, instructor, instructorUser, enrolments, trainees };
  }

  const issue = (user: SignedInUser, enrolmentId: string) =>
    t.http.post(`/api/v1/enrolments/${enrolmentId}/certificate`).set(user.auth);

  describe('issuance', () => {
    it('issues a certificate with a readable serial and validity from the course', async () => {
      const s = await completedSession([{ passed: true }], { code: 'EOD-2', validityMonths: 24 });
      const res = await issue(s.instructorUser, s.enrolments[0].id);
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({
        traineeId: s.trainees[0].id,
        courseId: s.course.id,
        sessionId: s.session.id,
        issuedBy: s.instructor.id,
        status: 'active',
        statusReason: null,
        supersededById: null,
      });
      expect(res.body.serial).toMatch(/^COE-EOD2-\d{4}-[0-9A-HJKMNP-TV-Z]{6}$/);
      const issuedOn = (res.body.issuedAt as string).slice(0, 10);
      const [y, m, d] = issuedOn.split('-').map(Number);
      expect(res.body.validUntil).toBe(
        `${y + 2}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`,
      );
      expect(res.body.verificationUrl).toBe(`${t.baseUrl}/verify/${res.body.serial}`);
    });

    it('refuses a second issue (409 ALREADY_ISSUED), also when 20 requests race', async () => {
      const s = await completedSession([{ passed: true }, { passed: true }]);
      const first = await issue(s.instructorUser, s.enrolments[0].id);
      const again = expectError(
        await issue(s.instructorUser, s.enrolments[0].id),
        409,
        'ALREADY_ISSUED',
      );
      expect(again.details).toMatchObject({ certificateId: first.body.id });

      const racing = await Promise.all(
        Array.from({ length: 20 }, () => issue(s.instructorUser, s.enrolments[1].id)),
      );
      expect(racing.filter((r) => r.status === 201)).toHaveLength(1);
      expect(racing.filter((r) => r.status === 409)).toHaveLength(19);
      const count = (await t.db.query(
        'SELECT count(*)::int AS n FROM certificates WHERE enrolment_id = $1',
        [s.enrolments[1].id],
      )) as { n: number }[];
      expect(count[0].n).toBe(1);
    });

    it('refuses the ineligible with 422 NOT_ELIGIBLE and the reason', async () => {
      const s = await completedSession([
        { passed: false },
        { passed: null },
        { passed: false, attendance: 50 },
        { passed: true, status: 'withdrawn' },
      ]);
      const reasons = [];
      for (const e of s.enrolments)
        reasons.push(expectError(await issue(s.instructorUser, e.id), 422, 'NOT_ELIGIBLE').details);
      expect(reasons.map((r) => (r as { reason: string }).reason)).toEqual([
        'NOT_PASSED',
        'NOT_ASSESSED',
        'ATTENDANCE_BELOW_MINIMUM',
        'NOT_ENROLLED',
      ]);

      const open = await completedSession([{ passed: true }]);
      await t.db
        .getRepository(CourseSession)
        .update({ id: open.session.id }, { status: 'in_progress' });
      const body = expectError(
        await issue(open.instructorUser, open.enrolments[0].id),
        422,
        'NOT_ELIGIBLE',
      );
      expect(body.details).toMatchObject({ reason: 'SESSION_NOT_COMPLETED' });
    });

    it('only an assigned instructor with a current qualification may issue', async () => {
      const s = await completedSession([{ passed: true }]);
      const stranger = await createUser(t, ['instructor'], {
        instructorId: (await makeInstructor(t.db)).id,
      });
      expectError(await issue(stranger, s.enrolments[0].id), 403);
      expectError(await issue(admin, s.enrolments[0].id), 403);
      expectError(await issue(auditor, s.enrolments[0].id), 403);
      const trainee = await createUser(t, ['trainee'], { traineeId: s.trainees[0].id });
      expectError(await issue(trainee, s.enrolments[0].id), 403);
      expectError(await t.http.post(`/api/v1/enrolments/${s.enrolments[0].id}/certificate`), 401);

      const lapsed = await completedSession([{ passed: true }]);
      await t.db.query('UPDATE qualifications SET valid_until = $1 WHERE instructor_id = $2', [
        '2020-01-01',
        lapsed.instructor.id,
      ]);
      expectError(
        await issue(lapsed.instructorUser, lapsed.enrolments[0].id),
        403,
        'INSTRUCTOR_NOT_QUALIFIED',
      );
      expectError(await issue(s.instructorUser, '00000000-0000-4000-8000-000000000000'), 404);
      expectError(await issue(s.instructorUser, 'not-a-uuid'), 400);
    });

    it('bulk issue certifies every eligible participant and reports the others', async () => {
      const s = await completedSession([
        { passed: true },
        { passed: false },
        { passed: true },
        { passed: null },
      ]);
      await issue(s.instructorUser, s.enrolments[2].id);
      const res = await t.http
        .post(`/api/v1/sessions/${s.session.id}/certificates`)
        .set(s.instructorUser.auth);
      expect(res.status).toBe(201);
      expect(res.body.issued.map((c: { traineeId: string }) => c.traineeId)).toEqual([
        s.trainees[0].id,
      ]);
      expect(res.body.skipped).toEqual([
        { enrolmentId: s.enrolments[1].id, code: 'NOT_PASSED', message: expect.any(String) },
        { enrolmentId: s.enrolments[2].id, code: 'ALREADY_ISSUED', message: expect.any(String) },
        { enrolmentId: s.enrolments[3].id, code: 'NOT_ASSESSED', message: expect.any(String) },
      ]);
      const serials = new Set(
        (await t.db.query('SELECT serial FROM certificates')).map(
          (r: { serial: string }) => r.serial,
        ),
      );
      expect(serials.size).toBe(
        (await t.db.query('SELECT count(*)::int AS n FROM certificates'))[0].n,
      );
    });
  });

  describe('lifecycle', () => {
    async function issued() {
      const s = await completedSession([{ passed: true }]);
      const res = await issue(s.instructorUser, s.enrolments[0].id);
      return { ...s, cert: res.body as { id: string; serial: string } };
    }
    const change = (
      id: string,
      action: string,
      body: object = { reason: 'qa_finding', note: 'QA visit 2026-11' },
      user = admin,
    ) => t.http.post(`/api/v1/certificates/${id}/${action}`).set(user.auth).send(body);

    it('suspend, reinstate, revoke; revoked is final', async () => {
      const { cert } = await issued();
      const suspended = await change(cert.id, 'suspend', {
        reason: 'medical_unfit',
        note: 'Pending medical review',
      });
      expect(suspended.status).toBe(201);
      expect(suspended.body).toMatchObject({
        status: 'suspended',
        statusReason: 'medical_unfit',
        statusNote: 'Pending medical review',
      });
      expectError(await change(cert.id, 'suspend'), 409, 'ILLEGAL_TRANSITION');
      expect((await change(cert.id, 'reinstate')).body).toMatchObject({ status: 'active' });
      expectError(await change(cert.id, 'reinstate'), 409, 'ILLEGAL_TRANSITION');
      expect(
        (await change(cert.id, 'revoke', { reason: 'fraud_or_misconduct', note: 'Case 17' })).body,
      ).toMatchObject({ status: 'revoked' });
      for (const action of ['suspend', 'reinstate', 'revoke'])
        expectError(await change(cert.id, action), 409, 'CERTIFICATE_REVOKED');

      const events = (await t.db.query(
        'SELECT action, reason, note, actor_id FROM audit_events WHERE entity_id = $1 ORDER BY seq',
        [cert.id],
      )) as {
        action: string;
        reason: string;
        actor_id: string;
      }[];
      expect(events.map((e) => e.action)).toEqual([
        'certificate.issued',
        'certificate.suspended',
        'certificate.reinstated',
        'certificate.revoked',
      ]);
      expect(events[3]).toMatchObject({ reason: 'fraud_or_misconduct', actor_id: admin.id });
    });

    it('refuses unknown reasons (400) and non-admins (403)', async () => {
      const { cert, instructorUser, trainees } = await issued();
      expectError(await change(cert.id, 'revoke', { reason: 'because' }), 400);
      expectError(await change(cert.id, 'revoke', {}), 400);
      expectError(
        await change(cert.id, 'revoke', { reason: 'other', note: 'x'.repeat(2001) }),
        400,
      );
      expectError(await change(cert.id, 'revoke', { reason: 'other', extra: 1 }), 400);
      expectError(await change(cert.id, 'revoke', { reason: 'other' }, auditor), 403);
      expectError(await change(cert.id, 'revoke', { reason: 'other' }, instructorUser), 403);
      const holder = await createUser(t, ['trainee'], { traineeId: trainees[0].id });
      expectError(await change(cert.id, 'suspend', { reason: 'other' }, holder), 403);
      expect(
        (await t.http.get(`/api/v1/certificates/${cert.id}`).set(admin.auth)).body.status,
      ).toBe('active');
    });

    it('suspend and revoke at the same moment end in one consistent state', async () => {
      const { cert } = await issued();
      const [suspended, revoked] = await Promise.all([
        change(cert.id, 'suspend'),
        change(cert.id, 'revoke'),
      ]);
      // Either order is legitimate: suspended then revoked, or revoked first, after which a
      // suspension is refused (revoked is final). Never a lost update or a suspended end state.
      expect(revoked.status).toBe(201);
      if (suspended.status !== 201) expectError(suspended, 409);
      const final = await t.http.get(`/api/v1/certificates/${cert.id}`).set(admin.auth);
      expect(final.body.status).toBe('revoked');
    });

    it('a renewal supersedes the earlier certificate and keeps its history', async () => {
      const base = await completedSession([{ passed: true }]);
      const first = await issue(base.instructorUser, base.enrolments[0].id);
      const refresherCourse = await makeCourse(t.db, {
        renewsCourseId: base.course.id,
        code: `REF-${Date.now()}`,
      });
      const session = await makeSession(t.db, refresherCourse.id, {
        startsOn: '2026-11-02',
        endsOn: '2026-11-06',
        status: 'completed',
      });
      await qualify(t.db, base.instructor.id, refresherCourse.id);
      await assign(t.db, session.id, base.instructor.id);
      const enrolment = await makePassedEnrolment(t.db, session.id, base.trainees[0].id);
      const renewed = await issue(base.instructorUser, enrolment.id);
      expect(renewed.status).toBe(201);
      const old = await t.http.get(`/api/v1/certificates/${first.body.id}`).set(admin.auth);
      expect(old.body).toMatchObject({ status: 'superseded', supersededById: renewed.body.id });
      const json = await t.http
        .get(`/verify/${first.body.serial}`)
        .set('Accept', 'application/json');
      expect(json.body).toMatchObject({ status: 'superseded', valid: false });
    });

    it('a bulk issue supersedes earlier certificates of the course and of the one it renews', async () => {
      const base = await makeCourse(t.db);
      const other = await makeCourse(t.db);
      const s = await completedSession(
        [{ passed: true }, { passed: true }, { passed: true }, { passed: true }],
        { renewsCourseId: base.id },
      );
      const [both, revokedOnly, , otherCourse] = s.trainees;
      const earlier = async (
        trainee: { id: string },
        courseId: string,
        issuedAt: string,
        status: 'active' | 'revoked' = 'active',
      ) =>
        makeCertificate(t.db, {
          traineeId: trainee.id,
          courseId,
          issuedAt: new Date(issuedAt),
          status,
        });
      // Given in reverse order of issue: superseded ones are answered oldest first.
      const refresherOfBoth = await earlier(both, s.course.id, '2025-06-01T10:00:00Z');
      const baseOfBoth = await earlier(both, base.id, '2024-06-01T10:00:00Z');
      const revoked = await earlier(revokedOnly, base.id, '2024-06-01T10:00:00Z', 'revoked');
      const unrelated = await earlier(otherCourse, other.id, '2024-06-01T10:00:00Z');
      const [{ seq }] = (await t.db.query(
        'SELECT COALESCE(MAX(seq), 0)::int AS seq FROM audit_events',
      )) as { seq: number }[];

      const res = await t.http
        .post(`/api/v1/sessions/${s.session.id}/certificates`)
        .set(s.instructorUser.auth);
      expect(res.status).toBe(201);
      const issued = res.body.issued as { id: string; traineeId: string; serial: string }[];
      expect(issued.map((c) => c.traineeId)).toEqual(s.trainees.map((tr) => tr.id));
      const successor = issued[0];

      const states = (await t.db.query(
        `SELECT id, status, superseded_by_id, status_changed_by, status_changed_at, version
           FROM certificates WHERE id = ANY($1)`,
        [[refresherOfBoth.id, baseOfBoth.id, revoked.id, unrelated.id]],
      )) as {
        id: string;
        status: string;
        superseded_by_id: string | null;
        status_changed_by: string | null;
        status_changed_at: Date | null;
        version: number;
      }[];
      const state = (id: string) => states.find((r) => r.id === id)!;
      for (const old of [refresherOfBoth, baseOfBoth]) {
        expect(state(old.id)).toMatchObject({
          status: 'superseded',
          superseded_by_id: successor.id,
          status_changed_by: s.instructorUser.id,
          status_changed_at: expect.any(Date),
          version: old.version + 1,
        });
      }
      expect(state(revoked.id)).toMatchObject({ status: 'revoked', superseded_by_id: null });
      expect(state(unrelated.id)).toMatchObject({ status: 'active', superseded_by_id: null });
      const old = await t.http.get(`/api/v1/certificates/${baseOfBoth.id}`).set(admin.auth);
      expect(old.body).toMatchObject({ status: 'superseded', supersededById: successor.id });

      // One event per change, each superseded one before the certificate that replaced it.
      const events = (await t.db.query(
        'SELECT action, entity_id, data FROM audit_events WHERE seq > $1 ORDER BY seq',
        [seq],
      )) as { action: string; entity_id: string; data: Record<string, unknown> }[];
      const issuedEvent = (c: (typeof issued)[number], supersedes: string[]) => ({
        action: 'certificate.issued',
        entity_id: c.id,
        data: {
          after: {
            serial: c.serial,
            traineeId: c.traineeId,
            courseId: s.course.id,
            enrolmentId: expect.any(String),
            validUntil: expect.any(String),
          },
          supersedes,
        },
      });
      const supersededEvent = (oldCert: { id: string; serial: string }) => ({
        action: 'certificate.superseded',
        entity_id: oldCert.id,
        data: {
          before: { status: 'active' },
          after: { status: 'superseded', supersededById: successor.id },
          serial: oldCert.serial,
        },
      });
      expect(events).toEqual([
        supersededEvent(baseOfBoth),
        supersededEvent(refresherOfBoth),
        issuedEvent(issued[0], [baseOfBoth.id, refresherOfBoth.id]),
        issuedEvent(issued[1], []),
        issuedEvent(issued[2], []),
        issuedEvent(issued[3], []),
      ]);
      const chain = await t.http.get('/api/v1/audit-events/verification').set(auditor.auth);
      expect(chain.body).toMatchObject({ intact: true, firstBrokenId: null });
    });

    it('allowedActions: what the caller may do, by role and status, exactly what the routes accept', async () => {
      const s = await completedSession([{ passed: true }]);
      const issuedRes = await issue(s.instructorUser, s.enrolments[0].id);
      expect(issuedRes.status).toBe(201);
      // The issuing instructor may not change a certificate's status.
      expect(issuedRes.body.allowedActions).toEqual([]);
      const holder = await createUser(t, ['trainee'], { traineeId: s.trainees[0].id });
      const trainee = s.trainees[0];
      const fixtures = {
        active: { status: 'active', validUntil: '2099-01-01' },
        expired: { status: 'active', validUntil: '2020-01-01' },
        suspended: { status: 'suspended', validUntil: '2099-01-01' },
        superseded: { status: 'superseded', validUntil: '2099-01-01' },
        revoked: { status: 'revoked', validUntil: '2099-01-01' },
      } as const;
      const forAdmin: Record<keyof typeof fixtures, string[]> = {
        active: ['suspend', 'revoke'],
        expired: ['revoke'],
        suspended: ['reinstate', 'revoke'],
        superseded: ['revoke'],
        revoked: [],
      };
      const make = async (status: keyof typeof fixtures) => {
        const cert = await makeCertificate(t.db, {
          traineeId: trainee.id,
          courseId: s.course.id,
          ...fixtures[status],
        });
        // In the instructor's session, so every role below may read it.
        await t.db.query('UPDATE certificates SET session_id = $1 WHERE id = $2', [
          s.session.id,
          cert.id,
        ]);
        return cert;
      };
      for (const status of Object.keys(fixtures) as (keyof typeof fixtures)[]) {
        const cert = await make(status);
        for (const [who, expected] of [
          [admin, forAdmin[status]],
          [auditor, []],
          [s.instructorUser, []],
          [holder, []],
        ] as const) {
          const one = await t.http.get(`/api/v1/certificates/${cert.id}`).set(who.auth);
          expect(one.status).toBe(200);
          expect({ status, body: one.body }).toMatchObject({
            status,
            body: { status, allowedActions: expected },
          });
          const list = await t.http
            .get(`/api/v1/certificates?sessionId=${s.session.id}&limit=200`)
            .set(who.auth);
          const listed = (list.body.items as { id: string; allowedActions: string[] }[]).find(
            (c) => c.id === cert.id,
          );
          expect(listed?.allowedActions).toEqual(expected);
        }
        // The list never promises what the route refuses, nor omits what it accepts.
        for (const action of ['suspend', 'reinstate', 'revoke']) {
          const fresh = await make(status);
          const res = await t.http
            .post(`/api/v1/certificates/${fresh.id}/${action}`)
            .set(admin.auth)
            .send({ reason: 'qa_finding', note: 'QA visit' });
          expect({ status, action, code: res.status }).toEqual({
            status,
            action,
            code: forAdmin[status].includes(action) ? 201 : 409,
          });
          if (res.status === 201) {
            // The answer to a change carries the actions of the new state.
            const next = res.body.status as keyof typeof fixtures;
            expect(res.body.allowedActions).toEqual(forAdmin[next]);
          }
        }
      }
      // A bulk issue's certificates carry the list too (empty for the instructor issuing them).
      const bulk = await completedSession([{ passed: true }]);
      const bulkRes = await t.http
        .post(`/api/v1/sessions/${bulk.session.id}/certificates`)
        .set(bulk.instructorUser.auth);
      expect(bulkRes.status).toBe(201);
      expect(bulkRes.body.issued[0].allowedActions).toEqual([]);
    });

    it('reason `other` needs a note saying what happened (400 naming the field)', async () => {
      const { cert } = await issued();
      for (const action of ['suspend', 'revoke']) {
        for (const body of [{ reason: 'other' }, { reason: 'other', note: '   ' }]) {
          const refused = expectError(
            await change(cert.id, action, body),
            400,
            'VALIDATION_FAILED',
          );
          expect(refused.details).toMatchObject({
            fields: [{ field: 'note', messages: [expect.stringMatching(/note/)] }],
          });
        }
      }
      expect(
        (await t.http.get(`/api/v1/certificates/${cert.id}`).set(admin.auth)).body.status,
      ).toBe('active');
      const suspended = await change(cert.id, 'suspend', {
        reason: 'other',
        note: 'Employer reported a safety concern',
      });
      expect(suspended.status).toBe(201);
      expect(suspended.body).toMatchObject({
        status: 'suspended',
        statusReason: 'other',
        statusNote: 'Employer reported a safety concern',
      });
      // Other reasons speak for themselves: the note stays optional.
      expect((await change(cert.id, 'revoke', { reason: 'issued_in_error' })).status).toBe(201);
    });

    it('expires by date without any job', async () => {
      const { cert } = await issued();
      await t.db.query("UPDATE certificates SET valid_until = '2020-01-01' WHERE id = $1", [
        cert.id,
      ]);
      expect(
        (await t.http.get(`/api/v1/certificates/${cert.id}`).set(admin.auth)).body.status,
      ).toBe('expired');
      const list = await t.http.get(`/api/v1/certificates?status=expired`).set(admin.auth);
      expect(list.body.items.map((c: { id: string }) => c.id)).toContain(cert.id);
      const active = await t.http.get(`/api/v1/certificates?status=active`).set(admin.auth);
      expect(active.body.items.map((c: { id: string }) => c.id)).not.toContain(cert.id);
      const verify = await t.http.get(`/verify/${cert.serial}`).set('Accept', 'application/json');
      expect(verify.body).toMatchObject({ status: 'expired', valid: false });
    });
  });

  describe('reading', () => {
    it("trainees see their own, instructors their sessions', admins and auditors all", async () => {
      const s = await completedSession([{ passed: true }, { passed: true }]);
      const bulk = await t.http
        .post(`/api/v1/sessions/${s.session.id}/certificates`)
        .set(s.instructorUser.auth);
      const [mine, theirs] = bulk.body.issued as { id: string; traineeId: string }[];
      const holder = await createUser(t, ['trainee'], { traineeId: mine.traineeId });
      const own = await t.http.get('/api/v1/certificates').set(holder.auth);
      expect(own.body.items.map((c: { id: string }) => c.id)).toEqual([mine.id]);
      expectError(
        await t.http.get(`/api/v1/certificates?traineeId=${theirs.traineeId}`).set(holder.auth),
        403,
      );
      expectError(await t.http.get(`/api/v1/certificates/${theirs.id}`).set(holder.auth), 403);
      expectError(await t.http.get(`/api/v1/certificates/${theirs.id}/pdf`).set(holder.auth), 403);
      expectError(
        await t.http.get(`/api/v1/certificates/${theirs.id}/credential`).set(holder.auth),
        403,
      );
      expect((await t.http.get(`/api/v1/certificates/${mine.id}`).set(holder.auth)).status).toBe(
        200,
      );

      const instructorList = await t.http
        .get(`/api/v1/certificates?courseId=${s.course.id}`)
        .set(s.instructorUser.auth);
      expect(instructorList.body.items).toHaveLength(2);
      const stranger = await createUser(t, ['instructor'], {
        instructorId: (await makeInstructor(t.db)).id,
      });
      expect(
        (await t.http.get(`/api/v1/certificates?courseId=${s.course.id}`).set(stranger.auth)).body
          .items,
      ).toHaveLength(0);
      expectError(await t.http.get(`/api/v1/certificates/${mine.id}`).set(stranger.auth), 403);
      for (const who of [admin, auditor]) {
        expect(
          (await t.http.get(`/api/v1/certificates?traineeId=${theirs.traineeId}`).set(who.auth))
            .body.items,
        ).toHaveLength(1);
      }
      expectError(await t.http.get('/api/v1/certificates'), 401);
      expectError(await t.http.get('/api/v1/certificates?status=bogus').set(admin.auth), 400);
      expectError(
        await t.http.get('/api/v1/certificates?expiringBefore=2026-13-01').set(admin.auth),
        400,
      );
    });

    it('finds a certificate by serial, within what the caller may see', async () => {
      const s = await completedSession([{ passed: true }, { passed: true }]);
      const bulk = await t.http
        .post(`/api/v1/sessions/${s.session.id}/certificates`)
        .set(s.instructorUser.auth);
      const [mine, theirs] = bulk.body.issued as {
        id: string;
        traineeId: string;
        serial: string;
      }[];
      const bySerial = (serial: string, who: SignedInUser) =>
        t.http.get('/api/v1/certificates').query({ serial }).set(who.auth);
      for (const who of [admin, auditor]) {
        const found = await bySerial(` ${mine.serial.toLowerCase()} `, who);
        expect(found.status).toBe(200);
        expect(found.body.items.map((c: { id: string }) => c.id)).toEqual([mine.id]);
      }
      const holder = await createUser(t, ['trainee'], { traineeId: mine.traineeId });
      expect((await bySerial(mine.serial, holder)).body.items).toHaveLength(1);
      expect((await bySerial(theirs.serial, holder)).body.items).toHaveLength(0);
      expect((await bySerial('COE-NONE-2026-XXXXXX', admin)).body.items).toEqual([]);
      expectError(await bySerial('x'.repeat(101), admin), 400);
    });

    it('filters by session, within what the caller may see', async () => {
      const a = await completedSession([{ passed: true }, { passed: true }]);
      const b = await completedSession([{ passed: true }]);
      const issuedA = (
        await t.http
          .post(`/api/v1/sessions/${a.session.id}/certificates`)
          .set(a.instructorUser.auth)
      ).body.issued as { id: string; traineeId: string; sessionId: string }[];
      const issuedB = (
        await t.http
          .post(`/api/v1/sessions/${b.session.id}/certificates`)
          .set(b.instructorUser.auth)
      ).body.issued as { id: string }[];
      expect(issuedA).toHaveLength(2);
      expect(issuedB).toHaveLength(1);
      const bySession = (sessionId: string, who: SignedInUser) =>
        t.http.get('/api/v1/certificates').query({ sessionId }).set(who.auth);
      const ids = (res: { body: { items: { id: string }[] } }) =>
        res.body.items.map((c) => c.id).sort();
      for (const who of [admin, auditor, a.instructorUser]) {
        const res = await bySession(a.session.id, who);
        expect(res.status).toBe(200);
        expect(ids(res)).toEqual(issuedA.map((c) => c.id).sort());
        expect(
          res.body.items.every((c: { sessionId: string }) => c.sessionId === a.session.id),
        ).toBe(true);
      }
      expect(ids(await bySession(b.session.id, admin))).toEqual([issuedB[0].id]);
      // An instructor sees only their sessions' certificates, whatever the filter says.
      expect((await bySession(b.session.id, a.instructorUser)).body.items).toEqual([]);
      // A trainee sees only their own within the session.
      const holder = await createUser(t, ['trainee'], { traineeId: issuedA[0].traineeId });
      expect(ids(await bySession(a.session.id, holder))).toEqual([issuedA[0].id]);
      // Combined with the other filters.
      expect(
        (
          await t.http
            .get('/api/v1/certificates')
            .query({ sessionId: a.session.id, traineeId: issuedA[1].traineeId })
            .set(admin.auth)
        ).body.items.map((c: { id: string }) => c.id),
      ).toEqual([issuedA[1].id]);
      expectError(await bySession('not-a-uuid', admin), 400);
    });

    it('serves the PDF', async () => {
      const s = await completedSession([{ passed: true }]);
      const cert = (await issue(s.instructorUser, s.enrolments[0].id)).body;
      const res = await t.http
        .get(`/api/v1/certificates/${cert.id}/pdf`)
        .set(admin.auth)
        .buffer(true)
        .parse((r, cb) => {
          const chunks: Buffer[] = [];
          r.on('data', (c: Buffer) => chunks.push(c));
          r.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      expect((res.body as Buffer).subarray(0, 5).toString()).toBe('%PDF-');
    });
  });

  describe('signed credentials and public verification', () => {
    it('verifies with jose and the JWKS over HTTP, and the status list bit follows revocation', async () => {
      const s = await completedSession([{ passed: true }], {
        imasReferences: ['IMAS 09.30', 'IMAS 10.40'],
      });
      const cert = (await issue(s.instructorUser, s.enrolments[0].id)).body as {
        id: string;
        serial: string;
      };
      const { body } = await t.http
        .get(`/api/v1/certificates/${cert.id}/credential`)
        .set(admin.auth);
      expect(body.credential.type).toEqual(['VerifiableCredential', 'OpenBadgeCredential']);
      expect(body.credential.credentialSubject.achievement.alignment).toHaveLength(2);
      expect(JSON.stringify(body.credential)).not.toMatch(/dateOfBirth|1995-04-12|@coe\.test/);

      // An independent verifier: nothing but the JWKS URL and the standard library.
      const jwks = createRemoteJWKSet(new URL(`${t.baseUrl}/.well-known/jwks.json`));
      const verified = await jwtVerify(body.jwt, jwks, { algorithms: ['EdDSA'], typ: 'vc+jwt' });
      expect(verified.protectedHeader.kid).toEqual(expect.any(String));
      expect(verified.payload).toMatchObject({
        id: `${t.baseUrl}/verify/${cert.serial}`,
        validFrom: expect.any(String),
      });

      // One entry: its bit is set while the certificate is suspended or revoked.
      const entry = verified.payload.credentialStatus as {
        statusPurpose: string;
        statusListIndex: string;
        statusListCredential: string;
      };
      expect(entry.statusPurpose).toBe('suspension');
      const bit = async () => {
        const listJwt = await (await fetch(entry.statusListCredential)).text();
        const list = (await jwtVerify(listJwt, jwks, { typ: 'vc+jwt' })).payload as {
          credentialSubject: { encodedList: string };
        };
        const bits = gunzipSync(
          Buffer.from(list.credentialSubject.encodedList.slice(1), 'base64url'),
        );
        const i = Number(entry.statusListIndex);
        expect(bits.length * 8).toBeGreaterThanOrEqual(131_072);
        return (bits[i >> 3] >> (7 - (i & 7))) & 1;
      };
      expect(await bit()).toBe(0);
      const before = await t.http.post('/verify').send({ credential: body.jwt });
      expect(before.body).toMatchObject({
        signatureValid: true,
        valid: true,
        status: 'active',
        serial: cert.serial,
      });

      await t.http
        .post(`/api/v1/certificates/${cert.id}/revoke`)
        .set(admin.auth)
        .send({ reason: 'issued_in_error' })
        .expect(201);
      expect(await bit()).toBe(1);
      const after = await t.http.post('/verify').send({ credential: body.jwt });
      expect(after.body).toMatchObject({ signatureValid: true, valid: false, status: 'revoked' });

      // A changed payload, or one changed bit of the signature, makes it invalid.
      const [h, , sig] = (body.jwt as string).split('.');
      const tamperedPayload = Buffer.from(
        JSON.stringify({ ...verified.payload, validUntil: '2099-12-31T23:59:59Z' }),
      ).toString('base64url');
      for (const tampered of [
        `${h}.${tamperedPayload}.${sig}`,
        withFlippedSignatureBit(body.jwt as string),
      ]) {
        const res = await t.http.post('/verify').send({ credential: tampered });
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({ signatureValid: false, valid: false });
      }
      expectError(await t.http.post('/verify').send({}), 400);
      expectError(await t.http.post('/verify').send({ credential: 42 }), 400);
    });

    it('GET /verify/:serial answers JSON with a masked holder, or 404 not_found', async () => {
      const s = await completedSession([{ passed: true }]);
      const cert = (await issue(s.instructorUser, s.enrolments[0].id)).body as { serial: string };
      const res = await t.http
        .get(`/verify/${cert.serial.toLowerCase()}`)
        .set('Accept', 'application/json');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        serial: cert.serial,
        valid: true,
        status: 'active',
        holder: `A. ${s.trainees[0].familyName}`,
        course: { code: s.course.code, title: s.course.title },
        issuedAt: expect.any(String),
        validUntil: expect.any(String),
        issuer: 'Mine Action Center of Excellence',
        statusReason: null,
      });
      const missing = await t.http
        .get('/verify/COE-NONE-2026-000000')
        .set('Accept', 'application/json');
      expect(missing.status).toBe(404);
      expect(missing.body).toMatchObject({ status: 'not_found', valid: false, code: 'NOT_FOUND' });
      expect(missing.body.holder).toBeNull();
      // Its error half speaks the caller's language, as every error answer does.
      const missingRu = await t.http
        .get('/verify/COE-NONE-2026-000000')
        .set('Accept', 'application/json')
        .set('Accept-Language', 'ru');
      expect(missingRu.status).toBe(404);
      expect(missingRu.body).toMatchObject({ status: 'not_found', code: 'NOT_FOUND' });
      expect(missingRu.body.message).toMatch(/[а-яё]/i);

      const page = await t.http.get(`/verify/${cert.serial}?lang=az`).set('Accept', 'text/html');
      expect(page.status).toBe(200);
      expect(page.headers['content-type']).toContain('text/html');
      expect(page.text).toContain(cert.serial);
      expect(page.text).not.toContain(s.trainees[0].givenName);
      expect(page.text).not.toContain('1995-04-12');
    });

    it('GET /verify with no serial shows the form (200, no verdict); with ?serial= it goes to the page', async () => {
      const form = await t.http.get('/verify?lang=ru').set('Accept', 'text/html');
      expect(form.status).toBe(200);
      expect(form.headers['content-type']).toContain('text/html');
      expect(form.text).toContain('<form class="card check" method="get" action="/verify">');
      expect(form.text).not.toContain('<section class="verdict');
      expect(form.text).toContain('lang="ru"');

      const asked = await t.http.get('/verify?serial=COE-X-1&lang=az');
      expect(asked.status).toBe(303);
      expect(asked.headers.location).toBe('/verify/COE-X-1?lang=az');
    });

    it('publishes every key in the JWKS, never a private part', async () => {
      const res = await t.http.get('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.body.keys.length).toBeGreaterThanOrEqual(1);
      for (const key of res.body.keys) {
        expect(key).toMatchObject({
          kty: 'OKP',
          crv: 'Ed25519',
          alg: 'EdDSA',
          kid: expect.any(String),
        });
        expect(key).not.toHaveProperty('d');
      }
      const stored = (await t.db.query('SELECT private_key_encrypted FROM signing_keys')) as {
        private_key_encrypted: string;
      }[];
      expect(stored[0].private_key_encrypted).toMatch(/^v1\./);
      expectError(await t.http.get('/credentials/status/nonsense'), 404);
      expectError(await t.http.get('/credentials/status/revocation-999'), 404);
    });
  });
});
