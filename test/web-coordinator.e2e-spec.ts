import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { addDays, today } from '../src/common/calendar.js';
import type { Lang } from '../src/web/i18n.js';
import { account, browserDescribe, BrowserHarness, m, seen, seenWith, starts } from './browser.js';
import { makeCourse, makeSession } from './fixtures.js';

interface Person {
  id: string;
  name: string;
}

/**
 * A coordinator (issue 17) in the web pages, in Azerbaijani: their home, their organisation's
 * people only in the trainees list, nominating two of them from a session page and withdrawing
 * one (asked first), and another organisation's trainee opened by its address answering as a
 * record that does not exist.
 */
browserDescribe('coordinator pages', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];
  let ours: Person[];
  let theirs: Person;
  let sessionId: string;
  let organisationId: string;

  beforeAll(async () => {
    t = (await harness.start()).t;
    const [{ organisation_id: org }] = (await t.db.query(
      'SELECT organisation_id FROM users WHERE email = $1',
      [account('coordinator')],
    )) as { organisation_id: string }[];
    const people = (await t.db.query(
      `SELECT id, given_name || ' ' || family_name AS name, organisation_id = $1 AS ours
         FROM trainees ORDER BY created_at, id`,
      [org],
    )) as (Person & { ours: boolean })[];
    organisationId = org;
    ours = people.filter((p) => p.ours);
    theirs = people.find((p) => !p.ours)!;
    expect(ours.length).toBeGreaterThanOrEqual(2);
    // A course of its own, so no one is already certified or short of a prerequisite.
    const day = today(t.config.timeZone);
    const course = await makeCourse(t.db, { title: 'Mine Risk Education for Field Teams' });
    sessionId = (
      await makeSession(t.db, course.id, { startsOn: addDays(day, 14), endsOn: addDays(day, 18) })
    ).id;
  }, 180_000);
  afterAll(() => harness.close());

  it('nominates two of their people, withdraws one, and cannot open another organisation’s trainee', async () => {
    const lang: Lang = 'az';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('coordinator'));
    const nav = page.getByRole('navigation', { name: m(lang, 'nav.sections') });
    await seen(nav.getByRole('link', { name: m(lang, 'nav.trainees') }));
    expect(await nav.getByRole('link', { name: m(lang, 'nav.audit') }).count()).toBe(0);
    expect(await nav.getByRole('link', { name: m(lang, 'nav.users') }).count()).toBe(0);
    await seen(page.getByRole('heading', { name: m(lang, 'home.organisation') }));

    // Their people only, whoever else the Center trains.
    await harness.go(page, '/app/trainees', lang);
    await seen(page.getByRole('link', { name: ours[0].name }));
    expect(await page.getByRole('link', { name: theirs.name }).count()).toBe(0);
    // A new person is registered into their organisation: the form starts there.
    const newPerson = page.getByRole('heading', { name: m(lang, 'trainees.create') });
    await seen(newPerson);
    const orgChoices = page.getByLabel(m(lang, 'field.organisation'));
    expect(await orgChoices.last().inputValue()).toBe(organisationId);

    await harness.go(page, `/app/sessions/${sessionId}`, lang);
    await seen(page.getByRole('heading', { name: m(lang, 'nominate.title') }));
    await seen(page.getByText(m(lang, 'nominate.noneInSession')));
    const nominate = async (person: Person) => {
      // Found by name, as a coordinator with many people would.
      await page.getByLabel(m(lang, 'nominate.search')).fill(person.name.split(' ')[0]);
      await page.getByRole('button', { name: m(lang, 'filter.apply') }).click();
      await page
        .getByRole('button', { name: `${m(lang, 'nominate.submit')}: ${person.name}` })
        .click();
      await seen(page.getByText(m(lang, 'nominate.nominated', { name: person.name })));
    };
    await nominate(ours[0]);
    await nominate(ours[1]);
    const inSession = page.getByRole('table', { name: m(lang, 'nominate.ours') });
    await seen(inSession.getByRole('cell', { name: ours[0].name }));
    await seen(inSession.getByRole('cell', { name: ours[1].name }));
    await harness.shot(page, `coordinator-nominated-${lang}`);

    // Someone already in the session is marked so, with nothing to click.
    const people = page.getByRole('table', { name: m(lang, 'nominate.people') });
    await seen(
      people
        .getByRole('row', { name: new RegExp(ours[0].name) })
        .getByText(m(lang, 'nominate.alreadyIn')),
    );
    expect(
      await page
        .getByRole('button', { name: `${m(lang, 'nominate.submit')}: ${ours[0].name}` })
        .count(),
    ).toBe(0);

    await page
      .getByRole('button', { name: `${m(lang, 'nominate.withdraw')}: ${ours[1].name}` })
      .click();
    await seen(page.getByText(m(lang, 'nominate.withdrawn', { name: ours[1].name })));
    expect(harness.dialogs).toContain(m(lang, 'nominate.withdrawConfirm', { name: ours[1].name }));
    const seats = (await t.db.query(
      `SELECT trainee_id, status FROM enrolments WHERE session_id = $1 ORDER BY created_at`,
      [sessionId],
    )) as { trainee_id: string; status: string }[];
    expect(seats).toEqual([
      { trainee_id: ours[0].id, status: 'enrolled' },
      { trainee_id: ours[1].id, status: 'withdrawn' },
    ]);

    // Under way, the session takes no nominations: the page says why instead of a search.
    await t.db.query(`UPDATE course_sessions SET status = 'in_progress' WHERE id = $1`, [
      sessionId,
    ]);
    await harness.go(page, `/app/sessions/${sessionId}`, lang);
    await seen(page.getByText(m(lang, 'nominate.closed')));
    await seen(inSession.getByRole('cell', { name: ours[0].name }));
    expect(await page.getByLabel(m(lang, 'nominate.search')).count()).toBe(0);
    await harness.shot(page, `coordinator-nominations-closed-${lang}`);

    // Another organisation's trainee by address: as if there were no such record.
    await harness.go(page, `/app/trainees/${theirs.id}`, lang);
    await seen(page.getByRole('heading', { name: m(lang, 'error.pageTitle') }));
    await seen(page.getByText(m(lang, 'error.NOT_FOUND')));
    expect(await page.getByText(theirs.name).count()).toBe(0);
    await harness.shot(page, `coordinator-other-organisation-${lang}`);

    expect(harness.pageErrors).toEqual([]);
  });

  it('shows a coordinator their people in sessions to come at home, and their own person’s record', async () => {
    const lang: Lang = 'ru';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('coordinator'));
    const upcoming = page.getByRole('table', { name: m(lang, 'home.peopleUpcoming') });
    await seen(upcoming.getByRole('cell', { name: ours[0].name }));
    expect(await page.getByText(theirs.name).count()).toBe(0);
    await harness.shot(page, `coordinator-home-${lang}`);

    await harness.go(page, `/app/trainees/${ours[0].id}`, lang);
    await seen(page.getByRole('heading', { name: ours[0].name }));
    await seen(page.getByRole('heading', { name: m(lang, 'trainee.edit') }));
    await harness.shot(page, `coordinator-trainee-${lang}`);
    expect(harness.pageErrors).toEqual([]);
  });

  it('lets the registrar make a coordinator account only with an organisation', async () => {
    const lang: Lang = 'en';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, '/app/users', lang);
    const create = page.locator('section', {
      has: page.getByRole('heading', { name: m(lang, 'users.create') }),
    });
    const email = 'coordinator@kartli.example';
    await create.getByLabel(starts(m(lang, 'field.email'))).fill(email);
    await create.getByLabel(m(lang, 'role.coordinator')).check();
    await create.getByRole('button', { name: m(lang, 'users.createSubmit') }).click();
    await seen(page.getByText(m(lang, 'error.COORDINATOR_NEEDS_ORGANISATION')));
    await create
      .getByLabel(m(lang, 'field.organisation'))
      .selectOption({ label: 'Kartli Mine Action Partners' });
    await create.getByRole('button', { name: m(lang, 'users.createSubmit') }).click();
    await seenWith(page.getByRole('status'), m(lang, 'users.invited', { email }));
    const row = page.getByRole('row', { name: new RegExp(email) });
    await seen(row.getByText('Kartli Mine Action Partners'));
    expect(harness.pageErrors).toEqual([]);
  });
});
