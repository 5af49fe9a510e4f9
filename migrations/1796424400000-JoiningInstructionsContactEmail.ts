import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Mail (issue 16): a session's joining instructions travel in its reminders, and an
 * organisation's contact address receives the weekly digest of its people's expiring
 * certificates. Both optional, so existing rows need nothing.
 */
export class JoiningInstructionsContactEmail1796424400000 implements MigrationInterface {
  name = 'JoiningInstructionsContactEmail1796424400000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "course_sessions" ADD "joining_instructions" text`);
    await queryRunner.query(`ALTER TABLE "organisations" ADD "contact_email" text`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "organisations" DROP COLUMN "contact_email"`);
    await queryRunner.query(`ALTER TABLE "course_sessions" DROP COLUMN "joining_instructions"`);
  }
}
