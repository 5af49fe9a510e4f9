import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

export const AUDIT_ENTITY_TYPES = [
  'user',
  'organisation',
  'course',
  'session',
  'trainee',
  'instructor',
  'qualification',
  'enrolment',
  'certificate',
  'signing_key',
  'trusted_issuer',
  'recognition',
  'inspection',
] as const;
export type AuditEntityType = (typeof AUDIT_ENTITY_TYPES)[number];

/**
 * Every action the service records, `<entityType>.<past tense verb>`: the type of what writers
 * pass (so a new action is added here or does not compile), and the list the audit page offers
 * as a filter, labelled in each language (`action.<action>`).
 */
export const AUDIT_ACTIONS = [
  'certificate.issued',
  'certificate.imported',
  'certificate.suspended',
  'certificate.reinstated',
  'certificate.revoked',
  'certificate.superseded',
  'course.created',
  'course.updated',
  'enrolment.created',
  'enrolment.promoted',
  'enrolment.withdrawn',
  'enrolment.moved',
  'enrolment.cancelled',
  'enrolment.attendance_recorded',
  'enrolment.assessed',
  'instructor.created',
  'instructor.updated',
  'inspection.recorded',
  'organisation.created',
  'organisation.updated',
  'qualification.granted',
  'recognition.recorded',
  'recognition.accepted',
  'recognition.rejected',
  'recognition.ended',
  'session.created',
  'session.updated',
  'session.status_changed',
  'session.instructor_assigned',
  'session.instructor_unassigned',
  'signing_key.created',
  'signing_key.rotated',
  'trainee.created',
  'trainee.updated',
  'trusted_issuer.created',
  'trusted_issuer.updated',
  'trusted_issuer.removed',
  'user.created',
  'user.updated',
  'user.disabled',
  'user.password_changed',
  'user.login_failed',
  'user.access_denied',
  'user.refresh_token_reused',
  'user.invited',
  'user.invitation_accepted',
  'user.password_reset_requested',
  'user.password_reset',
  'user.preferences_changed',
] as const satisfies readonly `${AuditEntityType}.${string}`[];
export type AuditAction = (typeof AUDIT_ACTIONS)[number];

/**
 * One entry of the append-only, hash-chained audit trail. The table refuses UPDATE and
 * DELETE by trigger (see the migration), so history cannot be rewritten by the application.
 * Events are written to `audit_pending` with their change and moved here right after it
 * commits (audit-sequencer.ts): `seq` is the order of sequencing, `occurredAt` the time of the
 * change, so across concurrent writers `occurredAt` may run backwards by a few milliseconds
 * from one `seq` to the next. Order by `seq`.
 */
@Entity('audit_events')
@Index('audit_events_entity_idx', ['entityType', 'entityId', 'seq'])
@Index('audit_events_actor_idx', ['actorId', 'seq'])
@Index('audit_events_action_idx', ['action', 'seq'])
@Index('audit_events_occurred_idx', ['occurredAt', 'seq'])
export class AuditEvent {
  /** Position in the chain: gapless, assigned under a lock after commit, the hashes' order. */
  @PrimaryColumn({ type: 'bigint' })
  seq: string;

  @Column({ type: 'uuid', unique: true })
  id: string;

  @Column({ name: 'occurred_at', type: 'timestamptz', precision: 3 })
  occurredAt: Date;

  @Column({ name: 'actor_id', type: 'uuid', nullable: true })
  actorId: string | null;

  @Column({ name: 'actor_roles', type: 'text', array: true, default: () => "'{}'" })
  actorRoles: string[];

  @Column({ type: 'text' })
  action: string;

  @Column({ name: 'entity_type', type: 'text' })
  entityType: string;

  @Column({ name: 'entity_id', type: 'uuid', nullable: true })
  entityId: string | null;

  @Column({ type: 'text', nullable: true })
  reason: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;

  /** The server's own id of the request that made the change (never chosen by the client). */
  @Column({ name: 'request_id', type: 'text', nullable: true })
  requestId: string | null;

  /** The X-Request-Id the client sent, sanitised: for joining with the client's own logs. */
  @Column({ name: 'client_request_id', type: 'text', nullable: true })
  clientRequestId: string | null;

  @Column({ type: 'jsonb', default: () => "'{}'" })
  data: Record<string, unknown>;

  @Column({ name: 'prev_hash', type: 'char', length: 64 })
  prevHash: string;

  @Column({ type: 'char', length: 64 })
  hash: string;
}
