import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import type { Lang } from '../src/web/i18n.js';
import { account, browserDescribe, BrowserHarness, m, seen } from './browser.js';

/**
 * Counts in the page's language: the browser's t() picks plural forms with the same formatter
 * the server uses (src/web/assets/message-format.js), so "1 trainee", "21 слушателя",
 * "5 слушателей", and a wait of "1 second", never "1 seconds".
 */
browserDescribe('web: counts in each language’s plural forms', () => {
  const harness = new BrowserHarness();

  beforeAll(async () => {
    await harness.start();
  }, 120_000);

  afterAll(() => harness.close());

  /** What the page's own modules word (i18n.js after main.js gave it the page's messages). */
  async function worded(page: Page) {
    await seen(page.locator('main h1'));
    const preloaded = await page
      .locator('link[rel=modulepreload]')
      .evaluateAll((links) => links.map((l) => (l as unknown as { href: string }).href));
    const url = (name: string) => preloaded.find((href) => href.endsWith(`/${name}`))!;
    return page.evaluate(
      async ([i18nUrl, uiUrl]) => {
        const i18n = await import(i18nUrl);
        const ui = await import(uiUrl);
        const saved = (n: number) => i18n.t('roster.resultsSaved', { n }) as string;
        return {
          saved: [1, 2, 5, 21].map(saved),
          wait: ui.errorMessage({
            status: 429,
            code: 'RATE_LIMITED',
            details: { retryAfterSeconds: 1 },
          }) as string,
        };
      },
      [url('i18n.js'), url('ui.js')],
    );
  }

  it.each([
    [
      'en',
      [
        'Results saved for 1 trainee.',
        'Results saved for 2 trainees.',
        'Results saved for 5 trainees.',
        'Results saved for 21 trainees.',
      ],
      'Too many attempts. Try again in 1 second.',
    ],
    [
      'ru',
      [
        'Результаты сохранены для 1 слушателя.',
        'Результаты сохранены для 2 слушателей.',
        'Результаты сохранены для 5 слушателей.',
        'Результаты сохранены для 21 слушателя.',
      ],
      'Слишком много попыток. Повторите через 1 секунду.',
    ],
  ] as const)('%s', async (lang, saved, wait) => {
    const page = await harness.open(lang);
    expect(await worded(page)).toEqual({ saved, wait });
  });

  it('shows a course’s length in days in Russian on the catalogue', async () => {
    const lang: Lang = 'ru';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('trainee'));
    await harness.go(page, '/app/catalogue', lang);
    const courses = await harness.t.http
      .get('/api/v1/courses')
      .query({ status: 'active' })
      .set(await harness.bearer('trainee'));
    const days = (courses.body.items as { durationDays: number }[])[0].durationDays;
    const text = m(lang, 'course.days', { n: String(days) });
    expect(text).toMatch(/^\d+ (день|дня|дней)$/);
    await seen(page.getByText(text, { exact: true }));
    expect(harness.pageErrors).toEqual([]);
  });
});
