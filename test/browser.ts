import { describe } from '@jest/globals';
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import type { AppConfig } from '../src/config/app-config.js';
import { DEMO_ACCOUNTS, seedDemoData } from '../src/database/seed.js';
import { t as msg, type Lang, type MessageKey } from '../src/web/i18n.js';
import { startTestApp, type TestApp } from './app.js';

/**
 * What every browser suite shares: Debian's Chromium through playwright-core, the real app on
 * the demo data set, and the small waits a reader's eye stands for. Each suite file gets its
 * own app and browser, so suites run side by side without sharing state.
 */
export const CHROMIUM = '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];
export const ARTIFACTS = join(process.cwd(), 'test', 'artifacts', 'web');
export const DESKTOP = { width: 1280, height: 900 };
export const PHONE = { width: 360, height: 740 };

const hasChromium = existsSync(CHROMIUM);
// CI installs Chromium and sets COE_REQUIRE_BROWSER: there, a missing browser is a failure.
if (!hasChromium && process.env.COE_REQUIRE_BROWSER) {
  throw new Error(`${CHROMIUM} is required (COE_REQUIRE_BROWSER is set) but not installed`);
}
if (!hasChromium) {
  console.warn(
    `Skipping the web browser tests: ${CHROMIUM} not found (install it: apt-get install -y chromium).`,
  );
}
export const browserDescribe = hasChromium ? describe : describe.skip;

export const password = DEMO_ACCOUNTS[0].password;
export const account = (role: string) => DEMO_ACCOUNTS.find((a) => a.role === role)!.email;
export const m = (lang: Lang, key: MessageKey, params?: Record<string, string>) =>
  msg(lang, key, params);

// playwright-core has no assertion library: these wait for what a reader would see.
export const seen = (l: Locator) => l.first().waitFor({ state: 'visible' });
export const seenWith = (l: Locator, text: string) => seen(l.filter({ hasText: text }));
/** A field's label: this text, and a required field's hidden "*" after it. */
export const starts = (text: string) =>
  new RegExp(`^${text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}(\\s*\\*)?$`);

export interface OpenOptions {
  viewport?: { width: number; height: number };
  locale?: string;
}

/** The app on the demo data and a browser; `start()` in beforeAll, `close()` in afterAll. */
export class BrowserHarness {
  t!: TestApp & { baseUrl: string };
  browser!: Browser;
  readonly contexts: BrowserContext[] = [];
  readonly pageErrors: string[] = [];
  /** Every confirm() a page asked, in order (the harness accepts them all). */
  readonly dialogs: string[] = [];

  /** Browsers started by launch(), closed with the harness. */
  private readonly extraBrowsers: Browser[] = [];

  /** `overrides`: settings for the app (e.g. `smtpUrl` of a test's SMTP capture). */
  async start(overrides: Partial<AppConfig> = {}): Promise<this> {
    mkdirSync(ARTIFACTS, { recursive: true });
    this.t = await startTestApp(overrides, { listen: true });
    await seedDemoData(this.t.app);
    this.browser = await this.launch();
    return this;
  }

  /**
   * Another Chromium with the usual flags and `extraArgs`, for what is fixed when the browser
   * starts (a fake camera's video made from what the app serves, say).
   */
  async launch(extraArgs: string[] = []): Promise<Browser> {
    const { chromium } = await import('playwright-core');
    const browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: [...FLAGS, ...extraArgs],
    });
    if (this.browser) this.extraBrowsers.push(browser);
    return browser;
  }

  async close(): Promise<void> {
    for (const c of this.contexts) await c.close().catch(() => undefined);
    for (const b of this.extraBrowsers) await b.close().catch(() => undefined);
    await this.browser?.close();
    await this.t?.close();
  }

  /** A new browser context (its own cookies and storage) at the sign-in page. */
  async open(lang: Lang, viewport = DESKTOP, locale?: string): Promise<Page> {
    const context = await this.browser.newContext({ viewport, locale, acceptDownloads: true });
    this.contexts.push(context);
    const page = await context.newPage();
    this.watch(page);
    await page.goto(`${this.t.baseUrl}/?lang=${lang}`);
    return page;
  }

  /** Records script errors and accepts confirmations on a page (a new tab, say). */
  watch(page: Page): void {
    page.on('pageerror', (e) => this.pageErrors.push(e.message));
    page.on('dialog', (d) => {
      this.dialogs.push(d.message());
      void d.accept();
    });
    page.setDefaultTimeout(15_000);
  }

  async signIn(page: Page, lang: Lang, email: string): Promise<void> {
    await page.getByLabel(m(lang, 'signin.email')).fill(email);
    await page.getByLabel(starts(m(lang, 'signin.password'))).fill(password);
    // The form submits on Enter, as any form should.
    await page.keyboard.press('Enter');
    await page.getByRole('button', { name: m(lang, 'nav.signOut') }).waitFor();
  }

  async go(page: Page, path: string, lang: Lang): Promise<void> {
    await page.goto(`${this.t.baseUrl}${path}${path.includes('?') ? '&' : '?'}lang=${lang}`);
    await page.locator('main h1').first().waitFor();
  }

  async shot(page: Page, name: string): Promise<void> {
    await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
  }

  /** The API with a demo account's Bearer token, to set a story up or move it on. */
  async bearer(role = 'admin'): Promise<{ Authorization: string }> {
    const res = await this.t.http
      .post('/api/v1/auth/login')
      .send({ email: account(role), password });
    return { Authorization: `Bearer ${res.body.accessToken as string}` };
  }
}
