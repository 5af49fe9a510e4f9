import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `GET /certificates?sessionId=` (and an instructor's list, limited to their sessions) pages a
 * session's certificates newest first: found by session, not by scanning the register.
 */
export class CertificateSessionIndex1796406073848 implements MigrationInterface {
  name = 'CertificateSessionIndex1796406073848';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE INDEX "certificates_session_issued_idx" ON "certificates" ("session_id", "issued_at", "id") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."certificates_session_issued_idx"`);
  }
}
