import { MigrationInterface, QueryRunner } from 'typeorm';

export class DataIntegrityCredentials1795850280221 implements MigrationInterface {
  name = 'DataIntegrityCredentials1795850280221';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "certificates" ADD "credential_data_integrity" jsonb`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "certificates" DROP COLUMN "credential_data_integrity"`);
  }
}
