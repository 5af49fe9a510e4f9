import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Sessions: one row per sign-in, named by every access token (`sid`) and refresh token (family)
 * issued from it. Ending the row ends all of them. It replaces two weaker records: the per-token
 * `refresh_tokens.revoked_at` (access tokens of a revoked family kept working) and
 * `users.tokens_valid_after` (compared with the tokens' `iat` in whole seconds, so a token
 * issued in the same second as a password change or disabling kept working).
 */
export class AuthSessions1796402333582 implements MigrationInterface {
  name = 'AuthSessions1796402333582';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "auth_sessions" (
        "id" uuid NOT NULL DEFAULT gen_random_uuid(),
        "user_id" uuid NOT NULL,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        "revoked_at" TIMESTAMP(3) WITH TIME ZONE,
        CONSTRAINT "auth_sessions_pkey" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "auth_sessions_user_idx" ON "auth_sessions" ("user_id")`);
    await queryRunner.query(
      `ALTER TABLE "auth_sessions" ADD CONSTRAINT "auth_sessions_user_fk" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    // Each existing family becomes a session. Families were always revoked whole, so one
    // revoked token means the family (now the session) has ended.
    await queryRunner.query(`
      INSERT INTO "auth_sessions" ("id", "user_id", "created_at", "revoked_at")
      SELECT "family_id", (array_agg("user_id"))[1], min("created_at"), max("revoked_at")
        FROM "refresh_tokens" GROUP BY "family_id"`);
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD CONSTRAINT "refresh_tokens_session_fk" FOREIGN KEY ("family_id") REFERENCES "auth_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(`ALTER TABLE "refresh_tokens" DROP COLUMN "revoked_at"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "tokens_valid_after"`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "users" ADD "tokens_valid_after" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now()`,
    );
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" ADD "revoked_at" TIMESTAMP(3) WITH TIME ZONE`,
    );
    await queryRunner.query(`
      UPDATE "refresh_tokens" t SET "revoked_at" = s."revoked_at"
        FROM "auth_sessions" s WHERE s."id" = t."family_id" AND s."revoked_at" IS NOT NULL`);
    await queryRunner.query(
      `ALTER TABLE "refresh_tokens" DROP CONSTRAINT "refresh_tokens_session_fk"`,
    );
    await queryRunner.query(`DROP TABLE "auth_sessions"`);
  }
}
