import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Invitations and password recovery (issue 16). A mailed link carries a random token; the
 * database keeps only its SHA-256, so a copy of the table opens no account. An invited account
 * has no password until its person chooses one: `users.password_hash` becomes nullable, and
 * sign-in refuses such an account as it refuses a wrong password.
 */
export class AccountTokens1796500000100 implements MigrationInterface {
  name = 'AccountTokens1796500000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "account_tokens" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "token_hash" character(64) NOT NULL,
        "purpose" text NOT NULL,
        "user_id" uuid NOT NULL,
        "expires_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "used_at" TIMESTAMP(3) WITH TIME ZONE,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "account_tokens_purpose_check" CHECK ("purpose" IN ('invitation', 'password_reset')),
        CONSTRAINT "account_tokens_pkey" PRIMARY KEY ("id"))`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "account_tokens_hash_key" ON "account_tokens" ("token_hash")`,
    );
    await queryRunner.query(
      `CREATE INDEX "account_tokens_user_idx" ON "account_tokens" ("user_id", "purpose")`,
    );
    await queryRunner.query(
      `ALTER TABLE "account_tokens" ADD CONSTRAINT "account_tokens_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" DROP NOT NULL`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    // An invited account that never chose a password cannot go back to NOT NULL: it gets a
    // value no password hashes to, so it still cannot sign in.
    await queryRunner.query(
      `UPDATE "users" SET "password_hash" = '!invited' WHERE "password_hash" IS NULL`,
    );
    await queryRunner.query(`ALTER TABLE "users" ALTER COLUMN "password_hash" SET NOT NULL`);
    await queryRunner.query(`DROP TABLE "account_tokens"`);
  }
}
