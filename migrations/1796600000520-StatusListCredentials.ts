import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The signed status list credentials as last published (issue 18). A list is re-signed only when
 * its bits (or the key that signs it) change, so its `validFrom`, `iat` and ETag stay the same
 * between changes; keeping the signed document here, rather than in one instance's memory, lets
 * every instance serve the same bytes. One row per published URL (each form's list, and the
 * Data Integrity lists once per signing key).
 */
export class StatusListCredentials1796600000520 implements MigrationInterface {
  name = 'StatusListCredentials1796600000520';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE "status_list_credentials" (
        "url" text PRIMARY KEY,
        "format" text NOT NULL CHECK ("format" IN ('vc+jwt', 'data-integrity')),
        "kid" text NOT NULL,
        "content_hash" text NOT NULL,
        "document" text NOT NULL,
        "signed_at" timestamptz NOT NULL
      )`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query('DROP TABLE "status_list_credentials"');
  }
}
