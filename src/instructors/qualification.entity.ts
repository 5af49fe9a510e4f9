import {
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Course } from '../courses/course.entity.js';
import { Instructor } from './instructor.entity.js';

/**
 * An instructor's qualification to teach a course until a date. Renewals add a row, so the
 * history of who was qualified when is kept; the latest validUntil is what counts.
 */
@Entity('qualifications')
@Index('qualifications_instructor_course_idx', ['instructorId', 'courseId', 'validUntil'])
export class Qualification {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'instructor_id', type: 'uuid' })
  instructorId: string;

  @ManyToOne(() => Instructor, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'instructor_id', foreignKeyConstraintName: 'qualifications_instructor_fk' })
  instructor?: Instructor;

  @Column({ name: 'course_id', type: 'uuid' })
  courseId: string;

  @ManyToOne(() => Course, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'course_id', foreignKeyConstraintName: 'qualifications_course_fk' })
  course?: Course;

  @Column({ name: 'valid_until', type: 'date' })
  validUntil: string;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;
}
