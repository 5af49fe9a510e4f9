import type { EntityManager } from 'typeorm';
import { Course } from '../courses/course.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { hydrate, returningColumns, selectColumns } from '../database/entity-rows.js';
import { queryNamed } from '../database/named-statements.js';
import {
  TRAINEE_RECIPIENT,
  traineeRecipientOf,
  type Recipient,
  type TraineeRecipientRow,
} from '../notifications/recipients.js';
import { Trainee } from '../trainees/trainee.entity.js';
import { Enrolment, type EnrolmentStatus } from './enrolment.entity.js';
import {
  enrolmentFactRowsOf,
  FACTS_OF_ONE_SESSION,
  type EnrolmentFactRows,
} from './enrolment-rules.js';

/**
 * The statements of one enrolment (EnrolmentsService.enrol), each a named statement that does
 * in one round trip what took several: in the enrolment rush every round trip cost both the app
 * and PostgreSQL CPU on a machine they share, and PostgreSQL planned each of TypeORM's unnamed
 * statements anew (bench/README.md). The rules stay where they live: these only read what they
 * look at and write what they decided.
 */

/** The session, its course, the trainee and the enrolment rules' facts, read before any lock. */
export interface EnrolmentCase {
  session: CourseSession | null;
  course: Course | null;
  trainee: Trainee | null;
  facts: EnrolmentFactRows;
  /** Where the trainee's mail about the enrolment goes (null: nowhere to send). */
  address: Recipient | null;
}

let caseStatement: string | undefined;

/** Everything an enrolment decides on, in one statement (no lock taken). */
export async function readEnrolmentCase(
  tx: EntityManager,
  sessionId: string,
  traineeId: string,
  timeZone: string,
): Promise<EnrolmentCase> {
  // $1 trainee, $2 session, $3 time zone: the parameters of FACTS_OF_ONE_SESSION.
  caseStatement ??= `
    SELECT ${selectColumns(tx, CourseSession, 's')}, ${selectColumns(tx, Course, 'c')},
           ${selectColumns(tx, Trainee, 't')}, f.latest, f.missing, f.held,
           ${TRAINEE_RECIPIENT.columns}
      FROM (${FACTS_OF_ONE_SESSION}) f
      LEFT JOIN course_sessions s ON s.id = $2::uuid
      LEFT JOIN courses c ON c.id = s.course_id
      LEFT JOIN trainees t ON t.id = $1::uuid
      ${TRAINEE_RECIPIENT.joins}`;
  const [row] = await queryNamed<Record<string, unknown> & EnrolmentFactRows & TraineeRecipientRow>(
    tx,
    caseStatement,
    [traineeId, sessionId, timeZone],
  );
  return {
    session: hydrate(tx, CourseSession, row, 's'),
    course: hydrate(tx, Course, row, 'c'),
    trainee: hydrate(tx, Trainee, row, 't'),
    facts: enrolmentFactRowsOf(row),
    address: traineeRecipientOf(row),
  };
}

let lockStatement: string | undefined;

/** The session row, locked FOR UPDATE: every change to its seats or line takes it first. */
export async function lockSessionRow(
  tx: EntityManager,
  sessionId: string,
): Promise<CourseSession | null> {
  lockStatement ??= `
    SELECT ${selectColumns(tx, CourseSession, 's')} FROM course_sessions s
     WHERE s.id = $1 FOR UPDATE`;
  const [row] = await queryNamed(tx, lockStatement, [sessionId]);
  return row ? hydrate(tx, CourseSession, row, 's') : null;
}

let insertStatement: string | undefined;

/**
 * Writes the enrolment the seat rule decided, under the session's row lock: with a seat, the
 * session's count goes up (as `increment` did: version and updated_at too); without, the
 * trainee takes the next place in line. One statement.
 */
export async function insertEnrolment(
  tx: EntityManager,
  enrolment: {
    id: string;
    sessionId: string;
    traineeId: string;
    status: Extract<EnrolmentStatus, 'enrolled' | 'waitlisted'>;
    reservedOrganisationId: string | null;
  },
): Promise<Enrolment> {
  insertStatement ??= `
    WITH seat AS (
      UPDATE course_sessions
         SET seats_taken = seats_taken + 1, version = version + 1, updated_at = CURRENT_TIMESTAMP
       WHERE id = $2 AND $4::text = 'enrolled'
      RETURNING id)
    INSERT INTO enrolments (id, session_id, trainee_id, status, waitlist_position,
                            reserved_organisation_id)
    VALUES ($1, $2, $3, $4::text,
            CASE WHEN $4::text = 'waitlisted'
                 THEN (SELECT COALESCE(MAX(waitlist_position), 0) + 1
                         FROM enrolments WHERE session_id = $2)
            END,
            $5)
    RETURNING ${returningColumns(tx, Enrolment, 'e')}`;
  const [row] = await queryNamed(tx, insertStatement, [
    enrolment.id,
    enrolment.sessionId,
    enrolment.traineeId,
    enrolment.status,
    enrolment.reservedOrganisationId,
  ]);
  return hydrate(tx, Enrolment, row, 'e')!;
}
