import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, MoreThan } from 'typeorm';
import { isCalendarDate } from '../common/calendar.js';
import { badRequest } from '../common/errors.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { GENESIS_HASH } from './audit-hash.js';
import { AuditEvent } from './audit-event.entity.js';
import { recomputeHash } from './audit.service.js';
import {
  AuditEventDto,
  type ChainVerificationDto,
  type ListAuditEventsQueryDto,
} from './dto/audit-event.dto.js';

/** Rows read per round trip when re-checking the chain: bounded memory however long it grows. */
const VERIFY_BATCH = 5_000;

/** Reading the audit trail: filtered pages of events, and re-checking the hash chain. */
@Injectable()
export class AuditQueryService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /**
   * Keyset pages on seq, the chain's own order (not OFFSET, and not occurredAt: two events can
   * share a millisecond, seq never repeats). Every filter is backed by an index ending in seq.
   */
  async list(query: ListAuditEventsQueryDto): Promise<Page<AuditEventDto>> {
    const ascending = query.order === 'asc';
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const qb = this.dataSource.getRepository(AuditEvent).createQueryBuilder('e');
    if (query.entityType) {
      qb.andWhere('e.entityType = :entityType', { entityType: query.entityType });
    }
    if (query.entityId) qb.andWhere('e.entityId = :entityId', { entityId: query.entityId });
    if (query.actorId) qb.andWhere('e.actorId = :actorId', { actorId: query.actorId });
    if (query.action) qb.andWhere('e.action = :action', { action: query.action });
    if (query.from) {
      qb.andWhere(
        isCalendarDate(query.from)
          ? 'e.occurredAt >= (CAST(:from AS date))::timestamp AT TIME ZONE :timeZone'
          : 'e.occurredAt >= CAST(:from AS timestamptz)',
        { from: normaliseInstant(query.from), timeZone: this.config.timeZone },
      );
    }
    if (query.to) {
      qb.andWhere(
        isCalendarDate(query.to)
          ? 'e.occurredAt < (CAST(:to AS date) + 1)::timestamp AT TIME ZONE :timeZone'
          : 'e.occurredAt <= CAST(:to AS timestamptz)',
        { to: normaliseInstant(query.to), timeZone: this.config.timeZone },
      );
    }
    if (query.cursor) {
      qb.andWhere(ascending ? 'e.seq > :after' : 'e.seq < :after', {
        after: decodeSeqCursor(query.cursor),
      });
    }
    const rows = await qb
      .orderBy('e.seq', ascending ? 'ASC' : 'DESC')
      .limit(limit + 1)
      .getMany();
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    return {
      items: page.map(AuditEventDto.from),
      nextCursor: rows.length > limit && last ? encodeCursor([String(last.seq)]) : null,
    };
  }

  /**
   * Walks the whole chain in seq order, in batches, and names the first event whose position,
   * link to its predecessor or own hash does not check out. One REPEATABLE READ snapshot, so
   * events appended meanwhile neither confuse the walk nor are half-seen.
   */
  async verifyChain(): Promise<ChainVerificationDto> {
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      await tx.query('SET TRANSACTION READ ONLY');
      let expectedSeq = 1n;
      let prevHash = GENESIS_HASH;
      let checked = 0;
      for (;;) {
        const batch = await tx.find(AuditEvent, {
          where: { seq: MoreThan(String(expectedSeq - 1n)) },
          order: { seq: 'ASC' },
          take: VERIFY_BATCH,
        });
        for (const event of batch) {
          checked += 1;
          // A deleted row shows as a gap in seq; an edited row as a hash that no longer fits.
          const intact =
            BigInt(event.seq) === expectedSeq &&
            event.prevHash === prevHash &&
            recomputeHash(event) === event.hash;
          if (!intact) return { intact: false, checked, firstBrokenId: event.id };
          expectedSeq += 1n;
          prevHash = event.hash;
        }
        if (batch.length < VERIFY_BATCH) return { intact: true, checked, firstBrokenId: null };
      }
    });
  }
}

/** Timestamps go to PostgreSQL as JavaScript parsed them, so both sides agree on the moment. */
function normaliseInstant(value: string): string {
  return isCalendarDate(value) ? value : new Date(value).toISOString();
}

function decodeSeqCursor(cursor: string): string {
  const [seq] = decodeCursor(cursor, 1);
  if (typeof seq !== 'string' || !/^\d{1,18}$/.test(seq)) {
    throw badRequest('INVALID_CURSOR', 'The cursor is not valid');
  }
  return seq;
}
