import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Enrolment } from '../src/enrolments/enrolment.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, type SignedInUser } from './factories.js';
import {
  assign,
  makeCertificate,
  makeCourse,
  makeInstructor,
  makeOrganisation,
  makeSession,
  makeTrainee,
} from './fixtures.js';
import { flatten, LIGATURES, readPdf, type ReadPdf, type StructElement } from './pdf-reader.js';

/**
 * Issue 18: the certificate and the attendance sheet as a search, an archive and a screen reader
 * meet them. The text extracts without ligatures (a search finds "Certificate"); each PDF is
 * tagged, in the holder's or the session's language, with its title and the Center in the info
 * dictionary and the XMP metadata; the structure tree reads the page in order, and every piece
 * of printed text is either in it or an artifact.
 */

const CENTER = 'Mine Action Center of Excellence';
// Words that OpenType ligatures used to join: fi, fl, ff, ffi in English and fi in Azerbaijani.
const ORIGINAL = {
  title: 'Field officer qualification: flail and offset clearance',
  level: 'EOD 2',
};
const AZ = { title: 'Partlayıcı sursatların zərərsizləşdirilməsi və fiziki mühafizə' };
const RU = { title: 'Обезвреживание взрывоопасных предметов, уровень 2' };

const asBuffer = (req: ReturnType<TestApp['http']['get']>) =>
  req.buffer(true).parse((res, cb) => {
    const chunks: Buffer[] = [];
    res.on('data', (c: Buffer) => chunks.push(c));
    res.on('end', () => cb(null, Buffer.concat(chunks)));
  });

// Trainees of the same name need different birth dates: the register keeps one record a person.
let born = 0;
const birthDate = () => `1990-01-${String((born++ % 28) + 1).padStart(2, '0')}`;

const roles = (elements: StructElement[]) => flatten(elements).map((e) => e.role);
const find = (elements: StructElement[], role: string) =>
  flatten(elements).filter((e) => e.role === role);

/** What holds for every PDF we print: searchable text, tags, language, metadata. */
function expectAccessible(pdf: ReadPdf, lang: string, title: string): void {
  expect(pdf.info.Language).toBe(lang);
  expect(pdf.info.Title).toBe(title);
  expect(pdf.info.Author).toBe(CENTER);
  expect(pdf.info.Creator).toBe(CENTER);
  expect(pdf.info.PDFFormatVersion).toBe('1.7');
  expect(pdf.markInfo?.Marked).toBe(true);
  // The XMP packet parses as XML and says the same.
  expect(pdf.xmp?.get('dc:title')).toBe(title);
  expect(pdf.xmp?.get('dc:language')).toBe(lang);
  expect(pdf.xmp?.get('dc:creator')).toEqual([CENTER]);
  for (const page of pdf.pages) {
    expect(page.text).not.toMatch(LIGATURES);
    expect(page.untagged).toEqual([]);
    expect(page.tree.map((e) => e.role)).toEqual(['Document']);
  }
}

