import type { EntityManager } from 'typeorm';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';

/** Events per checkpoint segment at most: bounds the memory PostgreSQL needs for one digest. */
export const SEGMENT_SIZE = 50_000;
/** Fewer new events than this are left for the next verification to walk. */
export const MIN_SEGMENT = 1_000;

/**
 * One event's fingerprint, computed by PostgreSQL: every column the hash covers plus the
 * stored links, in a text form that does not depend on session settings (the time as epoch).
 */
const ROW_FINGERPRINT = `md5(jsonb_build_array(e.seq, e.id, extract(epoch FROM e.occurred_at),
  e.actor_id, e.actor_roles, e.action, e.entity_type, e.entity_id, e.reason, e.note,
  e.request_id, e.client_request_id, e.data, e.prev_hash, e.hash)::text)`;

/** A segment's digest: SHA-256 over its rows' fingerprints in chain order. */
const SEGMENT_DIGEST = `encode(sha256(convert_to(
  coalesce(string_agg(${ROW_FINGERPRINT}, '' ORDER BY e.seq), ''), 'UTF8')), 'hex')`;

export interface StoredCheckpoint {
  fromSeq: bigint;
  toSeq: bigint;
  lastHash: string;
  /** Whether the segment's rows still give the digest and last hash recorded when verified. */
  unchanged: boolean;
}

/**
 * Every checkpoint in chain order, each re-checked against the rows as they are now. Reading
 * and digesting is done by PostgreSQL (no rows travel), several times faster than recomputing
 * each event's hash here; a mismatch only tells the caller where to start walking.
 */
export async function readCheckpoints(manager: EntityManager): Promise<StoredCheckpoint[]> {
  const rows = (await manager.query(
    `SELECT c.from_seq::text AS from_seq, c.to_seq::text AS to_seq, c.last_hash,
            c.digest = ${SEGMENT_DIGEST} AND count(e.seq) = c.to_seq - c.from_seq + 1
              AND c.last_hash = max(e.hash) FILTER (WHERE e.seq = c.to_seq) AS unchanged
       FROM audit_checkpoints c
       LEFT JOIN audit_events e ON e.seq BETWEEN c.from_seq AND c.to_seq
      GROUP BY c.to_seq
      ORDER BY c.to_seq`,
  )) as { from_seq: string; to_seq: string; last_hash: string; unchanged: boolean | null }[];
  return rows.map((r) => ({
    fromSeq: BigInt(r.from_seq),
    toSeq: BigInt(r.to_seq),
    lastHash: r.last_hash,
    unchanged: r.unchanged === true,
  }));
}

export interface NewCheckpoint {
  fromSeq: string;
  toSeq: string;
  lastHash: string;
  digest: string;
}

/**
 * The segments to checkpoint after a walk found the chain intact up to `verifiedTo`: from the
 * end of the last checkpoint on, cut at SEGMENT_SIZE, the last one only if it holds at least
 * MIN_SEGMENT events. Digested in the caller's snapshot: the very rows that were verified.
 */
export async function segmentsToCheckpoint(
  manager: EntityManager,
  checkpointedTo: bigint,
  verifiedTo: bigint,
): Promise<NewCheckpoint[]> {
  const ranges: [string, string][] = [];
  for (let from = checkpointedTo + 1n; verifiedTo - from + 1n >= BigInt(MIN_SEGMENT);) {
    const to =
      from + BigInt(SEGMENT_SIZE) - 1n < verifiedTo ? from + BigInt(SEGMENT_SIZE) - 1n : verifiedTo;
    ranges.push([String(from), String(to)]);
    from = to + 1n;
  }
  if (ranges.length === 0) return [];
  const rows = (await manager.query(
    `SELECT c.from_seq::text AS from_seq, c.to_seq::text AS to_seq,
            max(e.hash) FILTER (WHERE e.seq = c.to_seq) AS last_hash, ${SEGMENT_DIGEST} AS digest
       FROM unnest($1::bigint[], $2::bigint[]) AS c(from_seq, to_seq)
       JOIN audit_events e ON e.seq BETWEEN c.from_seq AND c.to_seq
      GROUP BY c.from_seq, c.to_seq
      ORDER BY c.to_seq`,
    [ranges.map((r) => r[0]), ranges.map((r) => r[1])],
  )) as { from_seq: string; to_seq: string; last_hash: string; digest: string }[];
  return rows.map((r) => ({
    fromSeq: r.from_seq,
    toSeq: r.to_seq,
    lastHash: r.last_hash,
    digest: r.digest,
  }));
}

/** Lock for appending checkpoints, so two verifications do not both extend the list. */
const CHECKPOINT_LOCK = ADVISORY_LOCKS.auditCheckpoints;

/**
 * Appends checkpoints that continue the stored list exactly (a verification that raced another
 * and lost writes nothing). In its own short transaction, after the read-only walk.
 */
export async function appendCheckpoints(
  manager: EntityManager,
  checkpoints: NewCheckpoint[],
): Promise<void> {
  if (checkpoints.length === 0) return;
  await manager.transaction(async (tx) => {
    await tx.query('SELECT pg_advisory_xact_lock($1)', [CHECKPOINT_LOCK]);
    const [{ to_seq: last }] = (await tx.query(
      'SELECT coalesce(max(to_seq), 0)::text AS to_seq FROM audit_checkpoints',
    )) as { to_seq: string }[];
    if (BigInt(checkpoints[0].fromSeq) !== BigInt(last) + 1n) return;
    await tx.query(
      `INSERT INTO audit_checkpoints (from_seq, to_seq, last_hash, digest)
       SELECT * FROM unnest($1::bigint[], $2::bigint[], $3::text[], $4::text[])`,
      [
        checkpoints.map((c) => c.fromSeq),
        checkpoints.map((c) => c.toSeq),
        checkpoints.map((c) => c.lastHash),
        checkpoints.map((c) => c.digest),
      ],
    );
  });
}
