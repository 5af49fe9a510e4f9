import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * PostgreSQL announces committed changes that instances cache against (see
 * src/database/change-feed.ts): a NOTIFY is delivered only when its transaction commits, to
 * every listening instance, so a revocation through one instance reaches the caches of all.
 * Payloads are `<topic>:<key>`; `all:*` means "forget everything" (TRUNCATE).
 */
export class ChangeNotifications1795900000000 implements MigrationInterface {
  name = 'ChangeNotifications1795900000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // What a verification shows of a certificate; filling in its Data Integrity form is silent.
    await queryRunner.query(`
      CREATE FUNCTION coe_notify_certificate_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          PERFORM pg_notify('coe_changes', 'certificate:' || OLD.serial);
        ELSIF (OLD.serial, OLD.status, OLD.status_reason, OLD.valid_until, OLD.issued_at,
               OLD.trainee_id, OLD.course_id)
              IS DISTINCT FROM
              (NEW.serial, NEW.status, NEW.status_reason, NEW.valid_until, NEW.issued_at,
               NEW.trainee_id, NEW.course_id) THEN
          PERFORM pg_notify('coe_changes', 'certificate:' || OLD.serial);
          IF NEW.serial <> OLD.serial THEN
            PERFORM pg_notify('coe_changes', 'certificate:' || NEW.serial);
          END IF;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER certificates_notify_change AFTER UPDATE OR DELETE ON certificates
        FOR EACH ROW EXECUTE FUNCTION coe_notify_certificate_change()`);

    // The holder's name and the course's code and title appear in every verification.
    await queryRunner.query(`
      CREATE FUNCTION coe_notify_trainee_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR (OLD.given_name, OLD.family_name)
             IS DISTINCT FROM (NEW.given_name, NEW.family_name) THEN
          PERFORM pg_notify('coe_changes', 'trainee:' || OLD.id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER trainees_notify_change AFTER UPDATE OR DELETE ON trainees
        FOR EACH ROW EXECUTE FUNCTION coe_notify_trainee_change()`);
    await queryRunner.query(`
      CREATE FUNCTION coe_notify_course_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR (OLD.code, OLD.title) IS DISTINCT FROM (NEW.code, NEW.title) THEN
          PERFORM pg_notify('coe_changes', 'course:' || OLD.id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER courses_notify_change AFTER UPDATE OR DELETE ON courses
        FOR EACH ROW EXECUTE FUNCTION coe_notify_course_change()`);

    // A rotation elsewhere must end this instance's signing with the retired key at once.
    await queryRunner.query(`
      CREATE FUNCTION coe_notify_signing_key_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('coe_changes', 'signing_key:*');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER signing_keys_notify_change
        AFTER INSERT OR UPDATE OR DELETE OR TRUNCATE ON signing_keys
        FOR EACH STATEMENT EXECUTE FUNCTION coe_notify_signing_key_change()`);

    await queryRunner.query(`
      CREATE FUNCTION coe_notify_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('coe_changes', 'all:*');
        RETURN NULL;
      END $$`);
    for (const table of ['certificates', 'trainees', 'courses']) {
      await queryRunner.query(`
        CREATE TRIGGER ${table}_notify_truncate AFTER TRUNCATE ON ${table}
          FOR EACH STATEMENT EXECUTE FUNCTION coe_notify_truncate()`);
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const table of ['certificates', 'trainees', 'courses']) {
      await queryRunner.query(`DROP TRIGGER ${table}_notify_truncate ON ${table}`);
    }
    await queryRunner.query('DROP FUNCTION coe_notify_truncate()');
    await queryRunner.query('DROP TRIGGER signing_keys_notify_change ON signing_keys');
    await queryRunner.query('DROP FUNCTION coe_notify_signing_key_change()');
    await queryRunner.query('DROP TRIGGER courses_notify_change ON courses');
    await queryRunner.query('DROP FUNCTION coe_notify_course_change()');
    await queryRunner.query('DROP TRIGGER trainees_notify_change ON trainees');
    await queryRunner.query('DROP FUNCTION coe_notify_trainee_change()');
    await queryRunner.query('DROP TRIGGER certificates_notify_change ON certificates');
    await queryRunner.query('DROP FUNCTION coe_notify_certificate_change()');
  }
}
