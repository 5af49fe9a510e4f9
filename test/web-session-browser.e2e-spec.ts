import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import { account, browserDescribe, BrowserHarness, DESKTOP, m, seen } from './browser.js';

/**
 * The web session in a real browser: it lives in cookies, so a link opened in a new tab, a
 * reload or a reopened browser is still signed in; no script on the page can read a token;
 * signing out in one tab ends the others.
 */
browserDescribe('web session across tabs', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];

  beforeAll(async () => {
    t = (await harness.start()).t;
  }, 120_000);
  afterAll(() => harness.close());

  const signOutButton = (page: Page) => page.getByRole('button', { name: m('en', 'nav.signOut') });
  const transcript = (page: Page) =>
    seen(page.getByRole('heading', { name: m('en', 'transcript.certificates') }));
  const signInForm = (page: Page) =>
    seen(page.getByRole('heading', { name: m('en', 'signin.title') }));

  /** Everything a script on the page can read that might hold a credential. */
  const readableByScript = (page: Page) =>
    page.evaluate(`(() => {
      const dump = (s) => Object.keys(s).map((k) => k + '=' + s.getItem(k));
      return { cookie: document.cookie, session: dump(sessionStorage), local: dump(localStorage) };
    })()`) as Promise<{ cookie: string; session: string[]; local: string[] }>;

  it('keeps the person signed in in a new tab and after a reload, with no token readable by script', async () => {
    const page = await harness.open('en');
    await harness.signIn(page, 'en', account('trainee'));

    // A link opened in a new tab (same browser, same cookies) on another page.
    const tab = await page.context().newPage();
    harness.watch(tab);
    await tab.goto(`${t.baseUrl}/app/transcript?lang=en`);
    await transcript(tab);
    await seen(signOutButton(tab));

    const cookies = await page.context().cookies();
    const secrets = cookies
      .filter((c) => c.name === 'coe_access' || c.name === 'coe_refresh')
      .map((c) => c.value);
    expect(secrets).toHaveLength(2);
    for (const c of cookies.filter((c) => c.name !== 'coe_csrf')) expect(c.httpOnly).toBe(true);
    for (const p of [page, tab]) {
      const readable = await readableByScript(p);
      expect(readable.cookie).not.toMatch(/coe_access|coe_refresh/);
      const everything = JSON.stringify(readable);
      for (const secret of secrets) expect(everything).not.toContain(secret);
      // No JWT anywhere (an access token starts with the encoded JOSE header).
      expect(everything).not.toMatch(/eyJ[A-Za-z0-9_-]{10,}/);
    }

    await tab.reload();
    await transcript(tab);
    await seen(signOutButton(tab));
  });

  it('is still signed in when the browser is reopened after the access token expired', async () => {
    const page = await harness.open('en');
    await harness.signIn(page, 'en', account('trainee'));
    // A reopened browser keeps persistent cookies only; the short-lived access cookie is gone
    // as it would be some time later. Two tabs restored together renew at once.
    const kept = (await page.context().cookies()).filter(
      (c) => c.expires > 0 && c.name !== 'coe_access',
    );
    expect(kept.map((c) => c.name).sort()).toEqual(['coe_csrf', 'coe_refresh']);
    const reopened = await harness.browser.newContext({ viewport: DESKTOP });
    harness.contexts.push(reopened);
    await reopened.addCookies(kept);
    const [a, b] = [await reopened.newPage(), await reopened.newPage()];
    harness.watch(a);
    harness.watch(b);
    await Promise.all([
      a.goto(`${t.baseUrl}/app/transcript?lang=en`),
      b.goto(`${t.baseUrl}/?lang=en`),
    ]);
    await transcript(a);
    await seen(signOutButton(a));
    await seen(signOutButton(b));
    // Both renewed from one refresh token without tripping its reuse detection.
    await a.reload();
    await transcript(a);
  });

  it('signs out every tab when the person signs out in one', async () => {
    const page = await harness.open('en');
    await harness.signIn(page, 'en', account('trainee'));
    const tab = await page.context().newPage();
    harness.watch(tab);
    await tab.goto(`${t.baseUrl}/app/transcript?lang=en`);
    await transcript(tab);

    await signOutButton(page).click();
    await signInForm(page);
    expect(await page.context().cookies()).toEqual([]);

    await tab.goto(`${t.baseUrl}/app/transcript?lang=en`);
    await signInForm(tab);
    expect(await signOutButton(tab).count()).toBe(0);
  });

  it('ran without a script error', () => {
    expect(harness.pageErrors).toEqual([]);
  });
});
