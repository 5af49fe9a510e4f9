import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Tracked } from '../common/base-columns.js';
import { Course } from '../courses/course.entity.js';
import { Trainee } from '../trainees/trainee.entity.js';
import { TrustedIssuer } from '../trusted-issuers/trusted-issuer.entity.js';

/**
 * `pending`: presented by the trainee or their coordinator, waiting for a registrar's decision
 * (it does not count yet); `active`: counts as the course until `validUntil`; `ended`: no longer
 * counts (revoked or suspended by its issuer, issuer taken off the list, or rejected).
 */
export const RECOGNITION_STATES = ['pending', 'active', 'ended'] as const;
export type RecognitionState = (typeof RECOGNITION_STATES)[number];

/**
 * Why a recognition ended: its issuer revoked or suspended the credential, the issuer is no
 * longer trusted, or a registrar rejected what a trainee or coordinator presented.
 */
export const RECOGNITION_END_REASONS = [
  'revoked',
  'suspended',
  'issuer_untrusted',
  'rejected',
] as const;
export type RecognitionEndReason = (typeof RECOGNITION_END_REASONS)[number];

export const CREDENTIAL_FORMATS = ['vc+jwt', 'data-integrity'] as const;
export type CredentialFormat = (typeof CREDENTIAL_FORMATS)[number];

/**
 * A credential from another centre, verified and recorded as satisfying one of our courses for
 * a trainee: who decided, when and why, with the credential itself (so the decision can be
 * checked again later) and its own `validUntil`, after which it no longer counts.
 */
@Entity('recognitions')
@Index('recognitions_trainee_course_idx', ['traineeId', 'courseId'])
@Check('recognitions_decided_check', `("state" = 'pending') = ("decided_at" IS NULL)`)
@Check('recognitions_state_check', `"state" IN ('pending', 'active', 'ended')`)
@Check(
  'recognitions_ended_check',
  `("state" = 'ended') = ("ended_at" IS NOT NULL AND "end_reason" IS NOT NULL)`,
)
export class Recognition extends Tracked {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'recognitions_pkey' })
  id: string;

  @Column({ name: 'trainee_id', type: 'uuid' })
  traineeId: string;

  @ManyToOne(() => Trainee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trainee_id', foreignKeyConstraintName: 'recognitions_trainee_fk' })
  trainee?: Trainee;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'recognitions_course_fk' })
  course?: Course;

  /** Null once the issuer is taken off the list (the recognition then ends at the next check). */
  @Column({ name: 'trusted_issuer_id', type: 'uuid', nullable: true })
  trustedIssuerId: string | null;

  @ManyToOne(() => TrustedIssuer, { onDelete: 'SET NULL' })
  @JoinColumn({
    name: 'trusted_issuer_id',
    foreignKeyConstraintName: 'recognitions_trusted_issuer_fk',
  })
  trustedIssuer?: TrustedIssuer;

  /** The issuer's name when recorded, kept if the issuer is later removed. */
  @Column({ name: 'issuer_name', type: 'text' })
  issuerName: string;

  /** The credential's issuer (a DID or URL). */
  @Column({ name: 'issuer_ref', type: 'text' })
  issuerRef: string;

  @Column({ name: 'credential_format', type: 'text' })
  credentialFormat: CredentialFormat;

  /** The credential as presented: the vc+jwt string or the Data Integrity object. */
  @Column({ type: 'jsonb' })
  credential: unknown;

  @Column({ name: 'credential_id', type: 'text', nullable: true })
  credentialId: string | null;

  @Column({ name: 'valid_from', type: 'timestamptz', precision: 3, nullable: true })
  validFrom: Date | null;

  /** The credential's own end; null when it never expires. */
  @Column({ name: 'valid_until', type: 'timestamptz', precision: 3, nullable: true })
  validUntil: Date | null;

  @Column({ type: 'text', default: 'active' })
  state: RecognitionState;

  /** The user who presented it (a registrar, the trainee, or their coordinator). */
  @Column({ name: 'presented_by', type: 'uuid', nullable: true })
  presentedBy: string | null;

  @Column({ name: 'presented_at', type: 'timestamptz', precision: 3 })
  presentedAt: Date;

  /** Why it should count, in the presenter's words (required). */
  @Column({ type: 'text' })
  note: string;

  /** The registrar who accepted (or rejected) it; null while pending. */
  @Column({ name: 'decided_by', type: 'uuid', nullable: true })
  decidedBy: string | null;

  @Column({ name: 'decided_at', type: 'timestamptz', precision: 3, nullable: true })
  decidedAt: Date | null;

  /** The registrar's reason, when deciding on what someone else presented. */
  @Column({ name: 'decision_note', type: 'text', nullable: true })
  decisionNote: string | null;

  @Column({ name: 'status_checked_at', type: 'timestamptz', precision: 3, nullable: true })
  statusCheckedAt: Date | null;

  @Column({ name: 'ended_at', type: 'timestamptz', precision: 3, nullable: true })
  endedAt: Date | null;

  @Column({ name: 'end_reason', type: 'text', nullable: true })
  endReason: RecognitionEndReason | null;
}
