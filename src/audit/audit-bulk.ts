import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { chainHash, GENESIS_HASH, type HashedContent } from './audit-hash.js';
import { scrubSecrets, type AuditInput } from './audit.service.js';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';
import { hasPending } from './audit-sequencer.js';

/** The same lock AuditService.record takes: one writer extends the chain at a time. */
const AUDIT_CHAIN_LOCK = ADVISORY_LOCKS.auditChain;
/** Rows per INSERT: big enough to cut round trips, small enough to keep each statement short. */
const INSERT_CHUNK = 1_000;

/**
 * Appends many events in one go, inside the caller's transaction: the chain is read once under
 * the lock, hashed in memory as the sequencer hashes events, and written in chunks. For bulk
 * issues and imports, where one event per call would cost a round trip per record. Call it as
 * the last step: the lock is held until the caller commits.
 *
 * It appends directly rather than through `audit_pending` (issue 20) on purpose: a bulk is one
 * lock hold per transaction already, and a large import's events would otherwise be written
 * twice and hashed after the commit, while the request waits. Directly is correct beside the
 * sequencer, which takes the same lock and reads the head after it. One exception keeps a
 * transaction's events in the order it recorded them: when it has already recorded events with
 * AuditService.record (pending until its commit), these queue behind them (queueMany).
 */
export async function recordMany(
  manager: EntityManager,
  actor: Actor,
  inputs: AuditInput[],
  onProgress?: (written: number) => void,
): Promise<void> {
  if (inputs.length === 0) return;
  if (!manager.queryRunner?.isTransactionActive) {
    throw new Error('Audit events must be written inside a transaction');
  }
  if (hasPending(manager)) {
    await queueMany(manager, actor, inputs, onProgress);
    return;
  }
  await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
  const [last] = (await manager.query(
    'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
  )) as { seq: string; hash: string }[];
  let seq = BigInt(last?.seq ?? '0');
  let prevHash = last?.hash ?? GENESIS_HASH;
  const occurredAt = new Date().toISOString();
  // The next chunk is hashed while the database writes the previous one.
  let inFlight: Promise<unknown> = Promise.resolve();

  for (let start = 0; start < inputs.length; start += INSERT_CHUNK) {
    const rows = inputs.slice(start, start + INSERT_CHUNK).map((input) => {
      seq += 1n;
      const content: HashedContent = {
        seq: String(seq),
        id: randomUUID(),
        occurredAt,
        actorId: actor.userId,
        actorRoles: [...actor.roles],
        action: input.action,
        entityType: input.entityType,
        entityId: input.entityId,
        reason: input.reason ?? null,
        note: input.note ?? null,
        requestId: actor.requestId,
        clientRequestId: actor.clientRequestId ?? null,
        // The same JSON round trip as record(): what is hashed is what jsonb gives back.
        data: JSON.parse(JSON.stringify(scrubSecrets(input.data ?? {}))) as Record<string, unknown>,
      };
      const hash = chainHash(prevHash, content);
      const row = {
        seq: content.seq,
        id: content.id,
        action: content.action,
        entity_type: content.entityType,
        entity_id: content.entityId,
        reason: content.reason,
        note: content.note,
        data: content.data,
        prev_hash: prevHash,
        hash,
      };
      prevHash = hash;
      return row;
    });
    await inFlight;
    // One JSON document per chunk: cheaper to build than one array parameter per column.
    inFlight = manager.query(
      `INSERT INTO audit_events
         (seq, id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id,
          reason, note, request_id, client_request_id, data, prev_hash, hash)
       SELECT e.seq, e.id, $2::timestamptz, $3::uuid, $4::text[], e.action, e.entity_type,
              e.entity_id, e.reason, e.note, $5::text, $6::text, e.data, e.prev_hash, e.hash
         FROM json_to_recordset($1::json)
              AS e(seq bigint, id uuid, action text, entity_type text, entity_id uuid,
                   reason text, note text, data jsonb, prev_hash text, hash text)`,
      sharedColumns(rows, occurredAt, actor),
    );
    // Awaited on the next round; until then a failure must not count as unhandled.
    inFlight.catch(() => undefined);
    onProgress?.(Math.min(start + INSERT_CHUNK, inputs.length));
  }
  await inFlight;
}

/**
 * recordMany's events behind this transaction's pending ones, in `audit_pending` like
 * AuditService.record's, in the same order as given; sequenced after the commit.
 */
async function queueMany(
  manager: EntityManager,
  actor: Actor,
  inputs: AuditInput[],
  onProgress?: (written: number) => void,
): Promise<void> {
  const occurredAt = new Date().toISOString();
  for (let start = 0; start < inputs.length; start += INSERT_CHUNK) {
    const rows = inputs.slice(start, start + INSERT_CHUNK).map((input) => ({
      id: randomUUID(),
      action: input.action,
      entity_type: input.entityType,
      entity_id: input.entityId,
      reason: input.reason ?? null,
      note: input.note ?? null,
      data: scrubSecrets(input.data ?? {}),
    }));
    // ORDER BY the position in the array: pending_seq, the sequencing order, follows it.
    await manager.query(
      `INSERT INTO audit_pending
         (id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id, reason, note,
          request_id, client_request_id, data)
       SELECT e.id, $2::timestamptz, $3::uuid, $4::text[], e.action, e.entity_type, e.entity_id,
              e.reason, e.note, $5::text, $6::text, e.data
         FROM ROWS FROM (json_to_recordset($1::json)
                AS (id uuid, action text, entity_type text, entity_id uuid, reason text,
                    note text, data jsonb)) WITH ORDINALITY
              AS e(id, action, entity_type, entity_id, reason, note, data, n)
        ORDER BY e.n`,
      sharedColumns(rows, occurredAt, actor),
    );
    onProgress?.(Math.min(start + INSERT_CHUNK, inputs.length));
  }
}

/** The statements' parameters: the rows as JSON ($1), then what every event of the batch shares. */
function sharedColumns(rows: unknown[], occurredAt: string, actor: Actor): unknown[] {
  return [
    JSON.stringify(rows),
    occurredAt,
    actor.userId,
    [...actor.roles],
    actor.requestId,
    actor.clientRequestId ?? null,
  ];
}
