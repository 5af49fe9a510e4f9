import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { addDays, today } from '../src/common/calendar.js';
import type { StoredCertificateStatus } from '../src/certifications/certificate.entity.js';
import { Enrolment, type EnrolmentStatus } from '../src/enrolments/enrolment.entity.js';
import type { Trainee } from '../src/trainees/trainee.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import {
  makeCertificate,
  makeCourse,
  makeOrganisation,
  makeSession,
  makeTrainee,
} from './fixtures.js';
import { formulaCells } from './spreadsheet.js';

interface Row {
  sex?: string;
  ageBand?: string;
  organisation?: { id: string; name: string } | null;
  country?: string;
  course?: { id: string; code: string; title: string };
  enrolled: number;
  completed: number;
  certified: number;
}

/** RFC 4180 reader for checking the CSV answers: quoted fields, doubled quotes, CRLF. */
function parseCsv(text: string): string[][] {
  const records: string[][] = [];
  let record: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i];
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"') quoted = true;
    else if (c === ',') {
      record.push(field);
      field = '';
    } else if (c === '\r' && text[i + 1] === '\n') {
      record.push(field);
      records.push(record);
      record = [];
      field = '';
      i++;
    } else field += c;
  }
  if (field !== '' || record.length > 0) records.push([...record, field]);
  return records;
}

const csvText = (res: { body: unknown; text?: string }) =>
  Buffer.isBuffer(res.body) ? res.body.toString('utf8') : (res.text ?? '');

/** supertest leaves text/csv as a string in res.text; keep the raw bytes to see the BOM. */
const rawBody = (
  res: { on: (e: string, cb: (chunk?: Buffer) => void) => void },
  done: (err: Error | null, body: Buffer) => void,
) => {
  const chunks: Buffer[] = [];
  res.on('data', (chunk) => chunks.push(chunk!));
  res.on('end', () => done(null, Buffer.concat(chunks)));
};

