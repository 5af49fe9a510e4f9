import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { parse } from 'csv-parse/sync';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import type { CliEnvironment } from '../src/cli/command.js';
import { runCli } from '../src/cli/run.js';
import type { Organisation } from '../src/organisations/organisation.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeOrganisation, makeTrainee } from './fixtures.js';
import { formulaCells } from './spreadsheet.js';

interface Report {
  dryRun: boolean;
  received: number;
  imported: number;
  unchanged: number;
  invalid: { row: number; column: string | null; message: string }[];
}

const BOM = '\uFEFF';
const ANAMA = 'Azerbaijan National Agency for Mine Action';

/**
 * A registrar's trainee list as a spreadsheet set to Azerbaijani saves it: BOM, semicolons,
 * CRLF, day-first dates, a blank line, an empty row of delimiters, a duplicate person (typed
 * with and without Azerbaijani letters), an impossible date and a birth date in the future.
 */
const TRAINEES_CSV =
  BOM +
  [
    'GivenName;FamilyName;Date of birth;Sex;Nationality;Organisation;Email;medicalClearanceUntil',
    `Aynur;Məmmədova;12.04.1995;F;az;${ANAMA};A.Mammadova@Anama.example;2027-01-31`,
    '',
    'Олег;Шевченко;1988-11-02;male;UA;;;',
    `İlkin;Əliyev;1990-01-15;M;AZ;"${ANAMA}";;`,
    ';;;;;;;',
    'Ilkin;Aliyev;1990-01-15;male;az;;;',
    'Rauf;Həsənov;1992-02-30;male;AZ;;;',
    'Nigar;Quliyeva;2090-01-01;female;AZ;;;',
  ].join('\r\n') +
  '\r\n';

const VALID_TRAINEE_ROWS = 3;

