import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { CSV_BOM, csvRecord } from '../reports/csv.js';
import { EXPORTS, type ExportKind } from './export-queries.js';

/** Rows fetched from the cursor per round trip: memory stays flat however large the table. */
const FETCH_SIZE = 2_000;

/**
 * CSV exports streamed from a database cursor, in one read-only snapshot: UTF-8 with a byte
 * order mark (so spreadsheets read ə, ğ, ı, ş), a header row, CRLF line ends.
 */
@Injectable()
export class ExportsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * The file as text chunks. Stopping early (a client that goes away) closes the cursor and
   * returns the connection: the generator's `finally` runs when the consumer stops reading.
   */
  async *csv(
    kind: ExportKind,
    onProgress?: (rows: number, total: number) => void,
  ): AsyncGenerator<string> {
    const query = EXPORTS[kind];
    const runner = this.dataSource.createQueryRunner();
    await runner.connect();
    try {
      await runner.startTransaction('REPEATABLE READ');
      await runner.query('SET TRANSACTION READ ONLY');
      const [{ count }] = (await runner.query(query.countSql)) as { count: number }[];
      const params = query.usesCalendar ? [today(this.config.timeZone), this.config.timeZone] : [];
      await runner.query(`DECLARE export_rows NO SCROLL CURSOR FOR ${query.sql}`, params);
      yield CSV_BOM + csvRecord(query.header);
      let rows = 0;
      for (;;) {
        const batch = (await runner.query(`FETCH ${FETCH_SIZE} FROM export_rows`)) as Record<
          string,
          unknown
        >[];
        if (batch.length === 0) break;
        rows += batch.length;
        onProgress?.(rows, Math.max(rows, count));
        yield batch.map((row) => csvRecord(query.cells(row))).join('');
      }
      await runner.commitTransaction();
    } finally {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      await runner.release();
    }
  }
}
