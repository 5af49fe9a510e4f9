import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { AuditService } from '../src/audit/audit.service.js';
import { SYSTEM_ACTOR } from '../src/common/actor.js';
import { encodeCursor } from '../src/common/pagination.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, TEST_PASSWORD, type SignedInUser } from './factories.js';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import {
  assign,
  makeCertificate,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makeSession,
  makeTrainee,
  qualify,
} from './fixtures.js';

interface AuditEventBody {
  id: string;
  seq: number;
  occurredAt: string;
  actorId: string | null;
  actorName: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string | null;
  entityLabel: string | null;
  reason: string | null;
  note: string | null;
  requestId: string | null;
  clientRequestId: string | null;
  data: Record<string, unknown>;
}

interface HttpResult {
  status: number;
  body: Record<string, unknown> & { id?: string };
  headers: Record<string, string>;
}

/** Self-service routes every signed-in user may call, the auditor included. */
const SELF_SERVICE = new Set([
  'POST /api/v1/auth/login',
  'POST /api/v1/auth/refresh',
  'POST /api/v1/auth/logout',
  'POST /api/v1/auth/password',
  // The web's sign-in, renewal and sign-out: the account's own session, not the register.
  'POST /api/v1/auth/web-session',
  'POST /api/v1/auth/web-session/refresh',
  'DELETE /api/v1/auth/web-session',
  // Password recovery (open to anyone) and the account's own mail preferences.
  'POST /api/v1/auth/password-reset',
  'POST /api/v1/auth/password-reset/confirm',
  'PATCH /api/v1/auth/me/preferences',
  // The one record an auditor writes: their own field inspections (issue 19, api.md).
  'POST /api/v1/inspections',
]);

