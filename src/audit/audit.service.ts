import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import type { AuditAction, AuditEntityType } from './audit-event.entity.js';
import { queryNamed } from '../database/named-statements.js';
import { markPending } from './audit-sequencer.js';

export interface AuditInput {
  action: AuditAction;
  entityType: AuditEntityType;
  entityId: string | null;
  reason?: string | null;
  note?: string | null;
  data?: Record<string, unknown>;
}

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

/** What record() gives back: the event's id (its place in the chain comes after commit). */
export interface RecordedAuditEvent {
  id: string;
  occurredAt: Date;
}

@Injectable()
export class AuditService {
  /**
   * Records one event inside the caller's transaction, so the event exists exactly when the
   * change it describes does: a rolled-back change leaves no event. It waits in `audit_pending`
   * (no lock taken here) and is placed in the hash chain right after the commit, before the
   * caller's `transaction(...)` resolves (audit-sequencer.ts). `occurredAt` is the time of the
   * change; the chain's order is the order of sequencing.
   */
  async record(
    manager: EntityManager,
    actor: Actor,
    input: AuditInput,
  ): Promise<RecordedAuditEvent> {
    if (!manager.queryRunner?.isTransactionActive) {
      throw new Error(`Audit event ${input.action} must be written inside a transaction`);
    }
    const event = { id: randomUUID(), occurredAt: new Date() };
    await queryNamed(
      manager,
      `INSERT INTO audit_pending
         (id, occurred_at, actor_id, actor_roles, action, entity_type, entity_id, reason, note,
          request_id, client_request_id, data)
       VALUES ($1, $2, $3, $4::text[], $5, $6, $7, $8, $9, $10, $11, $12::jsonb)`,
      [
        event.id,
        event.occurredAt.toISOString(),
        actor.userId,
        [...actor.roles],
        input.action,
        input.entityType,
        input.entityId,
        input.reason ?? null,
        input.note ?? null,
        actor.requestId,
        actor.clientRequestId ?? null,
        // The JSON text jsonb stores: secrets dropped, dates as ISO text, undefined left out.
        // The sequencer hashes the value as jsonb gives it back, as the verification reads it.
        JSON.stringify(scrubSecrets(input.data ?? {})),
      ],
    );
    markPending(manager);
    return event;
  }

  /** Records an event in its own transaction (e.g. a failed login, which changes nothing else). */
  async recordStandalone(manager: EntityManager, actor: Actor, input: AuditInput): Promise<void> {
    await manager.transaction((tx) => this.record(tx, actor, input).then(() => undefined));
  }
}
