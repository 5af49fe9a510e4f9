import { MigrationInterface, QueryRunner } from 'typeorm';

export class CatalogueEnrolmentCertificates1795848312739 implements MigrationInterface {
  name = 'CatalogueEnrolmentCertificates1795848312739';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `CREATE TABLE "organisations" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "name" text NOT NULL, "country" character(2) NOT NULL, "type" text NOT NULL, CONSTRAINT "PK_7bf54cba378d5b2f1d4c10ef4df" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE INDEX "organisations_name_idx" ON "organisations"  ("name") `);
    await queryRunner.query(
      `CREATE TABLE "instructors" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "given_name" text NOT NULL, "family_name" text NOT NULL, "email" text NOT NULL, "organisation_id" uuid, CONSTRAINT "PK_95e3da69ca76176ea4ab8435098" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "instructors_email_key" ON "instructors"  ("email") `,
    );
    await queryRunner.query(
      `CREATE TABLE "trainees" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "given_name" text NOT NULL, "family_name" text NOT NULL, "date_of_birth" date NOT NULL, "sex" text NOT NULL, "nationality" character(2) NOT NULL, "organisation_id" uuid, "email" text, "medical_clearance_until" date, "identity_key" text NOT NULL, CONSTRAINT "PK_2bd729692b507a33410dbfc7604" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "trainees_identity_key" ON "trainees"  ("identity_key") `,
    );
    await queryRunner.query(
      `CREATE INDEX "trainees_organisation_idx" ON "trainees"  ("organisation_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "trainees_name_idx" ON "trainees"  ("family_name", "given_name") `,
    );
    await queryRunner.query(
      `CREATE TABLE "courses" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "code" text NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "imas_references" text array NOT NULL DEFAULT '{}', "level" text NOT NULL, "duration_days" integer NOT NULL, "pass_mark" integer NOT NULL, "min_attendance_percent" integer NOT NULL, "validity_months" integer, "renews_course_id" uuid, "requires_medical_clearance" boolean NOT NULL DEFAULT false, "status" text NOT NULL DEFAULT 'draft', CONSTRAINT "PK_3f70a487cc718ad8eda4e6d58c9" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(`CREATE UNIQUE INDEX "courses_code_key" ON "courses"  ("code") `);
    await queryRunner.query(
      `CREATE TABLE "course_sessions" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "course_id" uuid NOT NULL, "starts_on" date NOT NULL, "ends_on" date NOT NULL, "location" text NOT NULL, "language" text NOT NULL, "capacity" integer NOT NULL, "seats_taken" integer NOT NULL DEFAULT '0', "status" text NOT NULL DEFAULT 'planned', CONSTRAINT "course_sessions_seats_check" CHECK ("seats_taken" >= 0 AND "seats_taken" <= "capacity"), CONSTRAINT "course_sessions_capacity_check" CHECK ("capacity" > 0), CONSTRAINT "course_sessions_dates_check" CHECK ("ends_on" >= "starts_on"), CONSTRAINT "PK_5892d51884be5cf1399c00088d4" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "course_sessions_starts_idx" ON "course_sessions"  ("starts_on", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "course_sessions_course_idx" ON "course_sessions"  ("course_id", "starts_on") `,
    );
    await queryRunner.query(
      `CREATE TABLE "enrolments" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "session_id" uuid NOT NULL, "trainee_id" uuid NOT NULL, "status" text NOT NULL, "waitlist_position" integer, "withdrawn_at" TIMESTAMP(3) WITH TIME ZONE, "theory_score" numeric(5,2), "practical_score" numeric(5,2), "attendance_percent" numeric(5,2), "passed" boolean, "assessed_at" TIMESTAMP(3) WITH TIME ZONE, "assessed_by" uuid, CONSTRAINT "enrolments_waitlist_position_key" UNIQUE ("session_id", "waitlist_position") DEFERRABLE INITIALLY DEFERRED, CONSTRAINT "PK_6e79971fbd26967c4da9ed52770" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "enrolments_session_idx" ON "enrolments"  ("session_id", "status") `,
    );
    await queryRunner.query(
      `CREATE INDEX "enrolments_trainee_idx" ON "enrolments"  ("trainee_id", "created_at") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "enrolments_active_key" ON "enrolments"  ("session_id", "trainee_id") WHERE status <> 'withdrawn'`,
    );
    await queryRunner.query(
      `CREATE TABLE "certificates" ("created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', "id" uuid NOT NULL DEFAULT gen_random_uuid(), "serial" text NOT NULL, "trainee_id" uuid NOT NULL, "course_id" uuid NOT NULL, "session_id" uuid, "enrolment_id" uuid, "issued_by" uuid, "issued_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL, "valid_until" date, "status" text NOT NULL DEFAULT 'active', "status_reason" text, "status_note" text, "status_changed_at" TIMESTAMP(3) WITH TIME ZONE, "status_changed_by" uuid, "superseded_by_id" uuid, "imported" boolean NOT NULL DEFAULT false, CONSTRAINT "PK_e4c7e31e2144300bea7d89eb165" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "certificates_serial_key" ON "certificates"  ("serial") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "certificates_enrolment_key" ON "certificates"  ("enrolment_id") WHERE enrolment_id IS NOT NULL`,
    );
    await queryRunner.query(
      `CREATE INDEX "certificates_issued_idx" ON "certificates"  ("issued_at", "id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "certificates_valid_until_idx" ON "certificates"  ("valid_until") `,
    );
    await queryRunner.query(
      `CREATE INDEX "certificates_course_idx" ON "certificates"  ("course_id", "issued_at") `,
    );
    await queryRunner.query(
      `CREATE INDEX "certificates_trainee_idx" ON "certificates"  ("trainee_id", "course_id") `,
    );
    await queryRunner.query(
      `CREATE TABLE "session_instructors" ("session_id" uuid NOT NULL, "instructor_id" uuid NOT NULL, "role" text NOT NULL, "assigned_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_c489ff34e5f0573d13ca4dec5a8" PRIMARY KEY ("session_id", "instructor_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "session_instructors_instructor_idx" ON "session_instructors"  ("instructor_id") `,
    );
    await queryRunner.query(
      `CREATE UNIQUE INDEX "session_instructors_one_lead" ON "session_instructors"  ("session_id") WHERE role = 'lead'`,
    );
    await queryRunner.query(
      `CREATE TABLE "attendance_days" ("enrolment_id" uuid NOT NULL, "day" date NOT NULL, "present" boolean NOT NULL, "recorded_by" uuid, "recorded_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_6ef503e75006d4be4bc9f40b32a" PRIMARY KEY ("enrolment_id", "day"))`,
    );
    await queryRunner.query(
      `CREATE TABLE "qualifications" ("id" uuid NOT NULL DEFAULT gen_random_uuid(), "instructor_id" uuid NOT NULL, "course_id" uuid NOT NULL, "valid_until" date NOT NULL, "created_at" TIMESTAMP(3) WITH TIME ZONE NOT NULL DEFAULT now(), CONSTRAINT "PK_9ed4d526ac3b76ba3f1c1080433" PRIMARY KEY ("id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "qualifications_instructor_course_idx" ON "qualifications"  ("instructor_id", "course_id", "valid_until") `,
    );
    await queryRunner.query(
      `CREATE TABLE "course_prerequisites" ("course_id" uuid NOT NULL, "prerequisite_course_id" uuid NOT NULL, CONSTRAINT "PK_ad5ea8f605a3f9dce29f540612f" PRIMARY KEY ("course_id", "prerequisite_course_id"))`,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_2caff7cd02b6e0bb6f87a7b7ac" ON "course_prerequisites"  ("course_id") `,
    );
    await queryRunner.query(
      `CREATE INDEX "IDX_6a62e500916ac616079b7bc0b3" ON "course_prerequisites"  ("prerequisite_course_id") `,
    );
    await queryRunner.query(
      `ALTER TABLE "instructors" ADD CONSTRAINT "instructors_organisation_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "trainees" ADD CONSTRAINT "trainees_organisation_fk" FOREIGN KEY ("organisation_id") REFERENCES "organisations"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_trainee_fk" FOREIGN KEY ("trainee_id") REFERENCES "trainees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "users" ADD CONSTRAINT "users_instructor_fk" FOREIGN KEY ("instructor_id") REFERENCES "instructors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "courses" ADD CONSTRAINT "courses_renews_course_fk" FOREIGN KEY ("renews_course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "course_sessions" ADD CONSTRAINT "course_sessions_course_fk" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_session_fk" FOREIGN KEY ("session_id") REFERENCES "course_sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "enrolments" ADD CONSTRAINT "enrolments_trainee_fk" FOREIGN KEY ("trainee_id") REFERENCES "trainees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "certificates" ADD CONSTRAINT "certificates_trainee_fk" FOREIGN KEY ("trainee_id") REFERENCES "trainees"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "certificates" ADD CONSTRAINT "certificates_course_fk" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "certificates" ADD CONSTRAINT "certificates_session_fk" FOREIGN KEY ("session_id") REFERENCES "course_sessions"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "certificates" ADD CONSTRAINT "certificates_enrolment_fk" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "certificates" ADD CONSTRAINT "certificates_superseded_by_fk" FOREIGN KEY ("superseded_by_id") REFERENCES "certificates"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_instructors" ADD CONSTRAINT "session_instructors_session_fk" FOREIGN KEY ("session_id") REFERENCES "course_sessions"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_instructors" ADD CONSTRAINT "session_instructors_instructor_fk" FOREIGN KEY ("instructor_id") REFERENCES "instructors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "attendance_days" ADD CONSTRAINT "attendance_days_enrolment_fk" FOREIGN KEY ("enrolment_id") REFERENCES "enrolments"("id") ON DELETE CASCADE ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "qualifications" ADD CONSTRAINT "qualifications_instructor_fk" FOREIGN KEY ("instructor_id") REFERENCES "instructors"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "qualifications" ADD CONSTRAINT "qualifications_course_fk" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE RESTRICT ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `ALTER TABLE "course_prerequisites" ADD CONSTRAINT "course_prerequisites_course_fk" FOREIGN KEY ("course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
    await queryRunner.query(
      `ALTER TABLE "course_prerequisites" ADD CONSTRAINT "course_prerequisites_prerequisite_fk" FOREIGN KEY ("prerequisite_course_id") REFERENCES "courses"("id") ON DELETE CASCADE ON UPDATE CASCADE`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "course_prerequisites" DROP CONSTRAINT "course_prerequisites_prerequisite_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "course_prerequisites" DROP CONSTRAINT "course_prerequisites_course_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "qualifications" DROP CONSTRAINT "qualifications_course_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "qualifications" DROP CONSTRAINT "qualifications_instructor_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "attendance_days" DROP CONSTRAINT "attendance_days_enrolment_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_instructors" DROP CONSTRAINT "session_instructors_instructor_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "session_instructors" DROP CONSTRAINT "session_instructors_session_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "certificates" DROP CONSTRAINT "certificates_superseded_by_fk"`,
    );
    await queryRunner.query(
      `ALTER TABLE "certificates" DROP CONSTRAINT "certificates_enrolment_fk"`,
    );
    await queryRunner.query(`ALTER TABLE "certificates" DROP CONSTRAINT "certificates_session_fk"`);
    await queryRunner.query(`ALTER TABLE "certificates" DROP CONSTRAINT "certificates_course_fk"`);
    await queryRunner.query(`ALTER TABLE "certificates" DROP CONSTRAINT "certificates_trainee_fk"`);
    await queryRunner.query(`ALTER TABLE "enrolments" DROP CONSTRAINT "enrolments_trainee_fk"`);
    await queryRunner.query(`ALTER TABLE "enrolments" DROP CONSTRAINT "enrolments_session_fk"`);
    await queryRunner.query(
      `ALTER TABLE "course_sessions" DROP CONSTRAINT "course_sessions_course_fk"`,
    );
    await queryRunner.query(`ALTER TABLE "courses" DROP CONSTRAINT "courses_renews_course_fk"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_instructor_fk"`);
    await queryRunner.query(`ALTER TABLE "users" DROP CONSTRAINT "users_trainee_fk"`);
    await queryRunner.query(`ALTER TABLE "trainees" DROP CONSTRAINT "trainees_organisation_fk"`);
    await queryRunner.query(
      `ALTER TABLE "instructors" DROP CONSTRAINT "instructors_organisation_fk"`,
    );
    await queryRunner.query(`DROP INDEX "public"."IDX_6a62e500916ac616079b7bc0b3"`);
    await queryRunner.query(`DROP INDEX "public"."IDX_2caff7cd02b6e0bb6f87a7b7ac"`);
    await queryRunner.query(`DROP TABLE "course_prerequisites"`);
    await queryRunner.query(`DROP INDEX "public"."qualifications_instructor_course_idx"`);
    await queryRunner.query(`DROP TABLE "qualifications"`);
    await queryRunner.query(`DROP TABLE "attendance_days"`);
    await queryRunner.query(`DROP INDEX "public"."session_instructors_one_lead"`);
    await queryRunner.query(`DROP INDEX "public"."session_instructors_instructor_idx"`);
    await queryRunner.query(`DROP TABLE "session_instructors"`);
    await queryRunner.query(`DROP INDEX "public"."certificates_trainee_idx"`);
    await queryRunner.query(`DROP INDEX "public"."certificates_course_idx"`);
    await queryRunner.query(`DROP INDEX "public"."certificates_valid_until_idx"`);
    await queryRunner.query(`DROP INDEX "public"."certificates_issued_idx"`);
    await queryRunner.query(`DROP INDEX "public"."certificates_enrolment_key"`);
    await queryRunner.query(`DROP INDEX "public"."certificates_serial_key"`);
    await queryRunner.query(`DROP TABLE "certificates"`);
    await queryRunner.query(`DROP INDEX "public"."enrolments_active_key"`);
    await queryRunner.query(`DROP INDEX "public"."enrolments_trainee_idx"`);
    await queryRunner.query(`DROP INDEX "public"."enrolments_session_idx"`);
    await queryRunner.query(`DROP TABLE "enrolments"`);
    await queryRunner.query(`DROP INDEX "public"."course_sessions_course_idx"`);
    await queryRunner.query(`DROP INDEX "public"."course_sessions_starts_idx"`);
    await queryRunner.query(`DROP TABLE "course_sessions"`);
    await queryRunner.query(`DROP INDEX "public"."courses_code_key"`);
    await queryRunner.query(`DROP TABLE "courses"`);
    await queryRunner.query(`DROP INDEX "public"."trainees_name_idx"`);
    await queryRunner.query(`DROP INDEX "public"."trainees_organisation_idx"`);
    await queryRunner.query(`DROP INDEX "public"."trainees_identity_key"`);
    await queryRunner.query(`DROP TABLE "trainees"`);
    await queryRunner.query(`DROP INDEX "public"."instructors_email_key"`);
    await queryRunner.query(`DROP TABLE "instructors"`);
    await queryRunner.query(`DROP INDEX "public"."organisations_name_idx"`);
    await queryRunner.query(`DROP TABLE "organisations"`);
  }
}
