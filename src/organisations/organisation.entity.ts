import { Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';
import { Tracked } from '../common/base-columns.js';

export const ORGANISATION_TYPES = [
  'national_authority',
  'ngo',
  'commercial',
  'military',
  'other',
] as const;
export type OrganisationType = (typeof ORGANISATION_TYPES)[number];

/** An operator or authority that trainees and instructors belong to. */
@Entity('organisations')
@Index('organisations_name_idx', ['name'])
export class Organisation extends Tracked {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ type: 'text' })
  name: string;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2 })
  country: string;

  @Column({ type: 'text' })
  type: OrganisationType;

  /** Where the weekly digest of its people's expiring certificates goes (none: not sent). */
  @Column({ name: 'contact_email', type: 'text', nullable: true })
  contactEmail: string | null;
}
