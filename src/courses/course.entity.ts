import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  JoinTable,
  ManyToMany,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Tracked } from '../common/base-columns.js';
import type { CourseTranslations } from './course-translations.js';

export const COURSE_STATUSES = ['draft', 'active', 'retired'] as const;
export type CourseStatus = (typeof COURSE_STATUSES)[number];

/** A catalogue entry, e.g. EOD-2 "Explosive Ordnance Disposal Level 2". */
@Entity('courses')
@Check('courses_max_trainees_per_instructor_check', '"max_trainees_per_instructor" > 0')
export class Course extends Tracked {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Index('courses_code_key', { unique: true })
  @Column({ type: 'text' })
  code: string;

  @Column({ type: 'text' })
  title: string;

  @Column({ type: 'text', default: '' })
  description: string;

  @Column({ name: 'imas_references', type: 'text', array: true, default: () => "'{}'" })
  imasReferences: string[];

  @Column({ type: 'text' })
  level: string;

  @Column({ name: 'duration_days', type: 'integer' })
  durationDays: number;

  @Column({ name: 'pass_mark', type: 'integer' })
  passMark: number;

  @Column({ name: 'min_attendance_percent', type: 'integer' })
  minAttendancePercent: number;

  /** Null: certificates of this course never expire. */
  @Column({ name: 'validity_months', type: 'integer', nullable: true })
  validityMonths: number | null;

  /** Set on a refresher: its certificate supersedes the renewed course's certificate. */
  @Column({ name: 'renews_course_id', type: 'uuid', nullable: true })
  renewsCourseId: string | null;

  @ManyToOne(() => Course, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'renews_course_id', foreignKeyConstraintName: 'courses_renews_course_fk' })
  renewsCourse?: Course;

  @Column({ name: 'requires_medical_clearance', type: 'boolean', default: false })
  requiresMedicalClearance: boolean;

  @Column({ type: 'text', default: 'draft' })
  status: CourseStatus;

  /**
   * How many trainees one instructor may supervise (a range-safety limit); null: no limit.
   * Fewer instructors than a session needs is allowed but shown as a warning (staffing.ts).
   */
  @Column({ name: 'max_trainees_per_instructor', type: 'integer', nullable: true })
  maxTraineesPerInstructor: number | null;

  /** Title, description and level in az and ru, each optional (course-translations.ts). */
  @Column({ type: 'jsonb', default: () => "'{}'" })
  translations: CourseTranslations;

  @ManyToMany(() => Course)
  @JoinTable({
    name: 'course_prerequisites',
    joinColumn: {
      name: 'course_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'course_prerequisites_course_fk',
    },
    inverseJoinColumn: {
      name: 'prerequisite_course_id',
      referencedColumnName: 'id',
      foreignKeyConstraintName: 'course_prerequisites_prerequisite_fk',
    },
  })
  prerequisites?: Course[];
}
