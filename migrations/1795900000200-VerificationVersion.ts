import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A committed version of "what verifications show", so an instance can tell whether it has
 * heard of every change committed so far (src/credentials/verification-cache.ts): each
 * transaction that changes a certificate's status, reason or dates, a holder's name or a
 * course's title moves it on by one at commit and announces `version:<n>` after its own
 * announcements (see ChangeNotifications). Deferred triggers run at commit, after every
 * statement, and the row lock on the counter holds until commit, so versions follow commit
 * order and each marker comes after the changes it covers.
 */
export class VerificationVersion1795900000200 implements MigrationInterface {
  name = 'VerificationVersion1795900000200';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE change_versions (
        topic text PRIMARY KEY,
        version bigint NOT NULL,
        changed_by xid8
      )`);
    await queryRunner.query(
      `INSERT INTO change_versions (topic, version) VALUES ('verification', 0)`,
    );
    // Once per transaction: later calls in the same transaction find their own step taken.
    await queryRunner.query(`
      CREATE FUNCTION coe_step_verification_version() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        stepped bigint;
      BEGIN
        UPDATE change_versions SET version = version + 1, changed_by = pg_current_xact_id()
         WHERE topic = 'verification' AND changed_by IS DISTINCT FROM pg_current_xact_id()
        RETURNING version INTO stepped;
        IF stepped IS NOT NULL THEN
          PERFORM pg_notify('coe_changes', 'version:' || stepped);
        END IF;
        RETURN NULL;
      END $$`);
    const certificateChanged = `(OLD.serial, OLD.status, OLD.status_reason, OLD.valid_until,
        OLD.issued_at, OLD.trainee_id, OLD.course_id) IS DISTINCT FROM (NEW.serial, NEW.status,
        NEW.status_reason, NEW.valid_until, NEW.issued_at, NEW.trainee_id, NEW.course_id)`;
    const triggers: [string, string, string][] = [
      ['certificates', 'UPDATE', certificateChanged],
      ['certificates', 'DELETE', 'true'],
      [
        'trainees',
        'UPDATE',
        '(OLD.given_name, OLD.family_name) IS DISTINCT FROM (NEW.given_name, NEW.family_name)',
      ],
      ['trainees', 'DELETE', 'true'],
      ['courses', 'UPDATE', '(OLD.code, OLD.title) IS DISTINCT FROM (NEW.code, NEW.title)'],
      ['courses', 'DELETE', 'true'],
    ];
    for (const [table, event, when] of triggers) {
      await queryRunner.query(`
        CREATE CONSTRAINT TRIGGER ${table}_${event.toLowerCase()}_verification_version
          AFTER ${event} ON ${table} DEFERRABLE INITIALLY DEFERRED
          FOR EACH ROW WHEN (${when})
          EXECUTE FUNCTION coe_step_verification_version()`);
    }
    // TRUNCATE (tests) is announced as "all:*" at once; its version marker follows it.
    await queryRunner.query(`
      CREATE FUNCTION coe_step_verification_version_now() RETURNS trigger LANGUAGE plpgsql AS $$
      DECLARE
        stepped bigint;
      BEGIN
        -- changed_by is left alone: a later change in the same transaction still steps at commit.
        UPDATE change_versions SET version = version + 1 WHERE topic = 'verification'
        RETURNING version INTO stepped;
        PERFORM pg_notify('coe_changes', 'version:' || stepped);
        RETURN NULL;
      END $$`);
    for (const table of ['certificates', 'trainees', 'courses']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_truncate_verification_version AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION coe_step_verification_version_now()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['certificates', 'trainees', 'courses']) {
      await queryRunner.query(`DROP TRIGGER ${table}_truncate_verification_version ON ${table}`);
      for (const event of ['update', 'delete']) {
        await queryRunner.query(`DROP TRIGGER ${table}_${event}_verification_version ON ${table}`);
      }
    }
    await queryRunner.query('DROP FUNCTION coe_step_verification_version_now()');
    await queryRunner.query('DROP FUNCTION coe_step_verification_version()');
    await queryRunner.query('DROP TABLE change_versions');
  }
}
