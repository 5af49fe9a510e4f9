import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tracked } from '../common/base-columns.js';
import { Course } from '../courses/course.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { Enrolment } from '../enrolments/enrolment.entity.js';
import { Trainee } from '../trainees/trainee.entity.js';

/** Stored statuses. `expired` is never stored: it follows from validUntil and today's date. */
export const STORED_CERTIFICATE_STATUSES = [
  'active',
  'suspended',
  'revoked',
  'superseded',
] as const;
export type StoredCertificateStatus = (typeof STORED_CERTIFICATE_STATUSES)[number];
export const CERTIFICATE_STATUSES = [
  'active',
  'expired',
  'suspended',
  'revoked',
  'superseded',
] as const;
export type CertificateStatus = (typeof CERTIFICATE_STATUSES)[number];

/** A qualification the Center certifies a trainee holds: a safety claim, so never deleted. */
@Entity('certificates')
@Index('certificates_trainee_idx', ['traineeId', 'courseId'])
@Index('certificates_course_idx', ['courseId', 'issuedAt'])
@Index('certificates_valid_until_idx', ['validUntil'])
@Index('certificates_issued_idx', ['issuedAt', 'id'])
@Index('certificates_status_issued_idx', ['status', 'issuedAt', 'id'])
@Index('certificates_session_issued_idx', ['sessionId', 'issuedAt', 'id'])
@Index('certificates_status_list_key', ['statusListNumber', 'statusListIndex'], { unique: true })
export class Certificate extends Tracked {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Human-readable and unguessable, e.g. COE-EOD2-2026-7KQ4M2; never reused. */
  @Index('certificates_serial_key', { unique: true })
  @Column({ type: 'text' })
  serial: string;

  @Column({ name: 'trainee_id', type: 'uuid' })
  traineeId: string;

  @ManyToOne(() => Trainee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trainee_id', foreignKeyConstraintName: 'certificates_trainee_fk' })
  trainee?: Trainee;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'certificates_course_fk' })
  course?: Course;

  /** Null only for legacy certificates imported from before this system. */
  @Column({ name: 'session_id', type: 'uuid', nullable: true })
  sessionId: string | null;

  @ManyToOne(() => CourseSession, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'certificates_session_fk' })
  session?: CourseSession;

  /** One certificate per enrolment, enforced by the unique index even when requests race. */
  @Index('certificates_enrolment_key', { unique: true, where: 'enrolment_id IS NOT NULL' })
  @Column({ name: 'enrolment_id', type: 'uuid', nullable: true })
  enrolmentId: string | null;

  @ManyToOne(() => Enrolment, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'certificates_enrolment_fk' })
  enrolment?: Enrolment;

  /** The issuing instructor (null for imported legacy certificates). */
  @Column({ name: 'issued_by', type: 'uuid', nullable: true })
  issuedBy: string | null;

  @Column({ name: 'issued_at', type: 'timestamptz', precision: 3 })
  issuedAt: Date;

  /** Last day of validity (inclusive); null = never expires. */
  @Column({ name: 'valid_until', type: 'date', nullable: true })
  validUntil: string | null;

  @Column({ type: 'text', default: 'active' })
  status: StoredCertificateStatus;

  @Column({ name: 'status_reason', type: 'text', nullable: true })
  statusReason: string | null;

  @Column({ name: 'status_note', type: 'text', nullable: true })
  statusNote: string | null;

  @Column({ name: 'status_changed_at', type: 'timestamptz', precision: 3, nullable: true })
  statusChangedAt: Date | null;

  @Column({ name: 'status_changed_by', type: 'uuid', nullable: true })
  statusChangedBy: string | null;

  @Column({ name: 'superseded_by_id', type: 'uuid', nullable: true })
  supersededById: string | null;

  @ManyToOne(() => Certificate, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'superseded_by_id',
    foreignKeyConstraintName: 'certificates_superseded_by_fk',
  })
  supersededBy?: Certificate;

  /**
   * Where this certificate's bits sit in the Bitstring Status Lists: list number and a random
   * index (random, so an index says nothing about when or to whom it was issued). The same
   * position is used in the revocation and the suspension list.
   */
  @Column({ name: 'status_list_number', type: 'integer' })
  statusListNumber: number;

  @Column({ name: 'status_list_index', type: 'integer' })
  statusListIndex: number;

  /** The signed `vc+jwt`, as issued. Not loaded by default: lists never need its kilobytes. */
  @Column({ name: 'credential_jwt', type: 'text', select: false })
  credentialJwt: string;

  /**
   * The Open Badges 3.0 credential with its Data Integrity proof, stored once signed so a wallet
   * always gets the same credential. Null until it is first asked for: issuance signs only the
   * vc+jwt.
   */
  @Column({ name: 'credential_data_integrity', type: 'jsonb', nullable: true, select: false })
  credentialDataIntegrity: Record<string, unknown> | null;

  /** True for legacy certificates brought in by import. */
  @Column({ type: 'boolean', default: false })
  imported: boolean;
}
