import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import { randomUUID } from 'node:crypto';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { setLogDestination } from '../src/logging.js';
import { startPeerApp, startTestApp, testConfig, type TestApp } from './app.js';
import { createTestDatabase } from './database.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCertificate, makeCourse, makeOrganisation, makeTrainee } from './fixtures.js';

/**
 * Trainees' identity documents and phones (issue 17): normalised, one card per person, whole
 * on the record, masked in lists and the audit trail, found by number, never in the logs, and
 * on the public verification page only as the last four characters when the Center says so.
 */

const unique = () => randomUUID().replace(/-/g, '').slice(0, 6).toUpperCase();
/** A passport number no other test uses, as typed (spaces, lower case) and as stored. */
function cardNumber() {
  const digits = String(Math.floor(Math.random() * 9_000_000) + 1_000_000);
  const series = unique().replace(/[0-9]/g, 'K').slice(0, 2);
  return {
    typed: ` ${series.toLowerCase()} ${digits.slice(0, 3)}-${digits.slice(3)} `,
    stored: `${series}${digits}`,
  };
}

const person = (over: Record<string, unknown> = {}) => ({
  givenName: 'Nərgiz',
  familyName: `Həsənova-${unique()}`,
  dateOfBirth: '1991-06-03',
  sex: 'female',
  nationality: 'AZ',
  ...over,
});

