import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { ParsedMail } from 'mailparser';
import { randomUUID } from 'node:crypto';
import type { Page } from 'playwright-core';
import type { Lang } from '../src/web/i18n.js';
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
import { startSmtpCapture, type SmtpCapture } from './smtp.js';

/**
 * Password recovery and invitations as people meet them: the sign-in form's "Forgot password?",
 * the mail (read from an SMTP server in the test), the set-password page the link opens, and
 * the administrator's buttons. Also the preferences form on the account page.
 */
browserDescribe('accounts in the browser', () => {
  const harness = new BrowserHarness();
  let smtp: SmtpCapture;
  let t: BrowserHarness['t'];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = (await harness.start({ smtpUrl: smtp.url })).t;
  }, 120_000);
  afterAll(async () => {
    await harness.close();
    await smtp?.close();
  });

  const addressed = (email: string) => (mail: ParsedMail) =>
    (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [])
      .flatMap((a) => a.value)
      .some((a) => a.address?.toLowerCase() === email);

  /** The set-password link of the latest mail to the address, sent after `after` messages. */
  async function linkMailedTo(email: string, after: number): Promise<string> {
    await smtp.waitFor(
      (mail) => smtp.messages.indexOf(mail) >= after && addressed(email)(mail),
      15_000,
    );
    const mail = smtp.messages.slice(after).filter(addressed(email)).at(-1)!;
    const url = new RegExp(`(${t.baseUrl}/set-password#\\S+)`).exec(mail.text ?? '')?.[1];
    expect(url).toBeDefined();
    return url!;
  }

  /** What a reader sees in the page's main part: never a "null" or "undefined". */
  async function expectNoBlanks(page: Page) {
    const text = await page.locator('main').innerText();
    expect(text).not.toMatch(/\bnull\b|\bundefined\b|\{\w+\}/);
  }

  async function choosePassword(page: Page, lang: Lang, password: string) {
    await page.getByLabel(starts(m(lang, 'password.new'))).fill(password);
    await page.getByLabel(starts(m(lang, 'password.confirm'))).fill(password);
    await page.getByRole('button', { name: m(lang, 'setPassword.submit') }).click();
  }

  const signOutButton = (page: Page, lang: Lang) =>
    page.getByRole('button', { name: m(lang, 'nav.signOut') });

  it('forgot password (phone, English): the mail’s link chooses a new one, which signs in; the link then stops working', async () => {
    const lang: Lang = 'en';
    const email = `forgetful-${randomUUID().slice(0, 8)}@coe.test`;
    const created = await t.http
      .post('/api/v1/users')
      .set(await harness.bearer('admin'))
      .send({ email, password: 'Initial-Secret-Phrase-1', roles: ['trainee'] });
    expect(created.status).toBe(201);

    const page = await harness.open(lang, PHONE);
    await page.getByRole('link', { name: m(lang, 'signin.forgot') }).click();
    await seen(page.getByRole('heading', { name: m(lang, 'forgot.title') }));
    await expectNoBlanks(page);
    await harness.shot(page, 'forgot-password-en-phone');
    const before = smtp.messages.length;
    await page.getByLabel(starts(m(lang, 'signin.email'))).fill(email);
    await page.keyboard.press('Enter');
    await seenWith(page.getByRole('status'), m(lang, 'forgot.sent', { email }));

    const link = await linkMailedTo(email, before);
    await page.goto(link);
    await seen(page.getByRole('heading', { name: m(lang, 'setPassword.title') }));
    await seen(page.getByText(m(lang, 'setPassword.account', { email })));
    // The token is out of the address bar as soon as the page has read it.
    expect(page.url()).not.toContain('token');
    await seen(page.getByText(m(lang, 'password.rules')));
    await expectNoBlanks(page);
    await harness.shot(page, 'set-password-en-phone');

    // Two different passwords, then a common one: refused in words, beside the field.
    await page.getByLabel(starts(m(lang, 'password.new'))).fill('Quiet-Harbour-Lantern-42');
    await page.getByLabel(starts(m(lang, 'password.confirm'))).fill('Quiet-Harbour-Lantern-43');
    await page.getByRole('button', { name: m(lang, 'setPassword.submit') }).click();
    await seen(page.getByText(m(lang, 'password.mismatch')));
    await choosePassword(page, lang, 'Password2026!');
    await seen(page.getByText(/common password/));

    await choosePassword(page, lang, 'Quiet-Harbour-Lantern-42');
    await seen(signOutButton(page, lang));
    // Signed in as that account (a phone's narrow bar shows the address only in its title).
    await page.locator(`.account__email[title="${email}"]`).waitFor({ state: 'attached' });

    // Signed out, the new password signs in through the form; the old one no longer does.
    await signOutButton(page, lang).click();
    await seen(page.getByRole('heading', { name: m(lang, 'signin.title') }));
    await page.getByLabel(m(lang, 'signin.email')).fill(email);
    await page.getByLabel(starts(m(lang, 'signin.password'))).fill('Initial-Secret-Phrase-1');
    await page.keyboard.press('Enter');
    await seenWith(page.getByRole('alert'), m(lang, 'error.INVALID_CREDENTIALS'));
    await page.getByLabel(starts(m(lang, 'signin.password'))).fill('Quiet-Harbour-Lantern-42');
    await page.keyboard.press('Enter');
    await seen(signOutButton(page, lang));

    // The link worked once: opened again, the page says why not and offers a new one.
    const again = await harness.open(lang, PHONE);
    await again.goto(link);
    await seen(again.getByRole('heading', { name: m(lang, 'setPassword.title') }));
    await choosePassword(again, lang, 'Another-Fresh-Passphrase-9');
    await seenWith(again.getByRole('alert'), m(lang, 'setPassword.invalid'));
    await harness.shot(again, 'set-password-used-en-phone');
    await again.getByRole('link', { name: m(lang, 'setPassword.askAgain') }).click();
    await seen(again.getByRole('heading', { name: m(lang, 'forgot.title') }));
    expect(await again.getByLabel(starts(m(lang, 'signin.email'))).inputValue()).toBe(email);
  });

  it('invitation (desktop, Russian admin, Azerbaijani person): created without a password, resent from the users page, the link chooses one and signs in', async () => {
    const lang: Lang = 'ru';
    const email = `invited-${randomUUID().slice(0, 8)}@coe.test`;
    const page = await harness.open(lang, DESKTOP);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, '/app/users', lang);

    const before = smtp.messages.length;
    const create = page.locator('section', {
      has: page.getByRole('heading', { name: m(lang, 'users.create') }),
    });
    await create.getByLabel(starts(m(lang, 'field.email'))).fill(email);
    await create.getByLabel(m(lang, 'role.auditor')).check();
    await create.getByLabel(m(lang, 'users.language')).selectOption('az');
    await create.getByRole('button', { name: m(lang, 'users.createSubmit') }).click();
    await seenWith(page.getByRole('status'), m(lang, 'users.invited', { email }));
    const first = await linkMailedTo(email, before);
    expect(smtp.messages.at(-1)!.subject).toBe('Hesabınız: şifrə seçin');

    // The row says the invitation is pending and offers to send it again.
    const row = page.getByRole('row', { name: new RegExp(email) });
    await seen(row.getByText(m(lang, 'account.invited')));
    await expectNoBlanks(page);
    const resentFrom = smtp.messages.length;
    await row.getByRole('button', { name: `${m(lang, 'users.sendInvitation')}: ${email}` }).click();
    await seen(
      page.getByRole('status').filter({
        hasText: m(lang, 'users.invitationSent', { email, expiresAt: '' }).split('.')[0],
      }),
    );
    await harness.shot(page, 'users-invitation-ru-desktop');
    const link = await linkMailedTo(email, resentFrom);
    expect(link).not.toBe(first);

    // The person opens the newest link in their own browser, in Azerbaijani.
    const person = await harness.open('az', DESKTOP, 'az-AZ');
    await person.goto(link);
    await seen(person.getByRole('heading', { name: m('az', 'setPassword.title') }));
    await expectNoBlanks(person);
    await harness.shot(person, 'set-password-invitation-az-desktop');
    await choosePassword(person, 'az', 'Caspian-Morning-Ferry-31');
    await seen(signOutButton(person, 'az'));
    await seen(person.locator('.account__email', { hasText: email }));

    // The first link was replaced by the resend.
    const stale = await harness.open('az', DESKTOP, 'az-AZ');
    await stale.goto(first);
    await choosePassword(stale, 'az', 'Caspian-Evening-Ferry-32');
    await seenWith(stale.getByRole('alert'), m('az', 'setPassword.invalid'));

    // Now active: the admin's row offers a reset link instead, which asks first.
    await page.reload();
    const active = page.getByRole('row', { name: new RegExp(email) });
    await seen(active.getByText(m(lang, 'account.enabled')));
    const resetFrom = smtp.messages.length;
    await active.getByRole('button', { name: `${m(lang, 'users.sendReset')}: ${email}` }).click();
    await seen(page.getByRole('status').filter({ hasText: email }));
    expect(harness.dialogs).toContain(m(lang, 'users.confirmReset', { email }));
    await linkMailedTo(email, resetFrom);
    // Its sessions ended: the person's page is signed out at its next request.
    await person.reload();
    await seen(person.getByRole('heading', { name: m('az', 'signin.title') }));
  });

  it('a link without its token, on a phone in Azerbaijani, says where to get one', async () => {
    const page = await harness.open('az', PHONE);
    await page.goto(`${t.baseUrl}/set-password?lang=az`);
    await seenWith(page.getByRole('alert'), m('az', 'setPassword.missing'));
    await seen(page.getByRole('link', { name: m('az', 'setPassword.askAgain') }));
    await expectNoBlanks(page);
  });

  it('preferences (English): language and reminders saved on the account page', async () => {
    const lang: Lang = 'en';
    const page = await harness.open(lang, PHONE);
    await harness.signIn(page, lang, account('auditor'));
    await harness.go(page, '/app/password', lang);
    await seen(page.getByRole('heading', { name: m(lang, 'prefs.title') }));
    // Not chosen yet: the choice names the language mail is in now.
    expect(
      await page.getByLabel(m(lang, 'prefs.language')).locator('option:checked').textContent(),
    ).toBe(m(lang, 'prefs.languageAuto', { language: 'English' }));
    await expectNoBlanks(page);
    await page.getByLabel(m(lang, 'prefs.language')).selectOption('ru');
    await page.getByLabel(m(lang, 'prefs.reminders')).uncheck();
    await page.getByRole('button', { name: m(lang, 'prefs.submit') }).click();
    await seenWith(page.getByRole('status'), m(lang, 'prefs.saved'));
    await harness.shot(page, 'preferences-en-phone');

    const saved = await t.http
      .get('/api/v1/auth/me/preferences')
      .set(await harness.bearer('auditor'));
    expect(saved.body).toEqual({ language: 'ru', reminders: false, mailLanguage: 'ru' });
    await page.reload();
    await seen(page.getByRole('heading', { name: m(lang, 'prefs.title') }));
    expect(await page.getByLabel(m(lang, 'prefs.language')).inputValue()).toBe('ru');
    expect(await page.getByLabel(m(lang, 'prefs.reminders')).isChecked()).toBe(false);
    expect(harness.pageErrors).toEqual([]);
  });
});
