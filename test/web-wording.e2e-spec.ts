import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { addDays, today } from '../src/common/calendar.js';
import { account, browserDescribe, BrowserHarness, m, seenWith, starts } from './browser.js';

/**
 * Refusals read as the server words them, in the page's language: the page keeps no rule of
 * its own for which sentence fits which details, so a past start date says so (it said "the
 * last day must be on or after the first").
 */
browserDescribe('refusals in the server’s words', () => {
  const harness = new BrowserHarness();

  beforeAll(() => harness.start(), 120_000);
  afterAll(() => harness.close());

  it.each(['en', 'az', 'ru'] as const)(
    'says that a session cannot start in the past (%s)',
    async (lang) => {
      const admin = await harness.bearer('admin');
      const courses = await harness.t.http
        .get('/api/v1/courses')
        .query({ status: 'active', limit: 1 })
        .set(admin);
      const course = courses.body.items[0] as { id: string };
      const page = await harness.open(lang);
      await harness.signIn(page, lang, account('admin'));
      await harness.go(page, `/app/courses/${course.id}`, lang);
      const add = page.locator('form', {
        has: page.getByRole('button', { name: m(lang, 'course.addSessionSubmit') }),
      });
      const yesterday = addDays(today(harness.t.config.timeZone), -1);
      await add.getByLabel(starts(m(lang, 'field.startsOn'))).fill(yesterday);
      await add.getByLabel(starts(m(lang, 'field.endsOn'))).fill(yesterday);
      await add.getByLabel(starts(m(lang, 'field.location'))).fill('CoE classroom 2');
      await add.getByLabel(starts(m(lang, 'field.language'))).fill('az');
      await add.getByLabel(starts(m(lang, 'field.capacity'))).fill('8');
      await add.getByRole('button', { name: m(lang, 'course.addSessionSubmit') }).click();
      await seenWith(add.getByRole('alert'), m(lang, 'error.SESSION_STARTS_IN_PAST'));
      await expect(add.getByRole('alert').textContent()).resolves.not.toContain(
        m(lang, 'error.INVALID_DATES'),
      );
      await harness.shot(page, `session-past-start-${lang}`);
    },
  );

  it('offers the audit trail’s actions as a list in the page language, and filters by one', async () => {
    const lang = 'ru';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('auditor'));
    await harness.go(page, '/app/audit', lang);
    const action = page.getByLabel(starts(m(lang, 'audit.action')));
    await action.selectOption({ label: m(lang, 'action.certificate.revoked') });
    await page.getByRole('button', { name: m(lang, 'filter.apply') }).click();
    await page.waitForURL(/action=certificate\.revoked/);
    // The demo data revoked one certificate: its event is listed, and nothing else.
    const rows = page.locator('main table tbody tr');
    await rows.first().waitFor();
    const texts = await rows.allTextContents();
    expect(texts.length).toBeGreaterThan(0);
    for (const text of texts) expect(text).toContain('certificate.revoked');
    await harness.shot(page, 'audit-action-filter-ru');
  });

  it('ran without a script error', () => {
    expect(harness.pageErrors).toEqual([]);
  });
});