// First in the file on purpose: nestjs-pino keeps one pino-http instance per process, built by
// the first app, and every later app logs through it (see test/accounts.e2e-spec.ts).
describe('identity document numbers never reach the logs', () => {
  const lines: string[] = [];
  let database: { url: string; drop: () => Promise<void> };
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    setLogDestination({ write: (line: string) => void lines.push(line) });
    try {
      const config = testConfig(database.url, { logLevel: 'debug' });
      const app = await createApp(config, { logs: true });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      t = {
        app,
        http: supertest(app.getHttpServer()),
        db: app.get<DataSource>(getDataSourceToken()),
        config,
        close: () => app.close(),
      };
    } finally {
      setLogDestination(undefined);
    }
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it('logs creation, a duplicate, a bad number, a change and a search without the number', async () => {
    const admin = await createUser(t, ['admin']);
    const card = cardNumber();
    const other = cardNumber();
    const created = await t.http
      .post('/api/v1/trainees')
      .set(admin.auth)
      .send(person({ identityDocument: { type: 'passport', number: card.typed } }));
    expect(created.status).toBe(201);
    // The unique index's own error names the number: it must be answered, not logged.
    const twin = await t.http
      .post('/api/v1/trainees')
      .set(admin.auth)
      .send(person({ identityDocument: { type: 'passport', number: card.stored } }));
    expectError(twin, 409, 'DUPLICATE_IDENTITY_DOCUMENT');
    const bad = await t.http
      .post('/api/v1/trainees')
      .set(admin.auth)
      .send(person({ identityDocument: { type: 'passport', number: `${card.stored}!` } }));
    expectError(bad, 400, 'VALIDATION_FAILED');
    const changed = await t.http
      .patch(`/api/v1/trainees/${created.body.id}`)
      .set(admin.auth)
      .send({ identityDocument: { type: 'national_id', number: other.typed } });
    expect(changed.status).toBe(200);
    const found = await t.http.get('/api/v1/trainees').query({ q: other.stored }).set(admin.auth);
    expect(found.body.items.map((i: { id: string }) => i.id)).toEqual([created.body.id]);

    const text = lines.join('');
    expect(text).toContain('"url":"/api/v1/trainees"');
    expect(text).toContain('"statusCode":409');
    for (const secret of [card.stored, other.stored, card.typed.trim(), other.typed.trim()]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('identity documents and phones over HTTP', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  const create = (body: Record<string, unknown>) =>
    t.http.post('/api/v1/trainees').set(admin.auth).send(body);

  it('keeps the number normalised and the phone in international form; the record answers both whole', async () => {
    const card = cardNumber();
    const res = await create(
      person({
        phone: '+994 (50) 123-45-67',
        identityDocument: { type: 'passport', number: card.typed },
      }),
    );
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({
      phone: '+994501234567',
      identityDocument: { type: 'passport', number: card.stored, masked: false },
    });
    const record = await t.http.get(`/api/v1/trainees/${res.body.id}`).set(auditor.auth);
    expect(record.body.identityDocument).toEqual({
      type: 'passport',
      number: card.stored,
      masked: false,
    });
    expect(record.body.phone).toBe('+994501234567');
    const transcript = await t.http
      .get(`/api/v1/trainees/${res.body.id}/transcript`)
      .set(admin.auth);
    expect(transcript.body.trainee.identityDocument.number).toBe(card.stored);
    // 00 counts as +.
    const zeros = await create(person({ phone: '00380 44 123 4567' }));
    expect(zeros.body.phone).toBe('+380441234567');
    // Neither is required.
    const without = await create(person());
    expect(without.status).toBe(201);
    expect(without.body).toMatchObject({ phone: null, identityDocument: null });
  });

  it('refuses a malformed phone or document with 400 naming the field', async () => {
    const fieldsOf = (res: { body: { details: { fields: { field: string }[] } } }) =>
      res.body.details.fields.map((f) => f.field);
    for (const phone of [
      '0501234567',
      '+994',
      '+994 50 123 45 67 ext 2',
      '12345678',
      994501234567,
    ]) {
      const res = await create(person({ phone }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['phone']);
    }
    const type = await create(
      person({ identityDocument: { type: 'driving_licence', number: 'AB12345' } }),
    );
    expectError(type, 400, 'VALIDATION_FAILED');
    expect(fieldsOf(type)).toEqual(['identityDocument.type']);
    for (const number of ['AB1', 'AB 12#45', 'X'.repeat(31) + '1', 'ABCDEFG', '', null]) {
      const res = await create(person({ identityDocument: { type: 'passport', number } }));
      expectError(res, 400, 'VALIDATION_FAILED');
      expect(fieldsOf(res)).toEqual(['identityDocument.number']);
    }
    const extra = await create(
      person({ identityDocument: { type: 'passport', number: 'AB1234567', issuedBy: 'MIA' } }),
    );
    expectError(extra, 400, 'VALIDATION_FAILED');
    // Worded in the caller's language, the code unchanged.
    const az = await t.http
      .post('/api/v1/trainees')
      .set(admin.auth)
      .set('Accept-Language', 'az')
      .send(person({ phone: '050 123 45 67' }));
    expectError(az, 400, 'VALIDATION_FAILED');
    expect(az.body.message).toMatch(/beynəlxalq/);
  });

  it('one card, one person: 409 DUPLICATE_IDENTITY_DOCUMENT naming the holder, however it is typed', async () => {
    const card = cardNumber();
    const first = await create(
      person({ identityDocument: { type: 'national_id', number: card.stored } }),
    );
    expect(first.status).toBe(201);
    const twin = await create(
      person({ identityDocument: { type: 'national_id', number: card.typed } }),
    );
    const body = expectError(twin, 409, 'DUPLICATE_IDENTITY_DOCUMENT');
    expect(body.details).toEqual({ existingId: first.body.id });
    expect(JSON.stringify(body)).not.toContain(card.stored);
    const ru = await t.http
      .post('/api/v1/trainees')
      .set(admin.auth)
      .set('Accept-Language', 'ru')
      .send(person({ identityDocument: { type: 'national_id', number: card.stored } }));
    expect(ru.body.message).toMatch(/документ/);
    // The same number on another kind of document is another card.
    const passport = await create(
      person({ identityDocument: { type: 'passport', number: card.stored } }),
    );
    expect(passport.status).toBe(201);

    // A change onto someone else's card is refused the same way; nothing changes.
    const other = await create(person());
    const moved = await t.http
      .patch(`/api/v1/trainees/${other.body.id}`)
      .set(admin.auth)
      .send({ identityDocument: { type: 'national_id', number: card.typed } });
    expect(expectError(moved, 409, 'DUPLICATE_IDENTITY_DOCUMENT').details).toEqual({
      existingId: first.body.id,
    });
    const unchanged = await t.http.get(`/api/v1/trainees/${other.body.id}`).set(admin.auth);
    expect(unchanged.body.identityDocument).toBeNull();

    // Simultaneous registrations of one card: one wins, the others name it.
    const race = cardNumber();
    const answers = await Promise.all(
      Array.from({ length: 4 }, () =>
        create(person({ identityDocument: { type: 'military_id', number: race.stored } })),
      ),
    );
    const won = answers.filter((a) => a.status === 201);
    expect(won).toHaveLength(1);
    for (const lost of answers.filter((a) => a.status !== 201)) {
      expect(expectError(lost, 409, 'DUPLICATE_IDENTITY_DOCUMENT').details).toEqual({
        existingId: won[0].body.id,
      });
    }
  });

  it('PATCH sets, keeps, replaces and removes the card and the phone', async () => {
    const created = await create(person());
    const id = created.body.id as string;
    const card = cardNumber();
    const set = await t.http
      .patch(`/api/v1/trainees/${id}`)
      .set(admin.auth)
      .send({
        identityDocument: { type: 'passport', number: card.typed },
        phone: '+44 20 7946 0958',
      });
    expect(set.status).toBe(200);
    expect(set.body).toMatchObject({
      phone: '+442079460958',
      identityDocument: { type: 'passport', number: card.stored },
      version: 2,
    });
    // The same card typed differently is no change.
    const same = await t.http
      .patch(`/api/v1/trainees/${id}`)
      .set(admin.auth)
      .send({ identityDocument: { type: 'passport', number: card.stored.toLowerCase() } });
    expect(same.body.version).toBe(2);
    const cleared = await t.http
      .patch(`/api/v1/trainees/${id}`)
      .set(admin.auth)
      .send({ identityDocument: null, phone: null });
    expect(cleared.body).toMatchObject({ identityDocument: null, phone: null, version: 3 });
    // The card is free again.
    const reused = await create(
      person({ identityDocument: { type: 'passport', number: card.stored } }),
    );
    expect(reused.status).toBe(201);
  });

  it('lists show the last four characters only; the audit trail never the whole number', async () => {
    const organisation = await makeOrganisation(t.db);
    const card = cardNumber();
    const created = await create(
      person({
        organisationId: organisation.id,
        identityDocument: { type: 'passport', number: card.stored },
      }),
    );
    const changedCard = cardNumber();
    await t.http
      .patch(`/api/v1/trainees/${created.body.id}`)
      .set(admin.auth)
      .send({ identityDocument: { type: 'passport', number: changedCard.stored } });
    for (const reader of [admin, auditor]) {
      const list = await t.http
        .get('/api/v1/trainees')
        .query({ organisationId: organisation.id })
        .set(reader.auth);
      expect(list.status).toBe(200);
      expect(list.body.items).toHaveLength(1);
      expect(list.body.items[0].identityDocument).toEqual({
        type: 'passport',
        number: `••••${changedCard.stored.slice(-4)}`,
        masked: true,
      });
      expect(list.text).not.toContain(changedCard.stored);
    }
    const events = await t.http
      .get('/api/v1/audit-events')
      .query({ entityType: 'trainee', entityId: created.body.id })
      .set(auditor.auth);
    expect(events.status).toBe(200);
    expect(events.body.items.map((e: { action: string }) => e.action).sort()).toEqual([
      'trainee.created',
      'trainee.updated',
    ]);
    expect(events.text).not.toContain(card.stored);
    expect(events.text).not.toContain(changedCard.stored);
    const updated = events.body.items.find(
      (e: { action: string }) => e.action === 'trainee.updated',
    );
    expect(updated.data.before.identityDocument.number).toBe(`••••${card.stored.slice(-4)}`);
    expect(updated.data.after.identityDocument.number).toBe(`••••${changedCard.stored.slice(-4)}`);
  });

  it('q finds a trainee by the whole document number, typed any way, and not by a part of it', async () => {
    const card = cardNumber();
    const created = await create(
      person({ identityDocument: { type: 'military_id', number: card.stored } }),
    );
    const search = async (q: string) =>
      (await t.http.get('/api/v1/trainees').query({ q }).set(admin.auth)).body.items.map(
        (i: { id: string }) => i.id,
      ) as string[];
    expect(await search(card.typed)).toEqual([created.body.id]);
    expect(await search(card.stored.toLowerCase())).toEqual([created.body.id]);
    expect(await search(card.stored.slice(-4))).toEqual([]);
    expect(await search(card.stored.slice(0, -1))).toEqual([]);
    // Names are still searched as before.
    expect(await search(created.body.familyName)).toEqual([created.body.id]);
  });

  it('the CSV import takes document and phone columns, refusing a card taken or listed twice; the export gives them back', async () => {
    const held = cardNumber();
    await create(person({ identityDocument: { type: 'passport', number: held.stored } }));
    const a = cardNumber();
    const b = cardNumber();
    const name = () => `İmport-${unique()}`;
    const csv = [
      'givenName;familyName;dateOfBirth;sex;nationality;phone;identityDocumentType;identityDocumentNumber',
      `Ülviyyə;${name()};1990-01-02;F;AZ;+994 55 765 43 21;passport;${a.typed}`,
      `Elşən;${name()};1989-03-04;M;AZ;;national_id;${b.stored}`,
      `Kamran;${name()};1988-05-06;M;AZ;;passport;${held.typed}`,
      `Samir;${name()};1987-07-08;M;AZ;;national_id;${b.typed}`,
      `Orxan;${name()};1986-09-10;M;AZ;12345;;`,
      `Vüsal;${name()};1985-11-12;M;AZ;;visa;AB1234567`,
    ].join('\n');
    const dry = await t.http
      .post('/api/v1/imports/trainees?dryRun=true')
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(dry.status).toBe(200);
    expect(
      (dry.body.invalid as { row: number; column: string }[]).map((p) => [p.row, p.column]),
    ).toEqual([
      [4, 'identityDocumentNumber'],
      [5, 'identityDocumentNumber'],
      [6, 'phone'],
      [7, 'identityDocumentType'],
    ]);
    expect(JSON.stringify(dry.body)).not.toContain(held.stored);
    const run = await t.http
      .post('/api/v1/imports/trainees?skipInvalid=true')
      .set(admin.auth)
      .set('Content-Type', 'text/csv')
      .send(csv);
    expect(run.status).toBe(200);
    expect(run.body.imported).toBe(2);
    const found = await t.http.get('/api/v1/trainees').query({ q: a.stored }).set(admin.auth);
    const imported = await t.http.get(`/api/v1/trainees/${found.body.items[0].id}`).set(admin.auth);
    expect(imported.body).toMatchObject({
      phone: '+994557654321',
      identityDocument: { type: 'passport', number: a.stored },
    });

    const exported = await t.http.get('/api/v1/exports/trainees').set(auditor.auth);
    expect(exported.status).toBe(200);
    const header = exported.text
      .replace(/^\uFEFF/, '')
      .split('\r\n')[0]
      .split(',');
    expect(header).toEqual(
      expect.arrayContaining(['phone', 'identityDocumentType', 'identityDocumentNumber']),
    );
    const row = exported.text.split('\r\n').find((line) => line.includes(a.stored));
    expect(row).toContain('+994557654321');
    expect(row).toContain('passport');
  });
});

describe('the last four characters of the document on public verification', () => {
  let t: TestApp;
  let shown: TestApp;
  let serial: string;
  let card: { typed: string; stored: string };

  beforeAll(async () => {
    t = await startTestApp();
    shown = await startPeerApp(t, { verifyShowDocumentLast4: true });
    card = cardNumber();
    const trainee = await makeTrainee(t.db, {
      givenName: 'Zaur',
      familyName: `Məmmədli-${unique()}`,
      identityDocumentType: 'passport',
      identityDocumentNumber: card.stored,
    });
    const course = await makeCourse(t.db);
    serial = (await makeCertificate(t.db, { traineeId: trainee.id, courseId: course.id })).serial;
  });
  afterAll(async () => {
    await shown?.close();
    await t?.close();
  });

  it('are not shown by default (VERIFY_SHOW_DOCUMENT_LAST4=false), in JSON or HTML', async () => {
    const json = await t.http.get(`/verify/${serial}`).set('Accept', 'application/json');
    expect(json.status).toBe(200);
    expect(json.body).not.toHaveProperty('holderDocument');
    expect(json.text).not.toContain(card.stored.slice(-4));
    for (const lang of ['en', 'az', 'ru']) {
      const page = await t.http.get(`/verify/${serial}?lang=${lang}`).set('Accept', 'text/html');
      expect(page.status).toBe(200);
      expect(page.text).not.toContain('••••');
      expect(page.text).not.toContain(card.stored.slice(-4));
    }
  });

  it('are shown, and only they, when the Center turns it on; a change of card shows at once', async () => {
    const json = await shown.http.get(`/verify/${serial}`).set('Accept', 'application/json');
    expect(json.body).toMatchObject({
      valid: true,
      holder: expect.stringMatching(/^Z\. Məmmədli-/),
      holderDocument: { type: 'passport', last4: card.stored.slice(-4) },
    });
    expect(json.text).not.toContain(card.stored);
    const words = { en: 'Passport', az: 'Pasport', ru: 'Паспорт' };
    for (const [lang, word] of Object.entries(words)) {
      const page = await shown.http
        .get(`/verify/${serial}?lang=${lang}`)
        .set('Accept', 'text/html');
      expect(page.text).toContain(`${word} ••••${card.stored.slice(-4)}`);
      expect(page.text).not.toContain(card.stored);
    }
    // Served from memory the second time; a corrected card must not leave the old digits there.
    const admin = await createUser(t, ['admin']);
    const corrected = cardNumber();
    const trainee = (await t.http.get('/api/v1/trainees').query({ q: card.stored }).set(admin.auth))
      .body.items[0] as { id: string };
    const patched = await t.http
      .patch(`/api/v1/trainees/${trainee.id}`)
      .set(admin.auth)
      .send({ identityDocument: { type: 'national_id', number: corrected.stored } });
    expect(patched.status).toBe(200);
    const after = await shown.http.get(`/verify/${serial}`).set('Accept', 'application/json');
    expect(after.body.holderDocument).toEqual({
      type: 'national_id',
      last4: corrected.stored.slice(-4),
    });
  });
});
