import { createHash } from 'node:crypto';

export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level: the same content always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value ?? null);
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>)
    .filter(([, v]) => v !== undefined)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
}

export interface HashedContent {
  seq: string;
  id: string;
  occurredAt: string;
  actorId: string | null;
  actorRoles: string[];
  action: string;
  entityType: string;
  entityId: string | null;
  reason: string | null;
  note: string | null;
  requestId: string | null;
  /** Hashed only when present: events written before the column existed hash as they did. */
  clientRequestId?: string | null;
  data: unknown;
}

/**
 * An event's own columns as PostgreSQL returns them, its time as the exact text the
 * verification reads back (`to_char(... 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`).
 */
export interface StoredEventColumns {
  id: string;
  occurred_at: string;
  actor_id: string | null;
  actor_roles: string[];
  action: string;
  entity_type: string;
  entity_id: string | null;
  reason: string | null;
  note: string | null;
  request_id: string | null;
  client_request_id: string | null;
  data: unknown;
}

/** What is hashed of a stored event at position `seq` of the chain. */
export function hashedContentOf(row: StoredEventColumns, seq: string): HashedContent {
  return {
    seq,
    id: row.id,
    occurredAt: row.occurred_at,
    actorId: row.actor_id,
    actorRoles: row.actor_roles,
    action: row.action,
    entityType: row.entity_type,
    entityId: row.entity_id,
    reason: row.reason,
    note: row.note,
    requestId: row.request_id,
    clientRequestId: row.client_request_id,
    data: row.data,
  };
}

/** Each event's hash covers the previous event's hash and its own canonical content. */
export function chainHash(prevHash: string, content: HashedContent): string {
  const { clientRequestId, ...rest } = content;
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(clientRequestId ? { ...rest, clientRequestId } : rest))
    .digest('hex');
}
