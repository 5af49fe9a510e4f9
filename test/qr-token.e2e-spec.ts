import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { compactVerify, decodeProtectedHeader, importJWK, type JWK } from 'jose';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { Browser, Page } from 'playwright-core';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { PNG } from 'pngjs';
import { decodeToken, parseQrUrl, verifyToken } from '../src/web/assets/inspect/qr-token.js';
import { t as msg } from '../src/web/i18n.js';
import { startTestApp, type TestApp } from './app.js';
import { ARTIFACTS, browserDescribe, CHROMIUM } from './browser.js';
import { createUser, TEST_PASSWORD, type SignedInUser } from './factories.js';
import { completedSessionWithInstructor, makePassedEnrolment, makeTrainee } from './fixtures.js';

// jsqr is CommonJS whose types declare an ES default export: at run time the module is the function.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ??
  jsQRModule) as unknown as typeof jsQRModule.default;

type Jwks = { keys: (JWK & { kid: string })[] };
interface Issued {
  id: string;
  serial: string;
  qrUrl: string;
  trainee: SignedInUser;
}

/** One character of the token replaced (never by itself), at `at` from its start. */
function changed(token: string, at: number): string {
  const c = token[at] === 'A' ? 'B' : 'A';
  return `${token.slice(0, at)}${c}${token.slice(at + 1)}`;
}

/** The QR code embedded in a certificate PDF (its one image), decoded. */
async function qrOfPdf(pdf: Buffer): Promise<string | undefined> {
  const doc = await getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
  const page = await doc.getPage(1);
  const ops = await page.getOperatorList();
  const name = ops.argsArray[ops.fnArray.indexOf(OPS.paintImageXObject)][0] as string;
  const image = (await new Promise((resolve) => page.objs.get(name, resolve))) as {
    width: number;
    height: number;
    data: Uint8ClampedArray;
  };
  const channels = image.data.length / (image.width * image.height);
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = image.data[i * channels + c];
    rgba[i * 4 + 3] = 255;
  }
  return jsQR(rgba, image.width, image.height)?.data;
}

/**
 * The self-verifying QR code (issue 19): what GET /api/v1/certificates/:id and the PDF carry,
 * checked as a verifier elsewhere would (jose) and as the inspector's app and the verify page do
 * (qr-token.js), against the published JWKS, across a key rotation; and the public verify page
 * in Chromium with a matching and a tampered fragment.
 */
