import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import type { Actor } from '../common/actor.js';
import { chainHash, GENESIS_HASH, type HashedContent } from './audit-hash.js';
import { AuditEvent, type AuditAction, type AuditEntityType } from './audit-event.entity.js';
import { ADVISORY_LOCKS } from '../database/advisory-locks.js';

export interface AuditInput {
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string | null;
  reason?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

/** Any process writing audit events takes this transaction-scoped lock to extend the chain. */
const AUDIT_CHAIN_LOCK = ADVISORY_LOCKS.auditChain;

/** Keys whose values never enter the audit trail, wherever they appear in the data. */
const SECRET_KEYS =
  /^(password|passwordHash|newPassword|currentPassword|token|refreshToken|accessToken|tokenHash|privateKey|encryptedPrivateKey|secret)$/i;

export function scrubSecrets(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  if (Array.isArray(value)) return value.map(scrubSecrets);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([key, v]) => !SECRET_KEYS.test(key) && v !== undefined)
        .map(([key, v]) => [key, scrubSecrets(v)]),
    );
  }
  return value;
}

@Injectable()
export class AuditService {
  /**
   * Appends one event inside the caller's transaction, so the event exists exactly when the
   * change it describes does. The advisory lock serialises writers on the chain; it is held
   * until the caller commits, so callers record their event as the last step.
   */
  async record(manager: EntityManager, actor: Actor, input: AuditInput): Promise<AuditEvent> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`Audit event ${input.action} must be written inside a transaction`);
    }
    await manager.query('SELECT pg_advisory_xact_lock($1)', [AUDIT_CHAIN_LOCK]);
    const [last] = (await manager.query(
      'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
    )) as { seq: string; hash: string }[];
    const seq = String(BigInt(last?.seq ?? '0') + 1n);
    const prevHash = last?.hash ?? GENESIS_HASH;
    const content: HashedContent = {
      seq,
      id: randomUUID(),
      occurredAt: new Date().toISOString(),
      actorId: actor.userId,
      actorRoles: [...actor.roles],
      action: input.action,
      entityType: input.entityType,
      entityId: input.entityId,
      reason: input.reason ?? null,
      note: input.note ?? null,
      requestId: actor.requestId,
      clientRequestId: actor.clientRequestId ?? null,
      // A JSON round trip makes the hashed value identical to what jsonb gives back later.
      data: JSON.parse(JSON.stringify(scrubSecrets(input.data ?? {}))) as Record<string, unknown>,
    };
    const event = manager.create(AuditEvent, {
      ...content,
      occurredAt: new Date(content.occurredAt),
      data: content.data as Record<string, unknown>,
      prevHash,
      hash: chainHash(prevHash, content),
    });
    // jsonb data is typed loosely by TypeORM; the shape was fixed by the JSON round trip above.
    await manager.insert(AuditEvent, event as QueryDeepPartialEntity<AuditEvent>);
    return event;
  }

  /** Records an event in its own transaction (e.g. a failed login, which changes nothing else). */
  async recordStandalone(manager: EntityManager, actor: Actor, input: AuditInput): Promise<void> {
    await manager.transaction((tx) => this.record(tx, actor, input).then(() => undefined));
  }
}
