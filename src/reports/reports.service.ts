import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { confiningOrganisation } from '../access/record-access.js';
import type { Actor } from '../common/actor.js';
import { addDays, isCalendarDate, today } from '../common/calendar.js';
import { ConcurrencyLimit } from '../common/concurrency-limit.js';
import { badRequest } from '../common/errors.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import type {
  AgeBand,
  ExpiringCertificateDto,
  ExpiringQueryDto,
  TrainingGroup,
  TrainingReportDto,
  TrainingReportQueryDto,
  TrainingReportRowDto,
} from './dto/report.dto.js';
import { trainingReportSql, type TrainingReportSqlRow } from './training-report.query.js';

const DEFAULT_WINDOW_DAYS = 90;
/** Rows per query when the whole window is written out as CSV. */
const EXPORT_BATCH = 1_000;

interface ExpiringSqlRow {
  id: string;
  serial: string;
  valid_until: string;
  trainee_id: string;
  given_name: string;
  family_name: string;
  organisation_id: string | null;
  organisation_name: string | null;
  course_id: string;
  course_code: string;
  course_title: string;
}

interface ExpiringPosition {
  validUntil: string;
  serial: string;
}

/**
 * Training reports one instance computes at once. Grouped finely over all data, one is tens of
 * thousands of rows (about 10 MB of JSON at a million certificates) and up to a second of work
 * for the database, which a parallel query already spreads over its cores: one after another,
 * fifty callers get their answers as soon as each is ready instead of all at the end, and do
 * not hold fifty copies in memory. (A cursor would stream it, but PostgreSQL plans a cursor
 * without parallel workers: measured 30-50% slower.)
 */
const TRAINING_REPORT_SLOTS = 1;

/** Read-only figures across modules, aggregated in SQL. */
@Injectable()
export class ReportsService {
  private readonly trainingSlots = new ConcurrencyLimit(TRAINING_REPORT_SLOTS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** `signal` aborts when the caller hangs up: a report still waiting its turn is dropped. */
  async training(query: TrainingReportQueryDto, signal?: AbortSignal): Promise<TrainingReportDto> {
    if (query.from && query.to && query.from > query.to) {
      throw badRequest('INVALID_PERIOD', 'from must not be after to', {
        from: query.from,
        to: query.to,
      });
    }
    const groupBy: TrainingGroup[] = query.groupBy ?? [];
    const { sql, params } = trainingReportSql(groupBy, query);
    return this.trainingSlots.run(async () => {
      const rows = (await this.dataSource.query(sql, params)) as TrainingReportSqlRow[];
      return { rows: rows.map((row) => trainingRow(groupBy, row)) };
    }, signal);
  }

  /**
   * Active certificates whose last valid day falls between today (where the Center is) and
   * today + withinDays, soonest first. Ordered and paged by (validUntil, serial): serial is
   * unique, so the order is total and reads well in a planning list.
   */
  /** `actor`: whose reach narrows the list (a coordinator's organisation); none: every one. */
  async expiring(query: ExpiringQueryDto, actor?: Actor): Promise<Page<ExpiringCertificateDto>> {
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const after = query.cursor ? decodeExpiringCursor(query.cursor) : null;
    const rows = await this.expiringRows(this.window(query, actor), after, limit + 1);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(expiringItem),
      nextCursor:
        rows.length > limit && last ? encodeCursor([last.valid_until, last.serial]) : null,
    };
  }

  /**
   * The whole window, fetched batch by batch so memory stays flat however many there are. The
   * first batch is read before anything is sent, so a database failure still gets a proper 503.
   */
  async expiringAll(
    query: ExpiringQueryDto,
    actor?: Actor,
  ): Promise<AsyncIterable<ExpiringCertificateDto>> {
    const window = this.window(query, actor);
    const nextBatch = (after: ExpiringPosition | null) =>
      this.expiringRows(window, after, EXPORT_BATCH);
    const first = await nextBatch(null);
    return (async function* () {
      for (let rows = first; ;) {
        for (const row of rows) yield expiringItem(row);
        const last = rows.at(-1);
        if (rows.length < EXPORT_BATCH || !last) return;
        rows = await nextBatch({ validUntil: last.valid_until, serial: last.serial });
      }
    })();
  }

