#!/usr/bin/env node
// Renders sample certificates and attendance sheets and checks them with tools nobody here wrote
// (poppler's pdftotext and pdfinfo, qpdf), as docs/conformance.md describes (issue 18):
//   npm run build && node scripts/pdf-check.mjs [build directory, default dist] [output directory]
// Each PDF must extract without ligatures (U+FB00-FB06) and with its searched words, say
// "Tagged: yes", PDF 1.7, its title and language, and pass qpdf --check. With pdftoppm present,
// each page is also rendered to PNG in the output directory for a person to look at.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const build = resolve(process.argv[2] ?? 'dist');
const out = resolve(process.argv[3] ?? '/tmp/pdf-check');
mkdirSync(out, { recursive: true });
const load = (path) => import(pathToFileURL(resolve(build, path)).href);
const { renderCertificatePdf } = await load('src/certifications/pdf/certificate-pdf.js');
const { renderAttendanceSheetPdf } = await load(
  'src/enrolments/attendance-sheet/attendance-sheet-pdf.js',
);

const has = (tool) => {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
};
const run = (tool, args) => execFileSync(tool, args, { encoding: 'utf8' });

const certificate = {
  serial: 'COE-EOD2-2026-7KQ4M2',
  holderName: 'Fikrət Şıxəliyev',
  courseCode: 'EOD-2',
  courseTitle: 'Field officer qualification: flail and offset clearance',
  courseLevel: 'EOD 2',
  imasReferences: ['IMAS 09.30'],
  issuedOn: '2026-03-20',
  validUntil: '2028-03-19',
  issuerName: 'Mine Action Center of Excellence',
  instructorName: 'Rəşad Əliyev',
  sessionLocation: 'Goygol field training area',
  sessionDates: { startsOn: '2026-03-02', endsOn: '2026-03-20' },
  verificationUrl: 'https://coe.example.az/verify/COE-EOD2-2026-7KQ4M2',
  status: 'active',
  translatedTitles: {
    az: 'Partlayıcı sursatların zərərsizləşdirilməsi və fiziki mühafizə',
    ru: 'Обезвреживание взрывоопасных предметов, уровень 2',
  },
};
const days = (n) =>
  Array.from({ length: n }, (_, i) =>
    new Date(Date.UTC(2027, 2, 1 + i)).toISOString().slice(0, 10),
  );
const sheet = (language, dayCount, trainees) => ({
  language,
  centerName: 'Mine Action Center of Excellence',
  course: { code: 'EOD-2', title: 'Field officer qualification, offset drill' },
  location: 'Göygöl tədris sahəsi',
  startsOn: days(dayCount)[0],
  endsOn: days(dayCount).at(-1),
  days: days(dayCount),
  instructors: [{ name: 'Rəşad Əliyev', lead: true }],
  trainees: Array.from({ length: trainees }, (_, i) => ({
    name: `Filatova Aynur ${i + 1}`,
    organisation: i % 2 ? 'ANAMA field office' : null,
  })),
});

const samples = [
  [
    'certificate-en',
    'en',
    await renderCertificatePdf(certificate),
    ['Certificate of Competence', 'officer', 'flail'],
  ],
  [
    'certificate-az',
    'az',
    await renderCertificatePdf({ ...certificate, language: 'az' }),
    ['Səriştə Sertifikatı', 'fiziki'],
  ],
  [
    'certificate-ru-revoked',
    'ru',
    await renderCertificatePdf({
      ...certificate,
      russian: true,
      language: 'ru',
      status: 'revoked',
    }),
    ['Сертификат компетентности', 'REVOKED', 'Certificate of Competence'],
  ],
  [
    'sheet-az',
    'az',
    await renderAttendanceSheetPdf(sheet('az', 5, 6)),
    ['Davamiyyət vərəqi', 'Field officer', 'Filatova Aynur 6'],
  ],
  [
    'sheet-ru-25-days',
    'ru',
    await renderAttendanceSheetPdf(sheet('ru', 25, 30)),
    ['Лист посещаемости', 'offset', 'Filatova Aynur 30'],
  ],
  [
    'sheet-en-empty',
    'en',
    await renderAttendanceSheetPdf(sheet('en', 3, 0)),
    ['Attendance sheet', 'No trainee holds a seat'],
  ],
];

const tools = Object.fromEntries(
  ['pdftotext', 'pdfinfo', 'qpdf', 'pdftoppm'].map((t) => [t, has(t)]),
);
console.log(`Output in ${out}; tools: ${JSON.stringify(tools)}`);
let failures = 0;
const check = (name, ok, detail) => {
  if (!ok) failures++;
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
};
for (const [name, lang, pdf, words] of samples) {
  const file = `${out}/${name}.pdf`;
  writeFileSync(file, pdf);
  if (tools.pdftotext) {
    const text = run('pdftotext', ['-enc', 'UTF-8', file, '-']);
    const ligatures = text.match(/[\uFB00-\uFB06]/g) ?? [];
    check(name, ligatures.length === 0, `pdftotext: ${ligatures.length} ligature characters`);
    const missing = words.filter((w) => !text.includes(w));
    check(
      name,
      missing.length === 0,
      `pdftotext finds ${words.length - missing.length}/${words.length} words${missing.length ? ` (missing: ${missing.join(', ')})` : ''}`,
    );
  }
  if (tools.pdfinfo) {
    const info = run('pdfinfo', [file]);
    const field = (key) => info.match(new RegExp(`^${key}:\\s*(.*)$`, 'm'))?.[1] ?? '';
    const ok =
      field('Tagged') === 'yes' &&
      field('PDF version') === '1.7' &&
      field('Title') !== '' &&
      field('Metadata Stream') === 'yes';
    check(
      name,
      ok,
      `pdfinfo: Tagged ${field('Tagged')}, PDF ${field('PDF version')}, Metadata Stream ${field('Metadata Stream')}, Pages ${field('Pages')}, Title "${field('Title')}"`,
    );
    const catalog = tools.qpdf ? run('qpdf', ['--show-object=trailer', file]) : '';
    if (tools.qpdf) {
      const root = catalog.match(/\/Root (\d+) 0 R/)?.[1];
      const rootDict = run('qpdf', [`--show-object=${root}`, file]);
      check(
        name,
        rootDict.includes(`/Lang (${lang})`),
        `catalog /Lang: ${rootDict.match(/\/Lang \(([^)]*)\)/)?.[1] ?? 'none'}`,
      );
    }
  }
  if (tools.qpdf) {
    let result;
    try {
      result = run('qpdf', ['--check', file]);
    } catch (error) {
      result = `${error.stdout ?? ''}${error.stderr ?? ''}`;
    }
    check(
      name,
      /No syntax or stream encoding errors/.test(result),
      `qpdf --check: ${result.match(/No syntax or stream encoding errors found|\S.*error.*/i)?.[0] ?? result.trim()}`,
    );
  }
  if (tools.pdftoppm) run('pdftoppm', ['-r', '60', '-png', file, `${out}/${name}`]);
}
if (!tools.pdftotext || !tools.pdfinfo || !tools.qpdf) {
  console.log('Some checks were skipped: apt-get install poppler-utils qpdf');
}
console.log(failures === 0 ? 'All checks passed.' : `${failures} check(s) failed.`);
process.exit(failures === 0 ? 0 : 1);
