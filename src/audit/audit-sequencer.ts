import { Logger } from '@nestjs/common';
import type { DataSource, EntityManager, QueryRunner } from 'typeorm';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';
import { queryNamed, queryScript } from '../database/named-statements.js';
import { chainHash, GENESIS_HASH, hashedContentOf, type StoredEventColumns } from './audit-hash.js';

/**
 * Sequencing after commit (issue 20). AuditService.record writes an event to `audit_pending`
 * inside the change's transaction; after that transaction commits, the events waiting there
 * are given their place in the hash chain here: read in `pending_seq` order under the chain's
 * advisory lock, hashed, and moved to `audit_events` in one statement, in one short transaction.
 * The lock is then held for one append per group of commits, not by every writing transaction
 * until its commit, so writers no longer commit one at a time.
 *
 * The chain stays strictly ordered and gapless: only the holder of the lock appends, reading
 * the head after taking it, exactly as AuditService.record did before (so instances of the
 * previous version, which append directly under the same lock, can run beside this one during
 * a rolling update), and recordMany still does.
 */

/** The lock every writer of `audit_events` takes (AuditService before, recordMany, this). */
const AUDIT_CHAIN_LOCK = ADVISORY_LOCKS.auditChain;

/** Events moved per transaction: a rush's group fits in one; a backlog goes in a few. */
export const SEQUENCING_BATCH = 1_000;

/** What marks a transaction (its query runner) as having written pending events. */
const PENDING_MARK = 'coeAuditPending';

/** Called by AuditService.record: this transaction's commit must be followed by a run. */
export function markPending(manager: EntityManager): void {
  if (manager.queryRunner) manager.queryRunner.data[PENDING_MARK] = true;
}

/** Whether this transaction has recorded events that wait for its commit to be sequenced. */
export function hasPending(manager: EntityManager): boolean {
  return manager.queryRunner?.data[PENDING_MARK] === true;
}

/** Whether the transaction wrote pending events; the mark is cleared either way. */
export function takePendingMark(queryRunner: QueryRunner): boolean {
  const marked = queryRunner.data[PENDING_MARK] === true;
  delete queryRunner.data[PENDING_MARK];
  return marked;
}

interface PendingRow extends StoredEventColumns {
  pending_seq: string;
  head_seq: string | null;
  head_hash: string | null;
}

/**
 * One sequencing transaction: up to `limit` pending events, oldest first, appended to the
 * chain. Each is hashed from its stored values (the time as the exact text the verification
 * reads back, the data as jsonb returns it), so what is hashed is what is verified later.
 * Uses plain statements on the connection, not TypeORM's transaction calls: the caller may be
 * inside TypeORM's commit of another transaction on this very connection.
 */
async function sequenceBatch(queryRunner: QueryRunner, limit: number): Promise<number> {
  try {
    // READ COMMITTED explicitly: each statement below must see what the previous holder of the
    // lock committed (a snapshot taken before the lock was granted would read a stale head).
    // One round trip for the opening, the lock and the read (the read runs once the lock is
    // granted, in a statement of its own, so its snapshot follows the lock); the lock id is a
    // constant from the registry, the limit a number.
    const rows = await queryScript<PendingRow>(
      queryRunner.manager,
      `BEGIN ISOLATION LEVEL READ COMMITTED;
       SELECT pg_advisory_xact_lock(${Number(AUDIT_CHAIN_LOCK)}),
              set_config('coe.audit_sequencing', 'on', true);
       SELECT p.pending_seq::text AS pending_seq, p.id,
              to_char(p.occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS occurred_at,
              p.actor_id, p.actor_roles, p.action, p.entity_type, p.entity_id, p.reason, p.note,
              p.request_id, p.client_request_id, p.data,
              h.seq::text AS head_seq, h.hash AS head_hash
         FROM (SELECT * FROM audit_pending ORDER BY pending_seq LIMIT ${Math.trunc(limit)}) p
         LEFT JOIN LATERAL (SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1) h ON true
        ORDER BY p.pending_seq`,
    );
    if (rows.length > 0) {
      let seq = BigInt(rows[0].head_seq ?? '0');
      let prevHash = rows[0].head_hash ?? GENESIS_HASH;
      const links = rows.map((row) => {
        seq += 1n;
        const content = hashedContentOf(row, String(seq));
        const hash = chainHash(prevHash, content);
        const link = { pending_seq: row.pending_seq, seq: content.seq, prev_hash: prevHash, hash };
        prevHash = hash;
        return link;
      });
      // Only the chain's links travel back; PostgreSQL copies each event's own columns from
      // the pending row it deletes, so the stored event is the very row that was hashed.
      const [{ moved }] = await queryNamed<{ moved: number }>(
        queryRunner.manager,
        `WITH links AS (
           SELECT * FROM json_to_recordset($1::json)
                    AS l(pending_seq bigint, seq bigint, prev_hash text, hash text)
         ), taken AS (
           DELETE FROM audit_pending p USING links l WHERE p.pending_seq = l.pending_seq
           RETURNING p.*, l.seq, l.prev_hash, l.hash
         ), appended AS (
           INSERT INTO audit_events
             (seq, id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id,
              reason, note, request_id, client_request_id, data, prev_hash, hash)
           SELECT seq, id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id,
                  reason, note, request_id, client_request_id, data, prev_hash, hash
             FROM taken
           RETURNING 1
         )
         SELECT count(*)::int AS moved FROM appended`,
        [JSON.stringify(links)],
      );
      // Under the lock nobody else deletes pending rows: anything else is a bug, not a race.
      if (moved !== rows.length) {
        throw new Error(`Audit sequencing moved ${moved} of ${rows.length} pending events`);
      }
    }
    await queryRunner.query('COMMIT');
    return rows.length;
  } catch (error) {
    await rollback(queryRunner, error);
    throw error;
  }
}

