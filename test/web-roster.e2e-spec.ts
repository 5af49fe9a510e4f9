import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Locator, Page } from 'playwright-core';
import { daysBetween } from '../src/common/calendar.js';
import type { Lang } from '../src/web/i18n.js';
import { account, browserDescribe, BrowserHarness, DESKTOP, m, PHONE, seen } from './browser.js';

interface RosterRow {
  id: string;
  status: string;
  attendancePercent: number | null;
  theoryScore: number | null;
  practicalScore: number | null;
  passed: boolean | null;
  trainee: { givenName: string; familyName: string };
}
interface Session {
  id: string;
  startsOn: string;
  endsOn: string;
}

const nameOf = (row: RosterRow) => `${row.trainee.givenName} ${row.trainee.familyName}`;
const byName = (a: RosterRow, b: RosterRow) => nameOf(a).localeCompare(nameOf(b));

/**
 * The roster page as an instructor uses it, on the demo data: the roster (attendance included)
 * read in one request and each part saved in one, a refused score shown beside its field with
 * nothing saved, the wording while a session runs, and results that follow the attendance
 * just saved. Screenshots in test/artifacts/web/roster-*.png.
 */
browserDescribe('roster page', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];
  let admin: { Authorization: string };
  /** EOD-2, in progress, the demo instructor assisting; DEM-BASIC, completed, they led it. */
  let running: Session;
  let completed: Session;

  const sessionOf = async (code: string, status: string): Promise<Session> => {
    const courses = await t.http.get('/api/v1/courses').query({ limit: 200 }).set(admin);
    const course = (courses.body.items as { id: string; code: string }[]).find(
      (c) => c.code === code,
    )!;
    const sessions = await t.http
      .get('/api/v1/sessions')
      .query({ courseId: course.id, status })
      .set(admin);
    return (sessions.body.items as Session[])[0];
  };
  const rosterOf = async (sessionId: string): Promise<RosterRow[]> =>
    (
      (await t.http.get(`/api/v1/sessions/${sessionId}/enrolments`).set(admin)).body
        .items as RosterRow[]
    )
      .filter((r) => ['enrolled', 'completed', 'failed'].includes(r.status))
      .sort(byName);

  /** The API requests a page sends from now on, as "METHOD /path". */
  const apiRequests = (page: Page): string[] => {
    const sent: string[] = [];
    page.on('request', (request) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/')) sent.push(`${request.method()} ${url.pathname}`);
    });
    return sent;
  };

  const openRoster = async (lang: Lang, session: Session, viewport = DESKTOP) => {
    const page = await harness.open(lang, viewport);
    await harness.signIn(page, lang, account('instructor'));
    const sent = apiRequests(page);
    await harness.go(page, `/app/sessions/${session.id}/roster`, lang);
    await seen(page.getByRole('button', { name: m(lang, 'roster.saveAttendance') }));
    await page.waitForLoadState('networkidle');
    return { page, sent };
  };

  /** A trainee's row in the results table, and one of its cells by its column. */
  const resultsRow = (page: Page, lang: Lang, name: string) =>
    page
      .getByRole('table', { name: m(lang, 'roster.results') })
      .getByRole('row')
      .filter({ hasText: name });
  const cell = (row: Locator, lang: Lang, column: 'roster.result' | 'field.attendance') =>
    row.locator(`td[data-label="${m(lang, column)}"]`);
  /** The error shown in the same cell as a score field. */
  const errorBeside = (input: Locator) =>
    input.locator('xpath=ancestor::td[1]').locator('.field-error');

  beforeAll(async () => {
    t = (await harness.start()).t;
    admin = await harness.bearer('admin');
    running = await sessionOf('EOD-2', 'in_progress');
    completed = await sessionOf('DEM-BASIC', 'completed');
  }, 120_000);

  afterAll(() => harness.close());

  it('reads the roster with its attendance in one request, and saves attendance in one', async () => {
    const lang: Lang = 'en';
    const participants = await rosterOf(running.id);
    expect(participants.length).toBeGreaterThanOrEqual(4);
    const { page, sent } = await openRoster(lang, running);
    // The rows carry the days recorded: no request per participant.
    expect(sent.filter((r) => r === `GET /api/v1/sessions/${running.id}/enrolments`)).toHaveLength(
      1,
    );
    expect(sent.filter((r) => r.includes('/api/v1/enrolments/'))).toEqual([]);
    const [first, second] = participants;
    const box = (row: RosterRow) =>
      page.getByLabel(m(lang, 'roster.presentOn', { name: nameOf(row), date: running.startsOn }), {
        exact: true,
      });
    // The demo recorded every day so far as present; the page shows what the server holds.
    expect(await box(first).isChecked()).toBe(true);

    sent.length = 0;
    await box(first).uncheck();
    await box(second).uncheck();
    await page.getByRole('button', { name: m(lang, 'roster.saveAttendance') }).click();
    await seen(page.getByText(m(lang, 'roster.attendanceSaved', { n: '2' })));
    await page.waitForLoadState('networkidle');
    expect(sent).toEqual([`PUT /api/v1/sessions/${running.id}/attendance`]);

    const after = await rosterOf(running.id);
    const percent = after.find((r) => r.id === first.id)!.attendancePercent;
    expect(percent).toBeLessThan(100);
    // The results table shows the attendance just saved.
    expect(
      await cell(resultsRow(page, lang, nameOf(first)), lang, 'field.attendance').textContent(),
    ).toBe(`${percent}%`);
    expect(await box(first).isChecked()).toBe(false);
    await harness.shot(page, 'roster-attendance-en-desktop');
  });

  it('shows a score out of range beside its field, and saves nothing of the roster', async () => {
    const lang: Lang = 'az';
    const [a, b] = await rosterOf(running.id);
    expect(a.theoryScore).toBeNull();
    const { page, sent } = await openRoster(lang, running);
    const score = (row: RosterRow, key: 'roster.theoryFor' | 'roster.practicalFor') =>
      page.getByLabel(m(lang, key, { name: nameOf(row) }), { exact: true });
    // The field keeps its own range for the browser's controls.
    expect(await score(b, 'roster.theoryFor').getAttribute('min')).toBe('0');
    expect(await score(b, 'roster.theoryFor').getAttribute('max')).toBe('100');

    await score(a, 'roster.theoryFor').fill('80');
    await score(a, 'roster.practicalFor').fill('85');
    await score(b, 'roster.theoryFor').fill('150');
    await score(b, 'roster.practicalFor').fill('80');
    sent.length = 0;
    await page.getByRole('button', { name: m(lang, 'roster.saveResults') }).click();
    await seen(page.getByText(m(lang, 'roster.nothingSaved')));
    expect(sent).toEqual([`PUT /api/v1/sessions/${running.id}/assessments`]);

    // Beside the very field, naming the range, and the field marked invalid.
    const wrong = score(b, 'roster.theoryFor');
    expect(await wrong.getAttribute('aria-invalid')).toBe('true');
    expect(await errorBeside(wrong).textContent()).toMatch(/\b0\b.*\b100\b/);
    const describedBy = (await wrong.getAttribute('aria-describedby')) ?? '';
    expect(await page.locator(`[id="${describedBy}"]`).textContent()).toMatch(/100/);
    for (const fine of [
      score(a, 'roster.theoryFor'),
      score(a, 'roster.practicalFor'),
      score(b, 'roster.practicalFor'),
    ]) {
      expect(await fine.getAttribute('aria-invalid')).toBeNull();
      expect(await errorBeside(fine).textContent()).toBe('');
    }
    // One transaction: the valid entry was not saved either.
    const unchanged = (await rosterOf(running.id)).find((r) => r.id === a.id)!;
    expect(unchanged.theoryScore).toBeNull();
    await harness.shot(page, 'roster-results-refused-az-desktop');
    await page.setViewportSize(PHONE);
    await wrong.scrollIntoViewIfNeeded();
    await harness.shot(page, 'roster-results-refused-az-phone');
    await page.setViewportSize(DESKTOP);

    // Corrected, the whole roster saves at once; while the session runs the result waits.
    await wrong.fill('90');
    await page.getByRole('button', { name: m(lang, 'roster.saveResults') }).click();
    await seen(page.getByText(m(lang, 'roster.resultsSaved', { n: '2' })));
    expect(await wrong.getAttribute('aria-invalid')).toBeNull();
    const saved = await rosterOf(running.id);
    expect(saved.find((r) => r.id === a.id)).toMatchObject({ theoryScore: 80, passed: null });
    expect(saved.find((r) => r.id === b.id)).toMatchObject({ theoryScore: 90, passed: null });
    expect(await cell(resultsRow(page, lang, nameOf(b)), lang, 'roster.result').textContent()).toBe(
      m(lang, 'roster.resultAtCompletion'),
    );
  });

  it('while the session runs, a trainee with scores awaits the result instead of "not assessed"', async () => {
    const lang: Lang = 'ru';
    const participants = await rosterOf(running.id);
    const scored = participants[2];
    const unscored = participants[3];
    const put = await t.http
      .put(`/api/v1/sessions/${running.id}/assessments`)
      .set(admin)
      .send({ entries: [{ enrolmentId: scored.id, theoryScore: 88, practicalScore: 91 }] });
    expect(put.status).toBe(200);
    expect(put.body.items[0].passed).toBeNull();

    const { page } = await openRoster(lang, running, PHONE);
    const result = (row: RosterRow) =>
      cell(resultsRow(page, lang, nameOf(row)), lang, 'roster.result');
    await seen(result(scored));
    expect(await result(scored).textContent()).toBe(m(lang, 'roster.resultAtCompletion'));
    expect(await result(unscored).textContent()).toBe(m(lang, 'roster.notAssessed'));
    await seen(page.getByText(m(lang, 'roster.resultsDecidedAtCompletion')));
    await resultsRow(page, lang, nameOf(scored)).scrollIntoViewIfNeeded();
    await harness.shot(page, 'roster-midcourse-ru-phone');
  });

  it('after saving attendance the results column follows it (a completed session)', async () => {
    const lang: Lang = 'en';
    // Absent one day in three: failed on attendance alone, scores well above the pass mark.
    const absentee = (await rosterOf(completed.id)).find(
      (r) => r.passed === false && (r.attendancePercent ?? 100) < 90,
    )!;
    expect(absentee).toBeDefined();
    const { page, sent } = await openRoster(lang, completed);
    const row = resultsRow(page, lang, nameOf(absentee));
    expect(await cell(row, lang, 'roster.result').textContent()).toBe(m(lang, 'passed.no'));

    for (const date of daysBetween(completed.startsOn, completed.endsOn)) {
      const box = page.getByLabel(m(lang, 'roster.presentOn', { name: nameOf(absentee), date }), {
        exact: true,
      });
      if (!(await box.isChecked())) await box.check();
    }
    sent.length = 0;
    await page.getByRole('button', { name: m(lang, 'roster.saveAttendance') }).click();
    await seen(page.getByText(m(lang, 'roster.attendanceSaved', { n: '1' })));
    await page.waitForLoadState('networkidle');
    // No reload: the results and the certificates show what the server now decides.
    expect(await cell(row, lang, 'field.attendance').textContent()).toBe('100%');
    expect(await cell(row, lang, 'roster.result').textContent()).toBe(m(lang, 'passed.yes'));
    expect(sent).toEqual([`PUT /api/v1/sessions/${completed.id}/attendance`]);
    await seen(
      page.getByRole('button', { name: `${m(lang, 'roster.issue')}: ${nameOf(absentee)}` }),
    );
    await harness.shot(page, 'roster-completed-en-desktop');
    expect(harness.pageErrors).toEqual([]);
  });
});
