import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';

export type CsvCell = string | number | null | undefined;

/** Excel reads UTF-8 (ə, ğ, ı, ş) only when the file starts with a byte order mark. */
export const CSV_BOM = '\uFEFF';

/**
 * Where a spreadsheet may start a new cell: our delimiter, the `;` of Azerbaijani and Russian
 * Windows locales, tab, and line breaks (a reader that splits lines before quotes).
 */
const SEPARATOR = /([,;\t\r\n])/;
/**
 * A cell run as a formula: one starting with = + - @ or | (a DDE link), or their full-width
 * forms, after any blanks, quotes and apostrophes (an apostrophe there gets another one, so
 * `restoreFormulas` can tell ours from the value's own).
 */
const FORMULA = /^[\s"']*[=+\-@|\uFF1D\uFF0B\uFF0D\uFF20\uFF5C]/;
const NEUTRALISED = /^'[\s"']*[=+\-@|\uFF1D\uFF0B\uFF0D\uFF20\uFF5C]/;
/** A plain number (-5, +1.5, 2e3) is a number to a spreadsheet, never a formula. */
const PLAIN_NUMBER = /^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$/;
const NEEDS_QUOTES = /[",;\t\r\n]/;

/** Each piece between separators changed by `change`; the separators kept as they are. */
function eachPossibleCell(text: string, change: (piece: string) => string): string {
  // Most values (a date, a name) hold no separator: one piece, nothing to split.
  if (!SEPARATOR.test(text)) return change(text);
  // split with a capturing group: pieces at even indexes, separators at odd ones.
  return text
    .split(SEPARATOR)
    .map((part, i) => (i % 2 === 0 ? change(part) : part))
    .join('');
}

/**
 * Text that a spreadsheet would run as a formula gets an apostrophe wherever a cell could
 * start: at the value's start and after every separator (`Victim;=2+3;x` becomes
 * `Victim;'=2+3;x`, so a spreadsheet splitting on `;` sees text there too).
 */
export function neutraliseFormulas(text: string): string {
  if (PLAIN_NUMBER.test(text)) return text;
  return eachPossibleCell(text, (piece) => (FORMULA.test(piece) ? `'${piece}` : piece));
}

/** The inverse of `neutraliseFormulas`: an exported file imports as it was before export. */
export function restoreFormulas(text: string): string {
  return eachPossibleCell(text, (piece) => (NEUTRALISED.test(piece) ? piece.slice(1) : piece));
}

/**
 * One RFC 4180 record, CRLF-terminated: the one way this service writes CSV (every export and
 * report). Names and titles come from people, so text is neutralised as a formula wherever a
 * spreadsheet could start a cell, and quoted when it holds a separator, quote or line break.
 */
export function csvRecord(cells: CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = neutraliseFormulas(value);
  return text !== value || NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

/** True when the Accept header prefers text/csv to JSON (absent or JSON-only: false). */
export function wantsCsv(accept: string | undefined): boolean {
  if (!accept) return false;
  let csv = 0;
  let json = 0;
  for (const range of accept.split(',')) {
    const [type, ...params] = range.split(';').map((s) => s.trim().toLowerCase());
    const qParam = params.find((p) => p.startsWith('q='));
    const q = qParam ? Number(qParam.slice(2)) : 1;
    if (!Number.isFinite(q)) continue;
    if (type === 'text/csv') csv = Math.max(csv, q);
    if (type === 'application/json') json = Math.max(json, q);
  }
  return csv > 0 && csv >= json;
}

/** Sends a CSV download: the header row, then the records (a string or streamed lines). */
export function sendCsv(
  reply: FastifyReply,
  filename: string,
  header: string[],
  records: CsvCell[][] | AsyncIterable<CsvCell[]>,
) {
  void reply
    .type('text/csv; charset=utf-8')
    .header('Content-Disposition', `attachment; filename="${filename}"`)
    .header('Cache-Control', 'private, no-store');
  if (Array.isArray(records)) {
    return reply.send(CSV_BOM + csvRecord(header) + records.map(csvRecord).join(''));
  }
  async function* lines() {
    yield CSV_BOM + csvRecord(header);
    for await (const record of records) yield csvRecord(record);
  }
  return reply.send(Readable.from(lines()));
}
