import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Coordinators (issue 17): an employer's contact belongs to one organisation, whose people
 * they see and nominate. The service requires it for the coordinator role; the index serves
 * "who coordinates for this organisation" and the foreign key keeps an organisation with
 * coordinators from being deleted under them.
 */
export class CoordinatorOrganisation1796600000000 implements MigrationInterface {
  name = 'CoordinatorOrganisation1796600000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" ADD "organisation_id" uuid`);
    await queryRunner.query(
      `CREATE INDEX "users_organisation_idx" ON "users" ("organisation_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_organisation_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_organisation_fk"`);
    await queryRunner.query(`DROP INDEX "public"."users_organisation_idx"`);
    await queryRunner.query(`ALTER TABLE "users" DROP COLUMN "organisation_id"`);
  }
}
