import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Trainees' identity documents (passport, national id card, military id) and phones (issue 17).
 * One card belongs to one person: (number, type) is unique, the number first so a search by
 * number alone uses the index. The public verification page may show the last four characters
 * of the number, so a change of number must evict cached verifications like a change of name:
 * the trainee change announcement and the verification version now watch the number too.
 */
export class TraineeIdentityDocuments1796600000400 implements MigrationInterface {
  name = 'TraineeIdentityDocuments1796600000400';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      ALTER TABLE "trainees"
        ADD "phone" text,
        ADD "identity_document_type" text,
        ADD "identity_document_number" text,
        ADD CONSTRAINT "trainees_identity_document_check" CHECK (("identity_document_type" IS NULL) = ("identity_document_number" IS NULL) AND ("identity_document_type" IS NULL OR "identity_document_type" IN ('passport', 'national_id', 'military_id')))`);
    await queryRunner.query(`
      CREATE UNIQUE INDEX "trainees_identity_document_key"
        ON "trainees" ("identity_document_number", "identity_document_type")`);
    await this.watch(queryRunner, ['given_name', 'family_name', 'identity_document_number']);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await this.watch(queryRunner, ['given_name', 'family_name']);
    await queryRunner.query(`DROP INDEX "trainees_identity_document_key"`);
    await queryRunner.query(`
      ALTER TABLE "trainees"
        DROP CONSTRAINT "trainees_identity_document_check",
        DROP COLUMN "identity_document_number",
        DROP COLUMN "identity_document_type",
        DROP COLUMN "phone"`);
  }

  /** The trainee columns whose change verification shows (see ChangeNotifications, VerificationVersion). */
  private async watch(queryRunner: QueryRunner, columns: string[]): Promise<void> {
    const old = columns.map((c) => `OLD.${c}`).join(', ');
    const now = columns.map((c) => `NEW.${c}`).join(', ');
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION coe_notify_trainee_change() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' OR (${old}) IS DISTINCT FROM (${now}) THEN
          PERFORM pg_notify('coe_changes', 'trainee:' || OLD.id);
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query('DROP TRIGGER trainees_update_verification_version ON trainees');
    await queryRunner.query(`
      CREATE CONSTRAINT TRIGGER trainees_update_verification_version
        AFTER UPDATE ON trainees DEFERRABLE INITIALLY DEFERRED
        FOR EACH ROW WHEN ((${old}) IS DISTINCT FROM (${now}))
        EXECUTE FUNCTION coe_step_verification_version()`);
  }
}
