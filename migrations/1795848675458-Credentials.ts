import { MigrationInterface, QueryRunner } from 'typeorm';

export class Credentials1795848675458 implements MigrationInterface {
  name = 'Credentials1795848675458';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "signing_keys" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "kid" text NOT NULL, "algorithm" text NOT NULL DEFAULT 'EdDSA', "public_jwk" jsonb NOT NULL, "private_key_encrypted" text NOT NULL, "status" text NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "retired_at" TIMESTAMP(3) WITH TIME ZONE, CONSTRAINT "PK_ab7d78cf6e61dc3904133b4cd55" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "signing_keys_kid_key" ON "signing_keys"  ("kid") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "signing_keys_one_active" ON "signing_keys"  ("status") WHERE status = 'active'`,
    );
    await queryRunner.query(`ALTER TABLE "certificates" ADD "status_list_number" integer NOT NULL`);
    await queryRunner.query(`ALTER TABLE "certificates" ADD "status_list_index" integer NOT NULL`);
    await queryRunner.query(`ALTER TABLE "certificates" ADD "credential_jwt" text NOT NULL`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX "certificates_status_list_key" ON "certificates"  ("status_list_number", "status_list_index") `,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."certificates_status_list_key"`);
    await queryRunner.query(`ALTER TABLE "certificates" DROP COLUMN "credential_jwt"`);
    await queryRunner.query(`ALTER TABLE "certificates" DROP COLUMN "status_list_index"`);
    await queryRunner.query(`ALTER TABLE "certificates" DROP COLUMN "status_list_number"`);
    await queryRunner.query(`DROP INDEX "public"."signing_keys_one_active"`);
    await queryRunner.query(`DROP INDEX "public"."signing_keys_kid_key"`);
    await queryRunner.query(`DROP TABLE "signing_keys"`);
  }
}
