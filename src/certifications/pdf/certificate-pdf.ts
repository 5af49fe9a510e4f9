import { PNG } from 'pngjs';
import QRCode from 'qrcode';
import {
  artifact,
  clean,
  createTaggedPdf,
  loadFonts,
  tag,
  type FontName,
  type PdfLanguage,
  type StructOptions,
} from './pdf-document.js';

export interface CertificateDocument {
  serial: string;
  holderName: string;
  courseCode: string;
  courseTitle: string;
  courseLevel: string;
  imasReferences: string[];
  /** YYYY-MM-DD. */
  issuedOn: string;
  /** YYYY-MM-DD, or null for a certificate that does not expire. */
  validUntil: string | null;
  issuerName: string;
  instructorName: string | null;
  sessionLocation: string | null;
  sessionDates: { startsOn: string; endsOn: string } | null;
  /** Printed beside the QR code (and encoded in it when there is no `qrUrl`). */
  verificationUrl: string;
  /**
   * What the QR code holds (issue 19): the verification URL with the signed token in its
   * fragment, so the code can be checked offline. Too long to print; the plain URL is printed.
   */
  qrUrl?: string;
  /** suspended, revoked and superseded certificates are stamped as not valid. */
  status: 'active' | 'expired' | 'suspended' | 'revoked' | 'superseded';
  /** The course title in Azerbaijani and Russian, where the course has them (issue 17). */
  translatedTitles?: { az?: string; ru?: string };
  /**
   * The holder reads Russian (their account's language, else their organisation's country): the
   * page adds Russian to its English and Azerbaijani, and the Russian title.
   */
  russian?: boolean;
  /**
   * The holder's language (issue 18): the PDF's document language, its title's and its QR code's
   * description. Defaults to Russian when `russian` is set, else English.
   */
  language?: PdfLanguage;
}

type Status = CertificateDocument['status'];

const FONT: Record<FontName, FontName> = {
  regular: 'regular',
  italic: 'italic',
  semibold: 'semibold',
  bold: 'bold',
};

// A4 landscape, in points.
const PAGE_W = 841.89;
const PAGE_H = 595.28;
const CONTENT_X = 64;
const CONTENT_W = PAGE_W - 2 * CONTENT_X;
// The middle block (holder, course, standards, session) is centred between these two lines.
const BODY_TOP = 176;
const BODY_BOTTOM = 416;
const FOOTER_TOP = 432;
// The inner (gold) frame line is 25pt from the page's edges.
const FRAME_INSET = 25;
/**
 * The QR code's side, quiet zone included: as large as the footer's height allows (from just
 * under the body to just inside the frame), so its modules stay about 0.5 mm or more, what a
 * phone camera at 30–40 cm resolves, with the signed token inside (docs/credentials.md).
 */
const QR_SIZE = 150;
/** 0.5 mm in points: the smallest module we aim for. */
const MIN_MODULE_PT = (0.5 / 25.4) * 72;

const NAVY = '#1f3a5f';
const GOLD = '#a8873a';
const INK = '#1c1c1c';
const MUTED = '#5b6470';
const ALERT = '#b3261e';

/** The Russian the page adds for a Russian-speaking holder. */
const RUSSIAN_LABEL = {
  title: 'Сертификат компетентности',
  certifies: 'Настоящим удостоверяется, что',
  completed: 'успешно завершил(а) курс',
};

const LABEL = {
  title: 'Certificate of Competence',
  titleAz: 'Səriştə Sertifikatı',
  certifies: 'This certifies that / Təsdiq edilir ki',
  completed: 'has successfully completed / uğurla başa vurmuşdur',
  course: 'Course / Kurs',
  level: 'Level / Səviyyə',
  standards: 'Standards / Standartlar',
  venue: 'Held at / Keçirildiyi yer',
  dates: 'Dates / Tarixlər',
  serial: 'Certificate No. / Sertifikat nömrəsi',
  issued: 'Issued / Verilmə tarixi',
  validUntil: 'Valid until / Etibarlıdır',
  noExpiry: 'Does not expire / Müddətsizdir',
  instructor: 'Instructor / Təlimatçı',
  forCenter: 'For the Center / Mərkəz adından',
  verify: 'Verify at / Yoxlamaq üçün',
};

