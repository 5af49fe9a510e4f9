import { beforeAll, describe, expect, it } from '@jest/globals';
import jsQRModule from 'jsqr';
import { getDocument, OPS } from 'pdfjs-dist/legacy/build/pdf.mjs';
import type { PDFDocumentProxy, PDFPageProxy } from 'pdfjs-dist/legacy/build/pdf.mjs';
import { PNG } from 'pngjs';
import {
  certificateQr,
  renderCertificatePdf,
  verificationQrPng,
  type CertificateDocument,
} from './certificate-pdf.js';

// jsqr is CommonJS whose types declare an ES default export: at run time the module is the function.
const jsQR = ((jsQRModule as unknown as { default?: unknown }).default ??
  jsQRModule) as unknown as typeof jsQRModule.default;

const SERIAL = 'COE-EOD2-2026-7KQ4M2';
const URL = `https://coe.example.az/verify/${SERIAL}`;

const certificate: CertificateDocument = {
  serial: SERIAL,
  holderName: 'Ağa Məmmədov İsmayıl oğlu Şıxəliyev',
  courseCode: 'EOD-2',
  courseTitle: `<script>alert(1)</script> '; DROP TABLE certificates;--`,
  courseLevel: 'EOD 2',
  imasReferences: ['IMAS 09.30'],
  issuedOn: '2026-03-20',
  validUntil: '2028-03-19',
  issuerName: 'Mine Action Center of Excellence',
  instructorName: 'Александр Преображенский',
  sessionLocation: 'Goygol field training area',
  sessionDates: { startsOn: '2026-03-02', endsOn: '2026-03-20' },
  verificationUrl: URL,
  status: 'active',
};

/** Everything a long real record could hold: the layout must still keep to one page. */
const crowded: CertificateDocument = {
  ...certificate,
  holderName:
    'Məhəmmədəli Şəmsəddin oğlu Qəhrəmanov-Ağayev İbrahimxəlilov Александр Константинович Преображенский-Щербаков',
  courseTitle:
    'Explosive Ordnance Disposal Level 2 including Improvised Explosive Device Disposal, Battle Area Clearance and Demolition of Abandoned Explosive Ordnance in Built-up Areas and Forests',
  imasReferences: [
    'IMAS 09.30',
    'IMAS 09.10',
    'IMAS 06.10',
    'IMAS 10.40',
    'IMAS 12.10',
    'IMAS 09.42',
  ],
  instructorName: 'Александр Константинович Преображенский-Щербаков, Senior EOD Instructor',
  issuerName:
    'National Mine Action Agency of the Republic — Mine Action Center of Excellence for Training and Certification',
  sessionLocation:
    'National Mine Action Agency Training Centre, Field Training Area No. 3, Goygol district, near the village of Hacıkənd, with a very long description',
  validUntil: null,
};

/**
 * A QR URL as long as a real one (issue 19): a header with a 43-character kid, the claims, and
 * a 64-byte signature, base64url (the signature's bytes do not matter to the QR code's size).
 */
function claimsUrl(claims: Record<string, string>): string {
  const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const header = b64({ alg: 'EdDSA', kid: 'k'.repeat(43), typ: 'coe-qr+jwt' });
  const payload = b64({
    iss: 'https://coe.example.az/issuer',
    sn: SERIAL,
    nm: 'Gülnarə Əliheydər qızı Məmmədquliyeva-Şükürova',
    doc: '5678',
    cc: 'EOD-2',
    ct: 'Explosive Ordnance Disposal Level 3 for Team Leaders and Supervisors',
    cl: 'Level 3',
    iat: '2026-03-20',
    vu: '2028-03-19',
    sl: [12, 131_071],
    ...claims,
  });
  return `${URL}#${header}.${payload}.${Buffer.alloc(64, 7).toString('base64url')}`;
}
const TOKEN_URL = claimsUrl({});

