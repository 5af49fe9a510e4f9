import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  completedSessionWithInstructor,
  makeCourse,
  makeOrganisation,
  makePassedEnrolment,
  makeSession,
  makeTrainee,
} from './fixtures.js';

/**
 * Coordinators (issue 17): an employer's contact sees and nominates their organisation's people
 * and nothing of anyone else's. Another organisation's records answer exactly as unknown ids
 * do (no 403 that would tell they exist); lists and filters leave them out.
 */
describe('coordinators', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let coordinator: SignedInUser;
  const own = {} as Record<'org' | 'trainee' | 'enrolment' | 'certificate' | 'serial', string>;
  const other = {} as Record<'org' | 'trainee' | 'enrolment' | 'certificate' | 'serial', string>;
  let completedSessionId: string;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    const { session, instructorUser } = await completedSessionWithInstructor(t);
    completedSessionId = session.id;
    for (const side of [own, other]) {
      side.org = (await makeOrganisation(t.db)).id;
      side.trainee = (await makeTrainee(t.db, { organisationId: side.org })).id;
      side.enrolment = (await makePassedEnrolment(t.db, session.id, side.trainee)).id;
      const cert = await t.http
        .post(`/api/v1/enrolments/${side.enrolment}/certificate`)
        .set(instructorUser.auth);
      expect(cert.status).toBe(201);
      side.certificate = cert.body.id;
      side.serial = cert.body.serial;
    }
    coordinator = await createUser(t, ['coordinator'], { organisationId: own.org });
  });
  afterAll(() => t.close());

  const as = (user: SignedInUser, lang = 'en') => ({ ...user.auth, 'Accept-Language': lang });

  it('hands a coordinator their organisation and permissions with the account', async () => {
    const me = await t.http.get('/api/v1/auth/me').set(coordinator.auth);
    expect(me.status).toBe(200);
    expect(me.body).toMatchObject({ roles: ['coordinator'], organisationId: own.org });
    expect(me.body.permissions).toEqual(
      expect.arrayContaining(['trainees.list', 'enrolments.enrol', 'certificates.read']),
    );
    expect(me.body.permissions).not.toContain('audit.read');
    expect(me.body.permissions).not.toContain('certificates.changeStatus');
  });

  it("reads their organisation's people: list, record, transcript, certificates, PDF and credential", async () => {
    const list = await t.http.get('/api/v1/trainees').set(coordinator.auth);
    expect(list.status).toBe(200);
    expect(list.body.items.map((p: { id: string }) => p.id)).toEqual([own.trainee]);

    expect((await t.http.get(`/api/v1/trainees/${own.trainee}`).set(coordinator.auth)).status).toBe(
      200,
    );
    const transcript = await t.http
      .get(`/api/v1/trainees/${own.trainee}/transcript`)
      .set(coordinator.auth);
    expect(transcript.status).toBe(200);
    expect(transcript.body.certificates.map((c: { id: string }) => c.id)).toEqual([
      own.certificate,
    ]);
    const certificates = await t.http
      .get(`/api/v1/certificates?traineeId=${own.trainee}`)
      .set(coordinator.auth);
    expect(certificates.body.items.map((c: { id: string }) => c.id)).toEqual([own.certificate]);
    const all = await t.http.get('/api/v1/certificates').set(coordinator.auth);
    expect(all.body.items.map((c: { id: string }) => c.id)).toEqual([own.certificate]);
    const cert = await t.http.get(`/api/v1/certificates/${own.certificate}`).set(coordinator.auth);
    expect(cert.status).toBe(200);
    expect(cert.body.allowedActions).toEqual([]);
    const pdf = await t.http
      .get(`/api/v1/certificates/${own.certificate}/pdf`)
      .set(coordinator.auth);
    expect(pdf.status).toBe(200);
    expect(pdf.headers['content-type']).toMatch(/^application\/pdf/);
    const credential = await t.http
      .get(`/api/v1/certificates/${own.certificate}/credential`)
      .set(coordinator.auth);
    expect(credential.status).toBe(200);
    expect(typeof credential.body.jwt).toBe('string');
    expect(
      (await t.http.get(`/api/v1/enrolments/${own.enrolment}`).set(coordinator.auth)).status,
    ).toBe(200);
    // The roster of a session: their own people in it, no one else.
    const roster = await t.http
      .get(`/api/v1/sessions/${completedSessionId}/enrolments`)
      .set(coordinator.auth);
    expect(roster.status).toBe(200);
    expect(roster.body.items.map((r: { traineeId: string }) => r.traineeId)).toEqual([own.trainee]);
  });

  it("answers another organisation's records exactly as unknown ids (404), in any language", async () => {
    for (const lang of ['en', 'az', 'ru']) {
      for (const [path, unknownPath] of [
        [`/api/v1/trainees/${other.trainee}`, `/api/v1/trainees/${randomUUID()}`],
        [
          `/api/v1/trainees/${other.trainee}/transcript`,
          `/api/v1/trainees/${randomUUID()}/transcript`,
        ],
        [`/api/v1/certificates/${other.certificate}`, `/api/v1/certificates/${randomUUID()}`],
        [
          `/api/v1/certificates/${other.certificate}/pdf`,
          `/api/v1/certificates/${randomUUID()}/pdf`,
        ],
        [
          `/api/v1/certificates/${other.certificate}/credential`,
          `/api/v1/certificates/${randomUUID()}/credential`,
        ],
        [`/api/v1/enrolments/${other.enrolment}`, `/api/v1/enrolments/${randomUUID()}`],
        [
          `/api/v1/enrolments/${other.enrolment}/attendance`,
          `/api/v1/enrolments/${randomUUID()}/attendance`,
        ],
      ]) {
        const theirs = await t.http.get(path).set(as(coordinator, lang));
        const unknown = await t.http.get(unknownPath).set(as(coordinator, lang));
        expectError(theirs, 404, 'NOT_FOUND');
        expect({ path, body: theirs.body }).toEqual({ path, body: unknown.body });
      }
    }
  });

  it("finds nothing of another organisation's by a list filter or a serial", async () => {
    const byOrg = await t.http
      .get(`/api/v1/trainees?organisationId=${other.org}`)
      .set(coordinator.auth);
    expect(byOrg.status).toBe(200);
    expect(byOrg.body.items).toEqual([]);
    const byName = await t.http.get('/api/v1/trainees?q=Huseynova').set(coordinator.auth);
    expect(byName.body.items.map((p: { id: string }) => p.id)).toEqual([own.trainee]);
    for (const query of [
      `traineeId=${other.trainee}`,
      `serial=${other.serial}`,
      `sessionId=${completedSessionId}&traineeId=${other.trainee}`,
    ]) {
      const res = await t.http.get(`/api/v1/certificates?${query}`).set(coordinator.auth);
      expect({ query, status: res.status, items: res.body.items }).toEqual({
        query,
        status: 200,
        items: [],
      });
    }
    // The serial still finds its certificate for the registrar: the filter, not the data, hides it.
    const registrar = await t.http
      .get(`/api/v1/certificates?serial=${other.serial}`)
      .set(admin.auth);
    expect(registrar.body.items).toHaveLength(1);
  });

  it("lists only their organisation's certificates expiring soon", async () => {
    const report = await t.http
      .get('/api/v1/reports/expiring?withinDays=3650')
      .set(coordinator.auth);
    expect(report.status).toBe(200);
    expect(report.body.items.map((c: { certificateId: string }) => c.certificateId)).toEqual([
      own.certificate,
    ]);
    const csv = await t.http
      .get('/api/v1/reports/expiring?withinDays=3650')
      .set({ ...coordinator.auth, Accept: 'text/csv' });
    expect(csv.status).toBe(200);
    expect(csv.text).toContain(own.serial);
    expect(csv.text).not.toContain(other.serial);
    const everyone = await t.http.get('/api/v1/reports/expiring?withinDays=3650').set(admin.auth);
    expect(everyone.body.items.map((c: { certificateId: string }) => c.certificateId)).toEqual(
      expect.arrayContaining([own.certificate, other.certificate]),
    );
  });

  it('registers and corrects people of their own organisation only, recorded as theirs', async () => {
    const person = {
      givenName: 'Nigar',
      familyName: `Rzayeva-${randomUUID().slice(0, 6)}`,
      dateOfBirth: '1998-02-11',
      sex: 'female',
      nationality: 'AZ',
    };
    const created = await t.http.post('/api/v1/trainees').set(coordinator.auth).send(person);
    expect(created.status).toBe(201);
    expect(created.body.organisationId).toBe(own.org);
    const mine = created.body.id as string;

    const elsewhere = await t.http
      .post('/api/v1/trainees')
      .set(as(coordinator, 'az'))
      .send({ ...person, familyName: `${person.familyName}-b`, organisationId: other.org });
    expectError(elsewhere, 403, 'NOT_YOUR_ORGANISATION');
    expect(elsewhere.body.message).not.toMatch(/Coordinators register/);

    const corrected = await t.http
      .patch(`/api/v1/trainees/${mine}`)
      .set(coordinator.auth)
      .send({ givenName: 'Nigara' });
    expect(corrected.status).toBe(200);
    expect(corrected.body.givenName).toBe('Nigara');
    expectError(
      await t.http
        .patch(`/api/v1/trainees/${mine}`)
        .set(coordinator.auth)
        .send({ organisationId: other.org }),
      403,
      'NOT_YOUR_ORGANISATION',
    );
    expectError(
      await t.http
        .patch(`/api/v1/trainees/${mine}`)
        .set(coordinator.auth)
        .send({ organisationId: null }),
      403,
      'NOT_YOUR_ORGANISATION',
    );
    const theirs = await t.http
      .patch(`/api/v1/trainees/${other.trainee}`)
      .set(coordinator.auth)
      .send({ givenName: 'Changed' });
    const unknown = await t.http
      .patch(`/api/v1/trainees/${randomUUID()}`)
      .set(coordinator.auth)
      .send({ givenName: 'Changed' });
    expectError(theirs, 404, 'NOT_FOUND');
    expect(theirs.body).toEqual(unknown.body);
    const untouched = await t.http.get(`/api/v1/trainees/${other.trainee}`).set(admin.auth);
    expect(untouched.body.givenName).not.toBe('Changed');

    const events = await t.http.get(`/api/v1/audit-events?entityId=${mine}`).set(admin.auth);
    expect(events.body.items.map((e: { action: string; actorId: string }) => e)).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ action: 'trainee.created', actorId: coordinator.id }),
        expect.objectContaining({ action: 'trainee.updated', actorId: coordinator.id }),
      ]),
    );
  });

  it('nominates their people into open sessions with the rules of self-enrolment, and withdraws them', async () => {
    const course = await makeCourse(t.db);
    const open = await makeSession(t.db, course.id);
    const nominated = await t.http
      .post(`/api/v1/sessions/${open.id}/enrolments`)
      .set(coordinator.auth)
      .send({ traineeId: own.trainee });
    expect(nominated.status).toBe(201);
    expect(nominated.body).toMatchObject({ traineeId: own.trainee, status: 'enrolled' });
    expectError(
      await t.http
        .post(`/api/v1/sessions/${open.id}/enrolments`)
        .set(coordinator.auth)
        .send({ traineeId: own.trainee }),
      409,
      'ALREADY_ENROLLED',
    );

    // Another organisation's trainee is answered as one that does not exist.
    const theirs = await t.http
      .post(`/api/v1/sessions/${open.id}/enrolments`)
      .set(coordinator.auth)
      .send({ traineeId: other.trainee });
    const unknown = await t.http
      .post(`/api/v1/sessions/${open.id}/enrolments`)
      .set(coordinator.auth)
      .send({ traineeId: randomUUID() });
    expectError(theirs, 422, 'REFERENCE_NOT_FOUND');
    expect(theirs.body).toEqual(unknown.body);

    const advanced = await makeCourse(t.db, { prerequisiteIds: [(await makeCourse(t.db)).id] });
    const needsPrerequisite = await makeSession(t.db, advanced.id);
    expectError(
      await t.http
        .post(`/api/v1/sessions/${needsPrerequisite.id}/enrolments`)
        .set(coordinator.auth)
        .send({ traineeId: own.trainee }),
      422,
      'PREREQUISITE_NOT_MET',
    );
    const field = await makeCourse(t.db, { requiresMedicalClearance: true });
    const needsClearance = await makeSession(t.db, field.id);
    expectError(
      await t.http
        .post(`/api/v1/sessions/${needsClearance.id}/enrolments`)
        .set(coordinator.auth)
        .send({ traineeId: own.trainee }),
      422,
      'MEDICAL_CLEARANCE_REQUIRED',
    );

    // Someone else's enrolment (the registrar's nomination) cannot be withdrawn, nor seen.
    const registrars = await t.http
      .post(`/api/v1/sessions/${open.id}/enrolments`)
      .set(admin.auth)
      .send({ traineeId: other.trainee });
    expect(registrars.status).toBe(201);
    const notTheirs = await t.http
      .post(`/api/v1/enrolments/${registrars.body.id}/withdraw`)
      .set(coordinator.auth);
    expectError(notTheirs, 404, 'NOT_FOUND');
    expect(notTheirs.body).toEqual(
      (await t.http.post(`/api/v1/enrolments/${randomUUID()}/withdraw`).set(coordinator.auth)).body,
    );

    const withdrawn = await t.http
      .post(`/api/v1/enrolments/${nominated.body.id}/withdraw`)
      .set(coordinator.auth);
    expect(withdrawn.status).toBe(200);
    expect(withdrawn.body.status).toBe('withdrawn');

    const events = await t.http
      .get(`/api/v1/audit-events?entityId=${nominated.body.id}`)
      .set(admin.auth);
    expect(
      events.body.items.map((e: { action: string; actorId: string }) => [e.action, e.actorId]),
    ).toEqual(
      expect.arrayContaining([
        ['enrolment.created', coordinator.id],
        ['enrolment.withdrawn', coordinator.id],
      ]),
    );

    // The session as a coordinator reads it: no lifecycle moves, a way to nominate.
    const session = await t.http.get(`/api/v1/sessions/${open.id}`).set(coordinator.auth);
    expect(session.body).toMatchObject({
      allowedTransitions: [],
      allowedActions: ['nominate'],
      canEnrol: null,
      canNominate: { allowed: true, reasons: [] },
    });
    // A session under way takes no nominations: the page says so before anyone is named, in
    // the enrol route's words, and the route agrees.
    await t.db.query(`UPDATE course_sessions SET status = 'in_progress' WHERE id = $1`, [open.id]);
    const underWay = await t.http
      .get(`/api/v1/sessions/${open.id}`)
      .set(coordinator.auth)
      .set('Accept-Language', 'ru');
    expect(underWay.body.canNominate).toEqual({
      allowed: false,
      reasons: [
        {
          code: 'SESSION_NOT_OPEN',
          details: { status: 'in_progress' },
          message: expect.stringMatching(/\S/),
        },
      ],
    });
    const refused = await t.http
      .post(`/api/v1/sessions/${open.id}/enrolments`)
      .set(coordinator.auth)
      .set('Accept-Language', 'ru')
      .send({ traineeId: own.trainee });
    expectError(refused, 422, 'SESSION_NOT_OPEN');
    expect(refused.body.message).toBe(underWay.body.canNominate.reasons[0].message);
    // Readers who nominate no one get null.
    expect((await t.http.get(`/api/v1/sessions/${open.id}`).set(admin.auth)).body.canNominate).toBe(
      null,
    );
  });

  it('never issues, changes certificates, records results, or reads the audit trail, users, mail or registers', async () => {
    const refused: [string, string, object?][] = [
      ['post', `/api/v1/enrolments/${own.enrolment}/certificate`],
      ['post', `/api/v1/sessions/${completedSessionId}/certificates`],
      ['post', `/api/v1/certificates/${own.certificate}/suspend`, { reason: 'qa_finding' }],
      ['post', `/api/v1/certificates/${own.certificate}/revoke`, { reason: 'qa_finding' }],
      ['post', `/api/v1/certificates/${own.certificate}/reinstate`, { reason: 'qa_finding' }],
      ['put', `/api/v1/enrolments/${own.enrolment}/assessment`, { theoryScore: 90 }],
      ['put', `/api/v1/enrolments/${own.enrolment}/attendance`, { days: [] }],
      ['get', '/api/v1/audit-events'],
      ['get', '/api/v1/users'],
      ['post', '/api/v1/users', { email: 'x@coe.test', roles: ['coordinator'] }],
      ['get', '/api/v1/notifications'],
      ['get', '/api/v1/reports/training'],
      ['get', '/api/v1/exports/trainees'],
      ['post', '/api/v1/imports/trainees'],
      ['post', `/api/v1/sessions/${completedSessionId}/status`, { status: 'cancelled' }],
      ['post', '/api/v1/organisations', { name: 'X', country: 'AZ', type: 'ngo' }],
    ];
    for (const [method, path, body] of refused) {
      const res = await (
        t.http[method as 'post'](path).set(coordinator.auth) as ReturnType<typeof t.http.post>
      ).send(body ?? {});
      expect({ method, path, status: res.status }).toEqual({ method, path, status: 403 });
    }
  });

  it('refuses a coordinator account without an organisation, on creation and on change', async () => {
    const refused = await t.http
      .post('/api/v1/users')
      .set(as(admin, 'ru'))
      .send({ email: `c-${randomUUID().slice(0, 8)}@coe.test`, roles: ['coordinator'] });
    expectError(refused, 422, 'COORDINATOR_NEEDS_ORGANISATION');
    expect(refused.body.message).toMatch(/[а-я]/);

    const created = await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({
        email: `c-${randomUUID().slice(0, 8)}@coe.test`,
        roles: ['coordinator'],
        organisationId: own.org,
      });
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({ roles: ['coordinator'], organisationId: own.org });
    expectError(
      await t.http
        .patch(`/api/v1/users/${created.body.id}`)
        .set(admin.auth)
        .send({ organisationId: null }),
      422,
      'COORDINATOR_NEEDS_ORGANISATION',
    );
    const moved = await t.http
      .patch(`/api/v1/users/${created.body.id}`)
      .set(admin.auth)
      .send({ organisationId: other.org });
    expect(moved.status).toBe(200);
    expect(moved.body.organisationId).toBe(other.org);
    expectError(
      await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({
          email: `c-${randomUUID().slice(0, 8)}@coe.test`,
          roles: ['coordinator'],
          organisationId: randomUUID(),
        }),
      422,
      'REFERENCE_NOT_FOUND',
    );

    const auditor = await t.http
      .post('/api/v1/users')
      .set(admin.auth)
      .send({ email: `a-${randomUUID().slice(0, 8)}@coe.test`, roles: ['auditor'] });
    expect(auditor.status).toBe(201);
    expectError(
      await t.http
        .patch(`/api/v1/users/${auditor.body.id}`)
        .set(admin.auth)
        .send({ roles: ['coordinator'] }),
      422,
      'COORDINATOR_NEEDS_ORGANISATION',
    );
  });

  it('documents the role in OpenAPI', async () => {
    const doc = (await t.http.get('/docs-json')).body;
    expect(doc.components.schemas.UserDto.properties.roles.items.enum).toContain('coordinator');
    expect(doc.components.schemas.CreateUserDto.properties.organisationId).toBeDefined();
    expect(doc.components.schemas.UpdateUserDto.properties.organisationId).toBeDefined();
    expect(doc.paths['/api/v1/trainees'].get['x-roles']).toContain('coordinator');
    expect(doc.paths['/api/v1/certificates/{id}/suspend'].post['x-roles']).not.toContain(
      'coordinator',
    );
  });
});
