import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The registrar's desk (issue 17): a course may say how many trainees one instructor can
 * supervise (on a demolition range or in a live minefield that is a safety limit, not a
 * preference). Optional: existing courses have no limit.
 */
export class CourseInstructorRatio1796600000300 implements MigrationInterface {
  name = 'CourseInstructorRatio1796600000300';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "courses" ADD "max_trainees_per_instructor" integer`);
    await queryRunner.query(
      `ALTER TABLE "courses" ADD CONSTRAINT "courses_max_trainees_per_instructor_check" CHECK ("max_trainees_per_instructor" > 0)`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE "courses" DROP CONSTRAINT "courses_max_trainees_per_instructor_check"`,
    );
    await queryRunner.query(`ALTER TABLE "courses" DROP COLUMN "max_trainees_per_instructor"`);
  }
}
