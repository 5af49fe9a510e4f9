import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { addDays, addMonths, today } from '../src/common/calendar.js';
import { account, browserDescribe, BrowserHarness, m, seen } from './browser.js';
import { makeCertificate, makeCourse, makeSession } from './fixtures.js';

/**
 * The session page shows a trainee who already holds a current certificate of the course why
 * they may not enrol (the server's canEnrol), naming the certificate, and offers no Enrol
 * button; a certificate expiring within the renewal window leaves the button there.
 */
browserDescribe('session page: already certified and current', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];

  beforeAll(async () => {
    t = (await harness.start()).t;
  }, 120_000);
  afterAll(() => harness.close());

  it('names the certificate held, in the page language, and offers no Enrol button', async () => {
    const [{ trainee_id: traineeId }] = (await t.db.query(
      'SELECT trainee_id FROM users WHERE email = $1',
      [account('trainee')],
    )) as { trainee_id: string }[];
    const day = today(t.config.timeZone);
    const course = await makeCourse(t.db);
    const session = await makeSession(t.db, course.id, {
      startsOn: addDays(day, 20),
      endsOn: addDays(day, 24),
    });
    const renewable = await makeSession(t.db, course.id, {
      startsOn: addDays(day, 400),
      endsOn: addDays(day, 404),
    });
    // Valid a year and a half: beyond the first session's window, within the second's.
    const validUntil = addMonths(day, 18);
    const cert = await makeCertificate(t.db, { traineeId, courseId: course.id, validUntil });

    for (const lang of ['ru', 'en'] as const) {
      const page = await harness.open(lang);
      await harness.signIn(page, lang, account('trainee'));
      await harness.go(page, `/app/sessions/${session.id}`, lang);
      await seen(
        page.getByText(
          m(lang, 'error.ALREADY_CERTIFIED_CURRENT', {
            serial: cert.serial,
            validUntil,
            renewalWindowMonths: '6',
          }),
        ),
      );
      expect(await page.getByRole('button', { name: m(lang, 'enrol.enrol') }).count()).toBe(0);
      await harness.shot(page, `trainee-already-certified-${lang}`);

      await harness.go(page, `/app/sessions/${renewable.id}`, lang);
      await seen(page.getByRole('button', { name: m(lang, 'enrol.enrol') }));
    }
    expect(harness.pageErrors).toEqual([]);
  });
});
