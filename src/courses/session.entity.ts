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
import { Course } from './course.entity.js';

export const SESSION_STATUSES = [
  'planned',
  'open',
  'in_progress',
  'completed',
  'cancelled',
] as const;
export type SessionStatus = (typeof SESSION_STATUSES)[number];

/** One dated run of a course at a place, with a capacity and a language. */
@Entity('course_sessions')
@Index('course_sessions_course_idx', ['courseId', 'startsOn'])
@Index('course_sessions_starts_idx', ['startsOn', 'id'])
@Check('course_sessions_dates_check', '"ends_on" >= "starts_on"')
@Check('course_sessions_capacity_check', '"capacity" > 0')
@Check('course_sessions_seats_check', '"seats_taken" >= 0 AND "seats_taken" <= "capacity"')
export class CourseSession extends Tracked {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'course_sessions_course_fk' })
  course?: Course;

  @Column({ name: 'starts_on', type: 'date' })
  startsOn: string;

  @Column({ name: 'ends_on', type: 'date' })
  endsOn: string;

  @Column({ type: 'text' })
  location: string;

  /** BCP 47 language tag of instruction, e.g. `az`, `en`, `ru`. */
  @Column({ type: 'text' })
  language: string;

  @Column({ type: 'integer' })
  capacity: number;

  /**
   * Seats held (enrolled, completed or failed), kept in step with the enrolments in the same
   * transaction. The check constraint makes overbooking impossible even for a buggy writer.
   */
  @Column({ name: 'seats_taken', type: 'integer', default: 0 })
  seatsTaken: number;

  @Column({ type: 'text', default: 'planned' })
  status: SessionStatus;

  /** How to get there and what to bring: sent with the enrolment mail and the reminders. */
  @Column({ name: 'joining_instructions', type: 'text', nullable: true })
  joiningInstructions: string | null;

  /**
   * The last day (inclusive, in the Center's time zone) on which the seats reserved for
   * organisations (session_reservations) are kept for them; null when none are reserved.
   */
  @Column({ name: 'reservations_end_on', type: 'date', nullable: true })
  reservationsEndOn: string | null;
}
