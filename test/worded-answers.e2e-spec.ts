import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { MESSAGES } from '../src/web/i18n.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  completedSessionWithInstructor,
  makeCertificate,
  makeCourse,
  makePassedEnrolment,
  makeTrainee,
} from './fixtures.js';

/**
 * Words the API answers with besides an error's `message` follow the caller's language too
 * (Accept-Language, else English): a bulk issue's reasons for skipping someone, and the field
 * problems a service finds itself (not the validation pipe).
 */
describe('answers worded in the caller’s language', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  describe('a bulk issue’s skipped enrolments', () => {
    /** One eligible trainee (issued), one who failed and one already certified. */
    async function session() {
      const w = await completedSessionWithInstructor(t);
      await makePassedEnrolment(t.db, w.session.id, (await makeTrainee(t.db)).id);
      const failed = await t.db.getRepository(Enrolment).save({
        sessionId: w.session.id,
        traineeId: (await makeTrainee(t.db)).id,
        status: 'failed',
        passed: false,
        attendancePercent: 100,
        theoryScore: 40,
        practicalScore: 90,
      });
      const certified = await makePassedEnrolment(t.db, w.session.id, (await makeTrainee(t.db)).id);
      const first = await t.http
        .post(`/api/v1/enrolments/${certified.id}/certificate`)
        .set(w.instructorUser.auth);
      expect(first.status).toBe(201);
      const issueAll = (language?: string) => {
        const req = t.http
          .post(`/api/v1/sessions/${w.session.id}/certificates`)
          .set(w.instructorUser.auth);
        if (language) req.set('Accept-Language', language);
        return req;
      };
      return { issueAll, failed, certified };
    }

    it.each(['ru', 'az'] as const)('says why in %s, with the same codes', async (lang) => {
      const { issueAll, failed, certified } = await session();
      const res = await issueAll(lang);
      expect(res.status).toBe(201);
      expect(res.body.issued).toHaveLength(1);
      const m = MESSAGES[lang];
      expect(res.body.skipped).toEqual([
        {
          enrolmentId: failed.id,
          code: 'NOT_PASSED',
          message: `${m['error.NOT_ELIGIBLE']} ${m['eligibility.NOT_PASSED']}`,
        },
        { enrolmentId: certified.id, code: 'ALREADY_ISSUED', message: m['error.ALREADY_ISSUED'] },
      ]);
    });

    it('keeps the service’s own English sentences without Accept-Language', async () => {
      const { issueAll } = await session();
      const res = await issueAll();
      expect(res.body.skipped.map((s: { message: string }) => s.message)).toEqual([
        expect.stringMatching(/^The assessment was not passed \(pass mark \d+\)$/),
        expect.stringMatching(/^Certificate \S+ was already issued$/),
      ]);
    });
  });

  describe('field problems a service finds', () => {
    it('a note required for the reason "other" (suspending a certificate)', async () => {
      const course = await makeCourse(t.db);
      const trainee = await makeTrainee(t.db);
      const cert = await makeCertificate(t.db, { traineeId: trainee.id, courseId: course.id });
      const suspend = (lang: string) =>
        t.http
          .post(`/api/v1/certificates/${cert.id}/suspend`)
          .set(admin.auth)
          .set('Accept-Language', lang)
          .send({ reason: 'other' });
      const fields = async (lang: string) =>
        expectError(await suspend(lang), 400, 'VALIDATION_FAILED').details;
      expect(await fields('en')).toEqual({
        fields: [{ field: 'note', messages: ['note is required when the reason is other'] }],
      });
      expect(await fields('ru')).toEqual({
        fields: [{ field: 'note', messages: ['note: обязательное поле, когда reason = other'] }],
      });
      expect(await fields('az')).toEqual({
        fields: [{ field: 'note', messages: ['reason other olduqda note mütləqdir'] }],
      });
      const ru = expectError(await suspend('ru'), 400, 'VALIDATION_FAILED');
      expect(ru.message).toBe('note: обязательное поле, когда reason = other');
    });

    it('a roster entry listed twice, or not of the session', async () => {
      const w = await completedSessionWithInstructor(t);
      const enrolment = await makePassedEnrolment(t.db, w.session.id, (await makeTrainee(t.db)).id);
      const save = (lang: string, ids: string[]) =>
        t.http
          .put(`/api/v1/sessions/${w.session.id}/assessments`)
          .set(w.instructorUser.auth)
          .set('Accept-Language', lang)
          .send({
            entries: ids.map((enrolmentId) => ({
              enrolmentId,
              theoryScore: 80,
              practicalScore: 80,
            })),
          });
      const twice = expectError(
        await save('ru', [enrolment.id, enrolment.id]),
        400,
        'VALIDATION_FAILED',
      );
      expect(twice.details).toEqual({
        fields: [
          {
            field: 'entries.1.enrolmentId',
            messages: ['entries.1.enrolmentId: эта запись на сессию указана второй раз'],
          },
        ],
      });
      const stranger = expectError(
        await save('az', [enrolment.id, randomUUID()]),
        400,
        'VALIDATION_FAILED',
      );
      expect(stranger.message).toBe('entries.1.enrolmentId bu sessiyanın qeydiyyatı deyil');
    });
  });
});
