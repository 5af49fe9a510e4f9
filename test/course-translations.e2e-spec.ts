import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { getDocument } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  makeCertificate,
  makeCourse,
  makeOrganisation,
  makeSession,
  makeTrainee,
} from './fixtures.js';

/**
 * Course titles, descriptions and level names in Azerbaijani and Russian (issue 17): validated
 * like the originals, answered in the caller's language beside the originals, shown by the
 * catalogue, sessions, transcripts, the verification page and the certificate PDF, each field
 * falling back to the original.
 */

const AZ = {
  title: 'Partlayıcı sursatların zərərsizləşdirilməsi, 2-ci səviyyə',
  level: 'PSZ 2',
  description: 'Döyüş sursatlarının tanınması və yerində məhv edilməsi.',
};
const RU = { title: 'Обезвреживание взрывоопасных предметов, уровень 2' };
const ORIGINAL = {
  title: 'Explosive Ordnance Disposal Level 2',
  level: 'EOD 2',
  description: 'Recognition and destruction in place of unexploded ordnance.',
};

async function pdfText(body: Buffer): Promise<string> {
  const doc = await getDocument({
    data: new Uint8Array(body),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const content = await (await doc.getPage(1)).getTextContent({ disableNormalization: true });
  return content.items.map((item) => ('str' in item ? item.str : '')).join('\n');
}

describe('course translations', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  const newCourse = (over: Record<string, unknown> = {}) => ({
    code: `EOD-${randomUUID().slice(0, 6).toUpperCase()}`,
    ...ORIGINAL,
    durationDays: 10,
    passMark: 70,
    minAttendancePercent: 90,
    validityMonths: 24,
    status: 'active',
    ...over,
  });
  const create = (body: Record<string, unknown>, language = 'en') =>
    t.http.post('/api/v1/courses').set(admin.auth).set('Accept-Language', language).send(body);

  it('validates each translated field like the original and refuses other languages', async () => {
    const fieldsOf = (res: { body: { details: { fields: { field: string }[] } } }) =>
      res.body.details.fields.map((f) => f.field);
    const cases: [unknown, string][] = [
      [{ fr: { title: 'Neutralisation' } }, 'translations.fr'],
      [{ az: { title: 'x'.repeat(201) } }, 'translations.az.title'],
      [{ ru: { level: 'x'.repeat(51) } }, 'translations.ru.level'],
      [{ az: { description: 'x'.repeat(5001) } }, 'translations.az.description'],
      [{ ru: { title: 42 } }, 'translations.ru.title'],
      [{ az: { title: 'Bad\u0007bell' } }, 'translations.az.title'],
      [{ az: { subtitle: 'Əlavə' } }, 'translations.az.subtitle'],
    ];
    for (const [translations, field] of cases) {
      const res = await create(newCourse({ translations }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual([field]);
    }
    for (const translations of ['Partlayıcı', ['az'], { az: 'title' }]) {
      expectError(await create(newCourse({ translations })), 400, 'VALIDATION_FAILED');
    }
    // At the limits, accepted.
    const atLimits = await create(
      newCourse({ translations: { az: { title: 'ə'.repeat(200), level: 'ş'.repeat(50) } } }),
    );
    expect(atLimits.status).toBe(201);
  });

  it("answers the originals and the caller's language, each field falling back to the original", async () => {
    const created = await create(newCourse({ translations: { az: AZ, ru: RU } }), 'ru');
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      ...ORIGINAL,
      translations: { az: AZ, ru: RU },
      localized: { language: 'ru', title: RU.title, ...pick(ORIGINAL, 'level', 'description') },
    });
    const read = (language?: string) => {
      const req = t.http.get(`/api/v1/courses/${created.body.id}`).set(admin.auth);
      return language ? req.set('Accept-Language', language) : req;
    };
    expect((await read('az-AZ,az;q=0.9')).body.localized).toEqual({ language: 'az', ...AZ });
    expect((await read('en-GB')).body.localized).toEqual({ language: 'en', ...ORIGINAL });
    expect((await read('fr')).body.localized).toEqual({ language: 'en', ...ORIGINAL });
    expect((await read()).body.localized).toEqual({ language: 'en', ...ORIGINAL });
    // The originals never change with the language.
    expect(pick((await read('az')).body, 'title', 'level', 'description')).toEqual(ORIGINAL);
    // Without translations: the originals in every language, and translations {}.
    const plain = await create(newCourse(), 'az');
    expect(plain.body).toMatchObject({
      translations: {},
      localized: { language: 'az', ...ORIGINAL },
    });
  });

  it('PATCH replaces the translations whole (null: none), audited; the same texts are no change', async () => {
    const created = await create(newCourse({ translations: { az: AZ } }));
    const id = created.body.id as string;
    const patch = (body: Record<string, unknown>) =>
      t.http.patch(`/api/v1/courses/${id}`).set(admin.auth).set('Accept-Language', 'az').send(body);
    const same = await patch({
      translations: { az: { description: AZ.description, level: AZ.level, title: AZ.title } },
    });
    expect(same.body.version).toBe(created.body.version);
    const replaced = await patch({ translations: { ru: RU } });
    expect(replaced.body).toMatchObject({
      translations: { ru: RU },
      localized: { language: 'az', ...ORIGINAL },
      version: created.body.version + 1,
    });
    // Empty texts are no translation.
    const emptied = await patch({ translations: { ru: { title: '' }, az: { level: AZ.level } } });
    expect(emptied.body.translations).toEqual({ az: { level: AZ.level } });
    const cleared = await patch({ translations: null });
    expect(cleared.body.translations).toEqual({});
    const events = await t.http
      .get('/api/v1/audit-events')
      .query({ entityType: 'course', entityId: id, action: 'course.updated' })
      .set(admin.auth);
    expect(events.body.items).toHaveLength(3);
    // Audit records keep the originals, whatever language the change was asked in.
    for (const event of events.body.items) {
      expect(event.data.after.localized.language).toBe('en');
    }
  });

  it('the catalogue, sessions and transcripts name the course in the reader’s language', async () => {
    const course = await create(newCourse({ translations: { az: AZ, ru: RU } }));
    const courseId = course.body.id as string;
    const list = await t.http
      .get('/api/v1/courses')
      .query({ q: 'zərərsizləşdirilməsi' })
      .set(admin.auth)
      .set('Accept-Language', 'az');
    const found = list.body.items.find((c: { id: string }) => c.id === courseId);
    expect(found.localized).toMatchObject({ title: AZ.title, level: AZ.level });

    const session = await makeSession(t.db, courseId, {
      status: 'completed',
      startsOn: '2026-11-02',
      endsOn: '2026-11-06',
    });
    const inRussian = await t.http
      .get(`/api/v1/sessions/${session.id}`)
      .set(admin.auth)
      .set('Accept-Language', 'ru');
    expect(inRussian.body.course).toMatchObject({
      title: ORIGINAL.title,
      localizedTitle: RU.title,
      level: ORIGINAL.level,
      localizedLevel: ORIGINAL.level,
    });
    const listed = await t.http
      .get('/api/v1/sessions')
      .query({ courseId })
      .set(admin.auth)
      .set('Accept-Language', 'az');
    expect(listed.body.items[0].course).toMatchObject({
      localizedTitle: AZ.title,
      localizedLevel: AZ.level,
    });

    const trainee = await makeTrainee(t.db);
    await t.db.query(
      `INSERT INTO enrolments (session_id, trainee_id, status, passed, attendance_percent, theory_score, practical_score)
       VALUES ($1, $2, 'completed', true, 100, 90, 90)`,
      [session.id, trainee.id],
    );
    await makeCertificate(t.db, { traineeId: trainee.id, courseId });
    const transcript = await t.http
      .get(`/api/v1/trainees/${trainee.id}/transcript`)
      .set(admin.auth)
      .set('Accept-Language', 'ru');
    expect(transcript.body.enrolments[0].course).toMatchObject({
      title: ORIGINAL.title,
      localizedTitle: RU.title,
    });
    expect(transcript.body.certificates[0]).toMatchObject({
      courseTitle: ORIGINAL.title,
      localizedCourseTitle: RU.title,
    });
  });

  it('the verification page shows the title in the page’s language; its JSON keeps api.md’s fields', async () => {
    const course = await makeCourse(t.db, { ...ORIGINAL, translations: { az: AZ, ru: RU } });
    const trainee = await makeTrainee(t.db, {
      givenName: 'Rauf',
      familyName: `Nəsirli-${randomUUID().slice(0, 4)}`,
    });
    const { serial } = await makeCertificate(t.db, { traineeId: trainee.id, courseId: course.id });
    const page = async (lang: string) =>
      (await t.http.get(`/verify/${serial}?lang=${lang}`).set('Accept', 'text/html')).text;
    expect(await page('az')).toContain(AZ.title);
    expect(await page('ru')).toContain(RU.title);
    const english = await page('en');
    expect(english).toContain(ORIGINAL.title);
    expect(english).not.toContain(RU.title);
    const byHeader = await t.http
      .get(`/verify/${serial}`)
      .set('Accept', 'text/html')
      .set('Accept-Language', 'ru-RU,ru;q=0.9');
    expect(byHeader.text).toContain(RU.title);
    const json = await t.http
      .get(`/verify/${serial}`)
      .set('Accept', 'application/json')
      .set('Accept-Language', 'ru');
    expect(json.body.course).toEqual({ code: course.code, title: ORIGINAL.title });

    // A corrected translation shows at once, though the verification was served from memory.
    const newTitle = 'Обезвреживание ВОП, уровень 2 (исправлено)';
    const patched = await t.http
      .patch(`/api/v1/courses/${course.id}`)
      .set(admin.auth)
      .send({ translations: { az: AZ, ru: { title: newTitle } } });
    expect(patched.status).toBe(200);
    expect(await page('ru')).toContain(newTitle);
  });

  it('mail about a session names the course in the recipient’s language', async () => {
    const course = await makeCourse(t.db, { ...ORIGINAL, translations: { az: AZ, ru: RU } });
    const session = await makeSession(t.db, course.id, { status: 'open' });
    const enrolAs = async (country: string) => {
      const organisation = await makeOrganisation(t.db, { country });
      const trainee = await makeTrainee(t.db, {
        organisationId: organisation.id,
        email: `mail-${randomUUID().slice(0, 8)}@operator.example`,
      });
      const res = await t.http
        .post(`/api/v1/sessions/${session.id}/enrolments`)
        .set(admin.auth)
        .send({ traineeId: trainee.id });
      expect(res.status).toBe(201);
      const [mail] = (await t.db.query(
        `SELECT language, subject, body_text FROM notifications WHERE recipient = $1`,
        [trainee.email],
      )) as { language: string; subject: string; body_text: string }[];
      return mail;
    };
    const russian = await enrolAs('KZ');
    expect(russian.language).toBe('ru');
    expect(`${russian.subject}\n${russian.body_text}`).toContain(RU.title);
    const azerbaijani = await enrolAs('AZ');
    expect(`${azerbaijani.subject}\n${azerbaijani.body_text}`).toContain(AZ.title);
    const english = await enrolAs('GB');
    expect(`${english.subject}\n${english.body_text}`).toContain(ORIGINAL.title);
  });

  it('the certificate PDF adds Russian for a Russian-speaking holder, by account or organisation', async () => {
    const course = await makeCourse(t.db, { ...ORIGINAL, translations: { az: AZ, ru: RU } });
    const pdfOf = async (traineeId: string) => {
      const certificate = await makeCertificate(t.db, { traineeId, courseId: course.id });
      const res = await t.http
        .get(`/api/v1/certificates/${certificate.id}/pdf`)
        .set(admin.auth)
        .buffer(true)
        .parse((response, cb) => {
          const chunks: Buffer[] = [];
          response.on('data', (c: Buffer) => chunks.push(c));
          response.on('end', () => cb(null, Buffer.concat(chunks)));
        });
      expect(res.status).toBe(200);
      return pdfText(res.body as Buffer);
    };

    // An Azerbaijani organisation, no account: English and Azerbaijani, as before.
    const azOrg = await makeOrganisation(t.db, { country: 'AZ' });
    const local = await pdfOf((await makeTrainee(t.db, { organisationId: azOrg.id })).id);
    expect(local).toContain(ORIGINAL.title);
    expect(local).toContain(AZ.title);
    expect(local).not.toContain(RU.title);
    expect(local).not.toContain('Сертификат компетентности');

    // A Kazakh operator's trainee: Russian by the organisation's country.
    const kzOrg = await makeOrganisation(t.db, { country: 'KZ' });
    const byCountry = await pdfOf((await makeTrainee(t.db, { organisationId: kzOrg.id })).id);
    expect(byCountry).toContain(RU.title);
    expect(byCountry).toContain('Сертификат компетентности');
    expect(byCountry).toContain(ORIGINAL.title);

    // An Azerbaijani organisation's trainee who chose Russian in their account.
    const reader = await makeTrainee(t.db, { organisationId: azOrg.id });
    const account = await createUser(t, ['trainee'], { traineeId: reader.id });
    const preference = await t.http
      .patch('/api/v1/auth/me/preferences')
      .set(account.auth)
      .send({ language: 'ru' });
    expect(preference.status).toBe(200);
    const byAccount = await pdfOf(reader.id);
    expect(byAccount).toContain(RU.title);
    expect(byAccount).toContain('Настоящим удостоверяется, что');

    // A Russian reader of a course without a Russian title: the original, no invented one.
    const untranslated = await makeCourse(t.db, {
      title: 'Non-Technical Survey',
      translations: {},
    });
    const certificate = await makeCertificate(t.db, {
      traineeId: reader.id,
      courseId: untranslated.id,
    });
    const res = await t.http
      .get(`/api/v1/certificates/${certificate.id}/pdf`)
      .set(admin.auth)
      .buffer(true)
      .parse((response, cb) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(await pdfText(res.body as Buffer)).toContain('Non-Technical Survey');
  });
});

function pick<T extends Record<string, unknown>>(value: T, ...keys: string[]) {
  return Object.fromEntries(keys.map((k) => [k, value[k]]));
}
