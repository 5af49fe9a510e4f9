import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Course titles, descriptions and level names in Azerbaijani and Russian (issue 17), as one jsonb
 * value on the course: `{"az": {"title": ..., "description": ..., "level": ...}, "ru": {...}}`
 * (every part optional; the shape is checked by the API's DTO). The verification page shows the
 * title in the reader's language, so a change of translations must evict cached verifications
 * like a change of title: the course change announcement and the verification version now watch
 * the translations too.
 */
export class CourseTranslations1796600000410 implements MigrationInterface {
  name = 'CourseTranslations1796600000410';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "courses" ADD "translations" jsonb NOT NULL DEFAULT '{}'`);
    await this.watch(queryRunner, ['code', 'title', 'translations']);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await this.watch(queryRunner, ['code', 'title']);
    await queryRunner.query(`ALTER TABLE "courses" DROP COLUMN "translations"`);
  }

  /** The course columns whose change verification shows (see ChangeNotifications, VerificationVersion). */
  private async watch(queryRunner: QueryRunner, columns: string[]): Promise<void> {
    const old = columns.map((c) => `OLD.${c}`).join(', ');
    const now = columns.map((c) => `NEW.${c}`).join(', ');
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION coe_notify_course_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR (${old}) IS DISTINCT FROM (${now}) THEN
          PERFORM pg_notify('coe_changes', 'course:' || OLD.id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query('DROP TRIGGER courses_update_verification_version ON courses');
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER courses_update_verification_version
        AFTER UPDATE ON courses DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN ((${old}) IS DISTINCT FROM (${now}))
        EXECUTE FUNCTION coe_step_verification_version()`);
  }
}
