import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';

export type CsvCell = string | number | null | undefined;

/** Excel reads UTF-8 (ə, ğ, ı, ş) only when the file starts with a byte order mark. */
const BOM = '\uFEFF';

/**
 * One RFC 4180 record, CRLF-terminated. Text that a spreadsheet would run as a formula
 * (=, +, -, @ first) is prefixed with an apostrophe: names and titles come from people.
 */
export function csvRecord(cells: CsvCell[]): string {
  return `${cells.map(csvField).join(',')}\r\n`;
}

function csvField(value: CsvCell): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'number') return String(value);
  const text = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
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
    return reply.send(BOM + csvRecord(header) + records.map(csvRecord).join(''));
  }
  async function* lines() {
    yield BOM + csvRecord(header);
    for await (const record of records) yield csvRecord(record);
  }
  return reply.send(Readable.from(lines()));
}