/** The certificate's one image, decoded as a QR code. */
async function embeddedQr(pdf: Buffer): Promise<string | undefined> {
  const page = await (await open(pdf)).getPage(1);
  const ops = await page.getOperatorList();
  const imageIndex = ops.fnArray.indexOf(OPS.paintImageXObject);
  expect(imageIndex).toBeGreaterThanOrEqual(0);
  const name = ops.argsArray[imageIndex][0] as string;
  const image = (await new Promise((resolve) => page.objs.get(name, resolve))) as {
    width: number;
    height: number;
    data: Uint8ClampedArray;
  };
  // pdf.js hands the pixels over as RGB or RGBA: jsQR wants RGBA.
  const channels = image.data.length / (image.width * image.height);
  const rgba = new Uint8ClampedArray(image.width * image.height * 4);
  for (let i = 0; i < image.width * image.height; i++) {
    for (let c = 0; c < 3; c++) rgba[i * 4 + c] = image.data[i * channels + c];
    rgba[i * 4 + 3] = 255;
  }
  return decodeQr(rgba, image.width, image.height);
}

async function open(pdf: Buffer): Promise<PDFDocumentProxy> {
  return getDocument({
    data: new Uint8Array(pdf),
    isEvalSupported: false,
    disableFontFace: true,
    verbosity: 0,
  }).promise;
}

/** The text as a search meets it: pdf.js's default normalisation would turn a ligature into "fi". */
async function pageText(page: PDFPageProxy): Promise<string> {
  const content = await page.getTextContent({ disableNormalization: true });
  return content.items.map((item) => ('str' in item ? item.str : '')).join('\n');
}

interface PdfInfo {
  Title?: string;
  Author?: string;
  Creator?: string;
  Keywords?: string;
  Language?: string;
}

function decodeQr(rgba: Uint8ClampedArray, width: number, height: number): string | undefined {
  return jsQR(rgba, width, height)?.data;
}

