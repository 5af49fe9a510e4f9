import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from './app.js';
import { browserDescribe, CHROMIUM } from './browser.js';
import { createUser, type SignedInUser } from './factories.js';
import { completedSessionWithInstructor, makePassedEnrolment, makeTrainee } from './fixtures.js';

type Json = Record<string, unknown>;
interface Fetched {
  ok: boolean;
  status?: number;
  body?: Json;
  etag?: string | null;
  requestId?: string | null;
  retryAfter?: string | null;
  error?: string;
}

/**
 * CORS as a browser enforces it (Chromium's own Fetch implementation, not our reading of the
 * standard): a page on another origin reads keys, the issuer, a status list with its ETag and
 * verification answers, preflighted POSTs included, and cannot read the signed-in API.
 */
browserDescribe('CORS from a page on another origin, in Chromium', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  let other: Server;
  let browser: Browser;
  let page: Page;
  let serial: string;
  let dataIntegrity: Json;
  let statusList: string;

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
    const { session, instructorUser } = await completedSessionWithInstructor(t);
    const enrolment = await makePassedEnrolment(t.db, session.id, (await makeTrainee(t.db)).id);
    const issued = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(instructorUser.auth);
    expect(issued.status).toBe(201);
    serial = (issued.body as { serial: string }).serial;
    const { body } = await t.http
      .get(`/api/v1/certificates/${(issued.body as { id: string }).id}/credential`)
      .set(admin.auth);
    dataIntegrity = body.dataIntegrity as Json;
    const entry = [dataIntegrity.credentialStatus].flat()[0] as { statusListCredential: string };
    statusList = new URL(entry.statusListCredential).pathname;

    // The verifier's own site: another origin (another port) serving an empty page.
    other = createServer((_req, res) => {
      res.writeHead(200, { 'Content-Type': 'text/html; charset=utf-8' });
      res.end('<!doctype html><title>A verifier elsewhere</title>');
    });
    await new Promise<void>((done) => other.listen(0, '127.0.0.1', done));
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`);
  });

  afterAll(async () => {
    await browser?.close();
    await new Promise((done) => other?.close(done));
    await t?.close();
  });

  /** fetch() run inside the other origin's page; a CORS refusal is a TypeError there. */
  const fetchFromPage = (url: string, init: { method?: string; headers?: Json; body?: string }) =>
    page.evaluate(
      async ({ url, init }) => {
        try {
          const res = await fetch(url, init as RequestInit);
          const text = await res.text();
          return {
            ok: true,
            status: res.status,
            body: text.startsWith('{') ? (JSON.parse(text) as Record<string, unknown>) : {},
            etag: res.headers.get('ETag'),
            requestId: res.headers.get('X-Request-Id'),
            retryAfter: res.headers.get('Retry-After'),
          };
        } catch (error) {
          return { ok: false, error: String(error) };
        }
      },
      { url: `${t.baseUrl}${url}`, init },
    ) as Promise<Fetched>;

  it('reads the keys, the issuer profile and a status list with its ETag', async () => {
    const jwks = await fetchFromPage('/.well-known/jwks.json', {});
    expect(jwks).toEqual(expect.objectContaining({ ok: true, status: 200 }));
    expect(jwks.body?.keys).toEqual(expect.any(Array));
    expect(jwks.requestId).toBeTruthy();
    const issuer = await fetchFromPage('/issuer', { headers: { 'Accept-Language': 'az' } });
    expect(issuer.body?.id).toBe(`${t.baseUrl}/issuer`);
    // If-None-Match is not a safelisted header: this one is preflighted.
    const list = await fetchFromPage(statusList, { headers: { 'If-None-Match': '"nothing"' } });
    expect(list).toEqual(expect.objectContaining({ ok: true, status: 200 }));
    expect(list.etag).toBeTruthy();
  });

  it('verifies a serial and a credential object (a preflighted JSON POST), and reads a 404', async () => {
    const bySerial = await fetchFromPage(`/verify/${serial}`, {
      headers: { Accept: 'application/json' },
    });
    expect(bySerial.body).toEqual(expect.objectContaining({ valid: true, status: 'active' }));
    const posted = await fetchFromPage('/verify', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ credential: dataIntegrity }),
    });
    expect(posted).toEqual(expect.objectContaining({ ok: true, status: 200 }));
    expect(posted.body).toEqual(expect.objectContaining({ valid: true, format: 'data-integrity' }));
    const missing = await fetchFromPage('/verify/COE-NONE-2026-000000', {
      headers: { Accept: 'application/json' },
    });
    expect(missing).toEqual(expect.objectContaining({ ok: true, status: 404 }));
    expect(missing.body?.status).toBe('not_found');
  });

  it('cannot read the signed-in API, with or without a token', async () => {
    const withToken = await fetchFromPage('/api/v1/courses', {
      headers: { Authorization: `Bearer ${admin.token}` },
    });
    expect(withToken.ok).toBe(false);
    const plain = await fetchFromPage('/api/v1/courses', {});
    expect(plain.ok).toBe(false);
  });
});
