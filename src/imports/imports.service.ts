import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { isUniqueViolation } from '../common/database-errors.js';
import { conflict, DomainError, ruleViolation } from '../common/errors.js';
import { HeaderMap } from './columns.js';
import { CourseImporter } from './course-import.js';
import { readCsv } from './csv-reader.js';
import {
  IMPORT_MAX_ROWS,
  type ImportKind,
  type ImportOptions,
  type ImportReport,
} from './import-report.js';
import type { Importer, Progress } from './importer.js';
import { InstructorImporter } from './instructor-import.js';
import { LegacyCertificateImporter } from './legacy-certificates.js';
import { Problems } from './row-checks.js';
import { TraineeImporter } from './trainee-import.js';

/** Thrown out of the transaction to roll it back, carrying the report for the caller. */
class InvalidRows extends Error {
  constructor(readonly report: ImportReport) {
    super('Invalid rows');
  }
}

/**
 * CSV imports, the same rules for the API and the command line: read the whole file, check
 * every row, then either write every valid row in one transaction (with its audit events) or
 * nothing at all. A record whose natural key already exists is counted as unchanged and left
 * alone, so importing the same file twice changes nothing.
 */
@Injectable()
export class ImportsService {
  private readonly importers: Record<ImportKind, Importer<unknown>>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    trainees: TraineeImporter,
    instructors: InstructorImporter,
    courses: CourseImporter,
    certificates: LegacyCertificateImporter,
  ) {
    this.importers = {
      trainees,
      instructors,
      courses,
      certificates,
    } as Record<ImportKind, Importer<unknown>>;
  }

  /**
   * The report; throws 422 `INVALID_ROWS` (report in details, nothing written) when a row is
   * invalid, unless it is a dry run or `skipInvalid` is set.
   */
  async importCsv(
    actor: Actor,
    kind: ImportKind,
    file: Buffer,
    options: ImportOptions = {},
  ): Promise<ImportReport> {
    const dryRun = options.dryRun ?? false;
    const progress: Progress = options.onProgress ?? (() => undefined);
    const importer = this.importers[kind];
    const table = await readCsv(
      file,
      (done, total) => progress('reading', done, total),
      IMPORT_MAX_ROWS,
    );
    if (table.tooManyRows) {
      throw new DomainError(
        413,
        'PAYLOAD_TOO_LARGE',
        `The file has more than ${IMPORT_MAX_ROWS.toLocaleString('en')} rows: split it into files of at most ${IMPORT_MAX_ROWS.toLocaleString('en')} rows (rows already imported count as unchanged)`,
        { maxRows: IMPORT_MAX_ROWS },
      );
    }
    const problems = new Problems();
    problems.addAll(table.problems);
    const report = (imported: number, unchanged: number): ImportReport => ({
      dryRun,
      received: table.records.length,
      imported,
      unchanged,
      invalid: problems.sorted(),
      invalidCount: problems.count,
    });
    if (!table.header) {
      if (problems.count === 0) problems.add(1, null, 'The file is empty: it needs a header row');
      return this.refuse(report(0, 0), dryRun, true);
    }
    const { map: header, problems: headerProblems } = HeaderMap.read(
      table.header,
      importer.columns,
    );
    problems.addAll(headerProblems);
    problems.addAll(importer.checkHeader?.(header, table.header.line) ?? []);
    // Without the right columns (or with an unreadable part of the file) no row can be trusted.
    if (problems.count > 0) return this.refuse(report(0, 0), dryRun, true);

    try {
      return await this.dataSource.transaction(async (tx) => {
        if (dryRun) await tx.query('SET TRANSACTION READ ONLY');
        const plan = await importer.plan(tx, table.records, header, problems, progress);
        if (dryRun) return report(plan.creates.length, plan.unchanged);
        if (problems.count > 0 && !options.skipInvalid) {
          throw new InvalidRows(report(0, plan.unchanged));
        }
        await importer.write(tx, actor, plan.creates, progress);
        return report(plan.creates.length, plan.unchanged);
      });
    } catch (error) {
      if (error instanceof InvalidRows) {
        return this.refuse(error.report, false, false, problems.invalidRows);
      }
      if (isUniqueViolation(error)) {
        throw conflict(
          'IMPORT_CONFLICT',
          'Some of these records were created by someone else while the import ran; nothing was imported. Run it again: those rows will count as unchanged.',
        );
      }
      throw error;
    }
  }

  /** A dry run reports; a real one refuses with 422 and the report, having written nothing. */
  private refuse(
    report: ImportReport,
    dryRun: boolean,
    wholeFile: boolean,
    rows = 0,
  ): ImportReport {
    if (dryRun) return report;
    if (wholeFile) {
      throw ruleViolation(
        'INVALID_FILE',
        `The file cannot be imported: ${report.invalid[0]?.message ?? 'it is not valid'}`,
        { ...report },
      );
    }
    throw ruleViolation(
      'INVALID_ROWS',
      `${rows} row${rows === 1 ? ' has' : 's have'} problems: nothing was imported. Fix them, or import the valid rows with skipInvalid.`,
      { ...report },
    );
  }
}
