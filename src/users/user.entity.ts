import {
  Check,
  Column,
  CreateDateColumn,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
  UpdateDateColumn,
  VersionColumn,
} from 'typeorm';
import type { Role } from '../common/roles.js';
import { Instructor } from '../instructors/instructor.entity.js';
import { Organisation } from '../organisations/organisation.entity.js';
import { Trainee } from '../trainees/trainee.entity.js';
import type { Lang } from '../web/i18n.js';

@Entity('users')
@Check('users_language_check', `"language" IN ('en', 'az', 'ru')`)
export class User {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  /** Stored lower-cased; unique. */
  @Index('users_email_key', { unique: true })
  @Column({ type: 'text' })
  email: string;

  /** argon2id; null for an invited account whose person has not chosen a password yet. */
  @Column({ name: 'password_hash', type: 'text', nullable: true })
  passwordHash: string | null;

  @Column({ type: 'text', array: true })
  roles: Role[];

  @Index('users_trainee_id_key', { unique: true, where: 'trainee_id IS NOT NULL' })
  @Column({ name: 'trainee_id', type: 'uuid', nullable: true })
  traineeId: string | null;

  @ManyToOne(() => Trainee, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'trainee_id', foreignKeyConstraintName: 'users_trainee_fk' })
  trainee?: Trainee;

  @Index('users_instructor_id_key', { unique: true, where: 'instructor_id IS NOT NULL' })
  @Column({ name: 'instructor_id', type: 'uuid', nullable: true })
  instructorId: string | null;

  @ManyToOne(() => Instructor, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'instructor_id', foreignKeyConstraintName: 'users_instructor_fk' })
  instructor?: Instructor;

  /** A coordinator's organisation: their reach (access-policy.ts). Required for coordinators. */
  @Index('users_organisation_idx')
  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'users_organisation_fk' })
  organisation?: Organisation;

  @Column({ type: 'boolean', default: false })
  disabled: boolean;

  /** The language mail is written in; null: the organisation's country decides, else English. */
  @Column({ type: 'text', nullable: true })
  language: Lang | null;

  /** false: no reminder mail (REMINDER_TYPES); security and enrolment mail still goes. */
  @Column({ type: 'boolean', default: true })
  reminders: boolean;

  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  @VersionColumn({ default: 1 })
  version: number;
}