describe('audit trail', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  async function lastSeq(): Promise<number> {
    const [row] = (await t.db.query(
      'SELECT coalesce(max(seq), 0)::int AS seq FROM audit_events',
    )) as { seq: number }[];
    return row.seq;
  }

  /** Events after a chain position, read through the API (ascending, from a seq cursor). */
  async function eventsAfter(seq: number): Promise<AuditEventBody[]> {
    const res = await t.http
      .get('/api/v1/audit-events')
      .query({ order: 'asc', limit: 200, cursor: encodeCursor([String(seq)]) })
      .set(auditor.auth);
    expect(res.status).toBe(200);
    return (res.body as { items: AuditEventBody[] }).items;
  }

  /** Runs one change and returns its answer and the one event it left. */
  async function onlyEvent(
    change: () => PromiseLike<HttpResult>,
    status: number,
  ): Promise<{ res: HttpResult; event: AuditEventBody }> {
    const before = await lastSeq();
    const res = await change();
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    const events = await eventsAfter(before);
    expect(events.map((e) => e.action)).toHaveLength(1);
    expect(events[0].requestId).toBe(res.headers['x-request-id']);
    return { res, event: events[0] };
  }

  async function expectNoEvent(change: () => PromiseLike<HttpResult>, status: number) {
    const before = await lastSeq();
    const res = await change();
    expect(res.status).toBe(status);
    expect(await eventsAfter(before)).toEqual([]);
  }

  async function verification() {
    const res = await t.http.get('/api/v1/audit-events/verification').set(auditor.auth);
    expect(res.status).toBe(200);
    // The api.md fields; the answer adds how it verified (see audit-growth.e2e-spec.ts).
    const { intact, checked, firstBrokenId } = res.body as {
      intact: boolean;
      checked: number;
      firstBrokenId: string | null;
    };
    return { intact, checked, firstBrokenId };
  }

  /** Runs a direct edit with the append-only trigger off, as a superuser could. */
  async function withTriggerDisabled(edit: () => Promise<unknown>) {
    await t.db.query('ALTER TABLE audit_events DISABLE TRIGGER audit_events_no_update_delete');
    try {
      await edit();
    } finally {
      await t.db.query('ALTER TABLE audit_events ENABLE TRIGGER audit_events_no_update_delete');
    }
  }

  describe('each kind of change leaves exactly one event', () => {
    // One training run through the API, step by step: each step is a change to check.
    const run: Record<string, string> = {};
    let instructorUser: SignedInUser;
    let holder: SignedInUser;

    beforeAll(async () => {
      const course = await makeCourse(t.db, { code: 'EOD-1', title: 'EOD Level 1' });
      const session = await makeSession(t.db, course.id, {
        startsOn: '2026-11-02',
        endsOn: '2026-11-06',
        status: 'planned',
      });
      const instructor = await makeInstructor(t.db);
      await qualify(t.db, instructor.id, course.id);
      await assign(t.db, session.id, instructor.id);
      instructorUser = await createUser(t, ['instructor'], { instructorId: instructor.id });
      const trainee = await makeTrainee(t.db);
      const other = await makeTrainee(t.db);
      holder = await createUser(t, ['trainee'], { traineeId: trainee.id });
      Object.assign(run, {
        courseId: course.id,
        sessionId: session.id,
        traineeId: trainee.id,
        otherTraineeId: other.id,
      });
    });

    it('user created (by the admin, without the password)', async () => {
      const email = `registrar-${randomUUID().slice(0, 6)}@coe.test`;
      const { res, event } = await onlyEvent(
        () =>
          t.http
            .post('/api/v1/users')
            .set(admin.auth)
            .set('x-request-id', 'req-user-create-1')
            .send({ email, password: TEST_PASSWORD, roles: ['admin'] }),
        201,
      );
      expect(event).toMatchObject({
        action: 'user.created',
        entityType: 'user',
        entityId: res.body.id,
        actorId: admin.id,
        actorRoles: ['admin'],
        // The server's own id (the one it answered with); the client's is recorded beside it.
        requestId: res.headers['x-request-id'],
        clientRequestId: 'req-user-create-1',
        data: { after: { email, roles: ['admin'], disabled: false } },
      });
      expect(JSON.stringify(event)).not.toContain(TEST_PASSWORD);
      expect(JSON.stringify(event.data)).not.toMatch(/password/i);
    });

    it('organisation created', async () => {
      const { res, event } = await onlyEvent(
        () =>
          t.http
            .post('/api/v1/organisations')
            .set(admin.auth)
            .send({ name: 'Halo Trust Azərbaycan', country: 'az', type: 'ngo' }),
        201,
      );
      expect(event).toMatchObject({
        action: 'organisation.created',
        entityType: 'organisation',
        entityId: res.body.id,
        actorId: admin.id,
        data: { after: { name: 'Halo Trust Azərbaycan', country: 'AZ', type: 'ngo' } },
      });
    });

    it('course updated, with before and after', async () => {
      const { event } = await onlyEvent(
        () =>
          t.http
            .patch(`/api/v1/courses/${run.courseId}`)
            .set(admin.auth)
            .send({ title: 'Explosive Ordnance Disposal Level 1', passMark: 75 }),
        200,
      );
      expect(event).toMatchObject({
        action: 'course.updated',
        entityType: 'course',
        entityId: run.courseId,
        actorId: admin.id,
        data: {
          before: { title: 'EOD Level 1', passMark: 70 },
          after: { title: 'Explosive Ordnance Disposal Level 1', passMark: 75 },
        },
      });
    });

    it('session status changed', async () => {
      const { event } = await onlyEvent(
        () =>
          t.http
            .post(`/api/v1/sessions/${run.sessionId}/status`)
            .set(admin.auth)
            .send({ status: 'open' }),
        200,
      );
      expect(event).toMatchObject({
        action: 'session.status_changed',
        entityType: 'session',
        entityId: run.sessionId,
        actorId: admin.id,
        data: { before: { status: 'planned' }, after: { status: 'open' } },
      });
    });

    it('enrolment created (by the trainee) and another withdrawn (by the admin)', async () => {
      const created = await onlyEvent(
        () =>
          t.http
            .post(`/api/v1/sessions/${run.sessionId}/enrolments`)
            .set(holder.auth)
            .send({ traineeId: run.traineeId }),
        201,
      );
      run.enrolmentId = created.res.body.id!;
      expect(created.event).toMatchObject({
        action: 'enrolment.created',
        entityType: 'enrolment',
        entityId: run.enrolmentId,
        actorId: holder.id,
        actorRoles: ['trainee'],
      });

      const other = await t.http
        .post(`/api/v1/sessions/${run.sessionId}/enrolments`)
        .set(admin.auth)
        .send({ traineeId: run.otherTraineeId });
      expect(other.status).toBe(201);
      const withdrawn = await onlyEvent(
        () => t.http.post(`/api/v1/enrolments/${other.body.id}/withdraw`).set(admin.auth),
        200,
      );
      expect(withdrawn.event).toMatchObject({
        action: 'enrolment.withdrawn',
        entityType: 'enrolment',
        entityId: other.body.id,
        actorId: admin.id,
        data: { before: { status: 'enrolled' }, after: { status: 'withdrawn' } },
      });
    });

    it('attendance and assessment (by the assigned instructor)', async () => {
      const started = await t.http
        .post(`/api/v1/sessions/${run.sessionId}/status`)
        .set(admin.auth)
        .send({ status: 'in_progress' });
      expect(started.status).toBe(200);
      const days = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06'];
      const attendance = await onlyEvent(
        () =>
          t.http
            .put(`/api/v1/enrolments/${run.enrolmentId}/attendance`)
            .set(instructorUser.auth)
            .send({ days: days.map((date) => ({ date, present: true })) }),
        200,
      );
      expect(attendance.event).toMatchObject({
        action: 'enrolment.attendance_recorded',
        entityType: 'enrolment',
        entityId: run.enrolmentId,
        actorId: instructorUser.id,
        actorRoles: ['instructor'],
        data: { before: { days: [] }, after: { attendancePercent: 100 } },
      });

      const assessed = await onlyEvent(
        () =>
          t.http
            .put(`/api/v1/enrolments/${run.enrolmentId}/assessment`)
            .set(instructorUser.auth)
            .send({ theoryScore: 88, practicalScore: 92 }),
        200,
      );
      expect(assessed.event).toMatchObject({
        action: 'enrolment.assessed',
        entityType: 'enrolment',
        entityId: run.enrolmentId,
        actorId: instructorUser.id,
        // Decided when the session is completed (api.md), not while it runs.
        data: { after: { theoryScore: 88, practicalScore: 92, passed: null } },
      });
    });

    it('certificate issued, suspended and revoked, with reasons and notes', async () => {
      const completed = await t.http
        .post(`/api/v1/sessions/${run.sessionId}/status`)
        .set(admin.auth)
        .send({ status: 'completed' });
      expect(completed.status).toBe(200);

      const issued = await onlyEvent(
        () =>
          t.http.post(`/api/v1/enrolments/${run.enrolmentId}/certificate`).set(instructorUser.auth),
        201,
      );
      run.certificateId = issued.res.body.id!;
      expect(issued.event).toMatchObject({
        action: 'certificate.issued',
        entityType: 'certificate',
        entityId: run.certificateId,
        actorId: instructorUser.id,
        data: { after: { serial: issued.res.body.serial, enrolmentId: run.enrolmentId } },
      });

      const suspended = await onlyEvent(
        () =>
          t.http
            .post(`/api/v1/certificates/${run.certificateId}/suspend`)
            .set(admin.auth)
            .send({ reason: 'medical_unfit', note: 'Medical board 2026/114' }),
        201,
      );
      expect(suspended.event).toMatchObject({
        action: 'certificate.suspended',
        entityType: 'certificate',
        entityId: run.certificateId,
        actorId: admin.id,
        reason: 'medical_unfit',
        note: 'Medical board 2026/114',
        data: { before: { status: 'active' }, after: { status: 'suspended' } },
      });

      const revoked = await onlyEvent(
        () =>
          t.http
            .post(`/api/v1/certificates/${run.certificateId}/revoke`)
            .set(admin.auth)
            .send({ reason: 'fraud_or_misconduct', note: 'Case QA-77' }),
        201,
      );
      expect(revoked.event).toMatchObject({
        action: 'certificate.revoked',
        reason: 'fraud_or_misconduct',
        note: 'Case QA-77',
        data: { before: { status: 'suspended' }, after: { status: 'revoked' } },
      });
    });

    it("shows the certificate's history in order to those who may read the certificate", async () => {
      for (const reader of [admin, auditor, holder, instructorUser]) {
        const res = await t.http
          .get(`/api/v1/certificates/${run.certificateId}/history`)
          .set(reader.auth);
        expect(res.status).toBe(200);
        const items = (res.body as { items: AuditEventBody[] }).items;
        expect(items.map((e) => e.action)).toEqual([
          'certificate.issued',
          'certificate.suspended',
          'certificate.revoked',
        ]);
        expect(items.map((e) => e.seq)).toEqual([...items.map((e) => e.seq)].sort((a, b) => a - b));
        expect(res.body.nextCursor).toBeNull();
      }
      const stranger = await createUser(t, ['trainee'], {
        traineeId: (await makeTrainee(t.db)).id,
      });
      expectError(
        await t.http.get(`/api/v1/certificates/${run.certificateId}/history`).set(stranger.auth),
        403,
      );
      expectError(
        await t.http.get(`/api/v1/certificates/${randomUUID()}/history`).set(admin.auth),
        404,
      );
      expectError(
        await t.http.get('/api/v1/certificates/not-a-uuid/history').set(admin.auth),
        400,
        'INVALID_ID',
      );
    });

    it('a change that fails leaves no event', async () => {
      // Refused by validation, by a rule inside the transaction, and by a unique index.
      await expectNoEvent(
        () => t.http.post('/api/v1/organisations').set(admin.auth).send({ name: '' }),
        400,
      );
      await expectNoEvent(
        () =>
          t.http
            .post(`/api/v1/certificates/${run.certificateId}/reinstate`)
            .set(admin.auth)
            .send({ reason: 'other', note: 'Appeal upheld' }),
        409,
      );
      await expectNoEvent(
        () =>
          t.http
            .post(`/api/v1/sessions/${run.sessionId}/status`)
            .set(admin.auth)
            .send({ status: 'open' }),
        409,
      );
      await expectNoEvent(
        () =>
          t.http
            .post('/api/v1/users')
            .set(admin.auth)
            .send({ email: auditor.email, password: TEST_PASSWORD, roles: ['trainee'] }),
        409,
      );
    });

    it('the chain verifies', async () => {
      const result = await verification();
      expect(result).toEqual({ intact: true, checked: await lastSeq(), firstBrokenId: null });
    });
  });

  describe('queries', () => {
    it('filters, pages newest first by seq, and reads oldest first with order=asc', async () => {
      const org = await t.http
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ name: 'Paging Operator', country: 'UA', type: 'commercial' });
      for (const name of ['A', 'B', 'C', 'D', 'E']) {
        const res = await t.http
          .patch(`/api/v1/organisations/${org.body.id}`)
          .set(admin.auth)
          .send({ name: `Paging Operator ${name}` });
        expect(res.status).toBe(200);
      }
      const seen: AuditEventBody[] = [];
      let cursor: string | undefined;
      do {
        const res = await t.http
          .get('/api/v1/audit-events')
          .query({ entityType: 'organisation', entityId: org.body.id, limit: 2, cursor })
          .set(auditor.auth);
        expect(res.status).toBe(200);
        expect((res.body as { items: unknown[] }).items.length).toBeLessThanOrEqual(2);
        seen.push(...(res.body as { items: AuditEventBody[] }).items);
        cursor = (res.body as { nextCursor: string | null }).nextCursor ?? undefined;
      } while (cursor);
      expect(seen.map((e) => e.action)).toEqual([
        ...Array(5).fill('organisation.updated'),
        'organisation.created',
      ]);
      const seqs = seen.map((e) => e.seq);
      expect(seqs).toEqual([...seqs].sort((a, b) => b - a));
      expect(seen[0].data).toMatchObject({
        before: { name: 'Paging Operator D' },
        after: { name: 'Paging Operator E' },
      });

      const asc = await t.http
        .get('/api/v1/audit-events')
        .query({ entityId: org.body.id, order: 'asc' })
        .set(admin.auth);
      expect((asc.body as { items: AuditEventBody[] }).items.map((e) => e.seq)).toEqual(
        [...seqs].reverse(),
      );

      const byAction = await t.http
        .get('/api/v1/audit-events')
        .query({ action: 'organisation.created', actorId: admin.id, entityId: org.body.id })
        .set(auditor.auth);
      expect((byAction.body as { items: AuditEventBody[] }).items).toHaveLength(1);
    });

    it('filters by time with dates and timestamps, inclusive', async () => {
      const org = await t.http
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ name: 'Time Window Operator', country: 'GB', type: 'ngo' });
      const [event] = (await t.db.query(
        'SELECT occurred_at FROM audit_events WHERE entity_id = $1',
        [org.body.id],
      )) as { occurred_at: Date }[];
      const at = event.occurred_at.toISOString();
      const day = at.slice(0, 10);
      const count = async (query: Record<string, string>) => {
        const res = await t.http
          .get('/api/v1/audit-events')
          .query({ entityId: org.body.id, ...query })
          .set(auditor.auth);
        expect(res.status).toBe(200);
        return (res.body as { items: unknown[] }).items.length;
      };
      expect(await count({ from: day, to: day })).toBe(1);
      expect(await count({ from: at, to: at })).toBe(1);
      expect(await count({ from: at.replace('Z', '+00:00') })).toBe(1);
      expect(await count({ to: new Date(Date.parse(at) - 1).toISOString() })).toBe(0);
      expect(await count({ from: new Date(Date.parse(at) + 1).toISOString() })).toBe(0);
      expect(await count({ to: '2000-01-01' })).toBe(0);
    });

    it('refuses malformed filters with 400', async () => {
      for (const query of [
        { from: 'yesterday' },
        { to: '2026-02-30' },
        { from: '2026-01-01T10:00:00' }, // no zone: ambiguous
        { from: '2026-01-01T25:00:00Z' },
        { entityType: 'spaceship' },
        { entityId: 'not-a-uuid' },
        { actorId: '42' },
        { action: "x'; DROP TABLE audit_events; --" },
        { order: 'sideways' },
        { limit: '0' },
        { limit: '201' },
        { cursor: 'garbage' },
        { cursor: encodeCursor(['-1']) },
        { unknown: 'field' },
      ]) {
        const res = await t.http.get('/api/v1/audit-events').query(query).set(auditor.auth);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expectError(res, 400);
      }
    });

    it('is for admins and auditors only', async () => {
      const instructor = await createUser(t, ['instructor']);
      const trainee = await createUser(t, ['trainee']);
      for (const user of [instructor, trainee]) {
        expectError(await t.http.get('/api/v1/audit-events').set(user.auth), 403);
        expectError(await t.http.get('/api/v1/audit-events/verification').set(user.auth), 403);
      }
      expectError(await t.http.get('/api/v1/audit-events'), 401);
      expect((await t.http.get('/api/v1/audit-events').set(admin.auth)).status).toBe(200);
    });
  });

  describe('names of actors and records', () => {
    /** Files one event about a record, as `actor` (a signed-in user, or the system). */
    async function fileEvent(
      actor: { id: string; roles: ('admin' | 'instructor' | 'trainee' | 'auditor')[] } | null,
      entityType: string,
      entityId: string,
    ): Promise<void> {
      await t.db.transaction((tx) =>
        t.app
          .get(AuditService)
          .record(
            tx,
            actor ? { ...SYSTEM_ACTOR, userId: actor.id, roles: actor.roles } : SYSTEM_ACTOR,
            {
              action: `${entityType}.updated` as never,
              entityType: entityType as never,
              entityId,
            },
          ),
      );
    }

    async function newest(count: number): Promise<AuditEventBody[]> {
      const res = await t.http
        .get('/api/v1/audit-events')
        .query({ limit: count })
        .set(auditor.auth);
      expect(res.status).toBe(200);
      return (res.body as { items: AuditEventBody[] }).items.reverse();
    }

    it('names the actor (the linked person, else the e-mail) and the record, read now, not stored', async () => {
      const org = await makeOrganisation(t.db, { name: 'Halo Trust Azerbaijan' });
      const course = await makeCourse(t.db, { code: `EOD-${randomUUID().slice(0, 4)}` });
      const session = await makeSession(t.db, course.id, {
        startsOn: '2026-11-02',
        endsOn: '2026-11-06',
      });
      const trainee = await makeTrainee(t.db, { givenName: 'Aynur', familyName: 'Məmmədova' });
      const instructor = await makeInstructor(t.db, { givenName: 'Rashad', familyName: 'Aliyev' });
      const qualification = await qualify(t.db, instructor.id, course.id);
      const enrolment = await t.db
        .getRepository(Enrolment)
        .save({ sessionId: session.id, traineeId: trainee.id, status: 'enrolled' });
      const certificate = await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: course.id,
      });
      const [key] = (await t.db.query('SELECT id, kid FROM signing_keys LIMIT 1')) as {
        id: string;
        kid: string;
      }[];
      const traineeUser = await createUser(t, ['trainee'], { traineeId: trainee.id });
      const instructorUser = await createUser(t, ['instructor'], {
        instructorId: instructor.id,
      });
      const dates = '2026-11-02–2026-11-06';
      const cases: [typeof admin | null, string[], string, string, string | null, string | null][] =
        [
          [admin, ['admin'], 'organisation', org.id, 'Halo Trust Azerbaijan', admin.email],
          [admin, ['admin'], 'course', course.id, course.code, admin.email],
          [admin, ['admin'], 'session', session.id, `${course.code} ${dates}`, admin.email],
          [admin, ['admin'], 'trainee', trainee.id, 'Aynur Məmmədova', admin.email],
          [admin, ['admin'], 'instructor', instructor.id, 'Rashad Aliyev', admin.email],
          [
            admin,
            ['admin'],
            'qualification',
            qualification.id,
            `Rashad Aliyev · ${course.code}`,
            admin.email,
          ],
          [
            traineeUser,
            ['trainee'],
            'enrolment',
            enrolment.id,
            `Aynur Məmmədova · ${course.code} ${dates}`,
            'Aynur Məmmədova',
          ],
          [
            instructorUser,
            ['instructor'],
            'certificate',
            certificate.id,
            certificate.serial,
            'Rashad Aliyev',
          ],
          [admin, ['admin'], 'user', traineeUser.id, 'Aynur Məmmədova', admin.email],
          [admin, ['admin'], 'user', auditor.id, auditor.email, admin.email],
          [null, [], 'signing_key', key.id, key.kid, null],
          // A record that is not there (any more) has no label; the event is still listed.
          [admin, ['admin'], 'organisation', randomUUID(), null, admin.email],
        ];
      for (const [who, roles, type, id] of cases) {
        await fileEvent(who ? { id: who.id, roles: roles as never } : null, type, id);
      }
      const events = await newest(cases.length);
      expect(
        events.map((e) => [e.actorId, e.entityType, e.entityId, e.entityLabel, e.actorName]),
      ).toEqual(
        cases.map(([who, , type, id, label, name]) => [who?.id ?? null, type, id, label, name]),
      );

      // Computed when read: a renamed trainee shows under the new name, and the chain, which
      // never held the names, still verifies.
      await t.db.query("UPDATE trainees SET family_name = 'Əliyeva' WHERE id = $1", [trainee.id]);
      const again = await t.http
        .get('/api/v1/audit-events')
        .query({ entityType: 'trainee', entityId: trainee.id })
        .set(admin.auth);
      expect(again.body.items[0]).toMatchObject({ entityLabel: 'Aynur Əliyeva' });
      expect((await verification()).intact).toBe(true);
      const stored = (await t.db.query(
        'SELECT count(*)::int AS n FROM audit_events WHERE data::text LIKE $1',
        ['%Məmmədova%'],
      )) as { n: number }[];
      expect(stored[0].n).toBe(0);
    });

    it('reads the names of a whole page in one statement, however many events', async () => {
      const trainees = await Promise.all(
        Array.from({ length: 30 }, (_, i) => makeTrainee(t.db, { givenName: `Page${i}` })),
      );
      const org = await makeOrganisation(t.db);
      for (const tr of trainees) {
        await fileEvent({ id: admin.id, roles: ['admin'] }, 'trainee', tr.id);
        await fileEvent({ id: auditor.id, roles: ['auditor'] }, 'organisation', org.id);
      }
      const runner = t.db.createQueryRunner();
      const proto = Object.getPrototypeOf(runner) as { query: (sql: string) => unknown };
      await runner.release();
      const spy = jest.spyOn(proto, 'query');
      const statements: number[] = [];
      try {
        for (const limit of [1, 60]) {
          spy.mockClear();
          const res = await t.http.get('/api/v1/audit-events').query({ limit }).set(admin.auth);
          expect(res.status).toBe(200);
          expect(res.body.items).toHaveLength(limit);
          expect(res.body.items.every((e: AuditEventBody) => e.entityLabel && e.actorName)).toBe(
            true,
          );
          const sql = spy.mock.calls.map(([text]) => String(text));
          statements.push(sql.length);
          // The page, then one statement for every name on it.
          expect({ limit, labels: sql.filter((q) => /\bAS label\b/.test(q)).length }).toEqual({
            limit,
            labels: 1,
          });
        }
      } finally {
        spy.mockRestore();
      }
      // As many statements for 60 events as for one.
      expect(statements[1]).toBe(statements[0]);
    });

    it('files events under the entity types and action form of api.md', async () => {
      const API_ENTITY_TYPES = [
        'user',
        'organisation',
        'course',
        'session',
        'trainee',
        'instructor',
        'qualification',
        'enrolment',
        'certificate',
        'signing_key',
        'trusted_issuer',
        'recognition',
        'inspection',
      ];
      for (const entityType of API_ENTITY_TYPES) {
        const res = await t.http
          .get('/api/v1/audit-events')
          .query({ entityType })
          .set(auditor.auth);
        expect({ entityType, status: res.status }).toEqual({ entityType, status: 200 });
      }
      // Every event this file's runs left: a listed type, and `<entityType>.<verb>`.
      const kinds = (await t.db.query(
        'SELECT DISTINCT entity_type, action FROM audit_events ORDER BY 1, 2',
      )) as { entity_type: string; action: string }[];
      expect(kinds.length).toBeGreaterThan(10);
      for (const { entity_type, action } of kinds) {
        expect({ entity_type, action, listed: API_ENTITY_TYPES.includes(entity_type) }).toEqual({
          entity_type,
          action,
          listed: true,
        });
        expect(action).toMatch(new RegExp(`^${entity_type}\\.[a-z_]+$`));
      }
    });
  });

  describe('refused access', () => {
    it('records a 403 to a signed-in caller, in its own transaction, without the query string', async () => {
      const trainee = await createUser(t, ['trainee']);
      const before = await lastSeq();
      const res = await t.http
        .get('/api/v1/audit-events')
        .query({ entityType: 'trainee', entityId: randomUUID() })
        .set(trainee.auth);
      expectError(res, 403, 'FORBIDDEN');
      const events = await eventsAfter(before);
      expect(events).toHaveLength(1);
      expect(events[0]).toMatchObject({
        action: 'user.access_denied',
        entityType: 'user',
        entityId: trainee.id,
        actorId: trainee.id,
        actorRoles: ['trainee'],
        requestId: res.headers['x-request-id'],
        data: { method: 'GET', path: '/api/v1/audit-events', code: 'FORBIDDEN' },
      });

      // Refused inside a service (not by the guard) counts too.
      const stranger = await createUser(t, ['trainee'], {
        traineeId: (await makeTrainee(t.db)).id,
      });
      const owner = await makeTrainee(t.db);
      const before2 = await lastSeq();
      expectError(await t.http.get(`/api/v1/trainees/${owner.id}`).set(stranger.auth), 403);
      expect((await eventsAfter(before2)).map((e) => [e.action, e.entityId])).toEqual([
        ['user.access_denied', stranger.id],
      ]);
    });

    it('does not record anonymous 401s, nor other errors', async () => {
      const before = await lastSeq();
      expectError(await t.http.get('/api/v1/audit-events'), 401);
      expectError(
        await t.http.get('/api/v1/audit-events').set('Authorization', 'Bearer forged.token.here'),
        401,
      );
      expectError(await t.http.get(`/api/v1/users/${randomUUID()}`).set(admin.auth), 404);
      expect(await lastSeq()).toBe(before);
    });
  });

  describe('tamper evidence', () => {
    it('the database refuses UPDATE, DELETE and TRUNCATE of events', async () => {
      const seq = await lastSeq();
      await expect(
        t.db.query("UPDATE audit_events SET note = 'rewritten' WHERE seq = $1", [seq]),
      ).rejects.toThrow(/append-only/);
      await expect(t.db.query('DELETE FROM audit_events WHERE seq = $1', [seq])).rejects.toThrow(
        /append-only/,
      );
      await expect(t.db.query('TRUNCATE audit_events')).rejects.toThrow(/append-only/);
      expect((await verification()).intact).toBe(true);
    });

    it('detects a direct edit of one event at exactly that event', async () => {
      expect((await verification()).intact).toBe(true);
      const total = await lastSeq();
      const target = Math.floor(total / 2);
      const [row] = (await t.db.query(
        'SELECT id, data::text AS data FROM audit_events WHERE seq = $1',
        [target],
      )) as { id: string; data: string }[];

      await withTriggerDisabled(() =>
        t.db.query(
          `UPDATE audit_events SET data = jsonb_set(data, '{forged}', 'true') WHERE seq = $1`,
          [target],
        ),
      );
      expect(await verification()).toEqual({
        intact: false,
        checked: target,
        firstBrokenId: row.id,
      });

      // Putting the original content back makes the chain whole again.
      await withTriggerDisabled(() =>
        t.db.query('UPDATE audit_events SET data = $2::jsonb WHERE seq = $1', [target, row.data]),
      );
      expect(await verification()).toEqual({ intact: true, checked: total, firstBrokenId: null });
    });

    it('detects a deleted event at its successor, and an edited actor or reason', async () => {
      const total = await lastSeq();
      const target = total - 3;
      const rows = (await t.db.query(
        'SELECT seq::int AS seq, id FROM audit_events WHERE seq IN ($1, $2) ORDER BY seq',
        [target, target + 1],
      )) as { seq: number; id: string }[];
      await t.db.query(
        `CREATE TABLE audit_events_saved AS SELECT * FROM audit_events WHERE seq = ${target}`,
      );
      try {
        await withTriggerDisabled(() =>
          t.db.query('DELETE FROM audit_events WHERE seq = $1', [target]),
        );
        expect(await verification()).toMatchObject({ intact: false, firstBrokenId: rows[1].id });
        await t.db.query('INSERT INTO audit_events SELECT * FROM audit_events_saved');
        expect((await verification()).intact).toBe(true);

        await withTriggerDisabled(() =>
          t.db.query('UPDATE audit_events SET actor_id = $2 WHERE seq = $1', [target, auditor.id]),
        );
        expect(await verification()).toMatchObject({ intact: false, firstBrokenId: rows[0].id });
        await withTriggerDisabled(async () => {
          await t.db.query('DELETE FROM audit_events WHERE seq = $1', [target]);
          await t.db.query('INSERT INTO audit_events SELECT * FROM audit_events_saved');
        });
        expect((await verification()).intact).toBe(true);
      } finally {
        await t.db.query('DROP TABLE audit_events_saved');
      }
    });
  });

  describe('concurrency', () => {
    it('50 simultaneous changes still make one gapless chain that verifies', async () => {
      const before = await lastSeq();
      const results = await Promise.all(
        Array.from({ length: 50 }, (_, i) =>
          t.http
            .post('/api/v1/organisations')
            .set(admin.auth)
            .send({ name: `Parallel Operator ${i}`, country: 'AZ', type: 'military' }),
        ),
      );
      expect(results.map((r) => r.status)).toEqual(Array(50).fill(201));
      const [shape] = (await t.db.query(
        'SELECT count(*)::int AS n, min(seq)::int AS lo, max(seq)::int AS hi FROM audit_events',
      )) as { n: number; lo: number; hi: number }[];
      expect(shape).toEqual({ n: shape.hi, lo: 1, hi: before + 50 });
      const created = (await eventsAfter(before)).filter(
        (e) => e.action === 'organisation.created',
      );
      expect(new Set(created.map((e) => e.entityId))).toEqual(
        new Set(results.map((r) => (r.body as { id: string }).id)),
      );
      expect(await verification()).toEqual({
        intact: true,
        checked: before + 50,
        firstBrokenId: null,
      });
    });

    it('verification walks a chain longer than one batch', async () => {
      // Appended through the service itself (one transaction, fast): the hashing is the real one.
      const audit = t.app.get(AuditService);
      const needed = 5_050 - (await lastSeq());
      await t.db.transaction(async (tx) => {
        for (let i = 0; i < needed; i++) {
          await audit.record(tx, SYSTEM_ACTOR, {
            action: 'organisation.updated',
            entityType: 'organisation',
            entityId: randomUUID(),
            data: { after: { name: `Bulk ${i}`, note: 'ə, ğ, ı, ş' } },
          });
        }
      });
      const total = await lastSeq();
      expect(total).toBe(5_050);
      expect(await verification()).toEqual({ intact: true, checked: total, firstBrokenId: null });

      // A break beyond the first batch is found and named too.
      const [late] = (await t.db.query('SELECT id FROM audit_events WHERE seq = 5001')) as {
        id: string;
      }[];
      await withTriggerDisabled(() =>
        t.db.query("UPDATE audit_events SET action = 'organisation.created' WHERE seq = 5001"),
      );
      try {
        expect(await verification()).toEqual({
          intact: false,
          checked: 5_001,
          firstBrokenId: late.id,
        });
      } finally {
        await withTriggerDisabled(() =>
          t.db.query("UPDATE audit_events SET action = 'organisation.updated' WHERE seq = 5001"),
        );
      }
      expect((await verification()).intact).toBe(true);
    }, 120_000);
  });

  describe('the auditor', () => {
    it('reads the trail, its verification and the reports', async () => {
      for (const path of [
        '/api/v1/audit-events',
        '/api/v1/audit-events/verification',
        '/api/v1/reports/training',
        '/api/v1/reports/expiring',
        '/api/v1/users',
        '/api/v1/trainees',
        '/api/v1/certificates',
      ]) {
        expect({ path, status: (await t.http.get(path).set(auditor.auth)).status }).toEqual({
          path,
          status: 200,
        });
      }
    });

    it('is refused (403) on every write route of the running app', async () => {
      const routes = writeRoutes(
        t.app.getHttpAdapter().getInstance().printRoutes({ commonPrefix: false }),
      );
      // The OpenAPI document must not know a write route the router does not serve.
      const docs = await t.http.get('/docs-json');
      for (const [path, methods] of Object.entries(
        (docs.body as { paths: Record<string, Record<string, unknown>> }).paths,
      )) {
        for (const method of Object.keys(methods)) {
          const route = `${method.toUpperCase()} ${path.replace(/\{(\w+)\}/g, ':$1')}`;
          if (/^(POST|PUT|PATCH|DELETE) \/api\/v1\//.test(route) && !SELF_SERVICE.has(route)) {
            expect(routes.map(normaliseParams)).toContain(normaliseParams(route));
          }
        }
      }
      expect(routes.length).toBeGreaterThanOrEqual(25);
      const answers: string[] = [];
      for (const route of routes) {
        const [method, pattern] = route.split(' ');
        const path = pattern.replace(/:[^/]+/g, randomUUID());
        const res = await t.http[method.toLowerCase() as 'post'](path).set(auditor.auth).send({});
        answers.push(`${route} → ${res.status} ${(res.body as { code?: string }).code}`);
      }
      expect(answers).toEqual(routes.map((route) => `${route} → 403 FORBIDDEN`));
    });
  });
});

/** Path parameters named differently in the two sources (`:id|:courseId`) compare equal. */
const normaliseParams = (route: string) => route.replace(/:[^/]+/g, ':param');

/**
 * Write routes under /api/v1 from the router's own table (find-my-way's printRoutes tree,
 * four characters of indent per level), minus the self-service ones.
 */
function writeRoutes(tree: string): string[] {
  const stack: string[] = [];
  const routes: string[] = [];
  for (const line of tree.split('\n')) {
    const m = /^((?:│ {3}| {4})*)(?:├── |└── )(\S+)(?: \(([^)]*)\))?/.exec(line);
    if (!m) continue;
    const depth = m[1].length / 4;
    stack.length = depth;
    stack.push(m[2]);
    const path = stack.join('');
    for (const method of (m[3] ?? '').split(',').map((s) => s.trim())) {
      const route = `${method} ${path}`;
      if (
        ['POST', 'PUT', 'PATCH', 'DELETE'].includes(method) &&
        path.startsWith('/api/v1/') &&
        !SELF_SERVICE.has(route)
      ) {
        routes.push(route);
      }
    }
  }
  return routes.sort();
}