describe('PDF text extraction, tags, language and metadata (issue 18)', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  describe('the certificate', () => {
    let courseId: string;
    let courseCode: string;
    const certificateOf = async (country: string, status: 'active' | 'revoked' = 'active') => {
      const organisation = await makeOrganisation(t.db, { country });
      const trainee = await makeTrainee(t.db, {
        givenName: 'Fikrət',
        familyName: 'Şıxəliyev',
        dateOfBirth: birthDate(),
        organisationId: organisation.id,
      });
      const certificate = await makeCertificate(t.db, { traineeId: trainee.id, courseId, status });
      const res = await asBuffer(
        t.http.get(`/api/v1/certificates/${certificate.id}/pdf`).set(admin.auth),
      );
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toBe('application/pdf');
      return { serial: certificate.serial, pdf: await readPdf(res.body as Buffer) };
    };

    beforeAll(async () => {
      const course = await makeCourse(t.db, { ...ORIGINAL, translations: { az: AZ, ru: RU } });
      courseId = course.id;
      courseCode = course.code;
    });

    it.each([
      ['GB', 'en', 'Certificate'],
      ['AZ', 'az', 'Sertifikat'],
      ['KZ', 'ru', 'Сертификат'],
    ])(
      'a holder in %s gets a tagged PDF in their language (%s) whose text a search finds',
      async (country, lang, titleWord) => {
        const { serial, pdf } = await certificateOf(country);
        expectAccessible(pdf, lang, `${titleWord} ${serial}`);
        expect(pdf.info.Keywords).toBe(`${serial}, ${courseCode}`);
        const localTitle = lang === 'az' ? AZ.title : lang === 'ru' ? RU.title : ORIGINAL.title;
        expect(pdf.info.Subject).toBe(`${courseCode} ${localTitle}`);
        expect(pdf.xmp?.get('pdf:keywords')).toBe(`${serial}, ${courseCode}`);

        const [page] = pdf.pages;
        expect(pdf.pages).toHaveLength(1);
        // A plain search, as a viewer or pdftotext does it, without Unicode normalisation.
        for (const words of [
          'Certificate of Competence',
          'Səriştə Sertifikatı',
          'This certifies that',
          ORIGINAL.title,
          AZ.title,
          'Fikrət Şıxəliyev',
          serial,
        ]) {
          expect(page.text).toContain(words);
        }

        // Read in order: who issues, what it is, to whom, for what, the facts, the QR code.
        const [document] = page.tree;
        const order = flatten([document]).map((e) => e.text);
        const at = (text: string) => order.findIndex((e) => e.includes(text));
        const sequence = [
          CENTER,
          'Certificate of Competence',
          'This certifies that',
          'Fikrət Şıxəliyev',
          ORIGINAL.title,
          AZ.title,
          `Course / Kurs: ${courseCode}`,
          serial,
          'Issued / Verilmə tarixi',
          'Valid until / Etibarlıdır',
          'Verify at / Yoxlamaq üçün',
        ].map(at);
        expect(sequence.every((index) => index >= 0)).toBe(true);
        expect([...sequence].sort((a, b) => a - b)).toEqual(sequence);

        const [heading] = find(page.tree, 'H1');
        expect(heading).toMatchObject({ text: 'Certificate of Competence', lang: 'en' });
        expect(find(page.tree, 'P').find((p) => p.text === AZ.title)?.lang).toBe('az');
        if (lang === 'ru') {
          expect(find(page.tree, 'P').find((p) => p.text === RU.title)?.lang).toBe('ru');
        }
        const [figure] = find(page.tree, 'Figure');
        expect(figure.alt).toContain(serial);
        expect(roles(page.tree).indexOf('Figure')).toBe(roles(page.tree).length - 1);
        // The frame and rules are artifacts, and they carry no text.
        expect(page.artifactText).toEqual([]);
      },
    );

    it("reads a revoked certificate's warning first, once, and keeps the stamp out of the tree", async () => {
      const { pdf } = await certificateOf('GB', 'revoked');
      const [page] = pdf.pages;
      const [document] = page.tree;
      expect(document.children[0].role).toBe('P');
      expect(document.children[0].text).toBe('REVOKED — NOT VALID · LƏĞV EDİLİB — ETİBARSIZDIR');
      // The diagonal stamp repeats the warning on paper; a screen reader hears it once.
      expect(page.artifactText).toEqual(['REVOKED', 'LƏĞV EDİLİB']);
      expect(document.text.match(/REVOKED/g)).toHaveLength(1);
      expect(page.text.match(/REVOKED/g)).toHaveLength(2);
    });
  });

  describe('the attendance sheet', () => {
    const sheetOf = async (language: string, days: { startsOn: string; endsOn: string }) => {
      const course = await makeCourse(t.db, { title: 'Field officer qualification, offset drill' });
      const session = await makeSession(t.db, course.id, { ...days, language });
      const instructor = await makeInstructor(t.db, { givenName: 'Rəşad', familyName: 'Əliyev' });
      await assign(t.db, session.id, instructor.id, 'lead');
      for (const familyName of ['Məmmədova', 'Şıxəliyev', 'Filatova']) {
        const trainee = await makeTrainee(t.db, {
          givenName: 'Aynur',
          familyName,
          dateOfBirth: birthDate(),
        });
        await t.db
          .getRepository(Enrolment)
          .save({ sessionId: session.id, traineeId: trainee.id, status: 'enrolled' });
      }
      const res = await asBuffer(
        t.http.get(`/api/v1/sessions/${session.id}/attendance-sheet`).set(admin.auth),
      );
      expect(res.status).toBe(200);
      return { code: course.code, pdf: await readPdf(res.body as Buffer) };
    };

    it.each([
      ['en', 'Attendance sheet', 'Instructor’s signature', 'Page 1 of 1'],
      ['az', 'Davamiyyət vərəqi', 'Təlimatçının imzası', 'Səhifə 1 / 1'],
      ['ru', 'Лист посещаемости', 'Подпись инструктора', 'Страница 1 из 1'],
    ])(
      'a session in %s gets a tagged sheet in its language, its grid a table',
      async (language, title, instructorRow, pageNumber) => {
        const { code, pdf } = await sheetOf(language, {
          startsOn: '2027-02-01',
          endsOn: '2027-02-05',
        });
        expectAccessible(pdf, language, `${title}: ${code} 2027-02-01 – 2027-02-05`);
        expect(pdf.info.Keywords).toBe(`${code}, 2027-02-01 – 2027-02-05`);
        expect(pdf.info.Subject).toBe('Field officer qualification, offset drill');
        const [page] = pdf.pages;
        expect(page.text).toContain('Field officer qualification, offset drill');

        const [heading] = find(page.tree, 'H1');
        expect(heading.text).toBe(title);
        const [table] = find(page.tree, 'Table');
        const rows = table.children;
        expect(rows.map((r) => r.role)).toEqual(['TR', 'TR', 'TR', 'TR', 'TR']);
        // The header row names the columns, a day each; each trainee's row starts with the
        // number, then the name as the row's header, then a box per day.
        expect(rows[0].children.map((c) => c.role)).toEqual(Array(7).fill('TH'));
        expect(rows[0].children[2].text).toContain('2027-02-01');
        const trainee = rows.find((r) => r.text.includes('Filatova Aynur'))!;
        expect(trainee.children.map((c) => c.role)).toEqual(['TD', 'TH', ...Array(5).fill('TD')]);
        expect(trainee.children[1].text).toBe('Filatova Aynur');
        expect(rows[4].children[1].text).toBe(instructorRow);
        // The header is read before the table, the instructor's line after it.
        const order = flatten(page.tree).map((e) => e.role);
        expect(order.indexOf('H1')).toBeLessThan(order.indexOf('Table'));
        expect(page.tree[0].children.at(-1)?.role).toBe('P');
        // The page number is a running footer, an artifact.
        expect(page.artifactText).toContain(pageNumber);
        expect(flatten(page.tree).some((e) => e.text.includes(pageNumber))).toBe(false);
      },
    );

    it('reads the header once: later pages repeat it as an artifact', async () => {
      // 13 days: two groups of days (7 and 6), each on its own landscape page.
      const { pdf } = await sheetOf('az', { startsOn: '2027-03-01', endsOn: '2027-03-13' });
      expect(pdf.pages).toHaveLength(2);
      const [first, second] = pdf.pages;
      expect(roles(first.tree)).toContain('H1');
      expect(roles(second.tree)).not.toContain('H1');
      expect(second.artifactText).toContain('Davamiyyət vərəqi');
      expect(second.text).toContain('Davamiyyət vərəqi');
      // Each group's days are a heading where the group starts, and each page has its table.
      expect(find(first.tree, 'H2').map((e) => e.text)).toEqual(['Günlər 1–7 (cəmi 13)']);
      expect(find(second.tree, 'H2').map((e) => e.text)).toEqual(['Günlər 8–13 (cəmi 13)']);
      expect(find(second.tree, 'Table')).toHaveLength(1);
      // The instructor's line is read once, after the last table.
      const line = 'Təlimatçı (ad, soyad və imza)';
      expect(flatten(first.tree).some((e) => e.text === line)).toBe(false);
      expect(first.artifactText).toContain(line);
      expect(flatten(second.tree).some((e) => e.text === line)).toBe(true);
    });
  });
});