// A printed copy outlives its status: these words must be on the paper itself.
const INVALID_MARK: Partial<Record<Status, { en: string; az: string }>> = {
  suspended: { en: 'SUSPENDED', az: 'DAYANDIRILIB' },
  revoked: { en: 'REVOKED', az: 'LƏĞV EDİLİB' },
  superseded: { en: 'SUPERSEDED', az: 'ƏVƏZ EDİLİB' },
};
const NOT_VALID = { en: 'NOT VALID', az: 'ETİBARSIZDIR' };

const QR_QUIET_ZONE = 4;
const QR_PIXELS_PER_MODULE = 8;

export interface CertificateQr {
  png: Buffer;
  version: number;
  /** Modules per side, without the quiet zone. */
  modules: number;
  errorCorrection: 'M' | 'L';
  /** One module's side as printed on the certificate (QR_SIZE points, quiet zone included). */
  moduleMm: number;
}

/**
 * The QR code printed on the certificate: error correction M (about 15% of the code may be
 * damaged), unless the token is so long (a long Cyrillic name and title) that M's modules would
 * print under 0.5 mm; then L, since on a clean print a larger module helps a camera at arm's
 * length more than the margin of error correction. A 4-module quiet zone.
 */
export function certificateQr(url: string): CertificateQr {
  const moduleMm = (size: number) => ((QR_SIZE / (size + 2 * QR_QUIET_ZONE)) * 25.4) / 72;
  const { qr, errorCorrection } = encodeQr(url);
  return {
    png: qrPng(qr.modules),
    version: qr.version,
    modules: qr.modules.size,
    errorCorrection,
    moduleMm: moduleMm(qr.modules.size),
  };
}

function encodeQr(url: string): { qr: QRCode.QRCode; errorCorrection: 'M' | 'L' } {
  const qr = QRCode.create(url, { errorCorrectionLevel: 'M' });
  if (QR_SIZE / (qr.modules.size + 2 * QR_QUIET_ZONE) >= MIN_MODULE_PT)
    return { qr, errorCorrection: 'M' };
  return { qr: QRCode.create(url, { errorCorrectionLevel: 'L' }), errorCorrection: 'L' };
}

/**
 * The same QR code as the PDF's, as SVG for the certificate page (issue 19): one path of unit
 * squares on a white square with the quiet zone, sharp at any size.
 */
export function certificateQrSvg(url: string): string {
  const { modules } = encodeQr(url).qr;
  const side = modules.size + 2 * QR_QUIET_ZONE;
  let path = '';
  for (let row = 0; row < modules.size; row++)
    for (let col = 0; col < modules.size; col++)
      if (modules.get(row, col)) path += `M${col + QR_QUIET_ZONE} ${row + QR_QUIET_ZONE}h1v1h-1z`;
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${side} ${side}" shape-rendering="crispEdges"><rect width="${side}" height="${side}" fill="#fff"/><path fill="#000" d="${path}"/></svg>`;
}

/** The QR code as PNG (see certificateQr). */
export function verificationQrPng(url: string): Promise<Buffer> {
  return Promise.resolve(certificateQr(url).png);
}

