import {
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  Unique,
} from 'typeorm';
import { Tracked } from '../common/base-columns.js';
import { numericToNumber } from '../common/numeric.js';
import { CourseSession } from '../courses/session.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Trainee } from '../trainees/trainee.entity.js';

export const ENROLMENT_STATUSES = [
  'enrolled',
  'waitlisted',
  'withdrawn',
  'completed',
  'failed',
  /** The session was cancelled: the seat or place in line ended with it. */
  'cancelled',
] as const;
export type EnrolmentStatus = (typeof ENROLMENT_STATUSES)[number];

/** Statuses that hold one of the session's seats. */
export const SEAT_HOLDING: EnrolmentStatus[] = ['enrolled', 'completed', 'failed'];

/**
 * A seat or a place in line in a session still to come or under way: what a withdrawal, a
 * cancellation or a change notice reaches, and what a trainee's "upcoming" list shows.
 */
export const AWAITING_SESSION: EnrolmentStatus[] = ['enrolled', 'waitlisted'];

/** A trainee in a session: a seat, or a place in the waiting line. */
@Entity('enrolments')
@Index('enrolments_active_key', ['sessionId', 'traineeId'], {
  unique: true,
  where: "status <> 'withdrawn'",
})
@Index('enrolments_trainee_idx', ['traineeId', 'createdAt'])
@Index('enrolments_session_idx', ['sessionId', 'status'])
// Deferred so that closing the gap behind a departing person can shift positions in one UPDATE.
@Unique('enrolments_waitlist_position_key', ['sessionId', 'waitlistPosition'], {
  deferrable: 'INITIALLY DEFERRED',
})
export class Enrolment extends Tracked {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @ManyToOne(() => CourseSession, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'enrolments_session_fk' })
  session?: CourseSession;

  @Column({ name: 'trainee_id', type: 'uuid' })
  traineeId: string;

  @ManyToOne(() => Trainee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trainee_id', foreignKeyConstraintName: 'enrolments_trainee_fk' })
  trainee?: Trainee;

  @Column({ type: 'text' })
  status: EnrolmentStatus;

  /** 1 = next to be promoted; null unless waitlisted. Gapless within a session. */
  @Column({ name: 'waitlist_position', type: 'integer', nullable: true })
  waitlistPosition: number | null;

  /**
   * The organisation whose reserved seat this enrolment holds (the trainee's organisation when
   * the seat was given); null for a general seat or no seat. See seat-rule.ts.
   */
  @Column({ name: 'reserved_organisation_id', type: 'uuid', nullable: true })
  reservedOrganisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'reserved_organisation_id',
    foreignKeyConstraintName: 'enrolments_reserved_organisation_fk',
  })
  reservedOrganisation?: Organisation;

  @Column({ name: 'withdrawn_at', type: 'timestamptz', precision: 3, nullable: true })
  withdrawnAt: Date | null;

  @Column({
    name: 'theory_score',
    type: 'numeric',
    precision: 5,
    scale: 2,
    nullable: true,
    transformer: numericToNumber,
  })
  theoryScore: number | null;

  @Column({
    name: 'practical_score',
    type: 'numeric',
    precision: 5,
    scale: 2,
    nullable: true,
    transformer: numericToNumber,
  })
  practicalScore: number | null;

  @Column({
    name: 'attendance_percent',
    type: 'numeric',
    precision: 5,
    scale: 2,
    nullable: true,
    transformer: numericToNumber,
  })
  attendancePercent: number | null;

  @Column({ type: 'boolean', nullable: true })
  passed: boolean | null;

  @Column({ name: 'assessed_at', type: 'timestamptz', precision: 3, nullable: true })
  assessedAt: Date | null;

  @Column({ name: 'assessed_by', type: 'uuid', nullable: true })
  assessedBy: string | null;
}
