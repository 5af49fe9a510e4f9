import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The mail workers claim the oldest due message: `ORDER BY next_attempt_at, id LIMIT 1`. The
 * index they had covered `next_attempt_at` alone, and every message queued by one transaction
 * (a bulk issue's 1,000 certificates, a cancelled session's trainees) shares one
 * `next_attempt_at` (now() is the transaction's start): to find the first by `id`, each claim
 * sorted the whole group, bodies included, on disk. Measured at 4,600 queued messages: 32 ms
 * per claim, so sending a bulk issue's mail cost about half a minute of database time. With
 * `id` in the index the claim reads one entry (guarded in test/query-plans.e2e-spec.ts).
 */
export class NotificationsClaimOrder1796600000800 implements MigrationInterface {
  name = 'NotificationsClaimOrder1796600000800';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "notifications_due_idx"`);
    await queryRunner.query(
      `CREATE INDEX "notifications_due_idx" ON "notifications" ("next_attempt_at", "id") WHERE "status" = 'queued'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "notifications_due_idx"`);
    await queryRunner.query(
      `CREATE INDEX "notifications_due_idx" ON "notifications" ("next_attempt_at") WHERE "status" = 'queued'`,
    );
  }
}