/**
 * A connection whose ROLLBACK failed may still be inside the transaction: it must not go back
 * to the pool, where the next borrower's work would run inside it. Released with the error,
 * pg-pool closes it (the owner's later release is then a no-op).
 */
async function rollback(queryRunner: QueryRunner, cause: unknown): Promise<void> {
  try {
    await queryRunner.query('ROLLBACK');
  } catch {
    const release = (queryRunner as { releasePostgresConnection?: (err: unknown) => unknown })
      .releasePostgresConnection;
    await release?.call(queryRunner, cause);
  }
}

/** Sequences everything pending, a batch per transaction, until a batch is not full. */
export async function sequencePending(
  queryRunner: QueryRunner,
  limit = SEQUENCING_BATCH,
): Promise<number> {
  let total = 0;
  for (;;) {
    const moved = await sequenceBatch(queryRunner, limit);
    total += moved;
    if (moved < limit) return total;
  }
}

interface Waiter {
  /** How many runs had started when this waiter's transaction committed. */
  committedAfter: number;
  /** true: lead the next run on your own connection; false: your events are in the chain. */
  wake: (lead: boolean) => void;
}

/**
 * Group commit, per DataSource (per instance): at most one sequencing run at a time; a
 * transaction that committed while a run was under way waits for the next run, one that
 * STARTED after its commit and so sees its events. That run is led by one of the waiters, on
 * the connection its own transaction just committed on: followers hold their connections while
 * they wait, so the pool may be empty, and taking a second connection while holding one could
 * wait forever. Across instances the advisory lock orders the runs; another instance's run may
 * move this one's events, which is just as good.
 *
 * Never throws: the changes have committed, so a failure is logged and the events stay pending
 * for the next run or the sweeper (AuditSweeper).
 */
export class AuditSequencer {
  private readonly logger = new Logger('Audit');
  /** Runs started so far: a run's generation is its number. */
  private started = 0;
  /** Whether a run is under way or being handed to a waiter. */
  private busy = false;
  private waiting: Waiter[] = [];

  /** `run`: sequencePending, or a stand-in in the unit tests of the group commit. */
  constructor(
    private readonly run: (queryRunner: QueryRunner) => Promise<number> = sequencePending,
  ) {}

  /** After the commit of a transaction that wrote pending events (AuditSequencingSubscriber). */
  async afterCommit(queryRunner: QueryRunner): Promise<void> {
    if (this.busy) {
      const committedAfter = this.started;
      const lead = await new Promise<boolean>((wake) =>
        this.waiting.push({ committedAfter, wake }),
      );
      if (!lead) return;
    } else {
      this.busy = true;
    }
    await this.lead(queryRunner);
  }

  /**
   * A run for leftovers (a crash between commit and sequencing, a failed run), on a connection
   * the caller already holds. Skipped while a run is under way: that one or the next takes them.
   */
  async sweep(queryRunner: QueryRunner): Promise<number> {
    if (this.busy) return 0;
    this.busy = true;
    return this.lead(queryRunner);
  }

  private async lead(queryRunner: QueryRunner): Promise<number> {
    const generation = ++this.started;
    let moved = -1;
    try {
      moved = await this.run(queryRunner);
    } catch (err) {
      this.logger.error({ err }, 'Audit sequencing failed; the events stay pending');
    }
    // A successful run covers everyone who committed before it started; after a failure the
    // next waiter tries again (each waiter leads at most once, so this ends).
    const covered = moved >= 0 ? this.waiting.filter((w) => w.committedAfter < generation) : [];
    this.waiting = this.waiting.filter((w) => !covered.includes(w));
    for (const w of covered) w.wake(false);
    const next = this.waiting.shift();
    // Leadership passes on without a gap (busy stays true), so no newcomer starts a second run.
    if (next) next.wake(true);
    else this.busy = false;
    return Math.max(moved, 0);
  }
}

const sequencers = new WeakMap<DataSource, AuditSequencer>();

/** The one sequencer of a DataSource (the subscriber and the sweeper share it). */
export function sequencerFor(dataSource: DataSource): AuditSequencer {
  let sequencer = sequencers.get(dataSource);
  if (!sequencer) {
    sequencer = new AuditSequencer();
    sequencers.set(dataSource, sequencer);
  }
  return sequencer;
}
