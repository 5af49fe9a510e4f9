import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { addDays, today } from '../src/common/calendar.js';
import { account, browserDescribe, BrowserHarness, m, seen, seenWith, starts } from './browser.js';

interface Organisation {
  id: string;
  name: string;
}

/**
 * Reserved seats in the session forms (issue 17): an admin plans a session with seats kept for
 * an organisation (the server's refusal of a missing last day shown, then fixed), sees them on
 * the session page, and adds another organisation there. Screenshots in
 * test/artifacts/web/reserved-seats-*.png.
 */
browserDescribe('reserved seats in the session forms', () => {
  const harness = new BrowserHarness();
  let admin: { Authorization: string };
  const day = (n: number) => addDays(today('UTC'), n);

  beforeAll(async () => {
    await harness.start();
    admin = await harness.bearer('admin');
  }, 120_000);
  afterAll(() => harness.close());

  it('plans a session with reserved seats (az) and adds an organisation on its page (ru)', async () => {
    const { t } = harness;
    const orgs = (await t.http.get('/api/v1/organisations').query({ limit: 200 }).set(admin)).body
      .items as Organisation[];
    const [first, second] = [...orgs].sort((a, b) => a.name.localeCompare(b.name));
    const courses = (
      await t.http.get('/api/v1/courses').query({ limit: 200, status: 'active' }).set(admin)
    ).body.items as { id: string; status: string }[];
    const course = courses.find((c) => c.status === 'active')!;

    let lang: 'az' | 'ru' = 'az';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, '/app/sessions', lang);
    const add = page.locator('form', {
      has: page.getByRole('button', { name: m(lang, 'course.addSessionSubmit') }),
    });
    await add.getByLabel(starts(m(lang, 'field.course'))).selectOption(course.id);
    await add.getByLabel(starts(m(lang, 'field.startsOn'))).fill(day(10));
    await add.getByLabel(starts(m(lang, 'field.endsOn'))).fill(day(12));
    await add.getByLabel(starts(m(lang, 'field.location'))).fill('Goygol field training area');
    await add.getByLabel(starts(m(lang, 'field.language'))).fill('az');
    await add.getByLabel(starts(m(lang, 'field.capacity'))).fill('6');
    await add.getByRole('button', { name: m(lang, 'session.addReservation') }).click();
    await add.getByLabel(m(lang, 'field.organisation'), { exact: true }).selectOption(first.id);
    await add.getByLabel(m(lang, 'session.reservedSeatsCount'), { exact: true }).fill('2');
    // Without the last day the server refuses, in the page's language.
    await add.getByRole('button', { name: m(lang, 'course.addSessionSubmit') }).click();
    await seenWith(add.getByRole('alert'), m(lang, 'error.RESERVATIONS_END_REQUIRED'));
    await add.getByLabel(m(lang, 'session.reservationsEndOn'), { exact: true }).fill(day(5));
    await add.getByRole('button', { name: m(lang, 'course.addSessionSubmit') }).click();
    await page.waitForURL(/\/app\/sessions\/[0-9a-f-]{36}/);
    const sessionId = /sessions\/([0-9a-f-]{36})/.exec(page.url())![1];
    await seen(
      page.getByText(
        m(lang, 'session.reservedTaken', { organisation: first.name, taken: '0', seats: '2' }),
      ),
    );
    await seen(page.getByText(m(lang, 'session.reservationsHoldUntil', { date: day(5) })));
    await harness.shot(page, 'reserved-seats-session-az');

    lang = 'ru';
    await harness.go(page, `/app/sessions/${sessionId}`, lang);
    const edit = page.locator('form', {
      has: page.getByRole('button', { name: m(lang, 'form.save') }),
    });
    const rows = edit.getByLabel(m(lang, 'field.organisation'), { exact: true });
    expect(await rows.count()).toBe(1);
    await edit.getByRole('button', { name: m(lang, 'session.addReservation') }).click();
    await rows.nth(1).selectOption(second.id);
    await edit.getByLabel(m(lang, 'session.reservedSeatsCount'), { exact: true }).nth(1).fill('1');
    await edit.getByRole('button', { name: m(lang, 'form.save') }).click();
    await seen(
      page.getByText(
        m(lang, 'session.reservedTaken', { organisation: second.name, taken: '0', seats: '1' }),
      ),
    );
    await harness.shot(page, 'reserved-seats-session-ru');

    const saved = await t.http.get(`/api/v1/sessions/${sessionId}`).set(admin);
    expect(
      (saved.body.reservedSeats as { organisationId: string; seats: number }[])
        .map((r) => [r.organisationId, r.seats])
        .sort(),
    ).toEqual(
      [
        [first.id, 2],
        [second.id, 1],
      ].sort(),
    );
    expect(saved.body.reservationsEndOn).toBe(day(5));
    expect(harness.pageErrors).toEqual([]);
  });
});
