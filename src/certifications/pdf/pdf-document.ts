import { openSync, type Font } from 'fontkit';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

/**
 * What the certificate and the attendance sheet share: the fonts, and a tagged PDF (issue 18)
 * that a search, a screen reader and an archive can read: a document language, a title shown in
 * the viewer's title bar, the info dictionary and XMP metadata, and a structure tree.
 */

export type PdfLanguage = 'en' | 'az' | 'ru';

// The standard PDF fonts stop at Latin-1: no ə, ğ, ı, ş, nor Cyrillic. Noto Serif covers both, and
// loading it from its npm package keeps font binaries out of the repository.
const FONT_WEIGHTS = {
  regular: '400Regular',
  italic: '400Regular_Italic',
  semibold: '600SemiBold',
  bold: '700Bold',
} as const;
export type FontName = keyof typeof FONT_WEIGHTS;

/**
 * Ligatures are off for every line these fonts set. pdfkit shapes text with the font's default
 * OpenType features, `liga` among them, so "fi" became the one glyph U+FB01 and "Certificate" was
 * not found in the extracted text (pdftotext, a viewer's search, copy and paste). Making the
 * ToUnicode map say "fi" for that glyph would fix extraction only, and it is also wrong on paper
 * in Azerbaijani: pdfkit passes no language to the shaper, so the font's Azerbaijani exception is
 * never applied, and the fi ligature swallows the dot of the i: "fikir" prints as if it were
 * "fıkir", and i and ı are different letters. Without ligatures every glyph is one character, so
 * every extractor reads the text as written. A fresh object each call: fontkit writes the
 * features it applied back into the object it is given.
 */
const withoutLigatures = () => ({ liga: false, clig: false });

// Parsing Noto's layout tables costs far more than drawing a page, so each font is parsed once per
// process and shared: pdfkit makes its own glyph subset per document from the parsed font.
let parsedFonts: Record<FontName, Font> | undefined;
/** The Noto Serif weights, parsed once per process. */
export function loadFonts(): Record<FontName, Font> {
  if (!parsedFonts) {
    const require = createRequire(import.meta.url);
    const open = (weight: string): Font => {
      const file = require.resolve(
        `@expo-google-fonts/noto-serif/${weight}/NotoSerif_${weight}.ttf`,
      );
      const font = openSync(file);
      if (!('layout' in font)) throw new Error(`${file} is a font collection`);
      // fontkit caches each glyph with the characters it was first asked for. A glyph first met as
      // a part of another (I inside İ, when a subset is written) would stay without characters,
      // and every later PDF would map it to no text. Asking once by character prevents that.
      for (const codePoint of font.characterSet) font.glyphForCodePoint(codePoint);
      // pdfkit measures and draws through this one method, without features unless a caller
      // gives some: widths measured and glyphs drawn therefore always agree, and pdfkit keeps
      // its per-word layout cache (which a `features` text option would bypass).
      const layout = font.layout.bind(font);
      font.layout = ((text: string, features?: Parameters<Font['layout']>[1], ...rest: []) =>
        layout(text, features ?? withoutLigatures(), ...rest)) as Font['layout'];
      return font;
    };
    parsedFonts = {
      regular: open(FONT_WEIGHTS.regular),
      italic: open(FONT_WEIGHTS.italic),
      semibold: open(FONT_WEIGHTS.semibold),
      bold: open(FONT_WEIGHTS.bold),
    };
  }
  return parsedFonts;
}

/**
 * NFC so that a decomposed ə or ş maps to the font's precomposed glyph; control and bidi override
 * characters removed so a value cannot break lines or reorder what the reader sees.
 */
