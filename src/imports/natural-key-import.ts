import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { AuditAction } from '../audit/audit-event.entity.js';
import { recordMany } from '../audit/audit-bulk.js';
import type { AuditInput } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import type { HeaderMap } from './columns.js';
import type { CsvRecord } from './csv-reader.js';
import { WRITE_CHUNK, WritePipeline, type ImportPlan, type Progress } from './importer.js';
import { breathe, type Problems } from './row-checks.js';

/**
 * The shared course of an import whose records are found again by a natural key (a trainee's
 * identity key, an instructor's email) and only ever created: a row whose key is already in the
 * database is left as it is, so running the same file twice changes nothing.
 */

/** One planned record: the line it came from, and the columns it will be created with. */
export interface NewRecord<F> {
  row: number;
  fields: F;
}

/** What differs between kinds when checking a file. */
export interface NaturalKeyRules<N> {
  /** The row checked on its own: the record to create, or null once its problems are added. */
  checkRow(record: CsvRecord): N | null;
  naturalKey(planned: N): string;
  /** The problem of a row whose key an earlier row of the same file already has. */
  sameKeyAs(firstRow: number): { column: string | null; message: string };
  /** The keys among `keys` that records in the database already have. */
  existing(keys: string[]): Promise<Set<string>>;
}

/** Checks every row and plans the creates; writes nothing (a dry run stops here). */
export async function planByNaturalKey<N>(
  records: CsvRecord[],
  header: HeaderMap,
  problems: Problems,
  progress: Progress,
  rules: NaturalKeyRules<N>,
): Promise<ImportPlan<N>> {
  const firstRowOf = new Map<string, number>();
  const valid: N[] = [];
  for (const [i, record] of records.entries()) {
    await breathe(i);
    if (i % 1_000 === 0) progress('checking', i, records.length);
    const overflow = header.overflow(record);
    if (overflow) {
      problems.add(overflow.row, overflow.column, overflow.message);
      continue;
    }
    const planned = rules.checkRow(record);
    if (!planned) continue;
    const key = rules.naturalKey(planned);
    const first = firstRowOf.get(key);
    if (first !== undefined) {
      const { column, message } = rules.sameKeyAs(first);
      problems.add(record.line, column, message);
      continue;
    }
    firstRowOf.set(key, record.line);
    valid.push(planned);
  }
  progress('checking', records.length, records.length);
  const existing = await rules.existing(valid.map((planned) => rules.naturalKey(planned)));
  const creates = valid.filter((planned) => !existing.has(rules.naturalKey(planned)));
  return { creates, unchanged: valid.length - creates.length };
}

/** A planned record as it is inserted: with the columns every entity has. */
export type Created<F> = F & { id: string; createdAt: Date; updatedAt: Date; version: number };

/** What differs between kinds when writing the planned records. */
export interface ChunkInsert<F> {
  /** Audit action (`<entityType>.created`) and entity type of each record's event. */
  action: AuditAction;
  entityType: AuditInput['entityType'];
  /** The INSERT of one chunk: `$1` is a JSON array of `toRow` results, `$2` the creation time. */
  sql: string;
  toRow(record: Created<F>): Record<string, unknown>;
  /** The record as the API shows it, for the audit event's `after`. */
  describe(record: Created<F>): unknown;
}

/**
 * Inserts the planned records a chunk per statement, then their audit events (the audit chain
 * lock is taken last, so it is held for as short a time as possible).
 */
export async function createInChunks<F>(
  tx: EntityManager,
  actor: Actor,
  creates: NewRecord<F>[],
  progress: Progress,
  insert: ChunkInsert<F>,
): Promise<void> {
  const now = new Date();
  const audit: Parameters<typeof recordMany>[2] = [];
  const writes = new WritePipeline();
  for (let start = 0; start < creates.length; start += WRITE_CHUNK) {
    const chunk = creates.slice(start, start + WRITE_CHUNK).map((planned) => ({
      row: planned.row,
      record: { ...planned.fields, id: randomUUID(), createdAt: now, updatedAt: now, version: 1 },
    }));
    const rows = chunk.map(({ record }) => insert.toRow(record));
    // One JSON document per chunk: cheaper to build than one array parameter per column.
    await writes.send(() => tx.query(insert.sql, [JSON.stringify(rows), now]));
    for (const c of chunk) {
      audit.push({
        action: insert.action,
        entityType: insert.entityType,
        entityId: c.record.id,
        data: { source: 'import', row: c.row, after: insert.describe(c.record) },
      });
    }
    progress('writing', Math.min(start + WRITE_CHUNK, creates.length), creates.length);
  }
  await writes.drain();
  await recordMany(tx, actor, audit, (n) => progress('auditing', n, audit.length));
}
