import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCourse, makeSession, makeTrainee } from './fixtures.js';

/**
 * api.md: errors answer in the caller's language (Accept-Language: en, az, ru; else English);
 * `code` never changes with it. Field errors name the field and the allowed range.
 */
describe('errors in the caller’s language', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  /** A session of a course whose prerequisite the trainee lacks: 422 PREREQUISITE_NOT_MET. */
  async function refusedEnrolment() {
    const basic = await makeCourse(t.db, { code: `BAS-${Date.now()}` });
    const advanced = await makeCourse(t.db, { prerequisiteIds: [basic.id] });
    const session = await makeSession(t.db, advanced.id, {
      startsOn: '2026-12-07',
      endsOn: '2026-12-11',
    });
    const trainee = await makeTrainee(t.db);
    return (language?: string) => {
      const req = t.http.post(`/api/v1/sessions/${session.id}/enrolments`).set(admin.auth);
      if (language !== undefined) req.set('Accept-Language', language);
      return req.send({ traineeId: trainee.id }).then((res) => ({ res, basic, advanced }));
    };
  }

  it('the same refusal in en, az and ru: one code and details, three messages naming the missing course', async () => {
    const attempt = await refusedEnrolment();
    const answers: Record<string, Record<string, unknown>> = {};
    for (const lang of ['en', 'az', 'ru']) {
      const { res, basic } = await attempt(lang);
      answers[lang] = expectError(res, 422, 'PREREQUISITE_NOT_MET');
      expect(answers[lang].message).toContain(basic.code);
    }
    const { res: plain, basic, advanced } = await attempt();
    const english = expectError(plain, 422, 'PREREQUISITE_NOT_MET');
    expect(answers.en).toEqual(english);
    expect(answers.az.details).toEqual(english.details);
    expect(answers.ru.details).toEqual(english.details);
    expect(answers.az.message).toBe(
      `${advanced.code} kursu üçün qüvvədə olan sertifikat tələb olunur: ${basic.code} (sessiyanın ilk günü, 2026-12-07 tarixində).`,
    );
    expect(answers.ru.message).toBe(
      `Для курса ${advanced.code} требуется действующий сертификат: ${basic.code} (на 2026-12-07, первый день сессии).`,
    );
    expect(new Set([answers.en.message, answers.az.message, answers.ru.message]).size).toBe(3);
  });

  it('picks by q-value and region, and answers English for a language it does not speak', async () => {
    const attempt = await refusedEnrolment();
    const message = async (header: string) =>
      expectError((await attempt(header)).res, 422, 'PREREQUISITE_NOT_MET').message;
    const [en, az, ru] = [await message('en'), await message('az'), await message('ru')];
    expect(new Set([en, az, ru]).size).toBe(3);
    expect(await message('en;q=0.5, ru;q=0.9, az;q=0.7')).toBe(ru);
    expect(await message('az-AZ')).toBe(az);
    expect(await message('de-DE, fr;q=0.9, ru;q=0.1')).toBe(ru);
    expect(await message('de-DE, fr;q=0.9')).toBe(en);
    expect(await message('ru;q=0, *')).toBe(en);
    expect(await message('')).toBe(en);
  });

  it('errors raised before any service (no token, bad id) are worded too', async () => {
    const res = await t.http.get('/api/v1/trainees').set('Accept-Language', 'ru');
    const body = expectError(res, 401, 'UNAUTHENTICATED');
    expect(body.message).toBe('Для этого нужно войти в систему.');
    const badId = await t.http
      .get('/api/v1/trainees/not-a-uuid')
      .set(admin.auth)
      .set('Accept-Language', 'az');
    expect(expectError(badId, 400, 'INVALID_ID').message).toBe(
      'Ünvandakı qeyd identifikatoru düzgün deyil.',
    );
  });

  describe('field errors name the field and the allowed range', () => {
    const course = (overrides: Record<string, unknown>) => ({
      code: `RNG-${Math.random().toString(36).slice(2, 8)}`,
      title: 'Range check',
      description: 'x',
      imasReferences: [],
      level: 'Basic',
      durationDays: 5,
      passMark: 70,
      minAttendancePercent: 80,
      validityMonths: 24,
      prerequisiteCourseIds: [],
      renewsCourseId: null,
      requiresMedicalClearance: false,
      ...overrides,
    });
    const post = (body: object, language?: string) => {
      const req = t.http.post('/api/v1/courses').set(admin.auth);
      if (language) req.set('Accept-Language', language);
      return req.send(body);
    };
    const fields = (body: Record<string, unknown>) =>
      (body.details as { fields: { field: string; messages: string[] }[] }).fields;

    it('out of range, in each language', async () => {
      const wording = {
        en: 'passMark must be between 0 and 100',
        az: 'passMark 0 ilə 100 arasında olmalıdır',
        ru: 'passMark должно быть от 0 до 100',
      };
      for (const [lang, text] of Object.entries(wording)) {
        const body = expectError(
          await post(course({ passMark: 150 }), lang),
          400,
          'VALIDATION_FAILED',
        );
        expect(fields(body)).toEqual([{ field: 'passMark', messages: [text] }]);
        expect(body.message).toBe(text);
      }
      const below = expectError(await post(course({ durationDays: 0 })), 400, 'VALIDATION_FAILED');
      expect(fields(below)).toEqual([
        { field: 'durationDays', messages: ['durationDays must be between 1 and 365'] },
      ]);
    });

    it('a missing field, an unknown field, a value not in the list, a fraction for a whole number', async () => {
      const { passMark: _omitted, ...withoutPassMark } = course({});
      const missing = expectError(await post(withoutPassMark, 'ru'), 400, 'VALIDATION_FAILED');
      expect(fields(missing)).toEqual([
        { field: 'passMark', messages: ['passMark: обязательное поле'] },
      ]);
      const unknown = expectError(
        await post(course({ colour: 'red' }), 'az'),
        400,
        'VALIDATION_FAILED',
      );
      expect(fields(unknown)).toEqual([
        { field: 'colour', messages: ['colour tanınmayan sahədir'] },
      ]);
      const status = expectError(
        await post(course({ status: 'archived' })),
        400,
        'VALIDATION_FAILED',
      );
      expect(fields(status)).toEqual([
        { field: 'status', messages: ['status must be one of: draft, active, retired'] },
      ]);
      const whole = expectError(
        await post(course({ durationDays: 2.5 }), 'ru'),
        400,
        'VALIDATION_FAILED',
      );
      expect(fields(whole)).toEqual([
        { field: 'durationDays', messages: ['durationDays должно быть целым числом'] },
      ]);
    });
  });
});