describe('renderCertificatePdf', () => {
  let pdf: Buffer;
  let text: string;
  let pages: number;

  beforeAll(async () => {
    pdf = await renderCertificatePdf(certificate);
    const parsed = await open(pdf);
    pages = parsed.numPages;
    text = await pageText(await parsed.getPage(1));
  });

  it('is a single page PDF', () => {
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pages).toBe(1);
  });

  it('prints Azerbaijani and Cyrillic names, the serial and the dates as text', () => {
    expect(text).toContain('Ağa Məmmədov İsmayıl oğlu Şıxəliyev');
    expect(text).toContain('Александр Преображенский');
    expect(text).toContain(SERIAL);
    expect(text).toContain('2026-03-20');
    expect(text).toContain('2028-03-19');
    expect(text).toContain('2026-03-02');
    // The address beside the QR code, wrapped at its slashes, its serial on a line of its own.
    expect(text).toContain(`/\n${SERIAL}`);
    expect(text.replaceAll('\n', '')).toContain(URL);
  });

  it('labels everything in English and Azerbaijani', () => {
    for (const label of [
      'Certificate of Competence',
      'Səriştə Sertifikatı',
      'This certifies that / Təsdiq edilir ki',
      'has successfully completed / uğurla başa vurmuşdur',
      'Valid until / Etibarlıdır',
      'Issued / Verilmə tarixi',
      'Instructor / Təlimatçı',
      'Verify at / Yoxlamaq üçün',
    ]) {
      expect(text).toContain(label);
    }
  });

  it('prints injection-looking values as literal text', () => {
    expect(text).toContain(`<script>alert(1)</script> '; DROP TABLE certificates;--`);
  });

  it('embeds its own font rather than a standard-14 font', () => {
    const raw = pdf.toString('latin1');
    const baseFonts = [...raw.matchAll(/\/BaseFont\s*\/([^\s/<>[\]]+)/g)].map((m) => m[1]);
    expect(baseFonts.length).toBeGreaterThan(0);
    for (const name of baseFonts) {
      expect(name).toMatch(/^[A-Z]{6}\+NotoSerif/);
      expect(name).not.toMatch(/Helvetica|Times|Courier|Symbol|ZapfDingbats/);
    }
    expect(raw).toContain('/FontFile2');
  });

  it('names the certificate and its issuer in the metadata', async () => {
    const { info } = (await (await open(pdf)).getMetadata()) as {
      info: PdfInfo;
    };
    expect(info.Title).toBe(`Certificate ${SERIAL}`);
    expect(info.Author).toBe('Mine Action Center of Excellence');
    expect(info.Creator).toBe('Mine Action Center of Excellence');
    expect(info.Keywords).toBe(`${SERIAL}, EOD-2`);
    expect(info.Language).toBe('en');
  });

  it('writes XMP that parses as XML whatever the names hold', async () => {
    const issuerName = 'Mines & UXO <Center> "Qərargah"';
    const parsed = await open(
      await renderCertificatePdf({ ...certificate, issuerName, courseTitle: 'A & B <C>' }),
    );
    const { info, metadata } = (await parsed.getMetadata()) as unknown as {
      info: PdfInfo;
      metadata: Iterable<[string, unknown]> | null;
    };
    expect(info.Author).toBe(issuerName);
    const xmp = new Map(metadata ?? []);
    expect(xmp.get('dc:creator')).toEqual([issuerName]);
    expect(xmp.get('dc:description')).toBe('EOD-2 A & B <C>');
    expect(xmp.get('dc:title')).toBe(`Certificate ${SERIAL}`);
    expect(xmp.get('dc:language')).toBe('en');
  });

  it('extracts its text without ligatures: a search finds "Certificate" and "Sertifikatı"', () => {
    expect(text).not.toMatch(/[\uFB00-\uFB06]/);
    expect(text).toContain('Certificate No. / Sertifikat nömrəsi');
    expect(text).toContain('Goygol field training area');
  });

  it.each([
    [{ language: 'az' as const }, 'az', 'Sertifikat'],
    [{ russian: true }, 'ru', 'Сертификат'],
    [{ russian: true, language: 'ru' as const }, 'ru', 'Сертификат'],
  ])("is tagged in the holder's language (%j)", async (holder, lang, title) => {
    const parsed = await open(await renderCertificatePdf({ ...certificate, ...holder }));
    const { info } = (await parsed.getMetadata()) as { info: PdfInfo };
    expect(info.Language).toBe(lang);
    expect(info.Title).toBe(`${title} ${SERIAL}`);
    expect(await parsed.getMarkInfo()).toMatchObject({ Marked: true });
  });

  it('embeds a QR code image that decodes to the verification URL', async () => {
    expect(await embeddedQr(pdf)).toBe(URL);
  });

  it('encodes the signed QR URL when given one, and still prints the plain address (issue 19)', async () => {
    const withToken = await renderCertificatePdf({ ...certificate, qrUrl: TOKEN_URL });
    expect(await embeddedQr(withToken)).toBe(TOKEN_URL);
    const printed = await pageText(await (await open(withToken)).getPage(1));
    expect(printed).toContain(SERIAL);
    expect(printed).not.toContain(TOKEN_URL.split('#')[1].slice(0, 20));
  });

  it('keeps a crowded record on one page', async () => {
    const parsed = await open(await renderCertificatePdf(crowded));
    expect(parsed.numPages).toBe(1);
    const crowdedText = await pageText(await parsed.getPage(1));
    expect(crowdedText).toContain('IMAS 09.42');
    expect(crowdedText).toContain('Does not expire / Müddətsizdir');
  });

  it('cuts absurdly long values short rather than adding a page', async () => {
    const absurd = await renderCertificatePdf({
      ...crowded,
      holderName: 'Ağa Məmmədov '.repeat(40),
      courseTitle: `${certificate.courseTitle} `.repeat(20),
      imasReferences: Array.from({ length: 40 }, (_, i) => `IMAS 09.${i}`),
      instructorName: 'Преображенский '.repeat(30),
      sessionLocation: 'Hacıkənd '.repeat(60),
      status: 'suspended',
    });
    expect((await open(absurd)).numPages).toBe(1);
  });

  // Runs after a render that drew İ in bold: the same shared font must still map I to text.
  it('stamps a revoked certificate as not valid, in both languages', async () => {
    const revoked = await open(await renderCertificatePdf({ ...certificate, status: 'revoked' }));
    expect(revoked.numPages).toBe(1);
    const revokedText = await pageText(await revoked.getPage(1));
    expect(revokedText).toContain('REVOKED');
    expect(revokedText).toContain('LƏĞV EDİLİB');
    expect(revokedText).toContain('NOT VALID');
    expect(revokedText).toContain('ETİBARSIZDIR');
    expect(text).not.toContain('REVOKED');
  });

  it.each([
    ['suspended', 'SUSPENDED', 'DAYANDIRILIB'],
    ['superseded', 'SUPERSEDED', 'ƏVƏZ EDİLİB'],
  ] as const)('stamps a %s certificate', async (status, en, az) => {
    const parsed = await open(await renderCertificatePdf({ ...certificate, status }));
    const stamped = await pageText(await parsed.getPage(1));
    expect(stamped).toContain(en);
    expect(stamped).toContain(az);
  });
});