/** Greyscale without alpha, so pdfkit embeds the PNG's data as it is instead of decoding it. */
function qrPng(modules: QRCode.BitMatrix): Buffer {
  const side = (modules.size + 2 * QR_QUIET_ZONE) * QR_PIXELS_PER_MODULE;
  const png = new PNG({ width: side, height: side, colorType: 0, inputColorType: 0 });
  png.data = Buffer.alloc(side * side, 0xff);
  for (let row = 0; row < modules.size; row++) {
    for (let col = 0; col < modules.size; col++) {
      if (!modules.get(row, col)) continue;
      const top = (row + QR_QUIET_ZONE) * QR_PIXELS_PER_MODULE;
      const left = (col + QR_QUIET_ZONE) * QR_PIXELS_PER_MODULE;
      for (let dy = 0; dy < QR_PIXELS_PER_MODULE; dy++) {
        png.data.fill(0, (top + dy) * side + left, (top + dy) * side + left + QR_PIXELS_PER_MODULE);
      }
    }
  }
  return PNG.sync.write(png, {
    colorType: 0,
    inputColorType: 0,
    inputHasAlpha: false,
    // Two flat colours compress well unfiltered; trying every filter per row is most of the cost.
    filterType: 0,
  });
}

/** The document's title, in its language: what a viewer's title bar and a screen reader say. */
const DOCUMENT_TITLE: Record<PdfLanguage, string> = {
  en: 'Certificate',
  az: 'Sertifikat',
  ru: 'Сертификат',
};

/** What the QR code encodes, for a reader who cannot see it. */
const QR_ALT: Record<PdfLanguage, (serial: string) => string> = {
  en: (serial) =>
    `QR code: opens the verification page of certificate ${serial}, at the address printed beside it, and carries its signed details for checking without a connection`,
  az: (serial) =>
    `QR kod: ${serial} nömrəli sertifikatın yoxlama səhifəsini açır (ünvanı kodun yanında yazılıb) və internetsiz yoxlama üçün onun imzalanmış məlumatlarını daşıyır`,
  ru: (serial) =>
    `QR-код: открывает страницу проверки сертификата ${serial} (её адрес напечатан рядом с кодом) и содержит его подписанные данные для проверки без связи`,
};

/** The language the certificate is addressed in: the holder's, English unless known. */
function languageOf(doc: CertificateDocument): PdfLanguage {
  return doc.language ?? (doc.russian ? 'ru' : 'en');
}

/**
 * One A4 landscape page, bilingual English / Azerbaijani, with every value drawn as plain text.
 * Tagged: the structure tree reads a stamp's warning first, then the page from the top down, and
 * the footer's columns from left to right, the QR code last.
 */
export async function renderCertificatePdf(doc: CertificateDocument): Promise<Buffer> {
  const qr = certificateQr(doc.qrUrl ?? doc.verificationUrl).png;
  const lang = languageOf(doc);
  const serial = clean(doc.serial);
  const localTitle = lang === 'en' ? undefined : doc.translatedTitles?.[lang];
  const { pdf, root, finish } = createTaggedPdf({
    layout: 'landscape',
    lang,
    title: `${DOCUMENT_TITLE[lang]} ${serial}`,
    author: doc.issuerName,
    subject: `${doc.courseCode} ${localTitle ?? doc.courseTitle}`,
    keywords: [doc.serial, doc.courseCode],
  });
  pdf.font(FONT.regular);

  const mark = INVALID_MARK[doc.status];
  // Drawn last, over everything, but read first: a reader learns before anything else that the
  // certificate is not valid.
  const warning = mark ? pdf.struct('P') : null;
  if (warning) root.add(warning);

  artifact(pdf, () => drawFrame(pdf));
  drawHeader(pdf, root, doc);
  drawBody(pdf, root, doc);
  drawFooter(pdf, root, doc, qr, QR_ALT[lang](serial));
  if (mark && warning) drawInvalidMark(pdf, warning, mark);

  // Every block has a bounded height, so a second page means the layout itself is broken.
  if (pdf.bufferedPageRange().count !== 1) throw new Error('Certificate layout overflowed A4');
  return finish();
}

