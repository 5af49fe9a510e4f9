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
import { Organisation } from '../organisations/organisation.entity.js';
import type { IdentityDocumentType } from './identity-document.js';

export const SEXES = ['female', 'male'] as const;
export type Sex = (typeof SEXES)[number];

/** A person trained by the Center, with the fields disaggregated reporting needs. */
@Entity('trainees')
@Index('trainees_name_idx', ['familyName', 'givenName'])
@Index('trainees_organisation_idx', ['organisationId'])
// One card, one person. The number leads so a search by number alone (the registrar's desk) uses it.
@Index('trainees_identity_document_key', ['identityDocumentNumber', 'identityDocumentType'], {
  unique: true,
})
@Check(
  'trainees_identity_document_check',
  `("identity_document_type" IS NULL) = ("identity_document_number" IS NULL) AND ("identity_document_type" IS NULL OR "identity_document_type" IN ('passport', 'national_id', 'military_id'))`,
)
export class Trainee extends Tracked {
  @PrimaryGeneratedColumn('uuid')
  id: string;

  @Column({ name: 'given_name', type: 'text' })
  givenName: string;

  @Column({ name: 'family_name', type: 'text' })
  familyName: string;

  @Column({ name: 'date_of_birth', type: 'date' })
  dateOfBirth: string;

  @Column({ type: 'text' })
  sex: Sex;

  /** ISO 3166-1 alpha-2. */
  @Column({ type: 'char', length: 2 })
  nationality: string;

  @Column({ name: 'organisation_id', type: 'uuid', nullable: true })
  organisationId: string | null;

  @ManyToOne(() => Organisation, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'organisation_id', foreignKeyConstraintName: 'trainees_organisation_fk' })
  organisation?: Organisation;

  @Column({ type: 'text', nullable: true })
  email: string | null;

  /** International form, e.g. +994501234567 (src/trainees/identity-document.ts). */
  @Column({ type: 'text', nullable: true })
  phone: string | null;

  @Column({ name: 'identity_document_type', type: 'text', nullable: true })
  identityDocumentType: IdentityDocumentType | null;

  /** Normalised (normaliseDocumentNumber): never logged, masked in lists and the audit trail. */
  @Column({ name: 'identity_document_number', type: 'text', nullable: true })
  identityDocumentNumber: string | null;

  @Column({ name: 'medical_clearance_until', type: 'date', nullable: true })
  medicalClearanceUntil: string | null;

  /**
   * Names (case, accents and spacing folded), date of birth and nationality: two records with
   * the same key are very likely the same person, so a second one is refused.
   */
  @Index('trainees_identity_key', { unique: true })
  @Column({ name: 'identity_key', type: 'text' })
  identityKey: string;
}
