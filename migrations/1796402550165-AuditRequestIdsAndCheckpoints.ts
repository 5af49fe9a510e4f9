import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Two changes to the audit trail.
 * - `client_request_id`: the X-Request-Id a client sent, kept beside the server's own
 *   `request_id` (which a client can no longer choose, so ids cannot be made to collide).
 *   Existing events have none; the hash covers it only when present, so they still verify.
 * - `audit_checkpoints`: segments of the chain already verified, each with the hash of its last
 *   event and a digest of its rows computed by PostgreSQL, so a verification re-walks only what
 *   changed or was appended since. Append-only like the events themselves.
 */
export class AuditRequestIdsAndCheckpoints1796402550165 implements MigrationInterface {
  name = 'AuditRequestIdsAndCheckpoints1796402550165';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "audit_events" ADD "client_request_id" text`);
    await queryRunner.query(`
      CREATE TABLE "audit_checkpoints" (
        "to_seq" bigint NOT NULL,
        "from_seq" bigint NOT NULL,
        "last_hash" character(64) NOT NULL,
        "digest" character(64) NOT NULL,
        "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(),
        CONSTRAINT "audit_checkpoints_pkey" PRIMARY KEY ("to_seq"))`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "audit_checkpoints_from_key" ON "audit_checkpoints" ("from_seq")`,
    );
    await queryRunner.query(`CREATE FUNCTION audit_checkpoints_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  RAISE EXCEPTION 'audit_checkpoints is append-only: % refused', TG_OP USING ERRCODE = 'insufficient_privilege';
END $$`);
    await queryRunner.query(
      `CREATE TRIGGER audit_checkpoints_no_update_delete BEFORE UPDATE OR DELETE ON "audit_checkpoints" FOR EACH ROW EXECUTE FUNCTION audit_checkpoints_append_only()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_checkpoints_no_truncate BEFORE TRUNCATE ON "audit_checkpoints" FOR EACH STATEMENT EXECUTE FUNCTION audit_checkpoints_append_only()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_checkpoints"`);
    await queryRunner.query(`DROP FUNCTION audit_checkpoints_append_only()`);
    await queryRunner.query(`ALTER TABLE "audit_events" DROP COLUMN "client_request_id"`);
  }
}