describe('the signed QR URL of a certificate', () => {
  let t: TestApp & { baseUrl: string };
  let admin: SignedInUser;
  let first: Issued;
  let course: { code: string; title: string; level: string };

  const jwks = async (): Promise<Jwks> => {
    const res = await t.http.get('/.well-known/jwks.json');
    expect(res.status).toBe(200);
    return res.body as Jwks;
  };

  async function issue(givenName: string, familyName: string): Promise<Issued> {
    const made = await completedSessionWithInstructor(t, {
      title: 'Explosive Ordnance Disposal Level 3 for Team Leaders and Supervisors',
      level: 'EOD 3',
    });
    course = made.course;
    const trainee = await makeTrainee(t.db, {
      givenName,
      familyName,
      identityDocumentType: 'passport',
      identityDocumentNumber: 'C01234567',
    });
    const enrolment = await makePassedEnrolment(t.db, made.session.id, trainee.id);
    const res = await t.http
      .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
      .set(made.instructorUser.auth);
    expect(res.status).toBe(201);
    const { id, serial } = res.body as { id: string; serial: string };
    const got = await t.http.get(`/api/v1/certificates/${id}`).set(admin.auth);
    expect(got.status).toBe(200);
    const holder = await createUser(t, ['trainee'], { traineeId: trainee.id });
    return { id, serial, qrUrl: (got.body as { qrUrl: string }).qrUrl, trainee: holder };
  }

  beforeAll(async () => {
    t = await startTestApp({}, { listen: true });
    admin = await createUser(t, ['admin']);
    first = await issue('Gülnarə Əliheydər qızı', 'Məmmədquliyeva-Şükürova');
  });

  afterAll(() => t?.close());

  it('is the verification URL with a token that jose and qr-token.js verify with the JWKS', async () => {
    const [address, token] = first.qrUrl.split('#');
    expect(address).toBe(`${t.baseUrl}/verify/${first.serial}`);
    expect(parseQrUrl(first.qrUrl)).toEqual({ serial: first.serial, token });

    const keys = await jwks();
    const header = decodeProtectedHeader(token);
    expect(header).toEqual({ alg: 'EdDSA', kid: keys.keys[0].kid, typ: 'coe-qr+jwt' });
    const jwk = keys.keys.find((k) => k.kid === header.kid)!;
    const { payload } = await compactVerify(token, await importJWK(jwk, 'EdDSA'));
    const [{ status_list_number: listNumber, status_list_index: index }] = (await t.db.query(
      'SELECT status_list_number, status_list_index FROM certificates WHERE id = $1',
      [first.id],
    )) as { status_list_number: number; status_list_index: number }[];
    const claims = {
      iss: `${t.baseUrl}/issuer`,
      sn: first.serial,
      nm: 'Gülnarə Əliheydər qızı Məmmədquliyeva-Şükürova',
      cc: course.code,
      ct: course.title,
      cl: 'EOD 3',
      iat: '2026-11-06',
      vu: '2028-11-06',
      sl: [listNumber, index],
    };
    const issued = (await t.http.get(`/api/v1/certificates/${first.id}`).set(admin.auth)).body as {
      issuedAt: string;
      validUntil: string;
    };
    claims.iat = issued.issuedAt.slice(0, 10);
    claims.vu = issued.validUntil;
    expect(JSON.parse(new TextDecoder().decode(payload))).toEqual(claims);
    // No document digits: VERIFY_SHOW_DOCUMENT_LAST4 is off.
    expect(await verifyToken(token, keys)).toEqual({ ok: true, reason: null, claims });
  });

  it('is the same on every answer, for the holder too, and after a suspension', async () => {
    const mine = await t.http.get(`/api/v1/certificates/${first.id}`).set(first.trainee.auth);
    expect(mine.status).toBe(200);
    expect((mine.body as { qrUrl: string }).qrUrl).toBe(first.qrUrl);
    const suspended = await t.http
      .post(`/api/v1/certificates/${first.id}/suspend`)
      .set(admin.auth)
      .send({ reason: 'qa_finding' });
    expect(suspended.status).toBe(201);
    const again = await t.http.get(`/api/v1/certificates/${first.id}`).set(admin.auth);
    expect(again.body).toMatchObject({ status: 'suspended', qrUrl: first.qrUrl });
    const back = await t.http
      .post(`/api/v1/certificates/${first.id}/reinstate`)
      .set(admin.auth)
      .send({ reason: 'qa_finding' });
    expect(back.status).toBe(201);
  });

  it("is the certificate's to see: not another trainee's, not anonymous, and not in lists", async () => {
    const stranger = await createUser(t, ['trainee'], {
      traineeId: (await makeTrainee(t.db)).id,
    });
    const refused = await t.http.get(`/api/v1/certificates/${first.id}`).set(stranger.auth);
    expect([403, 404]).toContain(refused.status);
    expect(JSON.stringify(refused.body)).not.toContain('#');
    expect((await t.http.get(`/api/v1/certificates/${first.id}`)).status).toBe(401);
    const list = await t.http.get('/api/v1/certificates').set(admin.auth);
    expect((list.body as { items: Record<string, unknown>[] }).items[0]).not.toHaveProperty(
      'qrUrl',
    );
  });

  it('reads as not genuine after any one changed character', async () => {
    const keys = await jwks();
    const token = first.qrUrl.split('#')[1];
    const [h, p] = token.split('.');
    for (const at of [3, h.length + 5, h.length + 1 + Math.floor(p.length / 2), token.length - 1]) {
      const result = await verifyToken(changed(token, at), keys);
      expect(result.ok).toBe(false);
      expect(['malformed', 'bad_signature', 'unknown_key']).toContain(result.reason);
    }
    // jose agrees on a changed claim (a character inside the payload).
    const jwk = keys.keys.find((k) => k.kid === decodeProtectedHeader(token).kid)!;
    const tampered = changed(token, h.length + 1 + Math.floor(p.length / 2));
    await expect(compactVerify(tampered, await importJWK(jwk, 'EdDSA'))).rejects.toThrow();
  });

  it("is what the PDF's QR code holds", async () => {
    const res = await t.http
      .get(`/api/v1/certificates/${first.id}/pdf`)
      .set(admin.auth)
      .buffer(true)
      .parse((response, done) => {
        const chunks: Buffer[] = [];
        response.on('data', (c: Buffer) => chunks.push(c));
        response.on('end', () => done(null, Buffer.concat(chunks)));
      });
    expect(res.status).toBe(200);
    expect(await qrOfPdf(res.body as Buffer)).toBe(first.qrUrl);
  });

  it("is what the certificate page's QR code (SVG) holds, for the holder", async () => {
    const res = await t.http
      .get(`/api/v1/certificates/${first.id}/qr.svg`)
      .set(first.trainee.auth)
      .buffer(true)
      .parse((response, done) => {
        let text = '';
        response.setEncoding('utf8');
        response.on('data', (c: string) => (text += c));
        response.on('end', () => done(null, text));
      });
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^image\/svg\+xml/);
    const svg = res.body as string;
    // Drawn back into pixels (4 per module) from its unit squares, then read as a QR code.
    const side = Number(/viewBox="0 0 (\d+) \d+"/.exec(svg)![1]);
    const scale = 4;
    const width = side * scale;
    const rgba = new Uint8ClampedArray(width * width * 4).fill(255);
    for (const [, x, y] of svg.matchAll(/M(\d+) (\d+)h1v1h-1z/g))
      for (let dy = 0; dy < scale; dy++)
        for (let dx = 0; dx < scale; dx++) {
          const at = ((Number(y) * scale + dy) * width + Number(x) * scale + dx) * 4;
          rgba.fill(0, at, at + 3);
        }
    expect(jsQR(rgba, width, width)?.data).toBe(first.qrUrl);
  });

  it('still verifies after a key rotation, and new answers are signed by the new key', async () => {
    const before = first.qrUrl.split('#')[1];
    const rotated = await t.http.post('/api/v1/signing-keys/rotate').set(admin.auth).send({});
    expect([200, 201]).toContain(rotated.status);
    const keys = await jwks();
    expect(keys.keys.length).toBeGreaterThanOrEqual(2);
    expect(await verifyToken(before, keys)).toMatchObject({ ok: true });
    const oldJwk = keys.keys.find((k) => k.kid === decodeProtectedHeader(before).kid)!;
    await expect(compactVerify(before, await importJWK(oldJwk, 'EdDSA'))).resolves.toBeTruthy();

    const now = (await t.http.get(`/api/v1/certificates/${first.id}`).set(admin.auth)).body as {
      qrUrl: string;
    };
    const after = now.qrUrl.split('#')[1];
    expect(decodeProtectedHeader(after).kid).toBe(keys.keys[0].kid);
    expect(decodeProtectedHeader(after).kid).not.toBe(decodeProtectedHeader(before).kid);
    expect(decodeToken(after).claims).toEqual(decodeToken(before).claims);
    expect(await verifyToken(after, keys)).toMatchObject({ ok: true });
  });
});