describe('imports and exports', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let anama: Organisation;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
    anama = await makeOrganisation(t.db, { name: ANAMA });
  });
  afterAll(() => t.close());

  const importCsv = (kind: string, csv: string | Buffer, query = '', user = admin) =>
    t.http
      .post(`/api/v1/imports/${kind}${query}`)
      .set(user.auth)
      .set('Content-Type', 'text/csv; charset=utf-8')
      .send(Buffer.isBuffer(csv) ? csv : Buffer.from(csv, 'utf8'));

  const count = async (table: string, where = 'true') =>
    Number(
      (
        (await t.db.query(`SELECT count(*) AS n FROM ${table} WHERE ${where}`)) as { n: string }[]
      )[0].n,
    );

  const download = (kind: string, user = admin) =>
    t.http
      .get(`/api/v1/exports/${kind}`)
      .set(user.auth)
      .buffer(true)
      .parse((res, done) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => done(null, Buffer.concat(chunks).toString('utf8')));
      });

  describe('trainees', () => {
    const expectedProblems = [
      {
        row: 7,
        column: null,
        message: 'The same trainee as row 5 (same names, date of birth and nationality)',
      },
      {
        row: 8,
        column: 'Date of birth',
        message: 'dateOfBirth must be a date written YYYY-MM-DD',
      },
      { row: 9, column: 'Date of birth', message: 'dateOfBirth must not be in the future' },
    ];

    it('a dry run reports every problem by line and column, and writes nothing', async () => {
      const events = await count('audit_events');
      const res = await importCsv('trainees', TRAINEES_CSV, '?dryRun=true');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        dryRun: true,
        received: 6,
        imported: VALID_TRAINEE_ROWS,
        unchanged: 0,
        invalidCount: 3,
        invalid: expectedProblems,
      });
      expect(await count('trainees')).toBe(0);
      expect(await count('audit_events')).toBe(events);
    });

    it('refuses the whole file (422, report in details) while any row is invalid', async () => {
      const res = await importCsv('trainees', TRAINEES_CSV);
      const body = expectError(res, 422, 'INVALID_ROWS');
      expect(body.details).toEqual({
        dryRun: false,
        received: 6,
        imported: 0,
        unchanged: 0,
        invalidCount: 3,
        invalid: expectedProblems,
      });
      expect(await count('trainees')).toBe(0);
    });

    it('with skipInvalid imports the valid rows, folded and normalised, with audit events', async () => {
      const res = await importCsv('trainees', TRAINEES_CSV, '?skipInvalid=true');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ dryRun: false, imported: 3, unchanged: 0 });
      expect((res.body as Report).invalid).toEqual(expectedProblems);

      const [aynur] = (await t.db.query(
        `SELECT id, date_of_birth, sex, nationality, email, organisation_id, medical_clearance_until
           FROM trainees WHERE family_name = 'Məmmədova'`,
      )) as Record<string, string>[];
      expect(aynur).toMatchObject({
        date_of_birth: '1995-04-12',
        sex: 'female',
        nationality: 'AZ',
        email: 'a.mammadova@anama.example',
        organisation_id: anama.id,
        medical_clearance_until: '2027-01-31',
      });
      expect(await count('trainees', "given_name = 'Олег' AND family_name = 'Шевченко'")).toBe(1);

      const events = await t.http
        .get(`/api/v1/audit-events?entityType=trainee&entityId=${aynur.id}`)
        .set(auditor.auth);
      expect(events.body.items).toEqual([
        expect.objectContaining({
          action: 'trainee.created',
          actorId: admin.id,
          data: expect.objectContaining({
            source: 'import',
            row: 2,
            after: expect.objectContaining({ familyName: 'Məmmədova', dateOfBirth: '1995-04-12' }),
          }),
        }),
      ]);
    });

    it('importing the same file again changes nothing', async () => {
      const trainees = await count('trainees');
      const events = await count('audit_events');
      const res = await importCsv('trainees', TRAINEES_CSV, '?skipInvalid=true');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ imported: 0, unchanged: 3 });
      expect(await count('trainees')).toBe(trainees);
      expect(await count('audit_events')).toBe(events);
    });

    it('takes a multipart file too, and a trainee the API created counts as unchanged', async () => {
      await makeTrainee(t.db, {
        givenName: 'Leyla',
        familyName: 'Hüseynova',
        dateOfBirth: '1993-06-01',
      });
      const csv =
        'givenName,familyName,dateOfBirth,sex,nationality\nLeyla,Huseynova,1993-06-01,female,AZ\nFarid,Nəsirov,1991-03-03,male,AZ\n';
      const res = await t.http
        .post('/api/v1/imports/trainees')
        .set(admin.auth)
        .attach('file', Buffer.from(csv), { filename: 'trainees.csv', contentType: 'text/csv' });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        dryRun: false,
        received: 2,
        imported: 1,
        unchanged: 1,
        invalidCount: 0,
        invalid: [],
      });
    });

    it('is all or nothing: one bad row and no valid row goes in either', async () => {
      const before = await count('trainees');
      const csv = [
        'givenName,familyName,dateOfBirth,sex,nationality,email',
        'Kamran,Babayev,1985-05-05,male,AZ,',
        'Sevinj,Rzayeva,1987-07-07,female,XX,',
        'Tural,Hasanli,1989-09-09,male,AZ,not-an-email',
      ].join('\n');
      const res = await importCsv('trainees', csv);
      const body = expectError(res, 422, 'INVALID_ROWS');
      expect((body.details as unknown as Report).invalid).toEqual([
        { row: 3, column: 'nationality', message: expect.stringContaining('nationality') },
        { row: 4, column: 'email', message: 'email must be an email' },
      ]);
      expect(await count('trainees')).toBe(before);
    });

    it('refuses a file whose header it does not understand, naming the columns', async () => {
      const res = await importCsv('trainees', 'givenName,familyName,birthday,sex\nA,B,C,D\n');
      const body = expectError(res, 422, 'INVALID_FILE');
      expect((body.details as unknown as Report).invalid).toEqual([
        { row: 1, column: 'birthday', message: expect.stringMatching(/^Unknown column/) },
        { row: 1, column: 'dateOfBirth', message: 'Missing column' },
        { row: 1, column: 'nationality', message: 'Missing column' },
      ]);
    });

    it('refuses a file that is not UTF-8, naming the line', async () => {
      // "Əliyev" typed in a Windows-1251 spreadsheet cannot be read; the line is named.
      const bytes = Buffer.concat([
        Buffer.from('givenName,familyName,dateOfBirth,sex,nationality\nAli,'),
        Buffer.from([0xc0, 0xeb, 0xe8]),
        Buffer.from(',1990-01-01,male,AZ\n'),
      ]);
      const res = await importCsv('trainees', bytes);
      const body = expectError(res, 422, 'INVALID_FILE');
      expect((body.details as unknown as Report).invalid).toEqual([
        { row: 2, column: null, message: expect.stringContaining('not UTF-8') },
      ]);
    });

    it('accepts a file larger than the 1 MB JSON limit', async () => {
      // Long names and addresses: past 1 MB with few enough rows to keep the test quick.
      const padding = 'Wolstenholme-Featherstonehaugh-Cholmondeley-Marjoribanks';
      const rows = Array.from(
        { length: 6_500 },
        (_, i) =>
          `Bulk ${padding},${padding}-${i.toString(36)},1990-01-01,female,GB,bulk${i}@operator.example`,
      );
      const csv = `givenName,familyName,dateOfBirth,sex,nationality,email\n${rows.join('\n')}\n`;
      expect(Buffer.byteLength(csv)).toBeGreaterThan(1024 * 1024);
      const res = await importCsv('trainees', csv);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ received: 6_500, imported: 6_500, invalid: [] });
      expect(await count('audit_events', "action = 'trainee.created'")).toBeGreaterThanOrEqual(
        6_500,
      );
    });
  });

  describe('instructors and courses', () => {
    it('imports instructors by email, refusing the same email twice in a file', async () => {
      const csv = [
        'givenName;familyName;email;organisationId',
        `Rəşad;Əliyev;R.Aliyev@coe.example;${anama.id}`,
        'Rashad;Aliyev;r.aliyev@COE.example;',
        'Ivan;Petrenko;i.petrenko@coe.example;',
      ].join('\n');
      const res = await importCsv('instructors', csv, '?skipInvalid=true');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        dryRun: false,
        received: 3,
        imported: 2,
        unchanged: 0,
        invalidCount: 1,
        invalid: [
          {
            row: 3,
            column: 'email',
            message: 'The same email as row 2: an email names one instructor',
          },
        ],
      });
      const again = await importCsv('instructors', csv, '?skipInvalid=true');
      expect(again.body).toMatchObject({ imported: 0, unchanged: 2 });
    });

    it('imports a ladder of courses in any order, with quoted line breaks and lists in cells', async () => {
      const csv = [
        'code,title,description,imasReferences,level,durationDays,passMark,minAttendancePercent,validityMonths,prerequisiteCodes,requiresMedicalClearance,status',
        'eod-2,Explosive Ordnance Disposal Level 2,"Builds on EOD 1.',
        'Live demolitions, ""render safe"" procedures.",IMAS 09.30|IMAS 10.40,EOD 2,10,75,90,24,EOD-1,yes,active',
        'EOD-1,Explosive Ordnance Disposal Level 1,,IMAS 09.30,EOD 1,5,70,80,,,no,active',
        'EORE,Explosive Ordnance Risk Education,,IMAS 12.10,Basic,3,70,80,36,EOD-9,false,draft',
      ].join('\r\n');
      const res = await importCsv('courses', csv, '?skipInvalid=true');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        dryRun: false,
        received: 3,
        imported: 2,
        unchanged: 0,
        // The multi-line record takes lines 2-3, so EORE is on line 5.
        invalidCount: 1,
        invalid: [{ row: 5, column: 'prerequisiteCodes', message: 'No course has the code EOD-9' }],
      });
      const list = await t.http.get('/api/v1/courses?q=EOD').set(admin.auth);
      const byCode = new Map(
        (list.body.items as { code: string; id: string }[]).map((c) => [c.code, c]),
      );
      expect(byCode.get('EOD-2')).toMatchObject({
        description: 'Builds on EOD 1.\r\nLive demolitions, "render safe" procedures.',
        imasReferences: ['IMAS 09.30', 'IMAS 10.40'],
        prerequisiteCourseIds: [byCode.get('EOD-1')!.id],
        requiresMedicalClearance: true,
        validityMonths: 24,
      });
      expect(byCode.get('EOD-1')).toMatchObject({ validityMonths: null });
      expect(await count('audit_events', "action = 'course.created'")).toBe(2);
    });

    it('imports the trainees one instructor may supervise, empty for no limit', async () => {
      const csv = [
        'code;title;level;durationDays;passMark;minAttendancePercent;validityMonths;maxTraineesPerInstructor',
        'DEMO-1;Demolitions;EOD 2;5;70;80;24;4',
        'EORE-2;Risk education;Basic;2;70;80;;',
        'BAD-1;Bad ratio;Basic;2;70;80;;0',
      ].join('\n');
      const res = await importCsv('courses', csv, '?skipInvalid=true');
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ imported: 2, invalidCount: 1 });
      expect((res.body as Report).invalid.map((p) => [p.row, p.column])).toEqual([
        [4, 'maxTraineesPerInstructor'],
      ]);
      const list = await t.http.get('/api/v1/courses?q=DEMO-1').set(admin.auth);
      expect(list.body.items[0]).toMatchObject({ code: 'DEMO-1', maxTraineesPerInstructor: 4 });
      const other = await t.http.get('/api/v1/courses?q=EORE-2').set(admin.auth);
      expect(other.body.items[0]).toMatchObject({ maxTraineesPerInstructor: null });
    });

    it('refuses prerequisites that go round in a circle', async () => {
      const csv = [
        'code,title,level,durationDays,passMark,minAttendancePercent,validityMonths,prerequisiteCodes',
        'TL-1,Team leader,TL,5,70,80,24,SUP-1',
        'SUP-1,Supervisor,SUP,5,70,80,24,TL-1',
      ].join('\n');
      const res = await importCsv('courses', csv, '?dryRun=true');
      expect(res.status).toBe(200);
      expect((res.body as Report).invalid.map((p) => [p.row, p.column])).toEqual([
        [2, 'prerequisiteCodes'],
        [3, 'prerequisiteCodes'],
      ]);
      expect((res.body as Report).imported).toBe(0);
    });
  });

  describe('legacy certificates', () => {
    let oleg: { id: string };
    const serial = 'AZ-EOD1/2019/0042';

    beforeAll(async () => {
      [oleg] = (await t.db.query("SELECT id FROM trainees WHERE given_name = 'Олег'")) as {
        id: string;
      }[];
    });

    const certificatesCsv = () =>
      BOM +
      [
        'serial;traineeId;givenName;familyName;dateOfBirth;nationality;courseCode;issuedOn;validUntil;status;statusReason',
        // Named by natural key, typed without Azerbaijani letters: the identity key folds them.
        `${serial.toLowerCase()};;Aynur;Mammadova;1995-04-12;AZ;EOD-1;10.05.2019;2030-05-09;;`,
        `LEG-2015-0007;${oleg.id};;;;;eod-1;2015-03-01;2017-02-28;expired;`,
        `LEG-2016-0100;${oleg.id};;;;;EOD-2;2016-03-01;;revoked;fraud_or_misconduct`,
        'LEG-2018-0001;;Nobody;Known;1970-01-01;AZ;EOD-1;2018-01-01;;;',
        `LEG-2018-0002;${oleg.id};;;;;EOD-1;2018-01-01;2017-01-01;;`,
      ].join('\r\n');

    it('imports them marked imported, signed, with their original serials and dates', async () => {
      const res = await importCsv('certificates', certificatesCsv(), '?skipInvalid=true');
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        dryRun: false,
        received: 5,
        imported: 3,
        unchanged: 0,
        invalidCount: 2,
        invalid: [
          {
            row: 5,
            column: 'givenName',
            message:
              'No trainee has these names, date of birth and nationality: import the trainees first',
          },
          { row: 6, column: 'validUntil', message: 'validUntil must not be before issuedOn' },
        ],
      });
      const rows = (await t.db.query(
        `SELECT serial, status, status_reason, valid_until, imported, session_id, credential_jwt
           FROM certificates WHERE imported ORDER BY serial`,
      )) as Record<string, unknown>[];
      expect(rows.map((r) => [r.serial, r.status, r.status_reason, r.valid_until])).toEqual([
        [serial, 'active', null, '2030-05-09'],
        ['LEG-2015-0007', 'active', null, '2017-02-28'],
        // No validUntil given: issuedOn + the course's 24 months.
        ['LEG-2016-0100', 'revoked', 'fraud_or_misconduct', '2018-03-01'],
      ]);
      expect(
        rows.every((r) => r.session_id === null && String(r.credential_jwt).length > 100),
      ).toBe(true);
      expect(await count('audit_events', "action = 'certificate.imported'")).toBe(3);
    });

    it('verifies through GET /verify/:serial and POST /verify with its vc+jwt', async () => {
      const page = await t.http
        .get(`/verify/${encodeURIComponent(serial)}`)
        .set('Accept', 'application/json');
      expect(page.status).toBe(200);
      expect(page.body).toMatchObject({
        serial,
        valid: true,
        status: 'active',
        holder: 'A. Məmmədova',
        course: { code: 'EOD-1' },
        validUntil: '2030-05-09',
      });
      expect(page.body.issuedAt).toMatch(/^2019-05-10T/);

      const [{ id }] = (await t.db.query('SELECT id FROM certificates WHERE serial = $1', [
        serial,
      ])) as { id: string }[];
      const cert = await t.http.get(`/api/v1/certificates/${id}`).set(admin.auth);
      expect(cert.body).toMatchObject({ serial, imported: true, sessionId: null, issuedBy: null });
      const credential = await t.http.get(`/api/v1/certificates/${id}/credential`).set(admin.auth);
      expect(credential.status).toBe(200);
      const jwt = (credential.body as { jwt: string }).jwt;
      const verified = await t.http.post('/verify').send({ credential: jwt });
      expect(verified.status).toBe(200);
      expect(verified.body).toMatchObject({ signatureValid: true, valid: true, status: 'active' });

      const revoked = await t.http.get('/verify/LEG-2016-0100').set('Accept', 'application/json');
      expect(revoked.body).toMatchObject({ valid: false, status: 'revoked' });
      const expired = await t.http.get('/verify/leg-2015-0007').set('Accept', 'application/json');
      expect(expired.body).toMatchObject({ valid: false, status: 'expired' });
    });

    it('re-importing changes nothing; a serial already used for someone else is refused', async () => {
      const again = await importCsv('certificates', certificatesCsv(), '?skipInvalid=true');
      expect(again.body).toMatchObject({ imported: 0, unchanged: 3 });
      const clash = await importCsv(
        'certificates',
        `serial,traineeId,courseCode,issuedOn\n${serial},${oleg.id},EOD-1,2019-05-10\n`,
        '?dryRun=true',
      );
      expect((clash.body as Report).invalid).toEqual([
        {
          row: 2,
          column: 'serial',
          message: 'This serial belongs to another certificate (a different holder or course)',
        },
      ]);
    });
  });

  describe('exports', () => {
    it('streams trainees as CSV with a BOM that parses back and re-imports as unchanged', async () => {
      const res = await download('trainees');
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/csv/);
      expect(res.headers['content-disposition']).toMatch(/^attachment; filename="trainees-/);
      const text = res.body as string;
      expect(text.startsWith(BOM)).toBe(true);
      const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
      expect(records).toHaveLength(await count('trainees'));
      expect(records).toContainEqual(
        expect.objectContaining({
          givenName: 'Aynur',
          familyName: 'Məmmədova',
          dateOfBirth: '1995-04-12',
          organisation: ANAMA,
          organisationId: anama.id,
        }),
      );
      const again = await importCsv('trainees', text);
      expect(again.status).toBe(200);
      expect(again.body).toMatchObject({ imported: 0, unchanged: records.length, invalid: [] });
    });

    it('neutralises formulas wherever a spreadsheet could start a cell, and re-imports as unchanged', async () => {
      const victim = await makeOrganisation(t.db, { name: 'Victim;=2+3;x' });
      const dde = await makeOrganisation(t.db, { name: "=cmd|' /C calc'!A0" });
      await makeTrainee(t.db, { givenName: '=Leyla', organisationId: victim.id });
      await makeTrainee(t.db, { givenName: 'Smith-Jones', organisationId: dde.id });
      const text = (await download('trainees')).body as string;
      expect(text).toContain(`"Victim;'=2+3;x"`);
      expect(text).toContain(`"'=cmd|' /C calc'!A0"`);
      expect(text).toContain(`"'=Leyla"`);
      expect(text).toContain(',Smith-Jones,');
      expect(formulaCells(text)).toEqual([]);
      const records = parse(text, { bom: true, columns: true }) as Record<string, string>[];
      const again = await importCsv('trainees', text);
      expect(again.body).toMatchObject({ imported: 0, unchanged: records.length, invalid: [] });
    });

    it('gives certificates with their current status, to auditors too', async () => {
      const res = await download('certificates', auditor);
      expect(res.status).toBe(200);
      const records = parse(res.body as string, { bom: true, columns: true }) as Record<
        string,
        string
      >[];
      const bySerial = new Map(records.map((r) => [r.serial, r]));
      expect(bySerial.get('LEG-2015-0007')).toMatchObject({
        status: 'expired',
        issuedOn: '2015-03-01',
        courseCode: 'EOD-1',
        imported: 'true',
      });
      expect(bySerial.get('LEG-2016-0100')).toMatchObject({
        status: 'revoked',
        statusReason: 'fraud_or_misconduct',
      });
      const again = await importCsv('certificates', res.body as string);
      expect(again.body).toMatchObject({ imported: 0, unchanged: records.length, invalid: [] });
    });

    it('gives enrolments with a header row even when there are none', async () => {
      const res = await download('enrolments');
      expect(res.status).toBe(200);
      expect((res.body as string).split('\r\n')[0]).toBe(
        `${BOM}id,sessionId,courseCode,sessionStartsOn,sessionEndsOn,traineeId,givenName,familyName,status,waitlistPosition,attendancePercent,theoryScore,practicalScore,passed,certificateSerial,createdAt`,
      );
      expectError(await t.http.get('/api/v1/exports/users').set(admin.auth), 404);
    });
  });

  describe('access and request shape', () => {
    it('lets only admins import; auditors, trainees and strangers are refused', async () => {
      expectError(await importCsv('trainees', TRAINEES_CSV, '', auditor), 403);
      const trainee = await createUser(t, ['trainee']);
      expectError(await importCsv('trainees', TRAINEES_CSV, '', trainee), 403);
      expectError(await t.http.get('/api/v1/exports/trainees').set(trainee.auth), 403);
      const anonymous = await t.http
        .post('/api/v1/imports/trainees')
        .set('Content-Type', 'text/csv')
        .send('givenName\n');
      expectError(anonymous, 401);
    });

    it('refuses a file over 50,000 rows or 10 MB with 413, a dry run too, and lists at most 1,000 problems', async () => {
      const before = await count('trainees');
      const file = (rows: number) =>
        `givenName,familyName,dateOfBirth,sex,nationality\n${Array.from(
          { length: rows },
          (_, i) => `Ann,Lee-${i.toString(36)},1990-01-01,unknown,AZ`,
        ).join('\n')}\n`;
      const overRows = expectError(
        await importCsv('trainees', file(50_001), '?dryRun=true'),
        413,
        'PAYLOAD_TOO_LARGE',
      );
      expect(overRows.message).toMatch(/more than 50,000 rows/);
      const overBytes = Buffer.alloc(10 * 1024 * 1024 + 1, 'a');
      expect(
        expectError(await importCsv('trainees', overBytes, '?dryRun=true'), 413).message,
      ).toMatch(/larger than 10 MB/);
      expectError(
        await t.http
          .post('/api/v1/imports/trainees?dryRun=true')
          .set(admin.auth)
          .attach('file', overBytes, 'people.csv'),
        413,
        'PAYLOAD_TOO_LARGE',
      );

      // 50,000 rows is allowed; every row is checked and counted, the first 1,000 are listed.
      const atLimit = await importCsv('trainees', file(50_000), '?dryRun=true');
      expect(atLimit.status).toBe(200);
      const report = atLimit.body as Report & { invalidCount: number };
      expect(report).toMatchObject({ received: 50_000, imported: 0, invalidCount: 50_000 });
      expect(report.invalid).toHaveLength(1_000);
      expect(report.invalid.map((p) => p.row)).toEqual(
        Array.from({ length: 1_000 }, (_, i) => i + 2),
      );

      const refused = expectError(await importCsv('trainees', file(1_500)), 422, 'INVALID_ROWS');
      expect(refused.message).toMatch(/^1500 rows have problems/);
      expect(refused.details).toMatchObject({ invalidCount: 1_500 });
      expect((refused.details as { invalid: unknown[] }).invalid).toHaveLength(1_000);
      expect(await count('trainees')).toBe(before);
    });

    it('keeps the 1 MB limit for JSON, and for CSV sent anywhere but an import', async () => {
      const big = 'x'.repeat(1024 * 1024 + 1);
      expectError(
        await t.http
          .post('/api/v1/organisations')
          .set(admin.auth)
          .set('Content-Type', 'text/csv')
          .send(big),
        413,
      );
      expectError(
        await t.http
          .post('/api/v1/imports/trainees')
          .set(admin.auth)
          .set('Content-Type', 'application/json')
          .send(JSON.stringify({ padding: big })),
        413,
      );
    });

    it('answers 404 for an unknown kind, 415 for JSON, 400 for a bad flag', async () => {
      expectError(await importCsv('users', 'email\n'), 404);
      expectError(
        await t.http.post('/api/v1/imports/trainees').set(admin.auth).send({ givenName: 'A' }),
        415,
      );
      expectError(await importCsv('trainees', 'x\n', '?dryRun=yes'), 400, 'VALIDATION_FAILED');
    });

    it('leaves the audit chain intact after bulk writes', async () => {
      const res = await t.http.get('/api/v1/audit-events/verification').set(auditor.auth);
      expect(res.body).toMatchObject({ intact: true, firstBrokenId: null });
      expect(res.body.checked).toBeGreaterThan(6_500);
    });
  });

  describe('command line', () => {
    let dir: string;

    beforeAll(async () => {
      dir = await mkdtemp(join(tmpdir(), 'coe-cli-'));
    });

    async function cli(...argv: string[]) {
      const stdout = new PassThrough();
      const stderr = new PassThrough();
      const out: string[] = [];
      const err: string[] = [];
      stdout.on('data', (c: Buffer) => out.push(c.toString()));
      stderr.on('data', (c: Buffer) => err.push(c.toString()));
      const env: CliEnvironment = {
        io: { stdout, stderr, stdin: new PassThrough(), progress: false },
        openApp: () => Promise.resolve({ app: t.app, close: () => Promise.resolve() }),
        locateDatabase: () => Promise.resolve({ kind: 'url', url: 'postgres://coe:secret@db/coe' }),
      };
      const code = await runCli(argv, env);
      return { code, stdout: out.join(''), stderr: err.join('') };
    }

    it('imports a file with exit code 3 for invalid rows and 0 when clean', async () => {
      const file = join(dir, 'trainees.csv');
      await writeFile(file, TRAINEES_CSV);
      const dry = await cli('import', 'trainees', file, '--dry-run');
      expect(dry.code).toBe(3);
      expect(dry.stdout).toContain('row 8, Date of birth: dateOfBirth must be a date written');
      expect(dry.stdout).toContain('Dry run: nothing was written.');

      const clean = join(dir, 'clean.csv');
      await writeFile(
        clean,
        'givenName,familyName,dateOfBirth,sex,nationality\nZaur,Məlikov,1980-08-08,male,AZ\n',
      );
      const done = await cli('import', 'trainees', clean, '--json');
      expect(done.code).toBe(0);
      expect(JSON.parse(done.stdout)).toMatchObject({ imported: 1, unchanged: 0, invalid: [] });
      const again = await cli('import', 'trainees', clean);
      expect(again.code).toBe(0);
      expect(again.stdout).toContain('imported 0, unchanged 1, invalid rows 0');
    });

    it('counts every problem past the 1,000 a report lists', async () => {
      const file = join(dir, 'many-bad.csv');
      const bad = Array.from({ length: 1_200 }, (_, i) => `Name${i},Family,not-a-date,male,AZ`);
      await writeFile(
        file,
        `givenName,familyName,dateOfBirth,sex,nationality\n${bad.join('\n')}\n`,
      );
      const dry = await cli('import', 'trainees', file, '--dry-run');
      expect(dry.code).toBe(3);
      expect(dry.stdout).toContain('invalid rows at least 1000');
      expect(dry.stdout).toMatch(/\.\.\. and 1100 more \(--json lists the first 1000\)/);
    });

    it('exports to a file, verifies the audit chain, shows the database', async () => {
      const out = join(dir, 'certificates.csv');
      const exported = await cli('export', 'certificates', '--out', out);
      expect(exported.code).toBe(0);
      expect(exported.stderr).toMatch(/Exported \d+ certificates/);
      expect((await readFile(out, 'utf8')).startsWith(`${BOM}id,serial,`)).toBe(true);

      const audit = await cli('verify-audit');
      expect(audit).toMatchObject({ code: 0 });
      expect(audit.stdout).toMatch(/Audit trail intact: \d+ events checked/);

      const where = await cli('db-location');
      expect(where.stdout).toContain('postgres://coe:***@db/coe');
    });

    it('creates an admin who can sign in; weak passwords and bad usage exit 2', async () => {
      expect(
        (await cli('create-admin', '--email', 'ops@coe.test', '--password', 'password1')).code,
      ).toBe(2);
      const created = await cli(
        'create-admin',
        '--email',
        'ops@coe.test',
        '--password',
        'Goygol-Field-Range-9',
      );
      expect(created.code).toBe(0);
      const login = await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'ops@coe.test', password: 'Goygol-Field-Range-9' });
      expect(login.body.user.roles).toEqual(['admin']);
      expect(
        (await cli('create-admin', '--email', 'ops@coe.test', '--password', 'Goygol-Field-Range-9'))
          .code,
      ).toBe(1);

      expect((await cli()).code).toBe(2);
      expect((await cli('frobnicate')).code).toBe(2);
      expect((await cli('import', 'users', 'x.csv')).code).toBe(2);
      expect((await cli('import', 'trainees', '--nope')).code).toBe(2);
      const help = await cli('import', '--help');
      expect(help.code).toBe(0);
      expect(help.stdout).toContain('Exit codes:');
    });

    it('rotates the signing key; earlier credentials still verify', async () => {
      const before = (await t.http.get('/.well-known/jwks.json')).body.keys.length as number;
      const rotated = await cli('rotate-key');
      expect(rotated.code).toBe(0);
      expect(rotated.stdout).toMatch(/^New signing key \S+ \(retired \S+\)/);
      expect((await t.http.get('/.well-known/jwks.json')).body.keys).toHaveLength(before + 1);
    });
  });
});
