import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * A segment of the audit chain (from_seq..to_seq) that a verification found intact: the hash of
 * its last event, and a digest of its rows as PostgreSQL computes it (see audit-checkpoints.ts).
 * Append-only by trigger. A later verification trusts a segment only while its rows still give
 * the same digest, so an edit before the newest checkpoint is still found.
 */
@Entity('audit_checkpoints')
export class AuditCheckpoint {
  @PrimaryColumn({
    name: 'to_seq',
    type: 'bigint',
    primaryKeyConstraintName: 'audit_checkpoints_pkey',
  })
  toSeq: string;

  @Index('audit_checkpoints_from_key', { unique: true })
  @Column({ name: 'from_seq', type: 'bigint' })
  fromSeq: string;

  @Column({ name: 'last_hash', type: 'char', length: 64 })
  lastHash: string;

  @Column({ type: 'char', length: 64 })
  digest: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