/** Adds a structure element to `parent`, drawing its content now; returns what `draw` returns. */
function tagged<T>(
  pdf: PDFKit.PDFDocument,
  parent: PDFKit.PDFStructureElement,
  role: string,
  options: StructOptions,
  draw: () => T,
): T {
  let result: T | undefined;
  parent.add(
    tag(pdf, role, options, () => {
      result = draw();
    }),
  );
  return result as T;
}

interface Fitted {
  size: number;
  height: number;
}

/** The largest size (down to `min`) at which `text` fits in `maxLines` lines of `width`. */
function fit(
  pdf: PDFKit.PDFDocument,
  text: string,
  font: string,
  width: number,
  maxLines: number,
  max: number,
  min: number,
): Fitted {
  pdf.font(font);
  for (let size = max; ; size -= 0.5) {
    pdf.fontSize(size);
    const lineHeight = pdf.currentLineHeight(true);
    const height = pdf.heightOfString(text, { width });
    if (height <= lineHeight * maxLines + 0.5 || size <= min) {
      return { size, height: Math.min(height, lineHeight * maxLines) };
    }
  }
}

/**
 * Draws text inside a box it cannot leave: pdfkit starts a new page when wrapped text passes the
 * bottom margin unless the text has a height, and then cuts it with an ellipsis instead.
 */
function box(
  pdf: PDFKit.PDFDocument,
  text: string,
  x: number,
  y: number,
  width: number,
  height: number,
  align: 'left' | 'center' | 'right' = 'center',
): void {
  pdf.text(text, x, y, {
    width,
    height: Math.max(height, pdf.currentLineHeight(true)),
    align,
    ellipsis: true,
  });
}

function line(
  pdf: PDFKit.PDFDocument,
  text: string,
  style: { font: string; size: number; color: string },
  x: number,
  y: number,
  width: number,
  align: 'left' | 'center' | 'right' = 'center',
): number {
  pdf.font(style.font).fontSize(style.size).fillColor(style.color);
  const height = pdf.currentLineHeight(true);
  box(pdf, text, x, y, width, height, align);
  return height;
}

function drawFrame(pdf: PDFKit.PDFDocument): void {
  pdf
    .lineWidth(2.2)
    .strokeColor(NAVY)
    .rect(18, 18, PAGE_W - 36, PAGE_H - 36)
    .stroke();
  pdf
    .lineWidth(0.8)
    .strokeColor(GOLD)
    .rect(25, 25, PAGE_W - 50, PAGE_H - 50)
    .stroke();
  // Small corner squares: a classic certificate border that survives photocopying.
  pdf.fillColor(GOLD);
  for (const [cx, cy] of [
    [25, 25],
    [PAGE_W - 25, 25],
    [25, PAGE_H - 25],
    [PAGE_W - 25, PAGE_H - 25],
  ]) {
    pdf.rect(cx - 3, cy - 3, 6, 6).fill();
  }
}

function drawHeader(
  pdf: PDFKit.PDFDocument,
  root: PDFKit.PDFStructureElement,
  doc: CertificateDocument,
): void {
  const issuer = clean(doc.issuerName);
  const issuerFit = fit(pdf, issuer, FONT.semibold, CONTENT_W, 1, 12, 7);
  tagged(pdf, root, 'P', {}, () => {
    pdf.fillColor(NAVY);
    box(pdf, issuer, CONTENT_X, 58, CONTENT_W, issuerFit.height);
  });
  artifact(pdf, () =>
    pdf
      .lineWidth(1)
      .strokeColor(GOLD)
      .moveTo(PAGE_W / 2 - 70, 82)
      .lineTo(PAGE_W / 2 + 70, 82)
      .stroke(),
  );
  tagged(pdf, root, 'H1', { lang: 'en' }, () =>
    line(pdf, LABEL.title, { font: FONT.bold, size: 30, color: NAVY }, CONTENT_X, 90, CONTENT_W),
  );
  // A line in one language says so; a line in two keeps the document's language.
  const subtitle = doc.russian ? `${LABEL.titleAz} · ${RUSSIAN_LABEL.title}` : LABEL.titleAz;
  tagged(pdf, root, 'P', doc.russian ? {} : { lang: 'az' }, () =>
    line(pdf, subtitle, { font: FONT.italic, size: 18, color: NAVY }, CONTENT_X, 132, CONTENT_W),
  );
}

