import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryColumn,
} from 'typeorm';
import { Instructor } from '../instructors/instructor.entity.js';
import { CourseSession } from './session.entity.js';

export const INSTRUCTOR_ROLES = ['lead', 'assistant'] as const;
export type InstructorRole = (typeof INSTRUCTOR_ROLES)[number];

/** An instructor assigned to a session; at most one lead per session. */
@Entity('session_instructors')
@Index('session_instructors_one_lead', ['sessionId'], { unique: true, where: "role = 'lead'" })
@Index('session_instructors_instructor_idx', ['instructorId'])
export class SessionInstructor {
  @PrimaryColumn({ name: 'session_id', type: 'uuid' })
  sessionId: string;

  @PrimaryColumn({ name: 'instructor_id', type: 'uuid' })
  instructorId: string;

  @ManyToOne(() => CourseSession, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id', foreignKeyConstraintName: 'session_instructors_session_fk' })
  session?: CourseSession;

  @ManyToOne(() => Instructor, { onDelete: 'RESTRICT' })
  @JoinColumn({
    name: 'instructor_id',
    foreignKeyConstraintName: 'session_instructors_instructor_fk',
  })
  instructor?: Instructor;

  @Column({ type: 'text' })
  role: InstructorRole;

  @CreateDateColumn({ name: 'assigned_at', type: 'timestamptz', precision: 3 })
  assignedAt: Date;
}
