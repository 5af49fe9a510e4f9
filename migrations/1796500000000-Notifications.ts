import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail (issue 16). `notifications` is both the queue the workers send from and the record of
 * what was sent to whom: a message is inserted in the transaction of the change that causes
 * it (a rolled-back change leaves no row), claimed by one instance at a time with
 * `FOR UPDATE SKIP LOCKED`, and kept after sending. `idempotency_key` is unique, so the same
 * event asked twice (a second scan, a second instance) queues one message.
 *
 * Accounts gain the recipient's preferences: `language` (null: the organisation's country
 * decides, else English) and `reminders` (false: no reminder mail; security mail still goes).
 */
export class Notifications1796500000000 implements MigrationInterface {
  name = 'Notifications1796500000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "notifications" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "type" text NOT NULL,
        "recipient" text NOT NULL,
        "recipient_name" text,
        "language" text NOT NULL,
        "user_id" uuid,
        "subject" text NOT NULL,
        "body_text" text NOT NULL,
        "body_html" text NOT NULL,
        "attachments" jsonb NOT NULL DEFAULT '[]',
        "idempotency_key" text NOT NULL,
        "status" text NOT NULL DEFAULT 'queued',
        "attempts" integer NOT NULL DEFAULT '0',
        "last_error" text,
        "next_attempt_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "sent_at" TIMESTAMP(3) WITH TIME ZONE,
        "message_id" text NOT NULL,
        CONSTRAINT "notifications_status_check" CHECK ("status" IN ('queued', 'sent', 'failed')),
        CONSTRAINT "notifications_language_check" CHECK ("language" IN ('en', 'az', 'ru')),
        CONSTRAINT "notifications_attempts_check" CHECK ("attempts" >= 0),
        CONSTRAINT "notifications_pkey" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "notifications_idempotency_key" ON "notifications" ("idempotency_key")`,
    );
    // The workers' claim: due queued rows only, oldest first.
    await queryRunner.query(
      `CREATE INDEX "notifications_due_idx" ON "notifications" ("next_attempt_at") WHERE "status" = 'queued'`,
    );
    // The list: newest first, keyset on (created_at, id); filters narrow it.
    await queryRunner.query(
      `CREATE INDEX "notifications_created_idx" ON "notifications" ("created_at", "id")`,
    );
    await queryRunner.query(
      `CREATE INDEX "notifications_recipient_idx" ON "notifications" ("recipient", "created_at")`,
    );
    await queryRunner.query(
      `ALTER TABLE "notifications" ADD CONSTRAINT "notifications_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "users" ADD "language" text`);
    await queryRunner.query(`ALTER TABLE "users" ADD "reminders" boolean NOT NULL DEFAULT true`);
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_language_check" CHECK ("language" IN ('en', 'az', 'ru'))`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_language_check"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "reminders"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "language"`);
    await queryRunner.query(`DROP TABLE "notifications"`);
  }
}
