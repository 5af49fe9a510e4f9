import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Announces what the access guard keeps in memory (src/auth/signed-in-users.ts): an account's
 * roles, links, e-mail and whether it is disabled, and whether a sign-in session is still open.
 * Like the verification cache's announcements (ChangeNotifications, VerificationVersion): a
 * notice per changed row (`user:<id>`, `session:<id>`), delivered at commit, and the committed
 * version stepped once per transaction, so an instance serves a signed-in user from memory only
 * once it has heard of every sign-out, disabling or change of roles committed before the request.
 */
export class AccessChangeNotifications1796600000900 implements MigrationInterface {
  name = 'AccessChangeNotifications1796600000900';

  public async up(queryRunner: QueryRunner): Promise<void> {
    const userChanged = `(OLD.email, OLD.roles, OLD.trainee_id, OLD.instructor_id,
        OLD.organisation_id, OLD.disabled) IS DISTINCT FROM (NEW.email, NEW.roles,
        NEW.trainee_id, NEW.instructor_id, NEW.organisation_id, NEW.disabled)`;
    const sessionChanged = `(OLD.user_id, OLD.revoked_at) IS DISTINCT FROM (NEW.user_id, NEW.revoked_at)`;
    // `<topic>:<id>` for the changed row; the topic is the trigger's argument.
    await queryRunner.query(`
      CREATE FUNCTION coe_notify_row_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('coe_changes', TG_ARGV[0] || ':' || OLD.id);
        RETURN NULL;
      END $$`);
    for (const [table, topic, changed] of [
      ['users', 'user', userChanged],
      ['auth_sessions', 'session', sessionChanged],
    ]) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_notify_update AFTER UPDATE ON ${table}
          FOR EACH ROW WHEN (${changed}) EXECUTE FUNCTION coe_notify_row_change('${topic}')`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_notify_delete AFTER DELETE ON ${table}
          FOR EACH ROW EXECUTE FUNCTION coe_notify_row_change('${topic}')`);
      // At commit, after the notices above (functions from VerificationVersion).
      for (const [event, when] of [
        ['UPDATE', changed],
        ['DELETE', 'true'],
      ]) {
        await queryRunner.query(`
          CREATE CONSTRAINT TRIGGER ${table}_${event.toLowerCase()}_verification_version
            AFTER ${event} ON ${table} DEFERRABLE INITIALLY DEFERRED
            FOR EACH ROW WHEN (${when}) EXECUTE FUNCTION coe_step_verification_version()`);
      }
      await queryRunner.query(`
        CREATE TRIGGER ${table}_notify_truncate AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION coe_notify_truncate()`);
      await queryRunner.query(`
        CREATE TRIGGER ${table}_truncate_verification_version AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION coe_step_verification_version_now()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['auth_sessions', 'users']) {
      for (const trigger of [
        'truncate_verification_version',
        'notify_truncate',
        'delete_verification_version',
        'update_verification_version',
        'notify_delete',
        'notify_update',
      ]) {
        await queryRunner.query(`DROP TRIGGER ${table}_${trigger} ON ${table}`);
      }
    }
    await queryRunner.query('DROP FUNCTION coe_notify_row_change()');
  }
}
