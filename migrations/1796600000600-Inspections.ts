import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Inspection records (issue 19): each check a field inspector's app made of a certificate,
 * uploaded when the device is back online. `client_id` is the id the device made, unique so a
 * repeated upload stores nothing twice; the serial is kept even when no certificate has it (a
 * forged QR is exactly what an inspector must be able to report).
 */
export class Inspections1796600000600 implements MigrationInterface {
  name = 'Inspections1796600000600';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "inspections" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "client_id" uuid NOT NULL, "serial" text NOT NULL, "certificate_id" uuid, "inspector_id" uuid NOT NULL, "checked_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "received_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "verdict" text NOT NULL, "site" text, "note" text, CONSTRAINT "inspections_lengths_check" CHECK (char_length("serial") BETWEEN 1 AND 100 AND char_length("site") <= 200 AND char_length("note") <= 1000), CONSTRAINT "inspections_verdict_check" CHECK ("verdict" IN ('valid', 'expired', 'suspended', 'revoked', 'not_genuine')), CONSTRAINT "inspections_pkey" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "inspections_client_id_key" ON "inspections" ("client_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "inspections_checked_at_idx" ON "inspections" ("checked_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "inspections_serial_idx" ON "inspections" ("serial", "checked_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "inspections_inspector_idx" ON "inspections" ("inspector_id", "checked_at") `,
    );
    await queryRunner.query(
      `ALTER TABLE "inspections" ADD CONSTRAINT "inspections_certificate_fk" FOREIGN KEY ("certificate_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "inspections" ADD CONSTRAINT "inspections_inspector_fk" FOREIGN KEY ("inspector_id") REFERENCES "users"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "inspections"`);
  }
}
