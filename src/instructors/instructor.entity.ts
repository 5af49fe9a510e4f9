import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryGeneratedColumn } from 'typeorm';
import { Tracked } from '../common/base-columns.js';
import { Organisation } from '../organisations/organisation.entity.js';

@Entity('instructors')
export class Instructor extends Tracked {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName: string;

  /** Stored lower-cased; the natural key of an instructor. */
  @Index('instructors_email_key', { unique: true })
  @Column({ type: 'text' })
  email: string;

  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'instructors_organisation_fk' })
  organisation?: Organisation;
}
