import { createWriteStream } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { once } from 'node:events';
import { Readable, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DomainError } from '../../common/errors.js';
import { EXPORT_KINDS, type ExportKind } from '../../exports/export-queries.js';
import { ExportsService } from '../../exports/exports.service.js';
import { IMPORT_KINDS, type ImportKind, type ImportReport } from '../../imports/import-report.js';
import { ImportsService } from '../../imports/imports.service.js';
import { EXIT, line, UsageError } from '../cli-io.js';
import { cliActor, withApp, type CliCommand } from '../command.js';
import { progressBars } from '../progress.js';

/** Problems printed in the summary; --json gives them all. */
const SHOWN_PROBLEMS = 100;

function oneOf<T extends string>(
  value: string | undefined,
  allowed: readonly T[],
  what: string,
): T {
  if (value === undefined) throw new UsageError(`Missing ${what}: one of ${allowed.join(', ')}`);
  if (!(allowed as readonly string[]).includes(value)) {
    throw new UsageError(`Unknown ${what} "${value}": one of ${allowed.join(', ')}`);
  }
  return value as T;
}

export const importCommand: CliCommand = {
  name: 'import',
  summary: 'Import trainees, instructors, courses or legacy certificates from a CSV file',
  usage: `import <${IMPORT_KINDS.join('|')}> <file.csv> [--dry-run] [--skip-invalid] [--json]`,
  details: `Checks every row, then imports all of them in one transaction, or nothing when any row
is invalid (unless --skip-invalid). Rows whose record already exists (same natural key) are
counted as unchanged and left alone, so running the same file twice changes nothing.
The columns are those of the API (see POST /api/v1/imports/{kind} in /docs); UTF-8 with or
without BOM, comma, semicolon or tab delimited. Several values in one cell (imasReferences,
prerequisiteCodes) are separated by | or ;.

  --dry-run        check and report only; nothing is written
  --skip-invalid   import the valid rows and report the others
  --json           print the report as JSON (every problem) instead of a summary`,
  options: {
    'dry-run': { type: 'boolean' },
    'skip-invalid': { type: 'boolean' },
    json: { type: 'boolean' },
  },
  async run({ values, positionals, env }) {
    const kind = oneOf<ImportKind>(positionals[0], IMPORT_KINDS, 'kind of record');
    const path = positionals[1];
    if (!path) throw new UsageError('Missing the CSV file to import');
    if (positionals.length > 2) throw new UsageError(`Unexpected argument "${positionals[2]}"`);
    const { io } = env;
    let file: Buffer;
    try {
      file = await readFile(path);
    } catch (error) {
      line(io.stderr, `Cannot read ${path}: ${(error as Error).message}`);
      return EXIT.failure;
    }
    const bars = progressBars(io.stderr, io.progress);
    let report: ImportReport;
    try {
      report = await withApp(env, (app) =>
        app.get(ImportsService, { strict: false }).importCsv(cliActor('import'), kind, file, {
          dryRun: values['dry-run'] === true,
          skipInvalid: values['skip-invalid'] === true,
          onProgress: (phase, done, total) => bars.update(phase, done, total),
        }),
      );
    } catch (error) {
      // A refused import (invalid rows or header) carries its report: print it like any other.
      if (!(error instanceof DomainError && error.status === 422 && error.details)) throw error;
      report = error.details as unknown as ImportReport;
    } finally {
      bars.stop();
    }
    if (values.json) line(io.stdout, JSON.stringify(report, null, 2));
    else printReport(io.stdout, kind, path, report, values['skip-invalid'] === true);
    return report.invalid.length > 0 ? EXIT.invalidRows : EXIT.ok;
  },
};

function printReport(
  out: Writable,
  kind: ImportKind,
  path: string,
  report: ImportReport,
  skipInvalid: boolean,
): void {
  const badRows = new Set(report.invalid.map((p) => p.row)).size;
  // The report lists the first problems only (invalidCount counts them all), so past that
  // cap the rows behind the listed problems are a lower bound.
  const capped = report.invalidCount > report.invalid.length;
  const refused = !report.dryRun && badRows > 0 && !skipInvalid;
  line(out, `${path}: ${report.received} row${report.received === 1 ? '' : 's'} of ${kind}`);
  const imported = report.dryRun
    ? `would import ${report.imported}`
    : refused
      ? 'imported nothing'
      : `imported ${report.imported}`;
  line(
    out,
    `  ${imported}, unchanged ${report.unchanged}, invalid rows ${capped ? `at least ${badRows}` : badRows}`,
  );
  if (report.dryRun) line(out, '  Dry run: nothing was written.');
  else if (refused) line(out, '  Nothing was written: fix the rows below, or use --skip-invalid.');
  if (report.invalid.length === 0) return;
  line(out, 'Problems:');
  for (const p of report.invalid.slice(0, SHOWN_PROBLEMS)) {
    line(out, `  row ${p.row}${p.column ? `, ${p.column}` : ''}: ${p.message}`);
  }
  const shown = Math.min(report.invalid.length, SHOWN_PROBLEMS);
  if (report.invalidCount > shown) {
    const listed = capped ? `the first ${report.invalid.length}` : 'them all';
    line(out, `  ... and ${report.invalidCount - shown} more (--json lists ${listed})`);
  }
}

export const exportCommand: CliCommand = {
  name: 'export',
  summary: 'Export trainees, certificates or enrolments as CSV',
  usage: `export <${EXPORT_KINDS.join('|')}> [--out file.csv]`,
  details: `Writes the CSV (UTF-8 with BOM, header row) to the file, or to standard output.
Certificates carry their current status. Read from one consistent snapshot, streamed.
npm prints its own lines on standard output: use --out, or "npm run -s cli -- export ...".

  --out FILE   write to FILE instead of standard output`,
  options: { out: { type: 'string', short: 'o' } },
  async run({ values, positionals, env }) {
    const kind = oneOf<ExportKind>(positionals[0], EXPORT_KINDS, 'kind of record');
    if (positionals.length > 1) throw new UsageError(`Unexpected argument "${positionals[1]}"`);
    const { io } = env;
    const out = typeof values.out === 'string' ? values.out : undefined;
    const bars = progressBars(io.stderr, io.progress);
    let rows = 0;
    try {
      await withApp(env, async (app) => {
        const target = out ? createWriteStream(out) : io.stdout;
        // An unwritable path fails here, before the database is read.
        if (out) await once(target, 'open');
        const chunks = app.get(ExportsService, { strict: false }).csv(kind, (done, total) => {
          rows = done;
          bars.update('exporting', done, total);
        });
        // Standard output stays open for whoever else writes to it; a file is closed.
        await pipeline(Readable.from(chunks), target, { end: Boolean(out) });
      });
    } catch (error) {
      // The reader went away (`| head`): the cursor is closed, nothing more to say.
      if ((error as { code?: string }).code === 'EPIPE') return EXIT.failure;
      throw error;
    } finally {
      bars.stop();
    }
    line(io.stderr, `Exported ${rows} ${kind}${out ? ` to ${out}` : ''}.`);
    return EXIT.ok;
  },
};
