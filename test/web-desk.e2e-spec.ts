import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import { addDays, today } from '../src/common/calendar.js';
import type { Lang } from '../src/web/i18n.js';
import { account, browserDescribe, BrowserHarness, m, PHONE, seen } from './browser.js';
import { makeCourse, makeSession } from './fixtures.js';

/**
 * The registrar's desk page and the session page's staffing warning and attendance sheet: an
 * admin finds the desk first in the navigation, follows an under-staffed session to its page
 * and prints its sheet; the desk fits a phone; auditors read it, trainees are not offered it.
 */
browserDescribe("registrar's desk page", () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];
  let sessionId: string;
  let courseCode: string;
  const startsOn = addDays(today('UTC'), 3);

  beforeAll(async () => {
    t = (await harness.start()).t;
    const course = await makeCourse(t.db, {
      title: 'Demolition range safety',
      maxTraineesPerInstructor: 4,
    });
    courseCode = course.code;
    const session = await makeSession(t.db, course.id, {
      startsOn,
      endsOn: addDays(startsOn, 2),
      location: 'Ceyranbatan demolition range',
      capacity: 12,
      seatsTaken: 0,
    });
    sessionId = session.id;
  }, 120_000);
  afterAll(() => harness.close());

  it('is first in the admin navigation and leads to an under-staffed session and its sheet', async () => {
    const lang: Lang = 'en';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('admin'));
    const nav = page.locator('#sections a');
    expect(await nav.nth(1).innerText()).toBe(m(lang, 'nav.desk'));
    await nav.nth(1).click();
    await seen(page.getByRole('heading', { level: 1, name: m(lang, 'desk.title') }));
    for (const key of [
      'desk.upcoming',
      'desk.staffing',
      'desk.withoutLead',
      'desk.awaiting',
      'desk.expiring',
    ] as const) {
      await seen(page.getByRole('heading', { level: 2, name: m(lang, key) }));
    }
    const staffing = page.locator('section', {
      has: page.getByRole('heading', { name: m(lang, 'desk.staffing') }),
    });
    const row = staffing.locator('tr', { hasText: courseCode });
    await seen(row.getByText(m(lang, 'desk.understaffed')));
    await seen(row.getByText(m(lang, 'desk.noInstructor')));
    const withoutLead = page.locator('section', {
      has: page.getByRole('heading', { name: m(lang, 'desk.withoutLead') }),
    });
    await seen(withoutLead.getByText(courseCode, { exact: false }));

    await row.getByRole('link', { name: `${startsOn} – ${addDays(startsOn, 2)}` }).click();
    await seen(
      page.getByRole('heading', { level: 1, name: `${courseCode} · Demolition range safety` }),
    );
    await seen(
      page
        .locator('.notice--warning')
        .getByText('12 seats at 4 trainees per instructor need 3', { exact: false }),
    );
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: m(lang, 'session.printSheet') }).click(),
    ]);
    expect(download.suggestedFilename()).toBe(`attendance-${courseCode}-${startsOn}.pdf`);
    const pdf = await readFile((await download.path())!);
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(page.url()).toContain(`/app/sessions/${sessionId}`);
    await harness.shot(page, 'desk-session-warning-en');
    expect(harness.pageErrors).toEqual([]);
  });

  it('fits a phone, in Russian', async () => {
    const lang: Lang = 'ru';
    const page = await harness.open(lang, PHONE);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, '/app/desk', lang);
    await seen(page.getByRole('heading', { level: 2, name: m(lang, 'desk.expiring') }));
    await seen(page.getByText(m(lang, 'desk.understaffed')));
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await harness.shot(page, `desk-phone-${lang}`);
    expect(harness.pageErrors).toEqual([]);
  });

  it('is read by auditors, in Azerbaijani, and not offered to trainees', async () => {
    const lang: Lang = 'az';
    const auditor = await harness.open(lang);
    await harness.signIn(auditor, lang, account('auditor'));
    await auditor.getByRole('link', { name: m(lang, 'nav.desk') }).click();
    await seen(auditor.getByRole('heading', { level: 1, name: m(lang, 'desk.title') }));
    await seen(auditor.getByText(m(lang, 'desk.understaffed')));
    await harness.shot(auditor, `desk-desktop-${lang}`);
    const trainee = await harness.open(lang);
    await harness.signIn(trainee, lang, account('trainee'));
    expect(await trainee.getByRole('link', { name: m(lang, 'nav.desk') }).count()).toBe(0);
    expect(harness.pageErrors).toEqual([]);
  });
});
