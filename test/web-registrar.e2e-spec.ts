import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { Lang } from '../src/web/i18n.js';
import { account, browserDescribe, BrowserHarness, m, PHONE, seen } from './browser.js';

const SAFE_FIELDS = 'Safe Fields Humanitarian Demining';

/**
 * A registrar's trainee list as a spreadsheet set to Azerbaijani saves it: semicolons, day-first
 * dates, Azerbaijani letters, and one row whose birth date cannot be read (line 5).
 */
const TRAINEES_CSV = [
  'givenName;familyName;dateOfBirth;sex;nationality;organisation',
  `Elvin;Əliyev;14.03.1991;male;AZ;${SAFE_FIELDS}`,
  `Aysel;Şükürova;1993-07-21;female;AZ;${SAFE_FIELDS}`,
  `Günay;İsmayılova;1995-01-09;female;AZ;${SAFE_FIELDS}`,
  `Orxan;Güləli;31-31-1990;male;AZ;${SAFE_FIELDS}`,
  `Rəşad;Güləli;1989-11-30;male;AZ;${SAFE_FIELDS}`,
].join('\r\n');

/** What a page measures of itself, as a script string: the test's compiler knows no DOM. */
const OVERFLOW = 'document.documentElement.scrollWidth - document.documentElement.clientWidth';

/**
 * The registrar (admin) in the web pages: importing a file through the page (dry run, its
 * report as a table, then the import) and downloading the exports; enrolling trainees of two
 * organisations from a session's roster and managing its waiting list with reasons.
 * Screenshots in test/artifacts/web/registrar-*.png.
 */
browserDescribe('registrar pages', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];
  let admin: { Authorization: string };

  beforeAll(async () => {
    t = (await harness.start()).t;
    admin = await harness.bearer('admin');
  }, 120_000);
  afterAll(() => harness.close());

  it('imports a semicolon file of trainees on a phone in Azerbaijani: the check first, then the import', async () => {
    const lang: Lang = 'az';
    const page = await harness.open(lang, PHONE);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, '/app/data', lang);
    await seen(page.getByRole('heading', { level: 1, name: m(lang, 'data.title') }));

    await page.getByLabel(m(lang, 'data.kind')).selectOption('trainees');
    await page.getByLabel(m(lang, 'data.file'), { exact: true }).setInputFiles({
      name: 'kursantlar.csv',
      mimeType: 'text/csv',
      buffer: Buffer.from(TRAINEES_CSV, 'utf8'),
    });
    await page.getByRole('button', { name: m(lang, 'data.check') }).click();
    await seen(page.getByRole('heading', { name: m(lang, 'data.dryRunReport') }));
    // The bad row: its line in the file, its column, the server's words.
    const problem = page.locator('table tbody tr').filter({ hasText: 'dateOfBirth' });
    await seen(problem);
    expect(await problem.locator('td').nth(0).innerText()).toContain('5');
    expect(await problem.locator('td').nth(1).innerText()).toContain('dateOfBirth');
    const counts = await page.locator('.facts').first().innerText();
    expect(counts).toContain(m(lang, 'data.received'));
    expect(counts).toMatch(/\b5\b/);
    // Nothing written by the check.
    const before = await t.http.get('/api/v1/trainees').query({ q: 'Şükürova' }).set(admin);
    expect(before.body.items).toEqual([]);
    expect(await page.evaluate<number>(OVERFLOW)).toBeLessThanOrEqual(0);
    await harness.shot(page, 'registrar-import-check-phone-az');

    // Importing with a row at fault is a choice made knowingly: the button waits for it.
    const importButton = page.getByRole('button', { name: m(lang, 'data.import'), exact: true });
    expect(await importButton.isDisabled()).toBe(true);
    await page.getByLabel(m(lang, 'data.skipInvalid')).check();
    await importButton.click();
    await seen(page.getByRole('heading', { name: m(lang, 'data.result') }));
    await seen(page.getByText(m(lang, 'data.done', { n: '4', unchanged: '0' })));
    expect(harness.dialogs.at(-1)).toBe(m(lang, 'data.confirmSkip', { n: '4', invalid: '1' }));

    // The trainees are in the register, under their own names.
    await harness.go(page, '/app/trainees?q=%C5%9E%C3%BCk%C3%BCrova', lang);
    await seen(page.getByRole('link', { name: 'Aysel Şükürova' }));
    const imported = await t.http.get('/api/v1/trainees').query({ q: 'Güləli' }).set(admin);
    expect(imported.body.items.map((p: { givenName: string }) => p.givenName)).toEqual(['Rəşad']);
    expect(harness.pageErrors).toEqual([]);
  });

  it('downloads each export as a file', async () => {
    const lang: Lang = 'ru';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('admin'));
    await page.getByRole('link', { name: m(lang, 'nav.data') }).click();
    await seen(page.getByRole('heading', { level: 1, name: m(lang, 'data.title') }));
    for (const kind of ['trainees', 'certificates', 'enrolments'] as const) {
      const [download] = await Promise.all([
        page.waitForEvent('download'),
        page.getByRole('link', { name: m(lang, `exportKind.${kind}`) }).click(),
      ]);
      expect(download.suggestedFilename()).toMatch(
        new RegExp(`^${kind}-\\d{4}-\\d{2}-\\d{2}\\.csv$`),
      );
      const text = await readFile((await download.path())!, 'utf8');
      expect(text.split('\r\n')[0]).toContain(kind === 'certificates' ? 'serial' : 'givenName');
      if (kind === 'trainees') expect(text).toContain('İsmayılova');
    }
    // An auditor exports too, and is offered no import.
    const auditor = await harness.open(lang);
    await harness.signIn(auditor, lang, account('auditor'));
    await auditor.getByRole('link', { name: m(lang, 'nav.data') }).click();
    await seen(auditor.getByRole('heading', { name: m(lang, 'data.exportTitle') }));
    expect(await auditor.getByRole('heading', { name: m(lang, 'data.importTitle') }).count()).toBe(
      0,
    );
    // A trainee sees neither.
    const trainee = await harness.open(lang);
    await harness.signIn(trainee, lang, account('trainee'));
    expect(await trainee.getByRole('link', { name: m(lang, 'nav.data') }).count()).toBe(0);
    expect(harness.pageErrors).toEqual([]);
  });
});
