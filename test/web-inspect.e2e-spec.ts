import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';
import { signQrToken } from '../src/credentials/qr-token.js';
import { SigningKeysService } from '../src/credentials/signing-keys.service.js';
import type { Lang } from '../src/web/i18n.js';
import { INSPECT_MODULES } from '../src/web/inspect.controller.js';
import { account, browserDescribe, BrowserHarness, DESKTOP, m, PHONE, seen } from './browser.js';

type Auth = { Authorization: string };
type Verdict = 'valid' | 'expired' | 'suspended' | 'revoked' | 'not_genuine';

/** A page's view of the DOM it runs in (the project compiles without the DOM library). */
declare const navigator: { serviceWorker: { ready: Promise<unknown>; controller: unknown } };
declare const getComputedStyle: (el: unknown) => { fontSize: string };

/**
 * The inspector's offline app (issue 19), in Chromium: synced while online, it judges a
 * certificate's QR with no connection (context.setOffline) from what the device keeps: valid,
 * revoked since, suspended, expired, one changed character, a certificate signed before a key
 * rotation; the checks made offline reach the server once each when the connection is back.
 */
browserDescribe('web: the inspector checks QR codes offline', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];
  let admin: Auth;

  beforeAll(async () => {
    t = (await harness.start()).t;
    admin = await harness.bearer('admin');
  }, 120_000);

  afterAll(() => harness.close());

  /** Certificates of the demo data in this status, with what their QR codes hold. */
  async function certificates(status: string, count = 1) {
    const list = await t.http.get('/api/v1/certificates').query({ status, limit: 50 }).set(admin);
    const items = (list.body.items as { id: string; serial: string }[]).slice(0, count);
    expect(items).toHaveLength(count);
    return Promise.all(
      items.map(async (c) => {
        const res = await t.http.get(`/api/v1/certificates/${c.id}`).set(admin);
        expect(res.status).toBe(200);
        const qrUrl = res.body.qrUrl as string;
        expect(qrUrl.startsWith(`${t.baseUrl}/verify/`)).toBe(true);
        return { id: c.id, serial: c.serial, qrUrl };
      }),
    );
  }

  const tokenOf = (qrUrl: string) => qrUrl.slice(qrUrl.indexOf('#') + 1);
  const claimsOf = (qrUrl: string) =>
    JSON.parse(Buffer.from(tokenOf(qrUrl).split('.')[1], 'base64url').toString()) as Record<
      string,
      unknown
    >;

  /** The app, signed in as the auditor, synced, with its service worker in charge. */
  async function openApp(lang: Lang, viewport = PHONE, locale?: string) {
    const page = await harness.open(lang, viewport, locale);
    await harness.signIn(page, lang, account('auditor'));
    // The sections menu leads an auditor to the app.
    await page.getByRole('link', { name: m(lang, 'nav.inspect') }).click();
    await page.waitForURL(/\/inspect\?lang=/);
    await page.evaluate(() => navigator.serviceWorker.ready.then(() => true));
    await synced(page, lang);
    return page;
  }

  async function synced(page: Page, lang: Lang) {
    await seen(page.locator('.sync-state .notice--ok', { hasText: m(lang, 'inspect.synced') }));
  }

  async function syncNow(page: Page, lang: Lang) {
    await page.locator('.sync-state .notice').evaluateAll((all) => all.forEach((e) => e.remove()));
    await page.getByRole('button', { name: m(lang, 'inspect.sync') }).click();
    await synced(page, lang);
  }

  /** Opens a scanned QR URL as the phone's camera app would, and reads the verdict. */
  async function openQr(page: Page, url: string): Promise<Verdict> {
    const response = await page.goto(url);
    // With no connection the answer can only have come from the service worker.
    if (response) expect(response.fromServiceWorker()).toBe(true);
    const box = page.locator('.verdict');
    await seen(box);
    return (await box.getAttribute('data-verdict')) as Verdict;
  }

  function oneCharacterChanged(qrUrl: string): string {
    const token = tokenOf(qrUrl);
    const at = token.indexOf('.') + 12;
    const changed = token[at] === 'A' ? 'B' : 'A';
    return `${qrUrl.slice(0, qrUrl.indexOf('#'))}#${token.slice(0, at)}${changed}${token.slice(at + 1)}`;
  }

  async function inspectionsOnServer() {
    return (await t.db.query(
      'SELECT client_id, serial, verdict, site, note FROM inspections ORDER BY checked_at',
    )) as { client_id: string; serial: string; verdict: string; site: string; note: string }[];
  }

  it('serves the app, its manifest, icons and a worker that may take the whole site', async () => {
    const page = await t.http.get('/inspect?lang=az');
    expect(page.status).toBe(200);
    expect(page.text).toContain('rel="manifest" href="/inspect/manifest.webmanifest?lang=az"');
    const manifest = await t.http.get('/inspect/manifest.webmanifest?lang=az');
    expect(manifest.headers['content-type']).toContain('application/manifest+json');
    const body = JSON.parse(manifest.text) as Record<string, unknown>;
    expect(body).toMatchObject({
      name: m('az', 'inspect.appName'),
      display: 'standalone',
      start_url: '/inspect?lang=az',
    });
    for (const size of [192, 512]) {
      const icon = await t.http.get(`/inspect/icon-${size}.png`).buffer(true);
      expect(icon.headers['content-type']).toBe('image/png');
      // IHDR's width and height
      expect((icon.body as Buffer).readUInt32BE(16)).toBe(size);
      expect((icon.body as Buffer).readUInt32BE(20)).toBe(size);
    }
    const worker = await t.http.get('/inspect/sw.js');
    expect(worker.headers['service-worker-allowed']).toBe('/');
    expect(worker.headers['content-type']).toContain('text/javascript');
    // The worker keeps every module of the app: a file added to assets/inspect/ and not to
    // INSPECT_MODULES would be missing offline.
    const files = readdirSync(join(process.cwd(), 'src', 'web', 'assets', 'inspect')).filter(
      (f) => /\.(js|css)$/.test(f) && f !== 'sw.js',
    );
    for (const f of files) expect(INSPECT_MODULES).toContain(`inspect/${f}`);
    for (const name of INSPECT_MODULES) expect(worker.text).toContain(`/${name}"`);
  });

  it('judges valid, revoked since, suspended, expired and changed codes with no connection, also after a key rotation, and sends the checks made offline once each', async () => {
    const lang = 'en';
    const [valid, toRevoke, renewedLater] = await certificates('active', 3);
    const [suspended] = await certificates('suspended');
    const page = await openApp(lang, PHONE);
    const context: BrowserContext = page.context();
    const before = (await inspectionsOnServer()).length;

    // Revoked online after the first sync: the next sync brings it.
    const revoked = await t.http
      .post(`/api/v1/certificates/${toRevoke.id}/revoke`)
      .set(admin)
      .send({ reason: 'qa_finding', note: 'Field inspection test' });
    expect(revoked.status).toBe(201);
    // A key rotation: certificates printed before keep verifying with the retired key, those
    // answered after are signed with the new one.
    const rotated = await t.http.post('/api/v1/signing-keys/rotate').set(admin);
    expect(rotated.status).toBe(201);
    const [renewed] = await Promise.all([
      t.http.get(`/api/v1/certificates/${renewedLater.id}`).set(admin),
    ]);
    const newKeyQr = renewed.body.qrUrl as string;
    expect(
      JSON.parse(Buffer.from(tokenOf(newKeyQr).split('.')[0], 'base64url').toString()),
    ).toMatchObject({
      kid: rotated.body.kid,
    });
    expect(tokenOf(newKeyQr)).not.toBe(tokenOf(renewedLater.qrUrl));
    // Expired: the same certificate's facts with a valid-until in the past, signed by the
    // Center's key in the QR format (the demo data has no expired certificate with a QR).
    const key = await t.app.get(SigningKeysService).activeKey();
    const expiredClaims = { ...claimsOf(valid.qrUrl), vu: '2024-01-31' };
    const expiredQr = `${valid.qrUrl.slice(0, valid.qrUrl.indexOf('#'))}#${signQrToken(expiredClaims as never, key)}`;
    await syncNow(page, lang);

    await context.setOffline(true);
    const site = 'Agdam, sector 4';
    const expected: [string, string, Verdict][] = [
      ['valid, signed before the rotation', valid.qrUrl, 'valid'],
      ['revoked since the first sync', toRevoke.qrUrl, 'revoked'],
      ['suspended', suspended.qrUrl, 'suspended'],
      ['expired', expiredQr, 'expired'],
      ['one character changed', oneCharacterChanged(valid.qrUrl), 'not_genuine'],
      ['signed by the new key', newKeyQr, 'valid'],
    ];
    for (const [name, url, verdict] of expected) {
      const got = await openQr(page, url);
      expect({ name, verdict: got }).toEqual({ name, verdict });
      const box = page.locator('.verdict');
      expect(await box.innerText()).toContain(m(lang, `inspect.verdict.${verdict}`));
      if (name === 'valid, signed before the rotation') {
        const facts = await page.locator('.facts').innerText();
        expect(facts).toContain(valid.serial);
        expect(facts).toContain(claimsOf(valid.qrUrl).nm as string);
        expect(await box.innerText()).toContain(m(lang, 'inspect.statusAsOf', { time: '' }).trim());
        await page.getByLabel(m(lang, 'inspect.siteLabel')).fill(site);
      }
      if (verdict === 'not_genuine') {
        // Nothing the changed code claims is shown as a fact: only when it was checked.
        const shown = await page.locator('.result-area').innerText();
        for (const claim of ['nm', 'sn', 'cc', 'iat'])
          expect(shown).not.toContain(claimsOf(valid.qrUrl)[claim] as string);
      }
    }
    // Kept on the device, not sent yet.
    const items = page.locator('.check-item');
    await expect(items.count()).resolves.toBe(expected.length);
    expect(await page.locator('.check-item__sent--no').count()).toBe(expected.length);
    expect((await inspectionsOnServer()).length).toBe(before);

    // Back online: the app sends what it kept, and the server has each check once.
    await context.setOffline(false);
    await page
      .locator('.check-item__sent--no')
      .first()
      .waitFor({ state: 'detached', timeout: 20_000 });
    const stored = (await inspectionsOnServer()).slice(before);
    expect(stored.map((r) => r.verdict)).toEqual(expected.map(([, , v]) => v));
    expect(stored.map((r) => r.serial)).toEqual([
      valid.serial,
      toRevoke.serial,
      suspended.serial,
      valid.serial,
      valid.serial,
      renewedLater.serial,
    ]);
    expect(new Set(stored.map((r) => r.client_id)).size).toBe(expected.length);
    // The site typed once is remembered for the checks after it.
    expect(stored.map((r) => r.site)).toEqual([null, site, site, site, site, site]);

    // Sending again (the button) creates nothing more.
    await page.getByRole('button', { name: m(lang, 'inspect.upload') }).click();
    await page.waitForTimeout(500);
    expect((await inspectionsOnServer()).length).toBe(before + expected.length);
    const listed = await t.http
      .get('/api/v1/inspections')
      .query({ serial: toRevoke.serial })
      .set(admin);
    expect(listed.status).toBe(200);
    expect(listed.body.items).toHaveLength(1);
    expect(listed.body.items[0]).toMatchObject({ verdict: 'revoked', site });
    expect(harness.pageErrors).toEqual([]);
  }, 120_000);

  it('warns when the saved status is older than staleAfterDays, takes a pasted code, sets aside a check the server refuses, and asks a visitor to sign in to sync', async () => {
    const lang = 'en';
    const [valid] = await certificates('active');
    const page = await openApp(lang, PHONE);
    // Online, a scanned address is the server's page, as before the app existed.
    await page.goto(valid.qrUrl);
    await seen(page.getByText(m(lang, 'verdict.active'), { exact: true }));
    expect(page.url()).toContain('/verify/');
    expect(await page.locator('.verdict[data-verdict]').count()).toBe(0);

    // Eight days later by the device's clock, still in the field: the app says its status is old.
    await page.context().setOffline(true);
    await page.clock.install({ time: new Date(Date.now() + 8 * 86_400_000) });
    await page.goto(`${t.baseUrl}/inspect?lang=${lang}`);
    await seen(
      page.locator('.sync-state .notice--warning', {
        hasText: m(lang, 'inspect.stale', { n: '7' }),
      }),
    );
    // A code pasted as text (no address) is judged the same way.
    await page.getByLabel(m(lang, 'inspect.pasteLabel')).fill(tokenOf(valid.qrUrl));
    await page.getByRole('button', { name: m(lang, 'inspect.check'), exact: true }).click();
    await seen(page.locator('.verdict[data-verdict="valid"]'));
    expect(await page.locator('.result-area').innerText()).not.toContain(
      m(lang, 'inspect.statusUnknown'),
    );
    // A genuine code pointing at a list the phone has not synced: its status cannot be seen,
    // and the app says so beside the verdict.
    const key = await t.app.get(SigningKeysService).activeKey();
    const unsynced = signQrToken({ ...claimsOf(valid.qrUrl), sl: [99, 7] } as never, key);
    await page.getByLabel(m(lang, 'inspect.pasteLabel')).fill(unsynced);
    await page.getByRole('button', { name: m(lang, 'inspect.check'), exact: true }).click();
    await seen(
      page.locator('.result-area .notice--warning', { hasText: m(lang, 'inspect.statusUnknown') }),
    );
    const before = (await inspectionsOnServer()).length;
    // Back online, the server refuses a check timed eight days ahead of its clock: the app says
    // so and stops offering it, and the next check (the clock put right) is sent all the same.
    await page.context().setOffline(false);
    await seen(page.locator('.check-item__sent--refused'));
    await page.clock.setSystemTime(new Date());
    await page.getByLabel(m(lang, 'inspect.pasteLabel')).fill(valid.qrUrl);
    await page.getByRole('button', { name: m(lang, 'inspect.check'), exact: true }).click();
    await seen(page.locator('.check-item__sent--yes'));
    expect(await page.locator('.check-item__sent--refused').count()).toBe(2);
    const after = await inspectionsOnServer();
    expect(after.length).toBe(before + 1);
    expect(after.at(-1)).toMatchObject({ serial: valid.serial, verdict: 'valid' });

    // Not signed in (and INSPECT_PUBLIC off): nothing to sync, and the app says why.
    const visitor = await harness.open(lang, PHONE);
    await visitor.goto(`${t.baseUrl}/inspect?lang=${lang}`);
    await seen(
      visitor.locator('.sync-state .notice--warning', { hasText: m(lang, 'inspect.neverSynced') }),
    );
    await seen(
      visitor.locator('.sync-state .notice--error', {
        hasText: m(lang, 'inspect.syncNeedsSignIn'),
      }),
    );
    // Without synced keys a genuine code cannot be told from a forged one: never "valid".
    await visitor.getByLabel(m(lang, 'inspect.pasteLabel')).fill(valid.qrUrl);
    await visitor.getByRole('button', { name: m(lang, 'inspect.check'), exact: true }).click();
    await seen(visitor.locator('.verdict[data-verdict="not_genuine"]'));
    expect(await visitor.locator('.verdict').innerText()).toContain(
      m(lang, 'inspect.reason.unknown_key'),
    );
    expect(harness.pageErrors).toEqual([]);
  }, 120_000);

  it('reads in Azerbaijani on a phone and a desktop, and in Russian on a phone, offline, in large whole words', async () => {
    const [valid] = await certificates('active');
    const [suspended] = await certificates('suspended');
    for (const [lang, viewport, name] of [
      ['az', PHONE, 'phone'],
      ['az', DESKTOP, 'desktop'],
      // ДЕЙСТВИТЕЛЬНО, the longest word, on the narrowest screen.
      ['ru', PHONE, 'phone'],
    ] as const) {
      const page = await openApp(lang, viewport, `${lang}-${lang.toUpperCase()}`);
      await page.context().setOffline(true);
      for (const [url, verdict] of [
        [valid.qrUrl, 'valid'],
        [suspended.qrUrl, 'suspended'],
        [oneCharacterChanged(valid.qrUrl), 'not_genuine'],
      ] as const) {
        expect(await openQr(page, url)).toBe(verdict);
        const word = page.locator('.verdict__word');
        expect(await word.innerText()).toBe(m(lang, `inspect.verdict.${verdict}`));
        // Readable at arm's length: the word is at least 28 CSS pixels tall (1.5 times the text), and whole (never broken).
        const size = await word.evaluate((el) => parseFloat(getComputedStyle(el).fontSize));
        expect(size).toBeGreaterThanOrEqual(28);
        const overflows = await word.evaluate(
          (el) =>
            (el as unknown as { scrollWidth: number; clientWidth: number }).scrollWidth >
            (el as unknown as { clientWidth: number }).clientWidth,
        );
        expect(overflows).toBe(false);
        await harness.shot(page, `inspect-${verdict}-${lang}-${name}`);
      }
      expect(await page.locator('.connection').innerText()).toBe(m(lang, 'inspect.offline'));
      await page.context().setOffline(false);
    }
    expect(harness.pageErrors).toEqual([]);
  }, 120_000);
});
