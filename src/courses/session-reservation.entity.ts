import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { Organisation } from '../organisations/organisation.entity.js';
import { CourseSession } from './session.entity.js';

/**
 * Seats of a session kept for one organisation's nominees until the session's
 * `reservationsEndOn` (the seat rule: src/enrolments/seat-rule.ts).
 */
@Entity('session_reservations')
@Index('session_reservations_organisation_idx', ['organisationId'])
@Check('session_reservations_seats_check', '"seats" > 0')
export class SessionReservation {
  @PrimaryColumn({
    name: 'session_id',
    type: 'uuid',
    primaryKeyConstraintName: 'session_reservations_pkey',
  })
  sessionId: string;

  @PrimaryColumn({
    name: 'organisation_id',
    type: 'uuid',
    primaryKeyConstraintName: 'session_reservations_pkey',
  })
  organisationId: string;

  @ManyToOne(() => CourseSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'session_reservations_session_fk' })
  session?: CourseSession;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'organisation_id',
    foreignKeyConstraintName: 'session_reservations_organisation_fk',
  })
  organisation?: Organisation;

  @Column({ type: 'integer' })
  seats: number;
}
