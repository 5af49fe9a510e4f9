import { MigrationInterface, QueryRunner } from 'typeorm';

export class CertificateStatusIndex1795856066876 implements MigrationInterface {
  name = 'CertificateStatusIndex1795856066876';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "certificates_status_issued_idx" ON "certificates"  ("status", "issued_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."certificates_status_issued_idx"`);
  }
}
