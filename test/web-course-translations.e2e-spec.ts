import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { account, browserDescribe, BrowserHarness, seen } from './browser.js';

/**
 * The catalogue in the reader's language (issue 17): the server answers each course's title and
 * level in the page's language (Accept-Language from the page), and the page shows what it got,
 * the original beside the code only where a course has no translation.
 */
browserDescribe('web: the catalogue names courses in the page’s language', () => {
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
});
