import { afterAll, beforeAll, expect, it } from '@jest/globals';
import type { Page } from 'playwright-core';
import {
  account,
  browserDescribe,
  BrowserHarness,
  DESKTOP,
  m,
  PHONE,
  seen,
  starts,
} from './browser.js';
import { withFlippedSignatureBit } from './tamper.js';
import type { Lang } from '../src/web/i18n.js';

type Json = Record<string, unknown>;

/** Between a phone and a desktop: where records show as real tables with little room. */
const TABLET = { width: 768, height: 1024 };

/**
 * What a page states and how it reads on a phone: an invalid credential's verdict without its
 * claims as facts, the catalogue's first course in the first screen, dates and serials in
 * tables kept whole, and a public page that loads without a console error.
 */
browserDescribe('web: verification verdicts, phone catalogue, table values, icon', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];

  beforeAll(async () => {
    t = (await harness.start()).t;
  }, 120_000);

  afterAll(() => harness.close());

  async function demoCredential(status: string) {
    const auth = await harness.bearer('admin');
    const list = await t.http.get('/api/v1/certificates').query({ status, limit: 1 }).set(auth);
    const cert = (list.body.items as { id: string; serial: string }[])[0];
    const res = await t.http.get(`/api/v1/certificates/${cert.id}/credential`).set(auth);
    const verdict = await t.http.get(`/verify/${cert.serial}`).set('Accept', 'application/json');
    return {
      serial: cert.serial,
      jwt: res.body.jwt as string,
      dataIntegrity: res.body.dataIntegrity as Json,
      holder: verdict.body.holder as string,
      course: (verdict.body.course as { code: string }).code,
    };
  }

  async function check(page: Page, lang: Lang, credential: string) {
    const section = page.locator('section', {
      has: page.getByRole('heading', { name: m(lang, 'verify.byCredential') }),
    });
    // Each check replaces the last answer: clear it, so the wait below is for this one.
    await section.locator('.result').evaluateAll((all) => all.forEach((el) => el.remove()));
    await section.getByLabel(starts(m(lang, 'verify.credentialLabel'))).fill(credential);
    await section.getByRole('button', { name: m(lang, 'verify.checkCredential') }).click();
    const result = section.locator('.result');
    await seen(result);
    return result;
  }

  it('an auditor pasting a forged, malformed or revoked credential sees why, and no claim of an invalid one as fact', async () => {
    const active = await demoCredential('active');
    const revoked = await demoCredential('revoked');
    const forgedDi = JSON.stringify({ ...active.dataIntegrity, validUntil: '2099-12-31' });
    for (const [lang, viewport] of [
      ['en', DESKTOP],
      ['az', PHONE],
    ] as const) {
      const page = await harness.open(lang, viewport);
      await harness.signIn(page, lang, account('auditor'));
      await harness.go(page, '/app/verify', lang);

      for (const [name, forged, reason] of [
        ['flipped', withFlippedSignatureBit(active.jwt), 'bad_signature'],
        ['malformed', 'eyJhbGciOiJub25lIn0.not-a-credential', 'malformed'],
        ['data-integrity', forgedDi, null],
      ] as const) {
        const result = await check(page, lang, forged);
        await seen(result.locator('.verdict-box--invalid'));
        const text = await result.innerText();
        expect(text).toContain(m(lang, 'verify.signatureInvalid'));
        if (reason) expect(text).toContain(m(lang, `checkResult.${reason}`));
        // None of these is a fact about this credential: not "issued by the Center", not
        // "does not expire", not the holder, course or serial it names.
        for (const claim of [
          m(lang, 'verify.issuer'),
          t.config.centerName,
          m(lang, 'cert.neverExpires'),
          m(lang, 'cert.validUntil'),
          m(lang, 'cert.issuedAt'),
          active.serial,
          active.holder,
          active.course,
          '2099',
        ])
          expect(text).not.toContain(claim);
        if (name === 'flipped') await harness.shot(page, `verify-forged-${lang}-${viewport.width}`);
      }

      // A genuine credential whose certificate was revoked: the verdict, and the register's
      // record of it (the Center's own facts, looked up by the serial the signature vouches for).
      const result = await check(page, lang, revoked.jwt);
      await seen(result.locator('.verdict-box--revoked'));
      const text = await result.innerText();
      expect(text).toContain(m(lang, 'verify.signatureValid'));
      for (const fact of [revoked.serial, revoked.holder, revoked.course, t.config.centerName])
        expect(text).toContain(fact);
      await harness.shot(page, `verify-revoked-${lang}-${viewport.width}`);
    }
    expect(harness.pageErrors).toEqual([]);
  });

  it('on a phone the catalogue shows its first course in the first screen, with the filters a tap away and usable by keyboard', async () => {
    for (const lang of ['en', 'ru'] as const) {
      const page = await harness.open(lang, PHONE);
      await harness.signIn(page, lang, account('trainee'));
      await harness.go(page, '/app/catalogue', lang);
      const first = page.locator('article.course').first();
      await seen(first);
      await harness.shot(page, `catalogue-${lang}-phone`);
      const box = (await first.boundingBox())!;
      expect(box.y).toBeLessThan(PHONE.height);

      // The search works from the first screen; the other filters open from the keyboard.
      const search = page.getByLabel(starts(m(lang, 'catalogue.search')));
      await search.fill('EOD');
      await search.press('Enter');
      await page.waitForURL(/[?&]q=EOD/);
      const level = page.getByLabel(starts(m(lang, 'course.level')));
      if (!(await level.isVisible())) {
        await page
          .locator('summary')
          .filter({ hasText: m(lang, 'catalogue.moreFilters') })
          .focus();
        await page.keyboard.press('Enter');
      }
      await seen(level);
      const options = await level.locator('option').allTextContents();
      await level.selectOption({ label: options[1] });
      await page.getByRole('button', { name: m(lang, 'filter.apply') }).click();
      await page.waitForURL(/[?&]level=/);
      // Folded away, the filters still say how many are in force.
      await page.reload();
      await seen(page.locator('article.course, .empty'));
      const summary = page.locator('summary').filter({ hasText: m(lang, 'catalogue.moreFilters') });
      await seen(summary);
      expect(await summary.innerText()).toContain('1');
      await harness.shot(page, `catalogue-filtered-${lang}-phone`);

      await page.setViewportSize(DESKTOP);
      await page.reload();
      await seen(page.getByLabel(starts(m(lang, 'course.level'))));
      await harness.shot(page, `catalogue-filtered-${lang}-desktop`);

      // Clearing hides the button it pressed and leaves the keyboard in the search field.
      const clear = page.getByRole('button', { name: m(lang, 'filter.clear') });
      await clear.click();
      await page.waitForURL((url) => !url.search.includes('level='));
      await clear.waitFor({ state: 'hidden' });
      expect(await page.locator('summary').innerText()).toBe(m(lang, 'catalogue.moreFilters'));
      expect(
        await page
          .getByLabel(starts(m(lang, 'catalogue.search')))
          .evaluate((el) => el.ownerDocument.activeElement === el),
      ).toBe(true);
    }
    expect(harness.pageErrors).toEqual([]);
  });

  /** Dates and serials in table cells that the browser laid out on more than one line. */
  const brokenValues = (page: Page) =>
    page.locator('td').evaluateAll((cells) => {
      const value = /\d{4}-\d{2}-\d{2}|COE-[A-Z0-9]+(?:-[A-Z0-9]+)+/g;
      const SHOW_TEXT = 4;
      const broken: string[] = [];
      for (const cell of cells) {
        const doc = cell.ownerDocument;
        const walker = doc.createTreeWalker(cell, SHOW_TEXT);
        for (let node = walker.nextNode(); node; node = walker.nextNode()) {
          for (const match of (node.textContent ?? '').matchAll(value)) {
            const range = doc.createRange();
            range.setStart(node, match.index);
            range.setEnd(node, match.index + match[0].length);
            const lines = new Set(
              [...range.getClientRects()].filter((r) => r.width > 0).map((r) => Math.round(r.top)),
            );
            if (lines.size > 1) broken.push(match[0]);
          }
        }
      }
      return broken;
    });

  it('keeps dates and serials in tables on one line, on a phone and on a tablet', async () => {
    const auth = await harness.bearer('admin');
    const trainees = await t.http.get('/api/v1/trainees').query({ limit: 100 }).set(auth);
    const certs = await t.http.get('/api/v1/certificates').query({ limit: 200 }).set(auth);
    const counts = new Map<string, number>();
    for (const c of certs.body.items as { traineeId: string }[])
      counts.set(c.traineeId, (counts.get(c.traineeId) ?? 0) + 1);
    const busiest = [...counts].sort((a, b) => b[1] - a[1])[0][0];
    expect((trainees.body.items as unknown[]).length).toBeGreaterThan(0);
    const courses = await t.http.get('/api/v1/courses').set(auth);
    const course = (courses.body.items as { id: string }[])[0].id;

    const paths = [
      '/app/certificates',
      '/app/sessions',
      `/app/trainees/${busiest}`,
      `/app/courses/${course}`,
      '/app/audit',
    ];
    const found: Record<string, string[]> = {};
    for (const [lang, viewport] of [
      ['az', PHONE],
      ['ru', TABLET],
      ['en', TABLET],
    ] as const) {
      const page = await harness.open(lang, viewport);
      await harness.signIn(page, lang, account('admin'));
      for (const path of paths) {
        await harness.go(page, path, lang);
        await seen(page.locator('td'));
        const broken = await brokenValues(page);
        if (broken.length) found[`${lang} ${viewport.width} ${path}`] = broken;
      }
      await harness.go(page, `/app/trainees/${busiest}`, lang);
      await seen(page.locator('td'));
      await harness.shot(page, `table-dates-${lang}-${viewport.width}`);
    }
    expect(found).toEqual({});
  });

  it('gives the public pages an icon: /verify loads with no console error, /favicon.ico answers', async () => {
    const { serial } = await demoCredential('active');
    const page = await harness.open('en', PHONE);
    const errors: string[] = [];
    page.on('console', (msg) => {
      if (msg.type() === 'error') errors.push(`${msg.text()} ${msg.location().url}`);
    });
    const failed: string[] = [];
    page.on('response', (res) => {
      if (res.status() >= 400) failed.push(`${res.status()} ${res.url()}`);
    });
    for (const path of ['/verify?lang=en', `/verify/${serial}?lang=az`, '/?lang=ru']) {
      await page.goto(`${t.baseUrl}${path}`);
      await page.locator('h1').first().waitFor();
      // The browser asks for the icon once the page has loaded.
      await page.waitForLoadState('networkidle');
      const icon = await page.locator('link[rel="icon"]').first().getAttribute('href');
      expect(icon).toMatch(/^\/[^/]/);
      const res = await t.http.get(icon!);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    }
    expect(failed).toEqual([]);
    expect(errors).toEqual([]);

    // Browsers and tools that ignore the link ask for /favicon.ico on their own.
    const ico = await t.http.get('/favicon.ico');
    expect(ico.status).toBe(200);
    expect(ico.headers['content-type']).toMatch(/^image\/(x-icon|vnd\.microsoft\.icon)/);
    expect(ico.headers['cache-control']).toMatch(/max-age=\d+/);
  });
});
