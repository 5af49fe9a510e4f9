import { Check, Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * One day's run of a scheduled job. The primary key is the claim: the instance whose insert
 * succeeds runs the job, in the same transaction (see jobs.service.ts).
 */
@Entity('scheduled_runs')
@Check('scheduled_runs_queued_check', '"queued" >= 0')
export class ScheduledRun {
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'scheduled_runs_pkey' })
  job: string;

  /** The day in the Center's time zone. */
  @PrimaryColumn({ name: 'run_on', type: 'date', primaryKeyConstraintName: 'scheduled_runs_pkey' })
  runOn: string;

  @Column({
    name: 'started_at',
    type: 'timestamptz',
    precision: 3,
    default: () => 'now()',
  })
  startedAt: Date;

  @Column({ name: 'finished_at', type: 'timestamptz', precision: 3, nullable: true })
  finishedAt: Date | null;

  /** Messages the run queued (those already queued by an earlier run are not counted). */
  @Column({ type: 'integer', default: 0 })
  queued: number;
}
