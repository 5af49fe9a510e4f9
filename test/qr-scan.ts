import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { QRCode } from 'jsqr';
import { createRequire } from 'node:module';
import { PNG } from 'pngjs';
import type { TestApp } from './app.js';
import type { Crop } from './y4m.js';

/**
 * What the QR tests share (issue 19): a real certificate of the demo data, its PDF as the
 * running app serves it, that PDF printed to pixels by poppler as a scanner or a camera would
 * see the paper, and the QR found on that page.
 */
export const QR_ARTIFACTS = join(process.cwd(), 'test', 'artifacts', 'qr');

const hasTool = (tool: string) =>
  ['/usr/bin', '/usr/local/bin', '/bin'].some((dir) => existsSync(join(dir, tool)));

/**
 * Whether pdftoppm (poppler-utils) and zbarimg (zbar-tools) are here. A laptop without them
 * skips the QR suites, with a word; CI installs both beside Chromium and sets
 * COE_REQUIRE_BROWSER, and there a missing tool is a failure, not a skip.
 */
export function qrToolsPresent(): boolean {
  const missing = ['pdftoppm', 'zbarimg'].filter((tool) => !hasTool(tool));
  if (missing.length && process.env.COE_REQUIRE_BROWSER) {
    throw new Error(`${missing.join(' and ')} required (COE_REQUIRE_BROWSER is set)`);
  }
  if (missing.length) {
    console.warn(
      `Skipping the QR scan tests: ${missing.join(', ')} not found (apt-get install -y poppler-utils zbar-tools).`,
    );
  }
  return !missing.length;
}

/** jsQR in Node: the package is CommonJS with the decoder as `exports.default`. */
export const jsQR = createRequire(import.meta.url)('jsqr').default as (
  data: Uint8ClampedArray,
  width: number,
  height: number,
) => QRCode | null;

export interface PrintedCertificate {
  id: string;
  serial: string;
  /** What the QR must hold: the API's `qrUrl` (the verification URL, then `#` and the token). */
  expected: string;
  pdfPath: string;
}

/** An active certificate of the demo data, its QR's expected content and its PDF on disk. */
export async function printedCertificate(
  t: TestApp,
  auth: Record<string, string>,
): Promise<PrintedCertificate> {
  mkdirSync(QR_ARTIFACTS, { recursive: true });
  const list = await t.http.get('/api/v1/certificates').query({ status: 'active' }).set(auth);
  if (list.status !== 200 || !list.body.items.length) {
    throw new Error(`No active certificate in the demo data (HTTP ${list.status})`);
  }
  const { id, serial } = list.body.items[0] as { id: string; serial: string };
  const details = await t.http.get(`/api/v1/certificates/${id}`).set(auth);
  const { qrUrl } = details.body as { qrUrl?: string };
  if (!qrUrl) throw new Error(`GET /api/v1/certificates/${id} has no qrUrl`);
  const pdf = await t.http
    .get(`/api/v1/certificates/${id}/pdf`)
    .set(auth)
    .buffer(true)
    .parse((res, done) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => done(null, Buffer.concat(chunks)));
    });
  if (pdf.status !== 200) throw new Error(`The PDF of ${serial}: HTTP ${pdf.status}`);
  const pdfPath = join(QR_ARTIFACTS, `${serial}.pdf`);
  writeFileSync(pdfPath, pdf.body as Buffer);
  return { id, serial, expected: qrUrl, pdfPath };
}

/** The PDF's first page as a PNG at `dpi`, poppler's rendering (anti-aliased, as a scan is). */
export function renderPage(pdfPath: string, dpi: number): string {
  const base = pdfPath.replace(/\.pdf$/, `-${dpi}dpi`);
  execFileSync(
    'pdftoppm',
    ['-png', '-r', String(dpi), '-f', '1', '-l', '1', '-singlefile'].concat(pdfPath, base),
  );
  return `${base}.png`;
}

/** What zbarimg reads in an image (its raw text; null when it finds no code). */
export function zbar(pngPath: string): string | null {
  try {
    const out = execFileSync('zbarimg', ['--raw', '-q', '-Sdisable', '-Sqrcode.enable', pngPath], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    });
    // --raw ends each code with a newline; the URL itself has none.
    return out.replace(/\n$/, '');
  } catch {
    return null; // zbarimg exits 4 when it finds nothing
  }
}

/**
 * Where the QR is on a rendered page, found by reading it (jsQR's corners), widened by `margin`
 * times its side on each side: a camera held close to the code sees some of the page around it.
 */
export function qrCrop(pngPath: string, margin: number): Crop {
  const image = PNG.sync.read(readFileSync(pngPath));
  const code = jsQR(new Uint8ClampedArray(image.data), image.width, image.height);
  if (!code) throw new Error(`No QR found on ${pngPath}`);
  const {
    topLeftCorner: a,
    bottomRightCorner: b,
    topRightCorner: c,
    bottomLeftCorner: d,
  } = code.location;
  const xs = [a.x, b.x, c.x, d.x];
  const ys = [a.y, b.y, c.y, d.y];
  const side = Math.max(Math.max(...xs) - Math.min(...xs), Math.max(...ys) - Math.min(...ys));
  return {
    left: Math.min(...xs) - margin * side,
    top: Math.min(...ys) - margin * side,
    width: side * (1 + 2 * margin),
    height: side * (1 + 2 * margin),
  };
}
