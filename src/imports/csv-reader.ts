import { parse, type CsvError, type Options } from 'csv-parse';
import { isUtf8 } from 'node:buffer';
import { Readable } from 'node:stream';
import { restoreFormulas } from '../reports/csv.js';
import type { ImportProblem } from './import-report.js';

/** One record of the file: its cells (trimmed) and the line it starts on (the header is 1). */
export interface CsvRecord {
  line: number;
  cells: string[];
}

export interface CsvTable {
  header: CsvRecord | null;
  records: CsvRecord[];
  /** Problems with the file itself (encoding, an unclosed quote): no record stands for them. */
  problems: ImportProblem[];
  /** The file holds more than `maxRows` data rows: reading stopped there. */
  tooManyRows: boolean;
}

export type Delimiter = ',' | ';' | '\t';

/** Fed to the parser in slices, so a large upload does not hold the event loop for seconds. */
const SLICE_BYTES = 256 * 1024;

/**
 * Reads a CSV file as spreadsheets write it: UTF-8 with or without a byte order mark (UTF-16
 * with a BOM, Excel's "Unicode text", is converted), comma, semicolon or tab as the delimiter
 * (whichever the header line uses most), RFC 4180 quoting including line breaks inside quotes.
 * Blank lines, and lines whose cells are all empty (`;;;` from a spreadsheet), are skipped.
 */
export async function readCsv(
  input: Buffer,
  onProgress?: (bytesRead: number, totalBytes: number) => void,
  maxRows = Infinity,
): Promise<CsvTable> {
  const decoded = toUtf8(input);
  if ('problem' in decoded) {
    return { header: null, records: [], problems: [decoded.problem], tooManyRows: false };
  }
  const bytes = decoded.bytes;
  const lines = new LineIndex(bytes);
  const problems: ImportProblem[] = [];
  // Where the last record ended, tracked as the parser goes (its callbacks run in file order).
  let recordEnd = 0;
  const options: Options<CsvRecord, string[]> = {
    bom: true,
    delimiter: detectDelimiter(bytes),
    relax_column_count: true,
    // A stray quote inside a cell (5" shell) is kept as text, as spreadsheets do.
    relax_quotes: true,
    skip_empty_lines: true,
    skip_records_with_error: true,
    on_record: (record: string[], context: { bytes: number }) => {
      const line = lines.recordStart(recordEnd);
      recordEnd = context.bytes;
      // An apostrophe our own exports put before a formula is taken off again (see csv.ts).
      const cells = record.map((cell) => restoreFormulas(cell.trim()).trim());
      return cells.every((cell) => cell === '') ? null : { line, cells };
    },
    on_skip: (error: CsvError | undefined) => {
      problems.push({
        row: lines.recordStart(recordEnd),
        column: null,
        message:
          error?.code === 'CSV_QUOTE_NOT_CLOSED'
            ? 'A quoted cell is never closed: a quote (") is missing'
            : `This line cannot be read as CSV: ${error?.message ?? 'unknown error'}`,
      });
      return undefined;
    },
  };
  // The typings tie on_record's result to the plain record type; ours returns CsvRecord.
  const parser = parse(options as unknown as Options);
  let header: CsvRecord | null = null;
  const records: CsvRecord[] = [];
  const source = Readable.from(slices(bytes));
  source.pipe(parser);
  for await (const record of parser as AsyncIterable<CsvRecord>) {
    if (!header) {
      header = record;
      continue;
    }
    // Stop before holding more than the limit: leaving the loop ends the parser.
    if (records.length === maxRows) {
      source.destroy();
      return { header, records: [], problems, tooManyRows: true };
    }
    records.push(record);
    if (records.length % 5_000 === 1) onProgress?.(recordEnd, bytes.length);
  }
  onProgress?.(bytes.length, bytes.length);
  return { header, records, problems, tooManyRows: false };
}

function* slices(bytes: Buffer): Generator<Buffer> {
  for (let start = 0; start < bytes.length; start += SLICE_BYTES) {
    yield bytes.subarray(start, start + SLICE_BYTES);
  }
}

function toUtf8(input: Buffer): { bytes: Buffer } | { problem: ImportProblem } {
  if (input[0] === 0xff && input[1] === 0xfe) {
    return { bytes: Buffer.from(new TextDecoder('utf-16le').decode(input.subarray(2)), 'utf8') };
  }
  if (input[0] === 0xfe && input[1] === 0xff) {
    return { bytes: Buffer.from(new TextDecoder('utf-16be').decode(input.subarray(2)), 'utf8') };
  }
  if (isUtf8(input)) return { bytes: input };
  // Name the line of the first undecodable byte: usually a file saved as Windows-1251 or -1254.
  const text = new TextDecoder('utf-8').decode(input);
  const before = text.slice(0, text.indexOf('\uFFFD'));
  return {
    problem: {
      row: before.split('\n').length,
      column: null,
      message: 'The file is not UTF-8 text: save it from the spreadsheet as "CSV UTF-8"',
    },
  };
}

/** The delimiter the header line uses most, counting outside quotes; comma when it has none. */
export function detectDelimiter(bytes: Buffer): Delimiter {
  const counts = { ',': 0, ';': 0, '\t': 0 };
  let quoted = false;
  for (const byte of bytes) {
    const char = String.fromCharCode(byte);
    if (char === '"') quoted = !quoted;
    else if (!quoted && (char === '\n' || char === '\r')) break;
    else if (!quoted && char in counts) counts[char as Delimiter] += 1;
  }
  const best = (Object.entries(counts) as [Delimiter, number][]).sort((a, b) => b[1] - a[1])[0];
  return best[1] > 0 ? best[0] : ',';
}

/**
 * Line numbers from byte offsets. csv-parse's own line count is off after a quoted CRLF, but its
 * byte count is exact, so a record's first line is found from where the previous one ended.
 */
class LineIndex {
  private readonly newlines: number[] = [];

  constructor(private readonly bytes: Buffer) {
    for (let i = bytes.indexOf(10); i !== -1; i = bytes.indexOf(10, i + 1)) this.newlines.push(i);
  }

  /** The line of the first byte after `offset` that is not a line break (blank lines skipped). */
  recordStart(offset: number): number {
    let start = offset;
    while (start < this.bytes.length && (this.bytes[start] === 10 || this.bytes[start] === 13)) {
      start += 1;
    }
    return this.lineOf(start);
  }

  private lineOf(offset: number): number {
    let low = 0;
    let high = this.newlines.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (this.newlines[mid] < offset) low = mid + 1;
      else high = mid;
    }
    return low + 1;
  }
}
