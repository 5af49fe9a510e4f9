import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFile } from 'node:fs/promises';
import type { Lang } from '../src/web/i18n.js';
import { addDays, today } from '../src/common/calendar.js';
import { account, browserDescribe, BrowserHarness, m, PHONE, seen, starts } from './browser.js';

const SAFE_FIELDS = 'Safe Fields Humanitarian Demining';
const CASPIAN = 'Caspian Clearance LLC';
const ENGINEERS = 'Engineer Battalion 3';

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
  it('enrols trainees of two organisations from the roster and manages the waiting list, with reasons', async () => {
    const lang: Lang = 'ru';
    const api = (method: 'get' | 'post', path: string, body?: object) =>
      t.http[method](path).set(admin).send(body);
    const orgs = (await api('get', '/api/v1/organisations?limit=200')).body.items as {
      id: string;
      name: string;
    }[];
    const orgId = (name: string) => orgs.find((o) => o.name === name)!.id;
    const course = await api('post', '/api/v1/courses', {
      code: 'NTS-REG',
      title: 'Non-Technical Survey',
      description: 'Community liaison and evidence gathering',
      imasReferences: ['IMAS 08.10'],
      level: 'Basic',
      durationDays: 3,
      passMark: 60,
      minAttendancePercent: 80,
      validityMonths: 36,
      prerequisiteCourseIds: [],
      renewsCourseId: null,
      requiresMedicalClearance: false,
      status: 'active',
    });
    expect(course.status).toBe(201);
    const startsOn = addDays(today('UTC'), 10);
    // Two seats, one of them kept for the army engineers' nominee.
    const created = await api('post', `/api/v1/courses/${course.body.id}/sessions`, {
      startsOn,
      endsOn: addDays(startsOn, 2),
      location: 'Tartar training area',
      language: 'az',
      capacity: 2,
      reservedSeats: [{ organisationId: orgId(ENGINEERS), seats: 1 }],
      reservationsEndOn: addDays(startsOn, -1),
    });
    expect(created.status).toBe(201);
    const sessionId = created.body.id as string;
    expect(
      (await api('post', `/api/v1/sessions/${sessionId}/status`, { status: 'open' })).status,
    ).toBe(200);
    // People without an account, as an operator nominates them.
    const person = async (
      givenName: string,
      familyName: string,
      org: string,
      dateOfBirth: string,
      identityDocument?: { type: string; number: string },
    ) => {
      const res = await api('post', '/api/v1/trainees', {
        givenName,
        familyName,
        dateOfBirth,
        sex: 'male',
        nationality: 'AZ',
        organisationId: orgId(org),
        identityDocument,
      });
      expect(res.status).toBe(201);
      return res.body.id as string;
    };
    await person('Kamal', 'Rüstəmov', CASPIAN, '1990-02-03');
    await person('Nurlan', 'Həsənli', CASPIAN, '1991-04-05');
    await person('Samir', 'Bağırov', ENGINEERS, '1992-06-07', {
      type: 'military_id',
      number: 'MB-4488120',
    });
    const tofiq = await person('Tofiq', 'Əsgərov', CASPIAN, '1993-08-09');

    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, `/app/sessions/${sessionId}/roster`, lang);
    await seen(page.getByRole('heading', { name: m(lang, 'roster.enrolTitle') }));
    const find = async (q: string, org = '') => {
      await page.getByLabel(starts(m(lang, 'roster.search'))).fill(q);
      await page
        .getByRole('search')
        .getByLabel(m(lang, 'field.organisation'))
        .selectOption(org ? orgId(org) : '');
      await page.getByRole('button', { name: m(lang, 'roster.find') }).click();
    };
    const choose = (name: string) =>
      page.getByRole('checkbox', { name: m(lang, 'roster.choose', { name }) }).check();
    // By name, then an organisation's people, then the other organisation's by document.
    await find('Rüstəmov');
    await choose('Kamal Rüstəmov');
    await find('', CASPIAN);
    await choose('Nurlan Həsənli');
    // By the number on the card the engineers sent; lists show only its last characters.
    await find('MB-4488120', ENGINEERS);
    const found = page.getByRole('row').filter({ hasText: 'Samir Bağırov' });
    await seen(found);
    expect(await found.innerText()).toContain('8120');
    expect(await found.innerText()).not.toContain('MB-4488120');
    await choose('Samir Bağırov');
    await page.getByRole('button', { name: m(lang, 'roster.enrolChosen', { n: '3' }) }).click();
    // Each outcome as the server decided it: the general seat, the line (the other seat is kept
    // for the engineers), the reserved seat.
    const outcomes = page.locator('.outcomes');
    await seen(outcomes);
    expect(await outcomes.innerText()).toBe(
      [
        m(lang, 'roster.outcomeSeat', { name: 'Kamal Rüstəmov' }),
        m(lang, 'roster.outcomeWaiting', { name: 'Nurlan Həsənli', n: '1' }),
        m(lang, 'roster.outcomeSeat', { name: 'Samir Bağırov' }),
      ].join('\n'),
    );
    // Enrolling someone already in the session: the server's refusal, in its words.
    await find('Rüstəmov');
    await choose('Kamal Rüstəmov');
    await page.getByRole('button', { name: m(lang, 'roster.enrolChosen', { n: '1' }) }).click();
    await seen(
      page.locator('.outcomes').getByText(m(lang, 'error.ALREADY_ENROLLED'), { exact: false }),
    );
    await harness.shot(page, `registrar-enrolled-${lang}`);

    // A fourth joins the line through the API; the page shows the line in order.
    await api('post', `/api/v1/sessions/${sessionId}/enrolments`, { traineeId: tofiq });
    await harness.go(page, `/app/sessions/${sessionId}/roster`, lang);
    const line = page
      .locator('section')
      .filter({ has: page.getByRole('heading', { name: m(lang, 'roster.waitingTitle') }) });
    const order = async () =>
      (await line.locator('tbody tr').allInnerTexts()).map((r) =>
        r.split('\t').slice(0, 2).join(' '),
      );
    expect(await order()).toEqual(['1 Nurlan Həsənli', '2 Tofiq Əsgərov']);

    const withReason = async (action: string, name: string, reason: string) => {
      await page.getByRole('button', { name: `${m(lang, action as never)}: ${name}` }).click();
      const dialog = page.locator('dialog[open]');
      await dialog.getByLabel(starts(m(lang, 'roster.reason'))).fill(reason);
      await dialog.getByRole('button', { name: m(lang, action as never), exact: true }).click();
      await dialog.waitFor({ state: 'detached' });
    };
    await withReason('roster.moveUp', 'Tofiq Əsgərov', 'Team leader of the deployment');
    await seen(page.getByText(m(lang, 'roster.moved', { name: 'Tofiq Əsgərov', n: '1' })));
    expect(await order()).toEqual(['1 Tofiq Əsgərov', '2 Nurlan Həsənli']);
    await withReason('roster.remove', 'Nurlan Həsənli', 'The operator withdrew the nomination');
    await seen(page.getByText(m(lang, 'roster.removed', { name: 'Nurlan Həsənli' })));
    expect(await order()).toEqual(['1 Tofiq Əsgərov']);

    // Under way, a freed seat waits for the registrar: withdraw someone, then give it.
    await t.db.query(`UPDATE course_sessions SET status = 'in_progress' WHERE id = $1`, [
      sessionId,
    ]);
    await harness.go(page, `/app/sessions/${sessionId}/roster`, lang);
    await withReason('roster.withdraw', 'Kamal Rüstəmov', 'Called back to a clearance task');
    await seen(page.getByText(m(lang, 'roster.withdrawnOne', { name: 'Kamal Rüstəmov' })));
    await withReason('roster.promote', 'Tofiq Əsgərov', 'Replaces his team mate');
    await seen(page.getByText(m(lang, 'roster.promoted', { name: 'Tofiq Əsgərov' })));
    expect(await line.count()).toBe(0);
    await harness.shot(page, `registrar-line-${lang}`);

    // On a phone, in Azerbaijani: the same roster fits the screen, the line's controls included.
    const phone = await harness.open('az', PHONE);
    await harness.signIn(phone, 'az', account('admin'));
    await harness.go(phone, `/app/sessions/${sessionId}/roster`, 'az');
    await seen(phone.getByRole('heading', { name: m('az', 'roster.enrolTitle') }));
    await seen(phone.getByRole('button', { name: `${m('az', 'roster.withdraw')}: Tofiq Əsgərov` }));
    expect(await phone.evaluate<number>(OVERFLOW)).toBeLessThanOrEqual(0);
    await harness.shot(phone, 'registrar-roster-phone-az');

    // The audit trail has each reason on its event.
    const roster = (await api('get', `/api/v1/sessions/${sessionId}/enrolments`)).body.items as {
      id: string;
      status: string;
      trainee: { familyName: string };
    }[];
    const idOf = (familyName: string) =>
      roster.find((e) => e.trainee.familyName === familyName)!.id;
    const reasons = async (familyName: string) =>
      (
        (await api('get', `/api/v1/audit-events?entityType=enrolment&entityId=${idOf(familyName)}`))
          .body.items as { action: string; reason: string | null }[]
      )
        .filter((e) => e.reason)
        .map((e) => `${e.action}: ${e.reason}`)
        .sort();
    expect(await reasons('Əsgərov')).toEqual([
      'enrolment.moved: Team leader of the deployment',
      'enrolment.promoted: Replaces his team mate',
    ]);
    expect(await reasons('Həsənli')).toEqual([
      'enrolment.withdrawn: The operator withdrew the nomination',
    ]);
    expect(await reasons('Rüstəmov')).toEqual([
      'enrolment.withdrawn: Called back to a clearance task',
    ]);
    expect(roster.map((e) => `${e.trainee.familyName} ${e.status}`).sort()).toEqual([
      'Bağırov enrolled',
      'Həsənli withdrawn',
      'Rüstəmov withdrawn',
      'Əsgərov enrolled',
    ]);
    expect(harness.pageErrors).toEqual([]);
  });
});
