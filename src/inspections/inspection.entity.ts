import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import { Certificate } from '../certifications/certificate.entity.js';
import { User } from '../users/user.entity.js';

/** What an inspector's app concluded, in the words of the verdict rule (verdict.js). */
export const INSPECTION_VERDICTS = [
  'valid',
  'expired',
  'suspended',
  'revoked',
  'not_genuine',
] as const;
export type InspectionVerdict = (typeof INSPECTION_VERDICTS)[number];

export const INSPECTION_SERIAL_MAX = 100;
export const INSPECTION_SITE_MAX = 200;
export const INSPECTION_NOTE_MAX = 1000;

/**
 * One check of a certificate by a field inspector, made on the device (often offline) and
 * uploaded later. `clientId` is the id the device gave it, so an upload repeated after a lost
 * answer, or the same batch sent from two tabs, stores it once. Never changed once stored: it
 * is a record of what the inspector saw at `checkedAt`, whatever happens to the certificate.
 */
@Entity('inspections')
@Index('inspections_client_id_key', ['clientId'], { unique: true })
@Index('inspections_checked_at_idx', ['checkedAt', 'id'])
@Index('inspections_serial_idx', ['serial', 'checkedAt'])
@Index('inspections_inspector_idx', ['inspectorId', 'checkedAt'])
@Check(
  'inspections_verdict_check',
  `"verdict" IN ('valid', 'expired', 'suspended', 'revoked', 'not_genuine')`,
)
@Check(
  'inspections_lengths_check',
  `char_length("serial") BETWEEN 1 AND ${INSPECTION_SERIAL_MAX} AND char_length("site") <= ${INSPECTION_SITE_MAX} AND char_length("note") <= ${INSPECTION_NOTE_MAX}`,
)
export class Inspection {
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'inspections_pkey' })
  id: string;

  @Column({ name: 'client_id', type: 'uuid' })
  clientId: string;

  /** As scanned, normalised as verification normalises it (a forged serial is kept too). */
  @Column({ type: 'text' })
  serial: string;

  /** The certificate with this serial, when the register has one. */
  @Column({ name: 'certificate_id', type: 'uuid', nullable: true })
  certificateId: string | null;

  @ManyToOne(() => Certificate, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'certificate_id', foreignKeyConstraintName: 'inspections_certificate_fk' })
  certificate?: Certificate;

  /** The signed-in user who uploaded it. */
  @Column({ name: 'inspector_id', type: 'uuid' })
  inspectorId: string;

  @ManyToOne(() => User, { onDelete: 'RESTRICT' })
  @JoinColumn({ name: 'inspector_id', foreignKeyConstraintName: 'inspections_inspector_fk' })
  inspector?: User;

  /** When the inspector checked it, by the device's clock. */
  @Column({ name: 'checked_at', type: 'timestamptz', precision: 3 })
  checkedAt: Date;

  /** When the server stored it. */
  @Column({ name: 'received_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  receivedAt: Date;

  @Column({ type: 'text' })
  verdict: InspectionVerdict;

  @Column({ type: 'text', nullable: true })
  site: string | null;

  @Column({ type: 'text', nullable: true })
  note: string | null;
}