  private window(query: ExpiringQueryDto, actor?: Actor): ExpiringWindow {
    const from = today(this.config.timeZone);
    return {
      from,
      to: addDays(from, query.withinDays ?? DEFAULT_WINDOW_DAYS),
      organisationId: actor ? confiningOrganisation(actor, 'expiringCertificates.read') : null,
    };
  }

  private async expiringRows(
    window: ExpiringWindow,
    after: ExpiringPosition | null,
    limit: number,
  ): Promise<ExpiringSqlRow[]> {
    const params: unknown[] = [window.from, window.to, limit];
    let keyset = '';
    if (after) {
      params.push(after.validUntil, after.serial);
      keyset = 'AND (c.valid_until, c.serial) > ($4::date, $5)';
    }
    let organisation = '';
    if (window.organisationId) {
      params.push(window.organisationId);
      organisation = `AND t.organisation_id = $${params.length}::uuid`;
    }
    return (await this.dataSource.query(
      `SELECT c.id, c.serial, to_char(c.valid_until, 'YYYY-MM-DD') AS valid_until,
              t.id AS trainee_id, t.given_name, t.family_name,
              o.id AS organisation_id, o.name AS organisation_name,
              co.id AS course_id, co.code AS course_code, co.title AS course_title
         FROM certificates c
         JOIN trainees t ON t.id = c.trainee_id
         JOIN courses co ON co.id = c.course_id
         LEFT JOIN organisations o ON o.id = t.organisation_id
        WHERE c.status = 'active'
          AND c.valid_until BETWEEN $1::date AND $2::date
          ${keyset}
          ${organisation}
        ORDER BY c.valid_until, c.serial
        LIMIT $3`,
      params,
    )) as ExpiringSqlRow[];
  }
}

/** The certificates' last valid days to list, and the organisation a coordinator's list keeps to. */
interface ExpiringWindow {
  from: string;
  to: string;
  organisationId: string | null;
}

/** Each grouping's fields of a report row, in the order api.md lists them. */
const GROUP_FIELDS: Record<
  TrainingGroup,
  (row: TrainingReportSqlRow, out: Record<string, unknown>) => void
> = {
  sex: (row, out) => (out.sex = row.sex),
  ageBand: (row, out) => (out.ageBand = row.age_band as AgeBand),
  organisation: (row, out) =>
    (out.organisation = row.organisation_id
      ? { id: row.organisation_id, name: row.organisation_name ?? '' }
      : null),
  country: (row, out) => (out.country = row.country),
  course: (row, out) =>
    (out.course = { id: row.course_id!, code: row.course_code!, title: row.course_title! }),
  month: (row, out) => (out.month = row.month),
};

// Written field by field into one object (no spread): at the finest grouping over a million
// certificates this runs 37,629 times per report.
function trainingRow(groupBy: TrainingGroup[], row: TrainingReportSqlRow): TrainingReportRowDto {
  const out: Record<string, unknown> = {};
  for (const group of groupBy) GROUP_FIELDS[group](row, out);
  out.enrolled = row.enrolled;
  out.completed = row.completed;
  out.certified = row.certified;
  return out as unknown as TrainingReportRowDto;
}

function expiringItem(row: ExpiringSqlRow): ExpiringCertificateDto {
  return {
    certificateId: row.id,
    serial: row.serial,
    validUntil: row.valid_until,
    holder: { traineeId: row.trainee_id, givenName: row.given_name, familyName: row.family_name },
    organisation: row.organisation_id
      ? { id: row.organisation_id, name: row.organisation_name ?? '' }
      : null,
    course: { id: row.course_id, code: row.course_code, title: row.course_title },
  };
}

function decodeExpiringCursor(cursor: string): ExpiringPosition {
  const [validUntil, serial] = decodeCursor(cursor, 2);
  if (!isCalendarDate(validUntil) || typeof serial !== 'string' || serial.length > 100) {
    throw badRequest('INVALID_CURSOR', 'The cursor is not valid');
  }
  return { validUntil, serial };
}
