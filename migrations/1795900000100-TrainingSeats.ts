import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * `training_seats`: one narrow row per seat-holding enrolment of a session that was not
 * cancelled, holding exactly what the training report groups and filters by, so the report
 * aggregates one table instead of joining six (seconds at a million certificates).
 *
 * Triggers keep it exact in the same transaction as the change. Each trigger writes only the
 * columns its own table decides, from its NEW row, so simultaneous changes to a trainee, a
 * session, an enrolment and a certificate compose: an UPDATE blocked on a row PostgreSQL has
 * just changed is re-applied to the latest version. A row that enters the table is read with
 * FOR SHARE on what it copies, so it waits for a concurrent change to them and copies the
 * committed values. The age band is a generated column of the two dates it depends on, so a
 * new date of birth and a new start date arriving together still give the right band.
 *
 * No foreign key to enrolments: it would make `TRUNCATE enrolments, certificates` fail (a
 * referenced table can only be truncated with its referencing tables named or CASCADE); the
 * DELETE and TRUNCATE triggers remove the rows instead.
 *
 * The definition is frozen here; src/reports/training-seats.query.ts holds the current one
 * (the benchmark's bulk fill, and the tests that compare the table with it).
 */
const SEAT_HOLDING = "('enrolled', 'completed', 'failed')";

const COLUMNS = `enrolment_id, starts_on, course_id, trainee_id, sex, date_of_birth,
  organisation_id, country, completed, certified`;

/** The rows the table must hold (with `extra` narrowing them down). */
const seats = (extra = '') => `
  SELECT e.id, s.starts_on, s.course_id, e.trainee_id, t.sex, t.date_of_birth,
         t.organisation_id, t.nationality, e.status = 'completed', c.id IS NOT NULL
    FROM enrolments e
    JOIN course_sessions s ON s.id = e.session_id
    JOIN trainees t ON t.id = e.trainee_id
    LEFT JOIN certificates c ON c.enrolment_id = e.id
   WHERE e.status IN ${SEAT_HOLDING} AND s.status <> 'cancelled' ${extra}`;

export class TrainingSeats1795900000100 implements MigrationInterface {
  name = 'TrainingSeats1795900000100';

  public async up(queryRunner: QueryRunner): Promise<void> {
    // What the report reads comes first: a row is decoded only up to the last column used
    // (a fifth faster at a million rows). The age band: whole years at the session's first
    // day, as age() counts them (29 February too), on timestamps without time zone so the
    // band never depends on the session's TimeZone.
    await queryRunner.query(`
      CREATE TABLE training_seats (
        starts_on date NOT NULL,
        age_band smallint NOT NULL GENERATED ALWAYS AS ((width_bucket(
          date_part('year', age(starts_on::timestamp, date_of_birth::timestamp)),
          ARRAY[18, 25, 35, 50]::double precision[]) + 1)::smallint) STORED,
        completed boolean NOT NULL,
        certified boolean NOT NULL,
        course_id uuid NOT NULL,
        organisation_id uuid,
        sex text NOT NULL,
        country character(2) NOT NULL,
        date_of_birth date NOT NULL,
        trainee_id uuid NOT NULL,
        enrolment_id uuid NOT NULL
      )`);

    await queryRunner.query(`
      CREATE FUNCTION coe_training_seats_enrolment() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP = 'DELETE' THEN
          DELETE FROM training_seats WHERE enrolment_id = OLD.id;
          RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' AND OLD.status IN ${SEAT_HOLDING} AND NEW.status IN ${SEAT_HOLDING}
           AND OLD.session_id = NEW.session_id AND OLD.trainee_id = NEW.trainee_id THEN
          -- Still in its seat (assessed, or assessed again): only the outcome changes.
          UPDATE training_seats SET completed = (NEW.status = 'completed')
           WHERE enrolment_id = NEW.id;
          RETURN NULL;
        END IF;
        IF TG_OP = 'UPDATE' THEN
          DELETE FROM training_seats WHERE enrolment_id = OLD.id;
        END IF;
        IF NEW.status IN ${SEAT_HOLDING} THEN
          INSERT INTO training_seats (${COLUMNS})
            ${seats('AND e.id = NEW.id FOR SHARE OF s, t')};
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER enrolments_training_seats_insert AFTER INSERT ON enrolments
        FOR EACH ROW WHEN (NEW.status IN ${SEAT_HOLDING})
        EXECUTE FUNCTION coe_training_seats_enrolment()`);
    // Waiting-list moves and scores alone (other columns) never reach the function.
    await queryRunner.query(`
      CREATE TRIGGER enrolments_training_seats_update
        AFTER UPDATE OF status, session_id, trainee_id ON enrolments
        FOR EACH ROW WHEN (
          (OLD.status IN ${SEAT_HOLDING} OR NEW.status IN ${SEAT_HOLDING})
          AND (OLD.status, OLD.session_id, OLD.trainee_id)
              IS DISTINCT FROM (NEW.status, NEW.session_id, NEW.trainee_id))
        EXECUTE FUNCTION coe_training_seats_enrolment()`);
    await queryRunner.query(`
      CREATE TRIGGER enrolments_training_seats_delete AFTER DELETE ON enrolments
        FOR EACH ROW WHEN (OLD.status IN ${SEAT_HOLDING})
        EXECUTE FUNCTION coe_training_seats_enrolment()`);

    // At most one certificate per enrolment (certificates_enrolment_key), so a flag suffices.
    // Locking the enrolment orders this after (or before) a change that re-adds its row.
    await queryRunner.query(`
      CREATE FUNCTION coe_training_seats_certificate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_OP <> 'INSERT' AND OLD.enrolment_id IS NOT NULL THEN
          PERFORM 1 FROM enrolments WHERE id = OLD.enrolment_id FOR NO KEY UPDATE;
          UPDATE training_seats SET certified = false WHERE enrolment_id = OLD.enrolment_id;
        END IF;
        IF TG_OP <> 'DELETE' AND NEW.enrolment_id IS NOT NULL THEN
          PERFORM 1 FROM enrolments WHERE id = NEW.enrolment_id FOR NO KEY UPDATE;
          UPDATE training_seats SET certified = true WHERE enrolment_id = NEW.enrolment_id;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER certificates_training_seats_insert AFTER INSERT ON certificates
        FOR EACH ROW WHEN (NEW.enrolment_id IS NOT NULL)
        EXECUTE FUNCTION coe_training_seats_certificate()`);
    await queryRunner.query(`
      CREATE TRIGGER certificates_training_seats_update AFTER UPDATE OF enrolment_id ON certificates
        FOR EACH ROW WHEN (OLD.enrolment_id IS DISTINCT FROM NEW.enrolment_id)
        EXECUTE FUNCTION coe_training_seats_certificate()`);
    await queryRunner.query(`
      CREATE TRIGGER certificates_training_seats_delete AFTER DELETE ON certificates
        FOR EACH ROW WHEN (OLD.enrolment_id IS NOT NULL)
        EXECUTE FUNCTION coe_training_seats_certificate()`);

    await queryRunner.query(`
      CREATE FUNCTION coe_training_seats_trainee() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        UPDATE training_seats
           SET sex = NEW.sex, date_of_birth = NEW.date_of_birth,
               organisation_id = NEW.organisation_id, country = NEW.nationality
         WHERE trainee_id = NEW.id;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER trainees_training_seats
        AFTER UPDATE OF sex, date_of_birth, organisation_id, nationality ON trainees
        FOR EACH ROW WHEN (
          (OLD.sex, OLD.date_of_birth, OLD.organisation_id, OLD.nationality)
          IS DISTINCT FROM (NEW.sex, NEW.date_of_birth, NEW.organisation_id, NEW.nationality))
        EXECUTE FUNCTION coe_training_seats_trainee()`);

    // A cancelled session never ran: its seats leave the table, and come back if it is
    // reinstated (the API never does; a correction in SQL might).
    await queryRunner.query(`
      CREATE FUNCTION coe_training_seats_session() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF NEW.status = 'cancelled' AND OLD.status <> 'cancelled' THEN
          DELETE FROM training_seats ts USING enrolments e
           WHERE e.session_id = NEW.id AND ts.enrolment_id = e.id;
        ELSIF OLD.status = 'cancelled' AND NEW.status <> 'cancelled' THEN
          INSERT INTO training_seats (${COLUMNS})
            ${seats('AND e.session_id = NEW.id FOR SHARE OF e, t')};
        ELSIF NEW.status <> 'cancelled' THEN
          UPDATE training_seats ts SET starts_on = NEW.starts_on, course_id = NEW.course_id
            FROM enrolments e
           WHERE e.session_id = NEW.id AND ts.enrolment_id = e.id;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER course_sessions_training_seats
        AFTER UPDATE OF starts_on, status, course_id ON course_sessions
        FOR EACH ROW WHEN (
          (OLD.starts_on, OLD.course_id) IS DISTINCT FROM (NEW.starts_on, NEW.course_id)
          OR (OLD.status = 'cancelled') <> (NEW.status = 'cancelled'))
        EXECUTE FUNCTION coe_training_seats_session()`);

    // Trainees and sessions cannot be truncated without enrolments (foreign keys), so these
    // two cover every TRUNCATE that can succeed.
    await queryRunner.query(`
      CREATE FUNCTION coe_training_seats_truncate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF TG_TABLE_NAME = 'enrolments' THEN
          TRUNCATE training_seats;
        ELSE
          UPDATE training_seats SET certified = false WHERE certified;
        END IF;
        RETURN NULL;
      END $$`);
    await queryRunner.query(`
      CREATE TRIGGER enrolments_training_seats_truncate AFTER TRUNCATE ON enrolments
        FOR EACH STATEMENT EXECUTE FUNCTION coe_training_seats_truncate()`);
    await queryRunner.query(`
      CREATE TRIGGER certificates_training_seats_truncate AFTER TRUNCATE ON certificates
        FOR EACH STATEMENT EXECUTE FUNCTION coe_training_seats_truncate()`);

    // Filled last: creating the triggers locked the four tables against writes until this
    // migration commits, so no change can fall between the fill and the triggers. Indexed
    // after the fill: one sort per index instead of a million insertions.
    await queryRunner.query(`INSERT INTO training_seats (${COLUMNS}) ${seats()}`);
    await queryRunner.query(
      `ALTER TABLE training_seats ADD CONSTRAINT training_seats_pkey PRIMARY KEY (enrolment_id)`,
    );
    // For the trainee trigger, and for reports over a short period.
    await queryRunner.query(
      `CREATE INDEX training_seats_trainee_idx ON training_seats (trainee_id)`,
    );
    await queryRunner.query(`CREATE INDEX training_seats_starts_idx ON training_seats (starts_on)`);
    await queryRunner.query(`ANALYZE training_seats`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    for (const [trigger, table] of [
      ['certificates_training_seats_truncate', 'certificates'],
      ['enrolments_training_seats_truncate', 'enrolments'],
      ['course_sessions_training_seats', 'course_sessions'],
      ['trainees_training_seats', 'trainees'],
      ['certificates_training_seats_delete', 'certificates'],
      ['certificates_training_seats_update', 'certificates'],
      ['certificates_training_seats_insert', 'certificates'],
      ['enrolments_training_seats_delete', 'enrolments'],
      ['enrolments_training_seats_update', 'enrolments'],
      ['enrolments_training_seats_insert', 'enrolments'],
    ]) {
      await queryRunner.query(`DROP TRIGGER ${trigger} ON ${table}`);
    }
    for (const fn of ['truncate', 'session', 'trainee', 'certificate', 'enrolment']) {
      await queryRunner.query(`DROP FUNCTION coe_training_seats_${fn}()`);
    }
    await queryRunner.query(`DROP TABLE training_seats`);
  }
}