interface BodyPart {
  height: number;
  gapBefore: number;
  /** A paragraph, in its own language when it has one; null for decoration. */
  tag: StructOptions | null;
  draw: (y: number) => void;
}

function drawBody(
  pdf: PDFKit.PDFDocument,
  root: PDFKit.PDFStructureElement,
  doc: CertificateDocument,
): void {
  const parts: BodyPart[] = [];
  const label = (text: string, gapBefore: number): void => {
    pdf.font(FONT.italic).fontSize(11);
    parts.push({
      height: pdf.currentLineHeight(true),
      gapBefore,
      tag: {},
      draw: (y) =>
        line(pdf, text, { font: FONT.italic, size: 11, color: MUTED }, CONTENT_X, y, CONTENT_W),
    });
  };
  const fitted = (
    text: string,
    font: string,
    color: string,
    lines: number,
    max: number,
    min: number,
    gapBefore: number,
    lang?: PdfLanguage,
  ): void => {
    const f = fit(pdf, text, font, CONTENT_W, lines, max, min);
    parts.push({
      height: f.height,
      gapBefore,
      tag: lang ? { lang } : {},
      draw: (y) => {
        pdf.font(font).fontSize(f.size).fillColor(color);
        box(pdf, text, CONTENT_X, y, CONTENT_W, f.height);
      },
    });
  };

  const withRussian = (text: string, russian: string) =>
    doc.russian ? `${text} / ${russian}` : text;
  // The title in Azerbaijani (the page's second language), and in Russian for a Russian reader.
  const original = clean(doc.courseTitle);
  const translatedTitles = (
    [
      { lang: 'az', title: doc.translatedTitles?.az },
      { lang: 'ru', title: doc.russian ? doc.translatedTitles?.ru : undefined },
    ] as const
  )
    .map(({ lang, title }) => ({ lang, title: title ? clean(title) : '' }))
    .filter(({ title }) => title && title !== original);
  // Each translated line costs the name some of its size, so a two-line name still leaves the
  // body within its band above the footer.
  const nameMax = 30 - 3 * translatedTitles.length;
  label(withRussian(LABEL.certifies, RUSSIAN_LABEL.certifies), 0);
  fitted(clean(doc.holderName), FONT.bold, INK, 2, nameMax, 14, 4);
  parts.push({
    height: 1,
    gapBefore: 4,
    tag: null,
    draw: (y) =>
      pdf
        .lineWidth(0.6)
        .strokeColor(GOLD)
        .moveTo(PAGE_W / 2 - 190, y)
        .lineTo(PAGE_W / 2 + 190, y)
        .stroke(),
  });
  label(withRussian(LABEL.completed, RUSSIAN_LABEL.completed), 10);
  fitted(original, FONT.bold, NAVY, 2, 19, 10, 4);
  for (const { lang, title } of translatedTitles) {
    fitted(title, FONT.italic, NAVY, 1, 12.5, 8, 1, lang);
  }
  fitted(
    `${LABEL.course}: ${clean(doc.courseCode)}   ·   ${LABEL.level}: ${clean(doc.courseLevel)}`,
    FONT.regular,
    INK,
    1,
    11,
    7,
    2,
  );
  const standards = doc.imasReferences.map(clean).filter(Boolean);
  if (standards.length > 0) {
    fitted(`${LABEL.standards}: ${standards.join(', ')}`, FONT.regular, INK, 2, 10.5, 7, 4);
  }
  const session = sessionText(doc);
  if (session) fitted(session, FONT.regular, MUTED, 2, 10, 7, 4);

  const total = parts.reduce((sum, p) => sum + p.gapBefore + p.height, 0);
  let y = BODY_TOP + Math.max(0, (BODY_BOTTOM - BODY_TOP - total) / 2);
  for (const part of parts) {
    y += part.gapBefore;
    const top = y;
    if (part.tag) tagged(pdf, root, 'P', part.tag, () => part.draw(top));
    else artifact(pdf, () => part.draw(top));
    y += part.height;
  }
}

