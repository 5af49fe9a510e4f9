import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `audit_pending` (issue 20): audit events written by committed changes and not yet placed in
 * the hash chain. AuditService.record inserts here inside the change's own transaction, without
 * the chain's lock; the sequencer (src/audit/audit-sequencer.ts) moves them into `audit_events`
 * after commit, many at a time, under the lock. So a change still commits together with its
 * event (a rollback leaves neither), while the lock is held for one short append per group of
 * commits instead of for every writing transaction until its commit. `pending_seq` is only the
 * order the sequencer takes them in; the columns are those of `audit_events`, same types.
 *
 * The guard refuses UPDATE always, and DELETE and TRUNCATE unless the transaction set
 * `coe.audit_sequencing` to `on` (as the sequencer does). Like the append-only trigger of
 * `audit_events`, it is a speed bump against mistakes and casual edits, not a security
 * boundary: anyone who can run SQL as the application can set the flag too.
 */
export class AuditPending1796600000700 implements MigrationInterface {
  name = 'AuditPending1796600000700';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "audit_pending" (
        "pending_seq" bigserial NOT NULL,
        "id" uuid NOT NULL,
        "occurred_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL,
        "actor_id" uuid,
        "actor_roles" text array NOT NULL DEFAULT '{}',
        "action" text NOT NULL,
        "entity_type" text NOT NULL,
        "entity_id" uuid,
        "reason" text,
        "note" text,
        "request_id" text,
        "client_request_id" text,
        "data" jsonb NOT NULL DEFAULT '{}',
        CONSTRAINT "audit_pending_id_key" UNIQUE ("id"),
        CONSTRAINT "audit_pending_pkey" PRIMARY KEY ("pending_seq"))`);
    await queryRunner.query(`CREATE FUNCTION audit_pending_guard() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'UPDATE' OR current_setting('coe.audit_sequencing', true) IS DISTINCT FROM 'on' THEN
    RAISE EXCEPTION 'audit_pending: % refused outside audit sequencing', TG_OP
      USING ERRCODE = 'insufficient_privilege';
  END IF;
  RETURN NULL;
END $$`);
    // Statement triggers: one check per sequencing batch, not one per event moved.
    await queryRunner.query(
      `CREATE TRIGGER audit_pending_guard_update_delete BEFORE UPDATE OR DELETE ON "audit_pending" FOR EACH STATEMENT EXECUTE FUNCTION audit_pending_guard()`,
    );
    await queryRunner.query(
      `CREATE TRIGGER audit_pending_guard_truncate BEFORE TRUNCATE ON "audit_pending" FOR EACH STATEMENT EXECUTE FUNCTION audit_pending_guard()`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "audit_pending"`);
    await queryRunner.query(`DROP FUNCTION audit_pending_guard()`);
  }
}