describe("renderCertificatePdf in the holder's languages (issue 17)", () => {
  const translatedTitles = {
    az: 'Partlayıcı sursatların zərərsizləşdirilməsi, 2-ci səviyyə',
    ru: 'Обезвреживание взрывоопасных предметов, уровень 2',
  };

  it('adds the Azerbaijani title, and not the Russian one, for a holder who does not read Russian', async () => {
    const parsed = await open(await renderCertificatePdf({ ...certificate, translatedTitles }));
    const text = await pageText(await parsed.getPage(1));
    expect(text).toContain(translatedTitles.az);
    expect(text).not.toContain(translatedTitles.ru);
    expect(text).not.toContain('Сертификат компетентности');
  });

  it('adds Russian labels and the Russian title for a Russian-speaking holder, on one page', async () => {
    for (const doc of [certificate, crowded]) {
      const parsed = await open(
        await renderCertificatePdf({ ...doc, translatedTitles, russian: true }),
      );
      expect(parsed.numPages).toBe(1);
      const text = await pageText(await parsed.getPage(1));
      expect(text).toContain(translatedTitles.ru);
      expect(text).toContain(translatedTitles.az);
      expect(text).toContain('Сертификат компетентности');
      expect(text).toContain('Настоящим удостоверяется, что');
      expect(text).toContain('This certifies that / Təsdiq edilir ki');
    }
  });

  it('falls back to the original title alone when the course has no translations', async () => {
    const parsed = await open(await renderCertificatePdf({ ...certificate, russian: true }));
    const text = await pageText(await parsed.getPage(1));
    expect(text).toContain(certificate.courseTitle);
    expect(text).not.toContain(translatedTitles.ru);
  });
});

describe('certificateQr (issue 19)', () => {
  it('keeps error correction M and modules of 0.5 mm or more for a long Azerbaijani name', () => {
    const qr = certificateQr(TOKEN_URL);
    expect(qr).toMatchObject({ version: 20, modules: 97, errorCorrection: 'M' });
    expect(qr.moduleMm).toBeGreaterThanOrEqual(0.5);
  });

  it('falls back to L, keeping the modules near 0.5 mm, for a long Cyrillic name and title', () => {
    const russian = claimsUrl({
      nm: 'Константин Александрович Преображенский-Вознесенский',
      ct: 'Нетехническое обследование и маркировка опасных районов: продвинутый курс для руководителей групп',
      cl: 'Продвинутый',
    });
    const m = certificateQr(russian.replace(/#.*/, ''));
    expect(m.errorCorrection).toBe('M');
    const qr = certificateQr(russian);
    expect(qr).toMatchObject({ version: 21, errorCorrection: 'L' });
    expect(qr.moduleMm).toBeGreaterThan(0.48);
    const png = PNG.sync.read(qr.png);
    expect(decodeQr(new Uint8ClampedArray(png.data), png.width, png.height)).toBe(russian);
  });
});

describe('verificationQrPng', () => {
  it('decodes to exactly the verification URL', async () => {
    const png = PNG.sync.read(await verificationQrPng(URL));
    expect(decodeQr(new Uint8ClampedArray(png.data), png.width, png.height)).toBe(URL);
  });
});
