import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, In, type EntityManager } from 'typeorm';
import { recordMany } from '../audit/audit-bulk.js';
import { auditLabels, labelKey } from '../audit/audit-labels.js';
import { isCalendarDate } from '../common/calendar.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import {
  InspectionDto,
  ListInspectionsQueryDto,
  RecordedInspectionsDto,
  RecordInspectionsDto,
} from './dto/inspection.dto.js';
import { Inspection, type InspectionVerdict } from './inspection.entity.js';

/** What the device says it saw: the part of a record an upload must repeat exactly. */
interface Sent {
  clientId: string;
  serial: string;
  checkedAt: string;
  verdict: InspectionVerdict;
  site: string | null;
  note: string | null;
}

const sameContent = (a: Sent, b: Sent) =>
  a.serial === b.serial &&
  a.checkedAt === b.checkedAt &&
  a.verdict === b.verdict &&
  a.site === b.site &&
  a.note === b.note;

const sentOf = (i: Inspection): Sent => ({
  clientId: i.clientId,
  serial: i.serial,
  checkedAt: i.checkedAt.toISOString(),
  verdict: i.verdict,
  site: i.site,
  note: i.note,
});

/** The inspectors' checks of certificates in the field, uploaded from the /inspect app. */
@Injectable()
export class InspectionsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Stores a batch of checks, each once. A clientId already stored answers the stored record
   * (a retry after a lost answer, or the same batch from a second tab) if it is the same check
   * by the same inspector; anything else under that id is a 409 for the whole batch, which
   * then stores nothing. Records are inserted in clientId order with ON CONFLICT DO NOTHING:
   * a concurrent upload of the same ids waits for the first to commit and then finds them
   * stored, and two batches can never wait on each other in opposite orders.
   */
  async record(actor: Actor, input: RecordInspectionsDto): Promise<RecordedInspectionsDto> {
    const inspectorId = actor.userId;
    if (!inspectorId) throw new Error('An inspection is recorded by a signed-in user');
    const sent = new Map<string, Sent>();
    const clashes = new Set<string>();
    let repeats = 0;
    for (const item of input.inspections) {
      const record: Sent = {
        // uuid columns answer in lower case; compare as they will be read back.
        clientId: item.clientId.toLowerCase(),
        serial: item.serial,
        checkedAt: new Date(item.checkedAt).toISOString(),
        verdict: item.verdict,
        site: item.site ?? null,
        note: item.note ?? null,
      };
      const earlier = sent.get(record.clientId);
      if (!earlier) sent.set(record.clientId, record);
      else if (sameContent(earlier, record)) repeats += 1;
      else clashes.add(record.clientId);
    }
    if (clashes.size > 0)
      throw inspectionConflict([...clashes], 'sent twice with different content');

    return this.dataSource.transaction(async (tx) => {
      const records = [...sent.values()];
      const certificates = await this.certificateIds(
        tx,
        records.map((r) => r.serial),
      );
      const rows = records.map((r) => ({
        client_id: r.clientId,
        serial: r.serial,
        certificate_id: certificates.get(r.serial) ?? null,
        checked_at: r.checkedAt,
        verdict: r.verdict,
        site: r.site,
        note: r.note,
      }));
      const inserted = (await tx.query(
        `INSERT INTO inspections
           (client_id, serial, certificate_id, inspector_id, checked_at, verdict, site, note)
         SELECT r.client_id, r.serial, r.certificate_id, $2::uuid, r.checked_at, r.verdict,
                r.site, r.note
           FROM json_to_recordset($1::json)
                AS r(client_id uuid, serial text, certificate_id uuid, checked_at timestamptz,
                     verdict text, site text, note text)
          ORDER BY r.client_id
         ON CONFLICT (client_id) DO NOTHING
         RETURNING client_id`,
        [JSON.stringify(rows), inspectorId],
      )) as { client_id: string }[];
      const created = new Set(inserted.map((r) => r.client_id));

      const stored = new Map(
        (await tx.find(Inspection, { where: { clientId: In([...sent.keys()]) } })).map((i) => [
          i.clientId,
          i,
        ]),
      );
      const taken = records
        .filter((r) => !created.has(r.clientId))
        .filter((r) => {
          const existing = stored.get(r.clientId)!;
          return existing.inspectorId !== inspectorId || !sameContent(sentOf(existing), r);
        })
        .map((r) => r.clientId);
      if (taken.length > 0) throw inspectionConflict(taken, 'already stored as another check');

      const createdRecords = records.map((r) => stored.get(r.clientId)!);
      const items = await this.dtos(tx, createdRecords);
      // Last: the audit chain's lock is held until commit.
      await recordMany(
        tx,
        actor,
        items
          .filter((i) => created.has(i.clientId))
          .map((i) => ({
            action: 'inspection.recorded' as const,
            entityType: 'inspection' as const,
            entityId: i.id,
            data: {
              after: {
                clientId: i.clientId,
                serial: i.serial,
                certificateId: i.certificateId,
                checkedAt: i.checkedAt,
                verdict: i.verdict,
                site: i.site,
                note: i.note,
              },
            },
          })),
      );
      return {
        items,
        created: created.size,
        duplicates: records.length - created.size + repeats,
      };
    });
  }

  /** Latest check first, filtered by serial, inspector, site (contains) and time of the check. */
  async list(query: ListInspectionsQueryDto): Promise<Page<InspectionDto>> {
    if (query.from && query.to && startOf(query.from) > endOf(query.to)) {
      throw badRequest('INVALID_PERIOD', 'from must not be after to', {
        from: query.from,
        to: query.to,
      });
    }
    const qb = this.dataSource.getRepository(Inspection).createQueryBuilder('i');
    if (query.serial) qb.andWhere('i.serial = :serial', { serial: query.serial });
    if (query.inspectorId)
      qb.andWhere('i.inspectorId = :inspectorId', { inspectorId: query.inspectorId });
    if (query.site)
      qb.andWhere(`i.site ILIKE :site ESCAPE '\\'`, {
        site: `%${query.site.replace(/[\\%_]/g, (c) => `\\${c}`)}%`,
      });
    if (query.from)
      qb.andWhere(
        isCalendarDate(query.from)
          ? 'i.checkedAt >= (CAST(:from AS date))::timestamp AT TIME ZONE :timeZone'
          : 'i.checkedAt >= CAST(:from AS timestamptz)',
        { from: query.from, timeZone: this.config.timeZone },
      );
    if (query.to)
      qb.andWhere(
        isCalendarDate(query.to)
          ? 'i.checkedAt < (CAST(:to AS date) + 1)::timestamp AT TIME ZONE :timeZone'
          : 'i.checkedAt <= CAST(:to AS timestamptz)',
        { to: query.to, timeZone: this.config.timeZone },
      );
    const page = await keysetPage(qb, {
      alias: 'i',
      sortColumn: 'checkedAt',
      sortValue: (i) => i.checkedAt,
      direction: 'DESC',
      query,
      map: (i) => i,
    });
    return {
      items: await this.dtos(this.dataSource.manager, page.items),
      nextCursor: page.nextCursor,
    };
  }

  /** The certificate of each serial the register knows. */
  private async certificateIds(tx: EntityManager, serials: string[]): Promise<Map<string, string>> {
    const rows = (await tx.query(
      'SELECT id, serial FROM certificates WHERE serial = ANY($1::text[])',
      [[...new Set(serials)]],
    )) as { id: string; serial: string }[];
    return new Map(rows.map((r) => [r.serial, r.id]));
  }

  /** Records as answered, with their inspectors named as the audit pages name users. */
  private async dtos(manager: EntityManager, records: Inspection[]): Promise<InspectionDto[]> {
    const names = await auditLabels(
      manager,
      [...new Set(records.map((r) => r.inspectorId))].map((id) => ({ type: 'user', id })),
    );
    return records.map((r) => ({
      id: r.id,
      clientId: r.clientId,
      serial: r.serial,
      certificateId: r.certificateId,
      inspectorId: r.inspectorId,
      inspectorName: names.get(labelKey('user', r.inspectorId)) ?? '',
      checkedAt: r.checkedAt,
      receivedAt: r.receivedAt,
      verdict: r.verdict,
      site: r.site,
      note: r.note,
    }));
  }
}

function inspectionConflict(clientIds: string[], why: string) {
  return conflict(
    'INSPECTION_CONFLICT',
    `${clientIds.length === 1 ? 'A clientId was' : 'Some clientIds were'} ${why}: nothing in this batch was stored`,
    { clientIds },
  );
}

/** Comparable bounds of a period's ends (a date covers its whole day: roughly, for the 400). */
function startOf(value: string): number {
  return isCalendarDate(value) ? Date.parse(`${value}T00:00:00Z`) : Date.parse(value);
}
function endOf(value: string): number {
  return isCalendarDate(value) ? Date.parse(`${value}T23:59:59.999Z`) : Date.parse(value);
}
