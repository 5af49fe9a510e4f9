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

/** Each event's hash covers the previous event's hash and its own canonical content. */
export function chainHash(prevHash: string, content: HashedContent): string {
  const { clientRequestId, ...rest } = content;
  return createHash('sha256')
    .update(prevHash)
    .update('\n')
    .update(canonicalJson(clientRequestId ? { ...rest, clientRequestId } : rest))
    .digest('hex');
}