export function clean(value: string): string {
  return value
    .normalize('NFC')
    .replace(/[\p{Cc}\u2028\u2029]/gu, ' ')
    .replace(/[\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

export interface TaggedPdfOptions {
  layout: 'portrait' | 'landscape';
  /** The document's language (the catalog's /Lang): what a screen reader speaks by default. */
  lang: PdfLanguage;
  title: string;
  /** The Center: the author and the creator. */
  author: string;
  subject: string;
  keywords: string[];
  /** False when pages are added as the layout needs them. */
  autoFirstPage?: boolean;
}

export interface TaggedPdf {
  pdf: PDFKit.PDFDocument;
  /** The structure tree's one top element: everything read aloud hangs under it, in order. */
  root: PDFKit.PDFStructureElement;
  /** Ends the document and resolves to its bytes. */
  finish: () => Promise<Buffer>;
}

/** A structure element's options, with the layout and table attributes pdfkit writes. */
export type StructOptions = PDFKit.Mixins.StructureElementOptions & {
  /** [left, top, right, bottom] in pdfkit's coordinates (origin at the top left). */
  bbox?: [number, number, number, number];
  scope?: 'Row' | 'Column' | 'Both';
};

/** An A4 PDF 1.7 document, tagged, with its language, metadata and the fonts registered. */
export function createTaggedPdf(options: TaggedPdfOptions): TaggedPdf {
  const info = {
    Title: clean(options.title),
    Author: clean(options.author),
    Creator: clean(options.author),
    Subject: clean(options.subject),
    Keywords: options.keywords.map(clean).filter(Boolean).join(', '),
  };
  const pdf = new PDFDocument({
    size: 'A4',
    layout: options.layout,
    margin: 0,
    autoFirstPage: options.autoFirstPage ?? true,
    bufferPages: true,
    // No default font: pdfkit would otherwise load Helvetica, which cannot write these names.
    font: '',
    // 1.7 for the XMP metadata stream (pdfkit writes none for its default 1.3) and tagged PDF.
    pdfVersion: '1.7',
    tagged: true,
    lang: options.lang,
    displayTitle: true,
    info,
  });
  escapeXmp(pdf, info);
  pdf.appendXML(
    `<rdf:Description rdf:about="" xmlns:dc="http://purl.org/dc/elements/1.1/">` +
      `<dc:language><rdf:Bag><rdf:li>${options.lang}</rdf:li></rdf:Bag></dc:language>` +
      `</rdf:Description>`,
  );
  for (const [name, font] of Object.entries(loadFonts())) {
    // pdfkit 0.20 accepts a parsed fontkit font, which its type definitions do not know yet.
    pdf.registerFont(name, font as unknown as PDFKit.Mixins.PDFFontSource);
  }
  const root = pdf.struct('Document');
  pdf.addStructure(root);

  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    pdf.on('data', (chunk: Buffer) => chunks.push(chunk));
    pdf.on('end', () => resolve(Buffer.concat(chunks)));
    pdf.on('error', reject);
  });
  return {
    pdf,
    root,
    finish: () => {
      root.end();
      pdf.end();
      return done;
    },
  };
}

/** A structure element (a paragraph, a heading, a cell) whose content `draw` paints. */
export function tag(
  pdf: PDFKit.PDFDocument,
  role: string,
  options: StructOptions,
  ...draw: (() => void)[]
): PDFKit.PDFStructureElement {
  // pdfkit's types leave out the bbox and scope attributes it writes.
  return pdf.struct(role, options as PDFKit.Mixins.StructureElementOptions, draw);
}

/**
 * Paints decoration (frames, rules, shading, grid lines) as an artifact: printed, but outside the
 * structure tree, so a screen reader skips it. Pagination artifacts are what repeats on every
 * page (running headers, page numbers).
 */
export function artifact(
  pdf: PDFKit.PDFDocument,
  draw: () => void,
  options: { type: 'Layout' } | { type: 'Pagination'; attached: ('Top' | 'Bottom')[] } = {
    type: 'Layout',
  },
): void {
  pdf.markContent('Artifact', options);
  draw();
  pdf.endMarkedContent();
}

const XML_ESCAPES: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&apos;',
};
const xml = (value: string) => value.replace(/[&<>"']/g, (c) => XML_ESCAPES[c]);

/**
 * pdfkit copies Title, Author, Subject and Keywords into the XMP packet without escaping them: a
 * course called "Mines & UXO" would make the metadata invalid XML. The info dictionary takes the
 * values as they are (it is written first); the XMP is written from escaped copies.
 */
function escapeXmp(pdf: PDFKit.PDFDocument, info: Record<string, string>): void {
  const document = pdf as unknown as { info: Record<string, unknown>; endMetadata: () => void };
  const endMetadata = document.endMetadata.bind(pdf);
  document.endMetadata = () => {
    const original = document.info;
    document.info = {
      ...original,
      ...Object.fromEntries(Object.entries(info).map(([key, value]) => [key, xml(value)])),
    };
    try {
      endMetadata();
    } finally {
      document.info = original;
    }
  };
}
