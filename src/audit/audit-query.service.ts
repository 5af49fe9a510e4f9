import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { isCalendarDate } from '../common/calendar.js';
import { badRequest } from '../common/errors.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { appendCheckpoints, readCheckpoints, segmentsToCheckpoint } from './audit-checkpoints.js';
import { auditLabels, labelKey } from './audit-labels.js';
import { chainHash, GENESIS_HASH, hashedContentOf, type StoredEventColumns } from './audit-hash.js';
import { AuditEvent } from './audit-event.entity.js';
import {
  AuditEventDto,
  type ChainProblem,
  type ChainVerificationDto,
  type ListAuditEventsQueryDto,
} from './dto/audit-event.dto.js';

/** Rows read per round trip when re-checking the chain: bounded memory however long it grows. */
const VERIFY_BATCH = 5_000;

/** Reading the audit trail: filtered pages of events, and re-checking the hash chain. */
@Injectable()
export class AuditQueryService {
  private readonly logger = new Logger('Audit');

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
    const labels = await auditLabels(this.dataSource.manager, [
      ...page.flatMap((e) => (e.actorId ? [{ type: 'user', id: e.actorId }] : [])),
      ...page.flatMap((e) => (e.entityId ? [{ type: e.entityType, id: e.entityId }] : [])),
    ]);
    const name = (type: string, id: string | null) =>
      id === null ? null : (labels.get(labelKey(type, id)) ?? null);
    return {
      items: page.map((e) =>
        AuditEventDto.from(e, {
          actorName: name('user', e.actorId),
          entityLabel: name(e.entityType, e.entityId),
        }),
      ),
      nextCursor: rows.length > limit && last ? encodeCursor([String(last.seq)]) : null,
    };
  }

  /**
   * Re-checks the chain. Each event must sit at the next position, link to its predecessor's
   * hash, and hash to what it stores; the first that does not is named.
   *
   * Incremental by default: a segment verified earlier (see audit-checkpoints.ts) is trusted
   * while PostgreSQL finds its rows unchanged (same digest, same count, same last hash), and
   * only the rest is walked and rehashed here. An edit or deletion anywhere, before the newest
   * checkpoint too, changes its segment's digest, so the walk starts from that segment and
   * finds the event. `full` walks every event from the first whatever the checkpoints say.
   * Either way, where a walk passes a checkpoint's last event its hash must be the one verified
   * then: a segment rewritten with recomputed hashes does not pass either.
   * One REPEATABLE READ snapshot: events appended meanwhile are neither confusing nor half-seen.
   */
  async verifyChain(options: { full?: boolean } = {}): Promise<ChainVerificationDto> {
    const full = options.full === true;
    const { result, checkpoints } = await this.dataSource.transaction(
      'REPEATABLE READ',
      async (tx) => {
        await tx.query('SET TRANSACTION READ ONLY');
        const stored = await readCheckpoints(tx);
        let from = 1n;
        let prevHash = GENESIS_HASH;
        if (!full) {
          for (const c of stored) {
            if (c.fromSeq !== from || !c.unchanged) break;
            from = c.toSeq + 1n;
            prevHash = c.lastHash;
          }
        }
        const boundaries = new Map(stored.map((c) => [c.toSeq, c.lastHash]));
        const walk = await walkChain(tx, from, prevHash, boundaries);
        const checkpointedTo = stored.at(-1)?.toSeq ?? 0n;
        // Events up to checkpointedTo were verified once: a chain ending before that lost its tail.
        const truncated = walk.intact && walk.lastSeq < checkpointedTo;
        const result: ChainVerificationDto = {
          intact: walk.intact && !truncated,
          firstBrokenId: walk.firstBrokenId,
          problem: truncated ? 'truncated' : walk.problem,
          checked: Number(from - 1n) + walk.checked,
          full,
          rehashed: walk.checked,
          trustedUpTo: Number(from - 1n),
        };
        const checkpoints =
          walk.intact && walk.lastSeq > checkpointedTo
            ? await segmentsToCheckpoint(tx, checkpointedTo, walk.lastSeq)
            : [];
        return { result, checkpoints };
      },
    );
    // Bookkeeping, not a change of the register: a failure only means the next walk is longer.
    await appendCheckpoints(this.dataSource.manager, checkpoints).catch((err: unknown) =>
      this.logger.warn({ err }, 'Could not store audit checkpoints'),
    );
    return result;
  }
}

interface WalkResult {
  intact: boolean;
  checked: number;
  firstBrokenId: string | null;
  problem: ChainProblem | null;
  lastSeq: bigint;
}

interface EventRow extends StoredEventColumns {
  seq: string;
  prev_hash: string;
  hash: string;
}

/**
 * Walks the chain from `from` to its end in batches (bounded memory however long it grows),
 * fetching the next batch while this one is hashed. Rows are read raw: the time as the exact
 * ISO text the hash covers, no entity objects.
 */
async function walkChain(
  tx: EntityManager,
  from: bigint,
  startHash: string,
  boundaries: Map<bigint, string>,
): Promise<WalkResult> {
  const fetch = (after: bigint) =>
    tx.query(
      `SELECT e.seq::text AS seq, e.id,
              to_char(e.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              e.actor_id, e.actor_roles, e.action, e.entity_type, e.entity_id, e.reason, e.note,
              e.request_id, e.client_request_id, e.data, e.prev_hash, e.hash
         FROM audit_events e
        -- By the column, not the text alias: '10' sorts before '2'.
        WHERE e.seq > $1 ORDER BY e.seq LIMIT $2`,
      [String(after), VERIFY_BATCH],
    ) as Promise<EventRow[]>;
  let expectedSeq = from;
  let prevHash = startHash;
  let checked = 0;
  let next = fetch(from - 1n);
  for (;;) {
    const batch = await next;
    if (batch.length === VERIFY_BATCH) next = fetch(BigInt(batch[batch.length - 1].seq));
    for (const row of batch) {
      checked += 1;
      const seq = BigInt(row.seq);
      // A deleted row shows as a gap in seq; an edited row as a hash that no longer fits.
      const problem: ChainProblem | null =
        seq !== expectedSeq
          ? 'gap'
          : row.prev_hash !== prevHash
            ? 'link'
            : rowHash(row) !== row.hash
              ? 'hash'
              : (boundaries.get(seq) ?? row.hash) !== row.hash
                ? 'checkpoint'
                : null;
      if (problem) {
        // The batch fetched ahead is not needed; let it finish quietly.
        next.catch(() => undefined);
        return { intact: false, checked, firstBrokenId: row.id, problem, lastSeq: seq };
      }
      expectedSeq += 1n;
      prevHash = row.hash;
    }
    if (batch.length < VERIFY_BATCH) {
      return {
        intact: true,
        checked,
        firstBrokenId: null,
        problem: null,
        lastSeq: expectedSeq - 1n,
      };
    }
  }
}

function rowHash(row: EventRow): string {
  return chainHash(row.prev_hash, hashedContentOf(row, row.seq));
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
