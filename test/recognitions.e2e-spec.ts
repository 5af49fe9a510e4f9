import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { RecognitionStatusScheduler } from '../src/recognitions/recognition-status.scheduler.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCourse, makeOrganisation, makeSession, makeTrainee } from './fixtures.js';
import { ForeignCentre } from './foreign-centre.js';

/**
 * Prior learning from other centres: credentials signed here by a trusted and an untrusted
 * did:key, the trusted centre's revocation list served over loopback. Only the trusted one is
 * recorded; it satisfies a prerequisite until its issuer revokes it and the status check ends it.
 */
describe('recognitions', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let traineeUser: SignedInUser;
  let coordinator: SignedInUser;
  let otherCoordinator: SignedInUser;
  let trusted: ForeignCentre;
  let untrusted: ForeignCentre;
  let traineeId: string;
  let otherTraineeId: string;
  let eod1: string;
  let eod2Session: string;

  beforeAll(async () => {
    t = await startTestApp();
    trusted = await ForeignCentre.create('Ukrainian Mine Action Training Centre');
    untrusted = await ForeignCentre.create('Nobody We Know');
    await Promise.all([trusted.serve(), untrusted.serve()]);
    const org = await makeOrganisation(t.db);
    const otherOrg = await makeOrganisation(t.db);
    const trainee = await makeTrainee(t.db, { organisationId: org.id });
    traineeId = trainee.id;
    otherTraineeId = (await makeTrainee(t.db, { organisationId: otherOrg.id })).id;
    const course1 = await makeCourse(t.db, { code: 'EOD-1' });
    eod1 = course1.id;
    const course2 = await makeCourse(t.db, { code: 'EOD-2', prerequisiteIds: [eod1] });
    eod2Session = (await makeSession(t.db, course2.id)).id;
    [admin, auditor, traineeUser, coordinator, otherCoordinator] = await Promise.all([
      createUser(t, ['admin']),
      createUser(t, ['auditor']),
      createUser(t, ['trainee'], { traineeId }),
      createUser(t, ['coordinator'], { organisationId: org.id }),
      createUser(t, ['coordinator'], { organisationId: otherOrg.id }),
    ]);
    const res = await t.http
      .post('/api/v1/trusted-issuers')
      .set(admin.auth)
      .send({
        name: trusted.name,
        country: 'UA',
        did: trusted.did,
        statusListHosts: [trusted.host],
      });
    expect(res.status).toBe(201);
  });
  afterAll(async () => {
    await Promise.all([trusted.close(), untrusted.close()]);
    await t.close();
  });

  const present = (user: SignedInUser, credential: unknown, forTrainee = traineeId) =>
    t.http
      .post(`/api/v1/trainees/${forTrainee}/recognitions`)
      .set(user.auth)
      .send({ courseId: eod1, credential, note: 'EOD 1 at the Ukrainian centre, 2025' });
  const enrol = () =>
    t.http
      .post(`/api/v1/sessions/${eod2Session}/enrolments`)
      .set(traineeUser.auth)
      .send({ traineeId });
  const verify = (credential: unknown) =>
    t.http.post('/credentials/verify').send({ verifiableCredential: credential });

  it('tells a trusted issuer from an untrusted one, and a tampered credential from both', async () => {
    const mine = await trusted.signDataIntegrity(trusted.unsigned().credential);
    const theirs = await untrusted.signDataIntegrity(untrusted.unsigned().credential);
    const good = await verify(mine);
    expect(good.status).toBe(200);
    expect(good.body).toMatchObject({
      verified: true,
      trustedIssuer: true,
      issuer: trusted.did,
      status: 'active',
      errors: [],
      checks: expect.arrayContaining(['proof', 'credentialStatus']),
    });
    const stranger = await verify(theirs);
    expect(stranger.body).toMatchObject({ trustedIssuer: false, issuer: untrusted.did });
    expect(stranger.body.warnings.map((w: { code: string }) => w.code)).toEqual([
      'ISSUER_NOT_TRUSTED',
      'STATUS_NOT_CHECKED',
    ]);
    // An untrusted issuer's status list is never fetched.
    expect(untrusted.requests).toEqual([]);
    const tampered = { ...mine, name: 'Explosive Ordnance Disposal Level 3' };
    const bad = await verify(tampered);
    expect(bad.body).toMatchObject({ verified: false, trustedIssuer: false, issuer: null });
    expect(bad.body.errors.map((e: { code: string }) => e.code)).toEqual(['INVALID_SIGNATURE']);
  });

  it('refuses to record an untrusted issuer’s credential, a tampered one and an expired one', async () => {
    const theirs = await untrusted.signDataIntegrity(untrusted.unsigned().credential);
    expectError(await present(admin, theirs), 422, 'ISSUER_NOT_TRUSTED');
    const mine = await trusted.signDataIntegrity(trusted.unsigned().credential);
    expectError(
      await present(admin, { ...mine, validUntil: '2031-01-01T00:00:00Z' }),
      422,
      'CREDENTIAL_NOT_VERIFIED',
    );
    const expired = await trusted.signDataIntegrity(
      trusted.unsigned('EOD 1', {
        validFrom: '2020-01-01T00:00:00Z',
        validUntil: '2022-01-01T00:00:00Z',
      }).credential,
    );
    expectError(await present(admin, expired), 422, 'CREDENTIAL_EXPIRED');
    expectError(await present(admin, 42), 400);
    expectError(
      await t.http
        .post(`/api/v1/trainees/${traineeId}/recognitions`)
        .set(admin.auth)
        .send({ courseId: eod1, credential: mine }),
      400,
      'VALIDATION_FAILED',
    );
    const none = await t.http.get(`/api/v1/trainees/${traineeId}/recognitions`).set(admin.auth);
    expect(none.body).toEqual({ items: [], nextCursor: null });
  });

  it('records a trusted credential, which satisfies the prerequisite until its issuer revokes it', async () => {
    expectError(await enrol(), 422, 'PREREQUISITE_NOT_MET');
    const { credential, index } = trusted.unsigned();
    const signed = await trusted.signDataIntegrity(credential);

    // The trainee presents it: it waits for a registrar and does not count yet.
    const presented = await present(traineeUser, signed);
    expect(presented.status).toBe(201);
    expect(presented.body).toMatchObject({
      state: 'pending',
      issuer: trusted.did,
      issuerName: trusted.name,
      format: 'data-integrity',
      validUntil: '2030-01-10T00:00:00.000Z',
      presentedBy: traineeUser.id,
      decidedBy: null,
    });
    expectError(await enrol(), 422, 'PREREQUISITE_NOT_MET');
    expectError(await present(traineeUser, signed), 409, 'ALREADY_RECOGNISED');

    const decision = await t.http
      .post(`/api/v1/trainees/${traineeId}/recognitions/${presented.body.id}/decision`)
      .set(admin.auth)
      .send({ decision: 'accept', note: 'Same IMAS 09.30 level 1 syllabus' });
    expect(decision.status).toBe(200);
    expect(decision.body).toMatchObject({ state: 'active', decidedBy: admin.id });

    const enrolled = await enrol();
    expect(enrolled.status).toBe(201);
    expect(
      (await t.http.post(`/api/v1/enrolments/${enrolled.body.id}/withdraw`).set(traineeUser.auth))
        .status,
    ).toBe(200);

    // Nothing revoked yet: the check changes nothing.
    const quiet = await t.http.post('/api/v1/jobs/recognition-status').set(admin.auth);
    expect(quiet.body).toEqual({ checked: 1, ended: 0, unchecked: 0 });

    trusted.revoke(index);
    expect((await verify(signed)).body).toMatchObject({ verified: false, status: 'revoked' });
    const run = await t.http.post('/api/v1/jobs/recognition-status').set(admin.auth);
    expect(run.status).toBe(200);
    expect(run.body).toEqual({ checked: 1, ended: 1, unchecked: 0 });

    const list = await t.http
      .get(`/api/v1/trainees/${traineeId}/recognitions`)
      .set(traineeUser.auth);
    expect(list.body.items).toEqual([
      expect.objectContaining({ id: presented.body.id, state: 'ended', endReason: 'revoked' }),
    ]);
    const refused = await enrol();
    expectError(refused, 422, 'PREREQUISITE_NOT_MET');
    expect(refused.body.details.missing).toEqual(['EOD-1']);

    // A revoked credential cannot be recorded again.
    expectError(await present(admin, signed), 422, 'CREDENTIAL_REVOKED');

    const events = await t.db.getRepository(AuditEvent).find({
      where: { entityType: 'recognition', entityId: presented.body.id },
      order: { seq: 'ASC' },
    });
    expect(events.map((e) => [e.action, e.actorId, e.reason])).toEqual([
      ['recognition.recorded', traineeUser.id, null],
      ['recognition.accepted', admin.id, null],
      ['recognition.ended', admin.id, 'revoked'],
    ]);
  });

  it('records a registrar’s vc+jwt at once; the daily check ends it once its issuer is no longer trusted', async () => {
    const jwt = await trusted.signJwt(trusted.unsigned().credential);
    const recorded = await present(admin, jwt);
    expect(recorded.status).toBe(201);
    expect(recorded.body).toMatchObject({
      state: 'active',
      format: 'vc+jwt',
      decidedBy: admin.id,
      credential: jwt,
    });
    expect((await enrol()).status).toBe(201);
    await t.db.query("UPDATE enrolments SET status = 'withdrawn' WHERE trainee_id = $1", [
      traineeId,
    ]);

    const scheduler = t.app.get(RecognitionStatusScheduler);
    expect(await scheduler.check()).toBe(true);
    expect(await scheduler.check()).toBe(false); // once a day
    const issuer = await t.http.get('/api/v1/trusted-issuers').set(auditor.auth);
    const id = issuer.body.items.find((i: { did: string }) => i.did === trusted.did).id;
    expect((await t.http.delete(`/api/v1/trusted-issuers/${id}`).set(admin.auth)).status).toBe(204);
    await t.db.query("DELETE FROM scheduled_runs WHERE job = 'recognition-status'");
    expect(await scheduler.check()).toBe(true);
    const list = await t.http.get(`/api/v1/trainees/${traineeId}/recognitions`).set(auditor.auth);
    expect(list.body.items.find((r: { id: string }) => r.id === recorded.body.id)).toMatchObject({
      state: 'ended',
      endReason: 'issuer_untrusted',
      trustedIssuerId: null,
      issuerName: trusted.name,
    });
    expectError(await enrol(), 422, 'PREREQUISITE_NOT_MET');
  });

  it('lets a coordinator present for their own people only, and a registrar reject', async () => {
    const res = await t.http
      .post('/api/v1/trusted-issuers')
      .set(admin.auth)
      .send({
        name: trusted.name,
        country: 'UA',
        did: trusted.did,
        statusListHosts: [trusted.host],
      });
    expect(res.status).toBe(201);
    const signed = await trusted.signDataIntegrity(trusted.unsigned().credential);
    expectError(await present(otherCoordinator, signed), 404);
    expectError(await present(traineeUser, signed, otherTraineeId), 403);
    expectError(
      await t.http.get(`/api/v1/trainees/${traineeId}/recognitions`).set(otherCoordinator.auth),
      404,
    );
    const presented = await present(coordinator, signed);
    expect(presented.body.state).toBe('pending');
    expectError(
      await t.http
        .post(`/api/v1/trainees/${traineeId}/recognitions/${presented.body.id}/decision`)
        .set(coordinator.auth)
        .send({ decision: 'accept', note: 'mine' }),
      403,
    );
    const rejected = await t.http
      .post(`/api/v1/trainees/${traineeId}/recognitions/${presented.body.id}/decision`)
      .set(admin.auth)
      .send({ decision: 'reject', note: 'Level 1 there is our Basic course' });
    expect(rejected.body).toMatchObject({
      state: 'ended',
      endReason: 'rejected',
      decisionNote: 'Level 1 there is our Basic course',
    });
    expectError(
      await t.http
        .post(`/api/v1/trainees/${traineeId}/recognitions/${presented.body.id}/decision`)
        .set(admin.auth)
        .send({ decision: 'accept', note: 'changed my mind' }),
      409,
    );
    expectError(await enrol(), 422, 'PREREQUISITE_NOT_MET');
  });

  it('counts a recognition only for sessions that start by the credential’s validUntil', async () => {
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86_400_000).toISOString().slice(0, 10);
    const learner = await makeTrainee(t.db);
    const course = await makeCourse(t.db);
    const soon = await makeSession(t.db, course.id, { startsOn: day(3), endsOn: day(5) });
    const later = await makeSession(t.db, course.id, { startsOn: day(40), endsOn: day(42) });
    await t.db.query(
      'INSERT INTO course_prerequisites (course_id, prerequisite_course_id) VALUES ($1, $2)',
      [course.id, eod1],
    );
    const signed = await trusted.signDataIntegrity(
      trusted.unsigned('EOD 1', { validUntil: `${day(20)}T12:00:00Z` }).credential,
    );
    expect((await present(admin, signed, learner.id)).status).toBe(201);
    const enrolIn = (sessionId: string) =>
      t.http
        .post(`/api/v1/sessions/${sessionId}/enrolments`)
        .set(admin.auth)
        .send({ traineeId: learner.id });
    expect((await enrolIn(soon.id)).status).toBe(201);
    const refused = await enrolIn(later.id);
    expectError(refused, 422, 'PREREQUISITE_NOT_MET');
    expect(refused.body.details).toMatchObject({ missing: ['EOD-1'], checkedOn: day(40) });

    // A second credential of the same centre: the status check fetches its list once for both.
    const another = await trusted.signDataIntegrity(trusted.unsigned().credential);
    expect((await present(admin, another, learner.id)).status).toBe(201);
    const before = trusted.requests.length;
    const run = await t.http.post('/api/v1/jobs/recognition-status').set(admin.auth);
    expect(run.body).toEqual({ checked: 2, ended: 0, unchecked: 0 });
    expect(trusted.requests.length - before).toBe(1);
  });

  it('answers an unreachable status host as a verification error, never a 500', async () => {
    const gone = await ForeignCentre.create('A centre whose server is down');
    await gone.serve();
    const signed = await gone.signDataIntegrity(gone.unsigned().credential);
    await gone.close();
    const created = await t.http
      .post('/api/v1/trusted-issuers')
      .set(admin.auth)
      .send({
        name: gone.name,
        country: 'GE',
        did: gone.did,
        statusListHosts: [gone.host],
      });
    expect(created.status).toBe(201);
    const res = await verify(signed);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ verified: false, trustedIssuer: true, status: 'unknown' });
    expect(res.body.errors.map((e: { code: string }) => e.code)).toEqual(['STATUS_FETCH_NETWORK']);
    expectError(await present(admin, signed), 422, 'CREDENTIAL_NOT_VERIFIED');
  });
});
