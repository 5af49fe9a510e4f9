import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The daily jobs (issue 16: expiry and session reminders, the organisations' weekly digest).
 * Every instance checks hourly whether today's run of a job is due; the first to insert the
 * (job, day) row runs it, in the same transaction, so two instances never run one job twice a
 * day and a run that fails or dies half-way leaves no row and is picked up at the next check.
 * The rows stay as the history of what ran when and how many messages it queued.
 */
export class ScheduledRuns1796500000200 implements MigrationInterface {
  name = 'ScheduledRuns1796500000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "scheduled_runs" (
        "job" text NOT NULL,
        "run_on" date NOT NULL,
        "started_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "finished_at" TIMESTAMP(3) WITH TIME ZONE,
        "queued" integer NOT NULL DEFAULT '0',
        CONSTRAINT "scheduled_runs_queued_check" CHECK ("queued" >= 0),
        CONSTRAINT "scheduled_runs_pkey" PRIMARY KEY ("job", "run_on"))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "scheduled_runs"`);
  }
}
