import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { account, browserDescribe, BrowserHarness, m, seen } from './browser.js';

/**
 * The catalogue in the reader's language (issue 17): the server answers each course's title and
 * level in the page's language (Accept-Language from the page), and the page shows what it got,
 * the original beside the code only where a course has no translation.
 */
browserDescribe('web: courses in the page’s language; trainees’ identity documents', () => {
  const harness = new BrowserHarness();

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(() => harness.close());

  it.each([
    ['az', 'Partlayıcı sursatların zərərsizləşdirilməsi, 1-ci səviyyə', 'Əsas'],
    ['ru', 'Обезвреживание взрывоопасных предметов, уровень 1', 'Базовый'],
    ['en', 'Explosive Ordnance Disposal Level 1', 'Basic'],
  ] as const)(
    'in %s',
    async (lang, eodTitle, basicLevel) => {
      const page = await harness.open(lang);
      await harness.signIn(page, lang, account('trainee'));
      await harness.go(page, '/app/catalogue', lang);
      const course = (code: string) =>
        page
          .locator('article.course')
          .filter({ has: page.locator('.course__code', { hasText: new RegExp(`^${code}$`) }) });
      const eod = course('EOD-1');
      await seen(eod);
      await expect(eod.locator('h2').innerText()).resolves.toContain(eodTitle);
      const basic = course('DEM-BASIC');
      await expect(basic.locator('.course__meta').innerText()).resolves.toContain(basicLevel);
      if (lang !== 'en') {
        await expect(page.locator('main').innerText()).resolves.not.toContain(
          'Explosive Ordnance Disposal Level 1',
        );
      }
      await harness.shot(page, `catalogue-translated-${lang}`);
      expect(harness.pageErrors).toEqual([]);
    },
    60_000,
  );

  it('the registrar finds a trainee by document number: masked in the list, whole on the record', async () => {
    const lang = 'az';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, '/app/trainees', lang);
    // Typed as it reads on the card; the demo record holds C03581247.
    await page.getByLabel(m(lang, 'trainees.searchWithDocument')).fill('c 0358 1247');
    await page.getByRole('button', { name: m(lang, 'filter.apply') }).click();
    const rows = page.locator('main table tbody tr');
    await seen(rows.filter({ hasText: 'Hüseynova' }));
    await expect(rows.count()).resolves.toBe(1);
    const row = await rows.first().innerText();
    expect(row).toContain(`${m(lang, 'documentType.passport')} ••••1247`);
    expect(row).not.toContain('C03581247');
    await rows.first().getByRole('link').first().click();
    await seen(page.locator('main', { hasText: 'C03581247' }));
    await expect(page.locator('main').innerText()).resolves.toContain('+994502143786');
    await harness.shot(page, 'trainee-identity-document-az');
    expect(harness.pageErrors).toEqual([]);
  }, 60_000);
});