/**
 * The public verify page opened from a QR code: the register's answer as before, and the
 * token's check beside it. Chromium on 127.0.0.1 is a secure context, so WebCrypto runs.
 */
browserDescribe('the verify page with a QR token in its fragment, in Chromium', () => {
  let t: TestApp & { baseUrl: string };
  let browser: Browser;
  let page: Page;
  const errors: string[] = [];
  const urls: Record<'leyla' | 'other', string> = { leyla: '', other: '' };
  let leyla: { email: string; certificateId: string };

  beforeAll(async () => {
    t = await startTestApp({ verifyShowDocumentLast4: true }, { listen: true });
    const admin = await createUser(t, ['admin']);
    for (const [who, given, family] of [
      ['leyla', 'Leyla', 'Hüseynova'],
      ['other', 'Rəşad', 'Quliyev'],
    ] as const) {
      const { session, instructorUser } = await completedSessionWithInstructor(t);
      const trainee = await makeTrainee(t.db, {
        givenName: given,
        familyName: family,
        identityDocumentType: 'national_id',
        identityDocumentNumber: `AZE${who === 'leyla' ? '1234' : '9876'}5678`,
      });
      const enrolment = await makePassedEnrolment(t.db, session.id, trainee.id);
      const res = await t.http
        .post(`/api/v1/enrolments/${enrolment.id}/certificate`)
        .set(instructorUser.auth);
      const id = (res.body as { id: string }).id;
      if (who === 'leyla')
        leyla = {
          email: (await createUser(t, ['trainee'], { traineeId: trainee.id })).email,
          certificateId: id,
        };
      urls[who] = (
        (await t.http.get(`/api/v1/certificates/${id}`).set(admin.auth)).body as { qrUrl: string }
      ).qrUrl;
    }
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({
      executablePath: CHROMIUM,
      args: ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', '--disable-sync'],
    });
    mkdirSync(ARTIFACTS, { recursive: true });
    page = await browser.newPage();
    page.on('pageerror', (e) => errors.push(e.message));
  });

  afterAll(async () => {
    await browser?.close();
    await t?.close();
  });

  /** The token's check once it has a verdict: its class and its words. */
  async function check() {
    const done = page.locator('#qr-check.qr-check--match, #qr-check.qr-check--forged');
    await done.waitFor({ state: 'visible', timeout: 15_000 });
    return { kind: (await done.getAttribute('class')) ?? '', text: await done.innerText() };
  }

  it('says a genuine code matches, with the full name and document digits to compare', async () => {
    await page.goto(`${urls.leyla}`);
    const shown = await check();
    expect(shown.kind).toContain('qr-check--match');
    expect(shown.text).toContain(msg('en', 'qrCheck.match'));
    expect(shown.text).toContain('Leyla Hüseynova');
    expect(shown.text).toContain('••••5678');
    // The register's answer is still the page's verdict.
    expect(await page.textContent('#verdict')).toBe(msg('en', 'verdict.active'));
    await page.setViewportSize({ width: 360, height: 740 });
    await page.screenshot({
      path: join(ARTIFACTS, 'verify-qr-match-en-phone.png'),
      fullPage: true,
    });
    // A change of language keeps the token.
    const ru = await page.getAttribute('a[hreflang="ru"]', 'href');
    expect(ru).toContain(`#${urls.leyla.split('#')[1]}`);
    await Promise.all([page.waitForURL(/lang=ru/), page.click('a[hreflang="ru"]')]);
    expect((await check()).text).toContain(msg('ru', 'qrCheck.match'));
    expect(errors).toEqual([]);
  });

  it('warns that a code with one changed character may be forged, in az', async () => {
    const [address, token] = urls.leyla.split('#');
    const [h, p] = token.split('.');
    await page.goto(
      `${address}?lang=az#${changed(token, h.length + 1 + Math.floor(p.length / 2))}`,
    );
    const shown = await check();
    expect(shown.kind).toContain('qr-check--forged');
    expect(shown.text).toContain(msg('az', 'qrCheck.forged'));
    expect(
      [msg('az', 'qrCheck.bad_signature'), msg('az', 'qrCheck.malformed')].some((s) =>
        shown.text.includes(s),
      ),
    ).toBe(true);
    expect(await page.textContent('#verdict')).toBe(msg('az', 'verdict.active'));
    await page.screenshot({
      path: join(ARTIFACTS, 'verify-qr-forged-az-phone.png'),
      fullPage: true,
    });
  });

  it("warns when a genuine code belongs to another certificate's record", async () => {
    const [address] = urls.leyla.split('#');
    await page.goto(`${address}#${urls.other.split('#')[1]}`);
    const shown = await check();
    expect(shown.kind).toContain('qr-check--forged');
    expect(shown.text).toContain(
      msg('en', 'qrCheck.mismatch', { fields: '' }).replace(/: \.$/, ''),
    );
    expect(shown.text).toContain(msg('en', 'field.holder'));
  });

  it("shows the holder the same QR code on the certificate's page, with its link", async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    const mine = await context.newPage();
    mine.on('pageerror', (e) => errors.push(e.message));
    await mine.goto(`${t.baseUrl}/?lang=en`);
    await mine.getByLabel(msg('en', 'signin.email')).fill(leyla.email);
    await mine.getByLabel(new RegExp(`^${msg('en', 'signin.password')}`)).fill(TEST_PASSWORD);
    await mine.keyboard.press('Enter');
    await mine.getByRole('button', { name: msg('en', 'nav.signOut') }).waitFor();
    await mine.goto(`${t.baseUrl}/app/certificates/${leyla.certificateId}?lang=en`);
    const image = mine.locator('img.qr__image');
    await image.waitFor({ state: 'visible' });
    expect(await image.getAttribute('alt')).toContain(
      urls.leyla.split('/verify/')[1].split('#')[0],
    );
    expect(await mine.locator('a.qr__link').getAttribute('href')).toBe(urls.leyla);
    // What a phone pointed at the screen would read.
    const shot = PNG.sync.read(await image.screenshot());
    await mine.screenshot({
      path: join(ARTIFACTS, 'certificate-qr-en-desktop.png'),
      fullPage: true,
    });
    expect(jsQR(new Uint8ClampedArray(shot.data), shot.width, shot.height)?.data).toBe(urls.leyla);
    await context.close();
  });

  it('shows nothing of a token on a page opened by serial alone', async () => {
    await page.goto(urls.leyla.split('#')[0]);
    await page.waitForLoadState('networkidle');
    expect(await page.locator('#qr-check').isHidden()).toBe(true);
    expect(errors).toEqual([]);
  });
});
