import { SEAT_HOLDING } from '../enrolments/enrolment.entity.js';

/**
 * What `training_seats` must hold, computed from the tables it summarises: one row per
 * seat-holding enrolment of a session that was not cancelled. The triggers of migration
 * TrainingSeats keep the table equal to this (`age_band` is generated from the two dates);
 * a bulk load that bypasses them (the benchmark's COPY) fills the table with TRAINING_SEATS_FILL.
 */
export const TRAINING_SEATS_COLUMNS = [
  'enrolment_id',
  'starts_on',
  'course_id',
  'trainee_id',
  'sex',
  'date_of_birth',
  'organisation_id',
  'country',
  'completed',
  'certified',
] as const;

const seatHolding = SEAT_HOLDING.map((status) => `'${status}'`).join(', ');

export const TRAINING_SEATS_SELECT = `
  SELECT e.id AS enrolment_id, s.starts_on, s.course_id, e.trainee_id, t.sex, t.date_of_birth,
         t.organisation_id, t.nationality AS country, e.status = 'completed' AS completed,
         c.id IS NOT NULL AS certified
    FROM enrolments e
    JOIN course_sessions s ON s.id = e.session_id
    JOIN trainees t ON t.id = e.trainee_id
    LEFT JOIN certificates c ON c.enrolment_id = e.id
   WHERE e.status IN (${seatHolding}) AND s.status <> 'cancelled'`;

/** Fills an empty `training_seats` in one statement. */
export const TRAINING_SEATS_FILL = `
  INSERT INTO training_seats (${TRAINING_SEATS_COLUMNS.join(', ')}) ${TRAINING_SEATS_SELECT}`;
