import { Column, Entity, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn } from 'typeorm';
import { Enrolment } from './enrolment.entity.js';

/** Whether a trainee was present on one day of their session. */
@Entity('attendance_days')
export class AttendanceDay {
  @PrimaryColumn({ name: 'enrolment_id', type: 'uuid' })
  enrolmentId: string;

  @PrimaryColumn({ type: 'date' })
  day: string;

  @ManyToOne(() => Enrolment, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'enrolment_id', foreignKeyConstraintName: 'attendance_days_enrolment_fk' })
  enrolment?: Enrolment;

  @Column({ type: 'boolean' })
  present: boolean;

  @Column({ name: 'recorded_by', type: 'uuid', nullable: true })
  recordedBy: string | null;

  @UpdateDateColumn({ name: 'recorded_at', type: 'timestamptz', precision: 3 })
  recordedAt: Date;
}
