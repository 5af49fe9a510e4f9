import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Reserved seats (issue 17): seats of a session kept for organisations' nominees until
 * `course_sessions.reservations_end_on`, and on each enrolment the organisation whose reserved
 * seat it holds (null for a general seat), so the seats taken against each reservation are
 * counted from the enrolments. The seat rule is src/enrolments/seat-rule.ts.
 */
export class ReservedSeats1796600000100 implements MigrationInterface {
  name = 'ReservedSeats1796600000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "session_reservations" ("session_id" uuid NOT NULL, "organisation_id" uuid NOT NULL, "seats" integer NOT NULL, CONSTRAINT "session_reservations_seats_check" CHECK ("seats" > 0), CONSTRAINT "session_reservations_pkey" PRIMARY KEY ("session_id", "organisation_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "session_reservations_organisation_idx" ON "session_reservations" ("organisation_id")`,
    );
    await queryRunner.query(`ALTER TABLE "course_sessions" ADD "reservations_end_on" date`);
    await queryRunner.query(`ALTER TABLE "enrolments" ADD "reserved_organisation_id" uuid`);
    await queryRunner.query(
      `ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_reserved_organisation_fk" FOREIGN KEY ("reserved_organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_reservations" ADD CONSTRAINT "session_reservations_session_fk" FOREIGN KEY ("session_id") REFERENCES "course_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_reservations" ADD CONSTRAINT "session_reservations_organisation_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "enrolments" DROP CONSTRAINT "enrolments_reserved_organisation_fk"`,
    );
    await queryRunner.query(`ALTER TABLE "enrolments" DROP COLUMN "reserved_organisation_id"`);
    await queryRunner.query(`ALTER TABLE "course_sessions" DROP COLUMN "reservations_end_on"`);
    await queryRunner.query(`DROP TABLE "session_reservations"`);
  }
}