function sessionText(doc: CertificateDocument): string | null {
  const pieces: string[] = [];
  const location = doc.sessionLocation ? clean(doc.sessionLocation) : '';
  if (location) pieces.push(`${LABEL.venue}: ${location}`);
  if (doc.sessionDates) {
    pieces.push(
      `${LABEL.dates}: ${clean(doc.sessionDates.startsOn)} – ${clean(doc.sessionDates.endsOn)}`,
    );
  }
  return pieces.length > 0 ? pieces.join('   ·   ') : null;
}

function drawFooter(
  pdf: PDFKit.PDFDocument,
  root: PDFKit.PDFStructureElement,
  doc: CertificateDocument,
  qr: Buffer,
  qrAlt: string,
): void {
  const small = { font: FONT.regular, size: 8, color: MUTED };
  const value = { font: FONT.semibold, size: 11.5, color: INK };
  /** A label and its value, read as one paragraph. */
  const labelled = (...draw: (() => void)[]) => root.add(tag(pdf, 'P', {}, ...draw));

  // Left: the facts an inspector reads first.
  const leftW = 230;
  let y = FOOTER_TOP;
  const serial = clean(doc.serial);
  const serialFit = fit(pdf, serial, FONT.bold, leftW, 1, 15, 8);
  labelled(
    () => (y += line(pdf, LABEL.serial, small, CONTENT_X, y, leftW, 'left')),
    () => {
      pdf.font(FONT.bold).fontSize(serialFit.size).fillColor(NAVY);
      box(pdf, serial, CONTENT_X, y, leftW, serialFit.height, 'left');
      y += serialFit.height + 8;
    },
  );
  labelled(
    () => (y += line(pdf, LABEL.issued, small, CONTENT_X, y, leftW, 'left')),
    () => (y += line(pdf, clean(doc.issuedOn), value, CONTENT_X, y, leftW, 'left') + 6),
  );
  const validity = doc.validUntil ? clean(doc.validUntil) : LABEL.noExpiry;
  labelled(
    () => (y += line(pdf, LABEL.validUntil, small, CONTENT_X, y, leftW, 'left')),
    () => line(pdf, validity, value, CONTENT_X, y, leftW, 'left'),
  );

  // Centre: where the instructor signs.
  const signW = 230;
  const signX = PAGE_W / 2 - signW / 2;
  const signLineY = FOOTER_TOP + 78;
  artifact(pdf, () =>
    pdf
      .lineWidth(0.7)
      .strokeColor(INK)
      .moveTo(signX, signLineY)
      .lineTo(signX + signW, signLineY)
      .stroke(),
  );
  const signer = doc.instructorName ? clean(doc.instructorName) : clean(doc.issuerName);
  const signerFit = fit(pdf, signer, FONT.semibold, signW, 2, 11.5, 7);
  labelled(
    () => {
      pdf.font(FONT.semibold).fontSize(signerFit.size).fillColor(INK);
      box(pdf, signer, signX, signLineY + 5, signW, signerFit.height);
    },
    () =>
      line(
        pdf,
        doc.instructorName ? LABEL.instructor : LABEL.forCenter,
        small,
        signX,
        signLineY + 6 + signerFit.height,
        signW,
      ),
  );

  // Right: the QR code in the corner, as large as the footer allows (its white quiet zone
  // reaches just inside the frame), and beside it the address in print, for a reader without a
  // phone (the plain address: the token is for cameras, not for typing).
  const qrX = PAGE_W - FRAME_INSET - 11 - QR_SIZE;
  const qrY = PAGE_H - FRAME_INSET - 4 - QR_SIZE;
  const urlColX = signX + signW + 14;
  const urlColW = qrX - 2 - urlColX;
  // The serial on its own line: the column is narrow, and a break inside it would mislead.
  const url = clean(doc.verificationUrl);
  const cut = url.lastIndexOf('/') + 1;
  const printed = `${url.slice(0, cut)}\n${url.slice(cut)}`;
  const urlFit = fit(pdf, printed, FONT.regular, urlColW, 4, 7.5, 5.5);
  labelled(
    () => line(pdf, LABEL.verify, small, urlColX, FOOTER_TOP, urlColW, 'right'),
    () => {
      pdf.font(FONT.regular).fontSize(urlFit.size).fillColor(INK);
      box(pdf, printed, urlColX, FOOTER_TOP + 12, urlColW, urlFit.height, 'right');
    },
  );
  tagged(pdf, root, 'Figure', { alt: qrAlt, bbox: [qrX, qrY, qrX + QR_SIZE, qrY + QR_SIZE] }, () =>
    pdf.image(qr, qrX, qrY, { width: QR_SIZE, height: QR_SIZE }),
  );
}