describe('reports', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
  });
  afterAll(() => t.close());

  describe('training', () => {
    const ids: Record<string, string> = {};

    /**
     * The known data set (expected counts are worked out by hand in each test):
     *   S1 EOD-1 starts 2026-03-02: T1 completed+cert, T2 failed, T3 completed+cert (later
     *      revoked), T4 withdrawn, T5 waitlisted
     *   S2 NTS-1 starts 2026-06-01: T1 enrolled, T4 completed+cert (suspended), T5 completed
     *   S3 EOD-1 starts 2025-10-06: T2 completed+cert
     *   S4 NTS-1 starts 2026-04-06, cancelled: T3 enrolled (a session that never ran)
     * T1 female AZ org A, born 2008-03-03 (17 at S1, 18 at S2)
     * T2 male   AZ org A, born 2001-03-02 (25 on the day S1 starts)
     * T3 female UA org B, born 1990-01-01; T4 male GB no org, born 1970-05-05;
     * T5 female AZ org B, born 2005-01-01
     */
    beforeAll(async () => {
      const orgA = await makeOrganisation(t.db, { name: 'Alpha "Ə" Mina Təmizləmə, Şəki' });
      const orgB = await makeOrganisation(t.db, { name: 'Bravo EOD Services' });
      const eod = await makeCourse(t.db, { code: 'EOD-1', title: 'EOD Level 1' });
      const nts = await makeCourse(t.db, { code: 'NTS-1', title: 'Non-technical survey' });
      const session = (courseId: string, startsOn: string) =>
        makeSession(t.db, courseId, {
          startsOn,
          endsOn: addDays(startsOn, 4),
          status: 'completed',
        });
      const s1 = await session(eod.id, '2026-03-02');
      const s2 = await session(nts.id, '2026-06-01');
      const s3 = await session(eod.id, '2025-10-06');
      const s4 = await makeSession(t.db, nts.id, {
        startsOn: '2026-04-06',
        endsOn: '2026-04-10',
        status: 'cancelled',
      });
      const person = (init: Partial<Trainee>) => makeTrainee(t.db, init);
      const t1 = await person({
        givenName: 'Aysel',
        sex: 'female',
        nationality: 'AZ',
        organisationId: orgA.id,
        dateOfBirth: '2008-03-03',
      });
      const t2 = await person({
        givenName: 'Orxan',
        sex: 'male',
        nationality: 'AZ',
        organisationId: orgA.id,
        dateOfBirth: '2001-03-02',
      });
      const t3 = await person({
        givenName: 'Olena',
        sex: 'female',
        nationality: 'UA',
        organisationId: orgB.id,
        dateOfBirth: '1990-01-01',
      });
      const t4 = await person({
        givenName: 'James',
        sex: 'male',
        nationality: 'GB',
        organisationId: null,
        dateOfBirth: '1970-05-05',
      });
      const t5 = await person({
        givenName: 'Nigar',
        sex: 'female',
        nationality: 'AZ',
        organisationId: orgB.id,
        dateOfBirth: '2005-01-01',
      });
      const enrol = async (
        sessionId: string,
        courseId: string,
        trainee: Trainee,
        status: EnrolmentStatus,
        certificate?: StoredCertificateStatus,
      ) => {
        const e = await t.db.getRepository(Enrolment).save({
          sessionId,
          traineeId: trainee.id,
          status,
          waitlistPosition: status === 'waitlisted' ? 1 : null,
          passed: status === 'completed' ? true : status === 'failed' ? false : null,
        });
        if (certificate) {
          const cert = await makeCertificate(t.db, {
            traineeId: trainee.id,
            courseId,
            validUntil: null,
            status: certificate,
          });
          await t.db.query(
            'UPDATE certificates SET enrolment_id = $1, session_id = $2 WHERE id = $3',
            [e.id, sessionId, cert.id],
          );
        }
      };
      await enrol(s1.id, eod.id, t1, 'completed', 'active');
      await enrol(s1.id, eod.id, t2, 'failed');
      await enrol(s1.id, eod.id, t3, 'completed', 'revoked');
      await enrol(s1.id, eod.id, t4, 'withdrawn');
      await enrol(s1.id, eod.id, t5, 'waitlisted');
      await enrol(s2.id, nts.id, t1, 'enrolled');
      await enrol(s2.id, nts.id, t4, 'completed', 'suspended');
      await enrol(s2.id, nts.id, t5, 'completed');
      await enrol(s3.id, eod.id, t2, 'completed', 'active');
      await enrol(s4.id, nts.id, t3, 'enrolled');
      Object.assign(ids, { orgA: orgA.id, orgB: orgB.id, eod: eod.id, nts: nts.id });
    });

    const report = async (query: Record<string, string>, user = auditor) => {
      const res = await t.http.get('/api/v1/reports/training').query(query).set(user.auth);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      return (res.body as { rows: Row[] }).rows;
    };
    const in2026 = { from: '2026-01-01', to: '2026-12-31' };
    const counts = (enrolled: number, completed: number, certified: number) => ({
      enrolled,
      completed,
      certified,
    });

    it('one total row without groupBy; from/to select sessions by start date, inclusive', async () => {
      expect(await report({})).toEqual([counts(7, 5, 4)]);
      expect(await report(in2026)).toEqual([counts(6, 4, 3)]);
      expect(await report({ from: '2026-03-02', to: '2026-03-02' })).toEqual([counts(3, 2, 2)]);
      expect(await report({ to: '2025-12-31' })).toEqual([counts(1, 1, 1)]);
      expect(await report({ from: '2030-01-01' })).toEqual([counts(0, 0, 0)]);
      expect(await report({ from: '2030-01-01', groupBy: 'sex' })).toEqual([]);
    });

    it("groups by the month of the session's start, in order", async () => {
      expect(await report({ groupBy: 'month' })).toEqual([
        { month: '2025-10', ...counts(1, 1, 1) },
        { month: '2026-03', ...counts(3, 2, 2) },
        { month: '2026-06', ...counts(3, 2, 1) },
      ]);
    });

    it('groups by sex', async () => {
      expect(await report({ ...in2026, groupBy: 'sex' })).toEqual([
        { sex: 'female', ...counts(4, 3, 2) },
        { sex: 'male', ...counts(2, 1, 1) },
      ]);
    });

    it("groups by age band at the session's start, in band order", async () => {
      expect(await report({ ...in2026, groupBy: 'ageBand' })).toEqual([
        { ageBand: 'under_18', ...counts(1, 1, 1) },
        { ageBand: '18_24', ...counts(2, 1, 0) },
        { ageBand: '25_34', ...counts(1, 0, 0) },
        { ageBand: '35_49', ...counts(1, 1, 1) },
        { ageBand: '50_plus', ...counts(1, 1, 1) },
      ]);
    });

    it('groups by organisation, trainees without one last as null', async () => {
      expect(await report({ ...in2026, groupBy: 'organisation' })).toEqual([
        {
          organisation: { id: ids.orgA, name: 'Alpha "Ə" Mina Təmizləmə, Şəki' },
          ...counts(3, 1, 1),
        },
        { organisation: { id: ids.orgB, name: 'Bravo EOD Services' }, ...counts(2, 2, 1) },
        { organisation: null, ...counts(1, 1, 1) },
      ]);
    });

    it('groups by country (nationality)', async () => {
      expect(await report({ ...in2026, groupBy: 'country' })).toEqual([
        { country: 'AZ', ...counts(4, 2, 1) },
        { country: 'GB', ...counts(1, 1, 1) },
        { country: 'UA', ...counts(1, 1, 1) },
      ]);
    });

    it('groups by course', async () => {
      expect(await report({ ...in2026, groupBy: 'course' })).toEqual([
        { course: { id: ids.eod, code: 'EOD-1', title: 'EOD Level 1' }, ...counts(3, 2, 2) },
        {
          course: { id: ids.nts, code: 'NTS-1', title: 'Non-technical survey' },
          ...counts(3, 2, 1),
        },
      ]);
    });

    it('combines groupings in the order given (also as repeated parameters)', async () => {
      const eod = { id: ids.eod, code: 'EOD-1', title: 'EOD Level 1' };
      const nts = { id: ids.nts, code: 'NTS-1', title: 'Non-technical survey' };
      const expected = [
        { course: eod, sex: 'female', ...counts(2, 2, 2) },
        { course: eod, sex: 'male', ...counts(1, 0, 0) },
        { course: nts, sex: 'female', ...counts(2, 1, 0) },
        { course: nts, sex: 'male', ...counts(1, 1, 1) },
      ];
      expect(await report({ ...in2026, groupBy: 'course,sex' })).toEqual(expected);
      const repeated = await t.http
        .get('/api/v1/reports/training?from=2026-01-01&to=2026-12-31&groupBy=course&groupBy=sex')
        .set(admin.auth);
      expect(repeated.body).toEqual({ rows: expected });
      // All five at once: every seat in its own cell, and the cells add up to the total.
      const all = await report({ groupBy: 'sex,ageBand,organisation,country,course' });
      expect(all).toHaveLength(7);
      const sum = (key: 'enrolled' | 'completed' | 'certified') =>
        all.reduce((n, row) => n + row[key], 0);
      expect([sum('enrolled'), sum('completed'), sum('certified')]).toEqual([7, 5, 4]);
    });

    it('streams the same JSON to callers arriving at once (computed one after another)', async () => {
      const path = '/api/v1/reports/training?groupBy=sex,ageBand,organisation,country,course';
      const alone = await t.http.get(path).set(admin.auth);
      expect(alone.status).toBe(200);
      expect(alone.headers['content-type']).toMatch(/^application\/json/);
      const together = await Promise.all(
        Array.from({ length: 5 }, () => t.http.get(path).set(auditor.auth)),
      );
      for (const res of together) {
        expect(res.status).toBe(200);
        expect(res.text).toBe(alone.text);
      }
      expect(JSON.parse(alone.text)).toEqual({ rows: expect.any(Array) });
    });

    it('answers CSV for Accept: text/csv, with a BOM, a header row and RFC 4180 quoting', async () => {
      const res = await t.http
        .get('/api/v1/reports/training')
        .query({ ...in2026, groupBy: 'organisation,course' })
        .set(auditor.auth)
        .set('Accept', 'text/csv')
        .buffer(true)
        .parse(rawBody);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe('attachment; filename="training-report.csv"');
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const text = bytes.toString('utf8').slice(1);
      expect(text.endsWith('\r\n')).toBe(true);
      expect(text).toContain('"Alpha ""Ə"" Mina Təmizləmə, Şəki"');
      const [header, ...records] = parseCsv(text);
      expect(header).toEqual([
        'organisationId',
        'organisationName',
        'courseId',
        'courseCode',
        'courseTitle',
        'enrolled',
        'completed',
        'certified',
      ]);
      const json = await report({ ...in2026, groupBy: 'organisation,course' });
      expect(records).toEqual(
        json.map((row) => [
          row.organisation?.id ?? '',
          row.organisation?.name ?? '(none)',
          row.course!.id,
          row.course!.code,
          row.course!.title,
          String(row.enrolled),
          String(row.completed),
          String(row.certified),
        ]),
      );
      expect(records.at(-1)?.slice(0, 2)).toEqual(['', '(none)']);

      const total = await t.http
        .get('/api/v1/reports/training')
        .set(admin.auth)
        .set('Accept', 'text/csv');
      expect(parseCsv(csvText(total).replace(/^\uFEFF/, ''))).toEqual([
        ['enrolled', 'completed', 'certified'],
        ['7', '5', '4'],
      ]);
      // JSON stays the default, also when JSON is preferred explicitly.
      const preferJson = await t.http
        .get('/api/v1/reports/training')
        .set(admin.auth)
        .set('Accept', 'text/csv;q=0.5, application/json');
      expect(preferJson.body).toEqual({ rows: [counts(7, 5, 4)] });
    });

    it('refuses unknown groupings and malformed periods with 400', async () => {
      for (const query of [
        { groupBy: 'religion' },
        { groupBy: 'sex,ethnicity' },
        { from: '2026-13-01' },
        { to: 'last week' },
        { from: '2026-06-01', to: '2026-01-01' },
        { format: 'xml' },
      ]) {
        const res = await t.http.get('/api/v1/reports/training').query(query).set(auditor.auth);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
        expectError(res, 400);
      }
    });
  });

  describe('expiring', () => {
    const day = (offset: number) => addDays(today('UTC'), offset);
    const expected: string[] = [];
    let noOrgCertificateId: string;

    beforeAll(async () => {
      const org = await makeOrganisation(t.db, { name: 'Expiring Operator' });
      const course = await makeCourse(t.db, { code: 'EXP-1', title: 'Refresher, level "1"' });
      const holder = await makeTrainee(t.db, {
        givenName: 'Aynur',
        familyName: 'Məmmədova',
        organisationId: org.id,
      });
      const loner = await makeTrainee(t.db, { givenName: 'Ilham', organisationId: null });
      const cert = (
        validUntil: string | null,
        status: StoredCertificateStatus = 'active',
        who = holder,
      ) => makeCertificate(t.db, { traineeId: who.id, courseId: course.id, validUntil, status });
      const inWindow = [
        await cert(day(0)),
        await cert(day(30)),
        await cert(day(30), 'active', loner),
        await cert(day(90)),
      ];
      noOrgCertificateId = inWindow[2].id;
      await cert(day(91));
      await cert(day(-1));
      await cert(day(10), 'suspended');
      await cert(day(20), 'revoked');
      await cert(day(5), 'superseded');
      await cert(null);
      // Sorted by date, then serial.
      inWindow.sort((a, b) =>
        a.validUntil === b.validUntil
          ? a.serial < b.serial
            ? -1
            : 1
          : a.validUntil! < b.validUntil!
            ? -1
            : 1,
      );
      expected.push(...inWindow.map((c) => c.id));
    });

    const list = async (query: Record<string, string | number>) => {
      const res = await t.http.get('/api/v1/reports/expiring').query(query).set(auditor.auth);
      expect(res.status).toBe(200);
      return res.body as {
        items: {
          certificateId: string;
          validUntil: string;
          holder: { familyName: string };
          organisation: unknown;
        }[];
        nextCursor: string | null;
      };
    };

    it('lists active certificates expiring between today and today + withinDays (default 90)', async () => {
      const page = await list({});
      expect(page.items.map((i) => i.certificateId)).toEqual(expected);
      expect(page.nextCursor).toBeNull();
      expect(page.items[0]).toEqual({
        certificateId: expected[0],
        serial: expect.any(String),
        validUntil: day(0),
        holder: { traineeId: expect.any(String), givenName: 'Aynur', familyName: 'Məmmədova' },
        organisation: { id: expect.any(String), name: 'Expiring Operator' },
        course: { id: expect.any(String), code: 'EXP-1', title: 'Refresher, level "1"' },
      });
      expect(
        page.items.find((i) => i.certificateId === noOrgCertificateId)?.organisation,
      ).toBeNull();
      expect((await list({ withinDays: 91 })).items).toHaveLength(5);
      expect((await list({ withinDays: 29 })).items.map((i) => i.validUntil)).toEqual([day(0)]);
      expect((await list({ withinDays: 1 })).items).toHaveLength(1);
    });

    it('pages with a keyset cursor', async () => {
      const seen: string[] = [];
      let cursor: string | undefined;
      do {
        const page = await list({ limit: 1, ...(cursor ? { cursor } : {}) });
        expect(page.items.length).toBeLessThanOrEqual(1);
        seen.push(...page.items.map((i) => i.certificateId));
        cursor = page.nextCursor ?? undefined;
      } while (cursor);
      expect(seen).toEqual(expected);
    });

    it('answers CSV with the whole window', async () => {
      const res = await t.http
        .get('/api/v1/reports/expiring')
        .query({ limit: 1 })
        .set(admin.auth)
        .set('Accept', 'text/csv')
        .buffer(true)
        .parse(rawBody);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('text/csv; charset=utf-8');
      expect(res.headers['content-disposition']).toBe(
        'attachment; filename="expiring-certificates.csv"',
      );
      const bytes = res.body as Buffer;
      expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
      const [header, ...records] = parseCsv(bytes.toString('utf8').slice(1));
      expect(header).toEqual([
        'certificateId',
        'serial',
        'validUntil',
        'traineeId',
        'givenName',
        'familyName',
        'organisationId',
        'organisationName',
        'courseId',
        'courseCode',
        'courseTitle',
      ]);
      expect(records.map((r) => r[0])).toEqual(expected);
      expect(records[0].slice(4, 6)).toEqual(['Aynur', 'Məmmədova']);
      expect(records[0][10]).toBe('Refresher, level "1"');
      const loner = records.find((r) => r[0] === noOrgCertificateId)!;
      expect(loner.slice(6, 8)).toEqual(['', '(none)']);
    });

    it('refuses a window outside 1..3650 days and a bad cursor with 400', async () => {
      for (const query of [
        { withinDays: '0' },
        { withinDays: '3651' },
        { withinDays: 'soon' },
        { withinDays: '1.5' },
        { cursor: 'not-a-cursor' },
        { cursor: Buffer.from(JSON.stringify(['tomorrow', 'X'])).toString('base64url') },
      ]) {
        const res = await t.http.get('/api/v1/reports/expiring').query(query).set(auditor.auth);
        expect({ query, status: res.status }).toEqual({ query, status: 400 });
      }
      expect((await list({ withinDays: 3650 })).items.length).toBeGreaterThanOrEqual(5);
    });
  });

  // Last: its data would change the counts the tests above expect.
  it('neutralises formulas in report CSV wherever a spreadsheet could start a cell', async () => {
    const victim = await makeOrganisation(t.db, { name: 'Victim;=2+3;x' });
    const dde = await makeOrganisation(t.db, { name: "=cmd|' /C calc'!A0" });
    const course = await makeCourse(t.db, { code: 'CSV-1', title: '@SUM(1+1) refresher' });
    const session = await makeSession(t.db, course.id, {
      startsOn: '2031-03-03',
      endsOn: '2031-03-07',
      status: 'completed',
    });
    for (const organisation of [victim, dde]) {
      const trainee = await makeTrainee(t.db, { organisationId: organisation.id });
      await t.db.getRepository(Enrolment).save({
        sessionId: session.id,
        traineeId: trainee.id,
        status: 'completed',
        passed: true,
      });
      await makeCertificate(t.db, {
        traineeId: trainee.id,
        courseId: course.id,
        validUntil: addDays(today('UTC'), 3000),
      });
    }
    const csv = async (path: string, query: Record<string, string>) => {
      const res = await t.http
        .get(path)
        .query(query)
        .set(auditor.auth)
        .set('Accept', 'text/csv')
        .buffer(true)
        .parse(rawBody);
      expect(res.status).toBe(200);
      return (res.body as Buffer).toString('utf8');
    };
    const training = await csv('/api/v1/reports/training', {
      from: '2031-01-01',
      to: '2031-12-31',
      groupBy: 'organisation,course',
    });
    const expiring = await csv('/api/v1/reports/expiring', { withinDays: '3650' });
    for (const text of [training, expiring]) {
      expect(text).toContain(`"Victim;'=2+3;x"`);
      expect(text).toContain(`"'=cmd|' /C calc'!A0"`);
      expect(text).toContain(`"'@SUM(1+1) refresher"`);
      expect(formulaCells(text)).toEqual([]);
    }
  });

  it('is for admins and auditors only', async () => {
    const instructor = await createUser(t, ['instructor']);
    const trainee = await createUser(t, ['trainee']);
    for (const path of ['/api/v1/reports/training', '/api/v1/reports/expiring']) {
      expectError(await t.http.get(path), 401);
      for (const user of [instructor, trainee]) {
        expectError(await t.http.get(path).set(user.auth), 403);
        expectError(await t.http.get(path).set(user.auth).set('Accept', 'text/csv'), 403);
      }
      expect((await t.http.get(path).set(admin.auth)).status).toBe(200);
    }
  });
});
