import type { CsvRecord } from './csv-reader.js';
import type { ImportProblem } from './import-report.js';

/** A column an import understands: its api.md field name and other names people give it. */
export interface ColumnSpec {
  field: string;
  aliases?: string[];
  /** The header must have this column (its cells may still be empty where that means something). */
  required?: boolean;
}

export interface ColumnSet {
  columns: ColumnSpec[];
  /** Columns the matching export writes that an import does not need: read past, not refused. */
  ignored?: string[];
}

/** `Given name`, `given_name`, `GIVENNAME` and `givenName` are the same column. */
export const headerKey = (name: string) => name.toLowerCase().replace(/[\s_.-]+/g, '');

/** Where each known column sits in the file, under the name the file gives it. */
export class HeaderMap {
  private readonly positions = new Map<string, { index: number; name: string }>();
  width = 0;

  static read(header: CsvRecord, set: ColumnSet): { map: HeaderMap; problems: ImportProblem[] } {
    const map = new HeaderMap();
    map.width = header.cells.length;
    const problems: ImportProblem[] = [];
    const byKey = new Map<string, string>();
    for (const spec of set.columns) {
      for (const name of [spec.field, ...(spec.aliases ?? [])])
        byKey.set(headerKey(name), spec.field);
    }
    const ignored = new Set((set.ignored ?? []).map(headerKey));
    header.cells.forEach((name, index) => {
      const field = byKey.get(headerKey(name));
      if (name === '') {
        problems.push({
          row: header.line,
          column: null,
          message: `Column ${index + 1} has no name`,
        });
      } else if (field) {
        const earlier = map.positions.get(field);
        if (earlier) {
          problems.push({
            row: header.line,
            column: name,
            message: `The column ${field} appears twice (also as "${earlier.name}")`,
          });
        } else {
          map.positions.set(field, { index, name });
        }
      } else if (!ignored.has(headerKey(name))) {
        problems.push({
          row: header.line,
          column: name,
          message: `Unknown column; the columns are ${set.columns.map((c) => c.field).join(', ')}`,
        });
      }
    });
    for (const spec of set.columns) {
      if (spec.required && !map.positions.has(spec.field)) {
        problems.push({ row: header.line, column: spec.field, message: 'Missing column' });
      }
    }
    return { map, problems };
  }

  has(field: string): boolean {
    return this.positions.has(field);
  }

  /** The cell's text, or undefined when the column is absent or the cell empty. */
  cell(record: CsvRecord, field: string): string | undefined {
    const position = this.positions.get(field);
    const value = position ? record.cells[position.index] : undefined;
    return value === undefined || value === '' ? undefined : value;
  }

  /** The column as the file names it (problems point there), or the field name. */
  column(field: string): string {
    return this.positions.get(field)?.name ?? field;
  }

  /** Cells past the header's last column that hold something: the row is misaligned. */
  overflow(record: CsvRecord): ImportProblem | null {
    const extra = record.cells.slice(this.width).filter((cell) => cell !== '');
    if (extra.length === 0) return null;
    return {
      row: record.line,
      column: null,
      message: `This row has ${record.cells.length} cells but the header has ${this.width} columns (a delimiter inside a value needs quotes)`,
    };
  }
}

const DAY_FIRST = /^(\d{1,2})\.(\d{1,2})\.(\d{4})$/;

/**
 * Dates as api.md writes them (YYYY-MM-DD), or day first with dots (12.04.1995), as spreadsheets
 * set to Azerbaijani, Russian or Ukrainian write them. Slashes are ambiguous (US month first)
 * and left for the validator to refuse, like anything else.
 */
export function dateCell(value: string | undefined): string | undefined {
  const match = value === undefined ? null : DAY_FIRST.exec(value);
  if (!match) return value;
  return `${match[3]}-${match[2].padStart(2, '0')}-${match[1].padStart(2, '0')}`;
}

/** Whole numbers become numbers; anything else stays text, for the validator to name. */
export function integerCell(value: string | undefined): number | string | undefined {
  return value !== undefined && /^[+-]?\d{1,9}$/.test(value) ? Number(value) : value;
}

const TRUE = new Set(['true', 'yes', 'y', '1']);
const FALSE = new Set(['false', 'no', 'n', '0']);

export function booleanCell(value: string | undefined): boolean | string | undefined {
  if (value === undefined) return undefined;
  const lower = value.toLowerCase();
  return TRUE.has(lower) ? true : FALSE.has(lower) ? false : value;
}

/** Several values in one cell, separated by `|` or `;` (a `;` needs the cell quoted in a `;` file). */
export function listCell(value: string | undefined): string[] | undefined {
  if (value === undefined) return undefined;
  return value
    .split(/[|;]/)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}
