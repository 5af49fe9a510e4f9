import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Credentials from other centres (issue 18): the trusted issuers an administrator keeps (a
 * did:key or a stored JWKS, and the hosts their status lists may be fetched from), and the
 * recognitions recorded against trainees: a verified credential of a trusted issuer accepted as
 * satisfying one of our courses until its own validUntil, or until its issuer revokes or
 * suspends it (state `ended` with the reason). What a trainee or coordinator presents waits
 * (`pending`) for a registrar. Removing an issuer keeps its recognitions (the
 * issuer's name is copied onto them); the next status check ends them.
 */
export class TrustedIssuersRecognitions1796600000530 implements MigrationInterface {
  name = 'TrustedIssuersRecognitions1796600000530';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "trusted_issuers" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "country" character(2) NOT NULL, "did" text, "jwks_url" text, "jwks" jsonb, "status_list_hosts" text array NOT NULL DEFAULT '{}', CONSTRAINT "trusted_issuers_keys_check" CHECK ("did" IS NOT NULL OR "jwks" IS NOT NULL), CONSTRAINT "trusted_issuers_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "trusted_issuers_did_key" ON "trusted_issuers" ("did") `,
    );
    await queryRunner.query(
      `CREATE TABLE "recognitions" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "trainee_id" uuid NOT NULL, "course_id" uuid NOT NULL, "trusted_issuer_id" uuid, "issuer_name" text NOT NULL, "issuer_ref" text NOT NULL, "credential_format" text NOT NULL, "credential" jsonb NOT NULL, "credential_id" text, "valid_from" TIMESTAMP(3) WITH TIME ZONE, "valid_until" TIMESTAMP(3) WITH TIME ZONE, "state" text NOT NULL DEFAULT 'active', "presented_by" uuid, "presented_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "note" text NOT NULL, "decided_by" uuid, "decided_at" TIMESTAMP(3) WITH TIME ZONE, "decision_note" text, "status_checked_at" TIMESTAMP(3) WITH TIME ZONE, "ended_at" TIMESTAMP(3) WITH TIME ZONE, "end_reason" text, CONSTRAINT "recognitions_decided_check" CHECK (("state" = 'pending') = ("decided_at" IS NULL)), CONSTRAINT "recognitions_ended_check" CHECK (("state" = 'ended') = ("ended_at" IS NOT NULL AND "end_reason" IS NOT NULL)), CONSTRAINT "recognitions_state_check" CHECK ("state" IN ('pending', 'active', 'ended')), CONSTRAINT "recognitions_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "recognitions_trainee_course_idx" ON "recognitions" ("trainee_id", "course_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "recognitions" ADD CONSTRAINT "recognitions_trainee_fk" FOREIGN KEY ("trainee_id") REFERENCES "trainees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "recognitions" ADD CONSTRAINT "recognitions_course_fk" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "recognitions" ADD CONSTRAINT "recognitions_trusted_issuer_fk" FOREIGN KEY ("trusted_issuer_id") REFERENCES "trusted_issuers"("id") ON DELETE SET NULL ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "recognitions"`);
    await queryRunner.query(`DROP TABLE "trusted_issuers"`);
  }
}