/**
 * A banner at the top and a large diagonal stamp across the page, drawn over everything. The
 * banner's words are the first paragraph read; the stamp repeats them, so it is an artifact.
 */
function drawInvalidMark(
  pdf: PDFKit.PDFDocument,
  warning: PDFKit.PDFStructureElement,
  mark: { en: string; az: string },
): void {
  const banner = `${mark.en} — ${NOT_VALID.en}   ·   ${mark.az} — ${NOT_VALID.az}`;
  artifact(pdf, () => pdf.rect(32, 32, PAGE_W - 64, 20).fill(ALERT));
  warning.add(() =>
    line(pdf, banner, { font: FONT.bold, size: 10.5, color: '#ffffff' }, 32, 35, PAGE_W - 64),
  );
  warning.end();

  const stampW = 600;
  const stampX = PAGE_W / 2 - stampW / 2;
  const en = capLine(pdf, mark.en, 64, stampW);
  const az = capLine(pdf, mark.az, 44, stampW);
  const padding = 24;
  const gap = 22;
  const stampH = 2 * padding + en.capHeight + gap + az.capHeight;
  const stampY = PAGE_H / 2 - stampH / 2;

  artifact(pdf, () => {
    pdf.save();
    pdf.rotate(-24, { origin: [PAGE_W / 2, PAGE_H / 2] });
    pdf.fillOpacity(0.28).strokeOpacity(0.5);
    pdf.lineWidth(4).strokeColor(ALERT).rect(stampX, stampY, stampW, stampH).stroke();
    pdf
      .lineWidth(1.2)
      .rect(stampX + 7, stampY + 7, stampW - 14, stampH - 14)
      .stroke();
    pdf.font(FONT.bold).fillColor(ALERT);
    pdf.fontSize(en.size);
    box(pdf, mark.en, stampX, stampY + padding - en.capTop, stampW, 0);
    pdf.fontSize(az.size);
    box(pdf, mark.az, stampX, stampY + padding + en.capHeight + gap - az.capTop, stampW, 0);
    pdf.restore();
  });
}

/** Where the capitals of a line sit below the line's top, so a stamp can frame them evenly. */
function capLine(
  pdf: PDFKit.PDFDocument,
  text: string,
  max: number,
  width: number,
): { size: number; capTop: number; capHeight: number } {
  const { size } = fit(pdf, text, FONT.bold, width, 1, max, 12);
  const font = loadFonts().bold;
  const scale = size / font.unitsPerEm;
  return {
    size,
    capTop: (font.ascent - font.capHeight) * scale,
    capHeight: font.capHeight * scale,
  };
}
