import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { addDays, today } from '../src/common/calendar.js';
import {
  account,
  browserDescribe,
  BrowserHarness,
  DESKTOP,
  m,
  PHONE,
  seen,
  seenWith,
  starts,
} from './browser.js';
import { withFlippedSignatureBit } from './tamper.js';
import type { Lang } from '../src/web/i18n.js';

/**
 * The web interface driven in a real browser (Debian's Chromium through playwright-core),
 * against the real app on the demo data set: each role's journey, refusals shown as the
 * reader's words next to what caused them, and screenshots of the main pages at desktop and
 * phone sizes in English, Azerbaijani and Russian (test/artifacts/web/).
 */
browserDescribe('web interface', () => {
  const harness = new BrowserHarness();
  const { pageErrors, dialogs } = harness;
  let t: BrowserHarness['t'];
  const day = () => today(t.config.timeZone);
  const open = harness.open.bind(harness);
  const signIn = harness.signIn.bind(harness);
  const go = harness.go.bind(harness);
  const shot = harness.shot.bind(harness);
  const adminApi = () => harness.bearer('admin');

  // What the journeys hand on to each other.
  const story: { courseId?: string; sessionId?: string; eod3SessionId?: string; serial?: string } =
    {};

  beforeAll(async () => {
    t = (await harness.start()).t;
  }, 120_000);

  afterAll(() => harness.close());

  it('shows a visitor the sign-in form in the chosen or browser language, and refuses a wrong password next to the form', async () => {
    const page = await open('en');
    await seenWith(page.locator('h1'), m('en', 'signin.title'));
    await page.getByLabel(m('en', 'signin.email')).fill(account('trainee'));
    await page.getByLabel(starts(m('en', 'signin.password'))).fill('Not-the-password-1');
    await page.keyboard.press('Enter');
    await seenWith(page.getByRole('alert'), m('en', 'error.INVALID_CREDENTIALS'));
    await shot(page, 'signin-refused-en-desktop');

    // No ?lang=: the browser's language decides (Russian here), then English.
    const ru = await open('ru', PHONE, 'ru-RU');
    await ru.goto(`${t.baseUrl}/`);
    await seenWith(ru.locator('h1'), m('ru', 'signin.title'));
    expect(await ru.locator('html').getAttribute('lang')).toBe('ru');
    await shot(ru, 'signin-ru-phone');
    const az = await open('az', PHONE);
    await seen(az.getByLabel(m('az', 'signin.email')));
    await shot(az, 'signin-az-phone');
    const unknown = await az.goto(`${t.baseUrl}/app/no-such-page?lang=az`);
    expect(unknown?.status()).toBe(404);
    await seenWith(az.locator('h1'), m('az', 'app.notFound'));
  });

  it('admin: sets up a course and a session, is refused an unqualified instructor, qualifies and assigns one, and opens enrolment', async () => {
    const lang: Lang = 'en';
    const page = await open(lang);
    await signIn(page, lang, account('admin'));
    await shot(page, 'admin-home-en-desktop');

    await go(page, '/app/courses', lang);
    const create = page.locator('form', {
      has: page.getByRole('button', { name: m(lang, 'courses.createSubmit') }),
    });
    // Refused in the browser: the error sits next to the field, and focus goes there.
    await create.getByRole('button', { name: m(lang, 'courses.createSubmit') }).click();
    const code = create.getByLabel(starts(m(lang, 'course.code')));
    await seenWith(create.locator('[data-field="code"] .field-error'), m(lang, 'form.required'));
    expect(await code.getAttribute('aria-invalid')).toBe('true');
    expect(await code.evaluate((el) => el.ownerDocument.activeElement === el)).toBe(true);
    // Refused by the API: a code that exists already.
    await code.fill('EOD-1');
    // The whole label: the translated titles' labels contain this one.
    await create.getByLabel(starts(m(lang, 'course.titleField'))).fill('Web journey course');
    await create.getByLabel(starts(m(lang, 'course.level'))).fill('Basic');
    await create.getByLabel(m(lang, 'course.durationDays')).fill('1');
    await create.getByLabel(m(lang, 'course.passMark')).fill('70');
    await create.getByLabel(m(lang, 'course.minAttendanceField')).fill('80');
    await create.getByLabel(m(lang, 'course.validityMonths')).fill('24');
    await create.getByLabel(m(lang, 'course.imas')).fill('IMAS 12.10');
    await create.getByLabel(m(lang, 'field.status')).selectOption('active');
    await create.getByRole('button', { name: m(lang, 'courses.createSubmit') }).click();
    await seenWith(create.getByRole('alert'), m(lang, 'error.COURSE_CODE_TAKEN'));
    await code.fill('WEB-101');
    await create.getByRole('button', { name: m(lang, 'courses.createSubmit') }).click();
    await page.waitForURL(/\/app\/courses\/[0-9a-f-]{36}/);
    story.courseId = /courses\/([0-9a-f-]{36})/.exec(page.url())![1];
    await seenWith(page.locator('h1'), 'WEB-101');
    await shot(page, 'admin-course-en-desktop');

    // A session today (it can be completed from its last day on).
    const add = page.locator('form', {
      has: page.getByRole('button', { name: m(lang, 'course.addSessionSubmit') }),
    });
    await add.getByLabel(m(lang, 'field.startsOn')).fill(day());
    await add.getByLabel(m(lang, 'field.endsOn')).fill(day());
    await add.getByLabel(m(lang, 'field.location')).fill('CoE classroom 1, Baku');
    await add.getByLabel(m(lang, 'field.language')).fill('az');
    await add.getByLabel(m(lang, 'field.capacity')).fill('8');
    await add.getByRole('button', { name: m(lang, 'course.addSessionSubmit') }).click();
    await page.waitForURL(/\/app\/sessions\/[0-9a-f-]{36}/);
    story.sessionId = /sessions\/([0-9a-f-]{36})/.exec(page.url())![1];

    // The demo instructor holds no qualification for the new course: the API refuses.
    const assign = page.locator('form', {
      has: page.getByRole('button', { name: m(lang, 'session.assignSubmit') }),
    });
    const instructorOption = assign.locator('option', { hasText: 'Rashad Aliyev' });
    await assign
      .getByLabel(starts(m(lang, 'session.instructor')))
      .selectOption({ value: (await instructorOption.getAttribute('value'))! });
    await assign.getByRole('button', { name: m(lang, 'session.assignSubmit') }).click();
    await seenWith(assign.getByRole('alert'), m(lang, 'error.INSTRUCTOR_NOT_QUALIFIED'));
    await shot(page, 'admin-session-refused-en-desktop');

    // Qualify him, then assign and open enrolment.
    await go(page, '/app/instructors', lang);
    await page.getByRole('link', { name: 'Rashad Aliyev' }).click();
    const grant = page.locator('form', {
      has: page.getByRole('button', { name: m(lang, 'instructor.grantSubmit') }),
    });
    await grant
      .getByLabel(m(lang, 'field.course'))
      .selectOption({ label: 'WEB-101 · Web journey course' });
    await grant.getByLabel(m(lang, 'instructor.validUntil')).fill(addDays(day(), 365));
    await grant.getByRole('button', { name: m(lang, 'instructor.grantSubmit') }).click();
    await seenWith(page.getByRole('status'), m(lang, 'instructor.granted', { course: 'WEB-101' }));
    await shot(page, 'admin-instructor-en-desktop');

    await go(page, `/app/sessions/${story.sessionId}`, lang);
    const assign2 = page.locator('form', {
      has: page.getByRole('button', { name: m(lang, 'session.assignSubmit') }),
    });
    await assign2.getByLabel(starts(m(lang, 'session.instructor'))).selectOption({
      value: (await assign2.locator('option', { hasText: 'Rashad Aliyev' }).getAttribute('value'))!,
    });
    await assign2.getByLabel(m(lang, 'session.role')).selectOption('lead');
    await assign2.getByRole('button', { name: m(lang, 'session.assignSubmit') }).click();
    await seen(page.getByText(m(lang, 'session.assigned')));
    await page.getByRole('button', { name: m(lang, 'session.to.open') }).click();
    await seen(
      page.getByText(m(lang, 'session.statusChanged', { status: m(lang, 'sessionStatus.open') })),
    );
    await shot(page, 'admin-session-en-desktop');

    // Open the planned EOD-3 session too: a trainee without EOD-2 will be refused there.
    await go(page, '/app/sessions?status=planned', lang);
    await page.getByRole('link', { name: /EOD-3/ }).first().click();
    await page.waitForURL(/\/app\/sessions\/[0-9a-f-]{36}/);
    story.eod3SessionId = /sessions\/([0-9a-f-]{36})/.exec(page.url())![1];
    await page.getByRole('button', { name: m(lang, 'session.to.open') }).click();
    await seen(
      page.getByText(m(lang, 'session.statusChanged', { status: m(lang, 'sessionStatus.open') })),
    );

    for (const [path, name] of [
      ['/app/organisations', 'admin-organisations'],
      ['/app/trainees', 'admin-trainees'],
      ['/app/users', 'admin-users'],
    ] as const) {
      await go(page, path, lang);
      await page.locator('table').first().waitFor();
      await shot(page, `${name}-en-desktop`);
    }
    // Phone size, Azerbaijani.
    await page.setViewportSize(PHONE);
    await go(page, `/app/sessions/${story.sessionId}`, 'az');
    await shot(page, 'admin-session-az-phone');
  });

  it('trainee (phone, Azerbaijani): finds the course, enrols, is refused where a prerequisite is missing, downloads a PDF and shares a link', async () => {
    const lang: Lang = 'az';
    const page = await open(lang, PHONE);
    await signIn(page, lang, account('trainee'));
    await shot(page, 'trainee-home-az-phone');

    await go(page, '/app/catalogue', lang);
    await page.getByLabel(starts(m(lang, 'catalogue.search'))).fill('WEB-101');
    await page.getByLabel(starts(m(lang, 'catalogue.search'))).press('Enter');
    await seen(page.getByText(m(lang, 'catalogue.count', { n: '1' })));
    await shot(page, 'trainee-catalogue-az-phone');
    await page
      .getByRole('link', { name: new RegExp(m(lang, 'catalogue.details')) })
      .first()
      .click();
    await seen(page.getByText(m(lang, 'session.seatsLeft', { n: '8', capacity: '8' })));
    await page.getByRole('button', { name: m(lang, 'enrol.enrol') }).click();
    await seen(page.getByText(m(lang, 'enrol.enrolled')));
    await seen(page.getByText(m(lang, 'session.seatsLeft', { n: '7', capacity: '8' })));
    // Their place and the way out, and no stray "null" from an absent waiting-list line.
    await seen(page.getByRole('button', { name: m(lang, 'enrol.withdraw') }));
    expect(await page.locator('main').innerText()).not.toMatch(/\bnull\b|\bundefined\b/);
    await shot(page, 'trainee-enrolled-az-phone');

    // EOD-3 needs a current EOD-2 certificate: the server's canEnrol says so before any click,
    // naming what is missing, and no Enrol button is offered.
    await go(page, `/app/sessions/${story.eod3SessionId}`, lang);
    await seen(
      page.getByText(
        m(lang, 'error.PREREQUISITE_NOT_MET', {
          courseCode: 'EOD-3',
          missing: 'EOD-2',
          checkedOn: addDays(day(), 60),
        }),
      ),
    );
    expect(await page.getByRole('button', { name: m(lang, 'enrol.enrol') }).count()).toBe(0);
    await shot(page, 'trainee-refused-az-phone');

    // Certificates: the PDF needs the token, so it comes as a download from a blob.
    await go(page, '/app/transcript', lang);
    const [download] = await Promise.all([
      page.waitForEvent('download'),
      page.getByRole('button', { name: /^PDF-i yüklə COE-DEMBASIC/ }).click(),
    ]);
    expect(download.suggestedFilename()).toMatch(/\.pdf$/);
    const pdf = readFileSync((await download.path())!);
    expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
    await page.getByRole('button', { name: /^Keçidi paylaş COE-DEMBASIC/ }).click();
    const link = page.locator('.share__url');
    await seen(link);
    expect(await link.inputValue()).toMatch(new RegExp(`^${t.baseUrl}/verify/COE-DEMBASIC-`));
    await shot(page, 'trainee-transcript-az-phone');
    await page.setViewportSize(DESKTOP);
    await go(page, '/app/transcript', lang);
    await shot(page, 'trainee-transcript-az-desktop');

    // An admin page is refused by the API, and says so in words (no stack trace).
    await go(page, '/app/users', lang);
    await seenWith(page.getByRole('alert'), m(lang, 'error.FORBIDDEN'));
    expect(await page.content()).not.toMatch(/at \w+ \(|Error:/);
  });

  it('instructor (Russian): records attendance and results, sees eligibility, and issues the certificates', async () => {
    const lang: Lang = 'ru';
    const auth = await adminApi();
    const start = await t.http
      .post(`/api/v1/sessions/${story.sessionId}/status`)
      .set(auth)
      .send({ status: 'in_progress' });
    expect(start.status).toBe(200);

    const page = await open(lang);
    await signIn(page, lang, account('instructor'));
    await go(page, '/app/my-sessions', lang);
    await shot(page, 'instructor-sessions-ru-desktop');
    await page
      .getByRole('link', { name: new RegExp(`${m(lang, 'session.openRoster')}: WEB-101`) })
      .click();
    await page.getByRole('heading', { name: m(lang, 'roster.attendance') }).waitFor();

    await page
      .getByRole('button', { name: m(lang, 'roster.allPresentOn', { date: day() }) })
      .click();
    await page.getByRole('button', { name: m(lang, 'roster.saveAttendance') }).click();
    await seen(page.getByText(m(lang, 'roster.attendanceSaved', { n: '1' })));

    await page.getByLabel(m(lang, 'roster.theoryFor', { name: 'Leyla Hüseynova' })).fill('85');
    await page.getByLabel(m(lang, 'roster.practicalFor', { name: 'Leyla Hüseynova' })).fill('90');
    await page.getByRole('button', { name: m(lang, 'roster.saveResults') }).click();
    await seen(page.getByText(m(lang, 'roster.resultsSaved', { n: '1' })));
    // Not yet: the session is still in progress, and the page says why.
    await seen(page.getByText(m(lang, 'eligibility.SESSION_NOT_COMPLETED')));
    await shot(page, 'instructor-roster-ru-desktop');

    const done = await t.http
      .post(`/api/v1/sessions/${story.sessionId}/status`)
      .set(auth)
      .send({ status: 'completed' });
    expect(done.status).toBe(200);
    await page.reload();
    await seen(page.getByText(m(lang, 'eligible.yes'), { exact: true }));
    await page.getByRole('button', { name: m(lang, 'roster.issueAll', { n: '1' }) }).click();
    await seen(page.getByText(m(lang, 'roster.issuedMany', { n: '1' })));
    // Issuing is costly and public at once: the page asked first, saying so.
    expect(dialogs).toContain(m(lang, 'roster.confirmIssueAll', { n: '1' }));
    const serial = await page.locator('a.mono').first().textContent();
    expect(serial).toMatch(/^COE-WEB101-\d{4}-/);
    story.serial = serial!;
    await shot(page, 'instructor-issued-ru-desktop');
    await page.setViewportSize(PHONE);
    await page.reload();
    await page.getByRole('heading', { name: m(lang, 'roster.attendance') }).waitFor();
    await shot(page, 'instructor-roster-ru-phone');
  });

  it('auditor: verifies the serial and a pasted credential, reads the certificate history and the audit trail, and downloads a report', async () => {
    const lang: Lang = 'en';
    const page = await open(lang);
    await signIn(page, lang, account('auditor'));
    await go(page, '/app/verify', lang);
    await page.getByLabel(starts(m(lang, 'verify.serialLabel'))).fill(story.serial!);
    await page.getByRole('button', { name: m(lang, 'verify.check'), exact: true }).click();
    await seenWith(page.locator('.verdict-box--active'), m(lang, 'verdict.active'));

    const auth = await adminApi();
    const certs = await t.http
      .get('/api/v1/certificates')
      .query({ courseId: story.courseId })
      .set(auth);
    const certificateId = (certs.body.items as { id: string }[])[0].id;
    const credential = await t.http
      .get(`/api/v1/certificates/${certificateId}/credential`)
      .set(auth);
    await page
      .getByLabel(starts(m(lang, 'verify.credentialLabel')))
      .fill(credential.body.jwt as string);
    await page.getByRole('button', { name: m(lang, 'verify.checkCredential') }).click();
    await seen(page.getByText(m(lang, 'verify.signatureValid')));
    // A tampered credential is never valid.
    const jwt = credential.body.jwt as string;
    await page
      .getByLabel(starts(m(lang, 'verify.credentialLabel')))
      .fill(withFlippedSignatureBit(jwt));
    await page.getByRole('button', { name: m(lang, 'verify.checkCredential') }).click();
    await seen(page.getByText(m(lang, 'verify.signatureInvalid')));
    await shot(page, 'auditor-verify-en-desktop');

    await go(page, `/app/certificates/${certificateId}`, lang);
    const history = page.locator('section', {
      has: page.getByRole('heading', { name: m(lang, 'certificate.history') }),
    });
    await seen(history.getByText(m(lang, 'action.certificate.issued')));
    // An auditor changes nothing: no suspend or revoke form.
    expect(await page.getByRole('heading', { name: m(lang, 'certificate.manage') }).count()).toBe(
      0,
    );
    await shot(page, 'auditor-certificate-en-desktop');

    await go(page, '/app/audit?entityType=certificate', lang);
    await seenWith(page.locator('table'), 'certificate.issued');
    // Records by their serial and people by their names, as the server labels them.
    await seenWith(page.locator('table'), story.serial!);
    await shot(page, 'auditor-audit-en-desktop');

    await go(page, '/app/reports', lang);
    await seen(page.locator('svg.chart'));
    const training = page.locator('section', {
      has: page.getByRole('heading', { name: m(lang, 'reports.training') }),
    });
    const [csv] = await Promise.all([
      page.waitForEvent('download'),
      training.getByRole('button', { name: m(lang, 'reports.csv') }).click(),
    ]);
    expect(csv.suggestedFilename()).toMatch(/\.csv$/);
    const text = readFileSync((await csv.path())!, 'utf8');
    expect(text).toMatch(/enrolled/i);
    await shot(page, 'auditor-reports-en-desktop');
    await page.setViewportSize(PHONE);
    await go(page, '/app/reports', 'ru');
    await page.locator('svg.chart').first().waitFor();
    await shot(page, 'auditor-reports-ru-phone');
  });

  it('renews an expired access token with the refresh token, and signs out when that fails too', async () => {
    const page = await open('en');
    await signIn(page, 'en', account('trainee'));
    // The session is in cookies (HttpOnly: only the browser context can reach them). An access
    // cookie past its lifetime is simply gone: the page renews from the refresh cookie.
    const context = page.context();
    await context.clearCookies({ name: 'coe_access' });
    await go(page, '/app/transcript', 'en');
    await seen(page.getByRole('heading', { name: m('en', 'transcript.certificates') }));
    expect((await context.cookies()).map((c) => c.name)).toContain('coe_access');
    expect(await page.evaluate('localStorage.length + sessionStorage.length')).toBe(0);

    // A refresh cookie the server does not know (ended elsewhere, forged): signed out.
    const refresh = (await context.cookies()).find((c) => c.name === 'coe_refresh')!;
    await context.clearCookies({ name: 'coe_access' });
    await context.addCookies([{ ...refresh, value: 'not-a-refresh-token' }]);
    await page.goto(`${t.baseUrl}/app/transcript?lang=en`);
    await page.waitForURL(/ended=1/);
    await seen(page.getByText(m('en', 'signin.ended')));
    // The server cleared the cookies: the next visit is a plain sign-in, not a loop.
    expect(
      (await context.cookies()).filter((c) => c.name.startsWith('coe_')).map((c) => c.name),
    ).toEqual([]);
  });

  it('ran every page without a script error', () => {
    expect(pageErrors).toEqual([]);
  });
});
