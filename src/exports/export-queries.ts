import { effectiveStatusSql } from '../certifications/certificate-status.js';
import type { CsvCell } from '../reports/csv.js';

export const EXPORT_KINDS = ['trainees', 'certificates', 'enrolments'] as const;
export type ExportKind = (typeof EXPORT_KINDS)[number];

/**
 * One export: its header (api.md field names, so an export can be imported again and counts
 * as unchanged), the query, and how a row becomes cells. A query that `usesCalendar` takes
 * today in the Center's time zone as `$1` and the zone as `$2`.
 */
export interface ExportQuery {
  header: string[];
  sql: string;
  usesCalendar?: boolean;
  /** Rows to expect, for a progress bar. */
  countSql: string;
  cells: (row: Record<string, unknown>) => CsvCell[];
}

const text = (value: unknown): CsvCell =>
  value === null || value === undefined
    ? null
    : value instanceof Date
      ? value.toISOString()
      : typeof value === 'number'
        ? value
        : String(value);

const columns = (names: string[]) => (row: Record<string, unknown>) =>
  names.map((name) => text(row[name]));

const TRAINEE_FIELDS = [
  'id',
  'givenName',
  'familyName',
  'dateOfBirth',
  'sex',
  'nationality',
  'organisationId',
  'organisation',
  'email',
  'medicalClearanceUntil',
  'phone',
  // Whole, not masked: exports are for admins and auditors only, already carry every other
  // personal field, and must import again (the import takes these columns); see docs/security.md.
  'identityDocumentType',
  'identityDocumentNumber',
  'createdAt',
];

const CERTIFICATE_FIELDS = [
  'id',
  'serial',
  'traineeId',
  'givenName',
  'familyName',
  'dateOfBirth',
  'nationality',
  'courseCode',
  'courseTitle',
  'issuedOn',
  'issuedAt',
  'validUntil',
  'status',
  'statusReason',
  'supersededById',
  'sessionId',
  'imported',
];

const ENROLMENT_FIELDS = [
  'id',
  'sessionId',
  'courseCode',
  'sessionStartsOn',
  'sessionEndsOn',
  'traineeId',
  'givenName',
  'familyName',
  'status',
  'waitlistPosition',
  'attendancePercent',
  'theoryScore',
  'practicalScore',
  'passed',
  'certificateSerial',
  'createdAt',
];

export const EXPORTS: Record<ExportKind, ExportQuery> = {
  trainees: {
    header: TRAINEE_FIELDS,
    sql: `SELECT t.id, t.given_name AS "givenName", t.family_name AS "familyName",
                 t.date_of_birth AS "dateOfBirth", t.sex, t.nationality,
                 t.organisation_id AS "organisationId", o.name AS organisation, t.email,
                 t.medical_clearance_until AS "medicalClearanceUntil", t.phone,
                 t.identity_document_type AS "identityDocumentType",
                 t.identity_document_number AS "identityDocumentNumber",
                 t.created_at AS "createdAt"
            FROM trainees t
            LEFT JOIN organisations o ON o.id = t.organisation_id
           ORDER BY t.created_at, t.id`,
    countSql: 'SELECT count(*)::int AS count FROM trainees',
    cells: columns(TRAINEE_FIELDS),
  },
  certificates: {
    header: CERTIFICATE_FIELDS,
    // The status as it stands today: an active certificate past its last day reads expired.
    sql: `SELECT c.id, c.serial, c.trainee_id AS "traineeId", t.given_name AS "givenName",
                 t.family_name AS "familyName", t.date_of_birth AS "dateOfBirth", t.nationality,
                 co.code AS "courseCode", co.title AS "courseTitle",
                 (c.issued_at AT TIME ZONE $2::text)::date::text AS "issuedOn",
                 c.issued_at AS "issuedAt", c.valid_until AS "validUntil",
                 ${effectiveStatusSql('c', '$1::date')} AS status,
                 c.status_reason AS "statusReason", c.superseded_by_id AS "supersededById",
                 c.session_id AS "sessionId", c.imported
            FROM certificates c
            JOIN trainees t ON t.id = c.trainee_id
            JOIN courses co ON co.id = c.course_id
           ORDER BY c.issued_at, c.id`,
    usesCalendar: true,
    countSql: 'SELECT count(*)::int AS count FROM certificates',
    cells: columns(CERTIFICATE_FIELDS),
  },
  enrolments: {
    header: ENROLMENT_FIELDS,
    sql: `SELECT e.id, e.session_id AS "sessionId", co.code AS "courseCode",
                 s.starts_on AS "sessionStartsOn", s.ends_on AS "sessionEndsOn",
                 e.trainee_id AS "traineeId", t.given_name AS "givenName",
                 t.family_name AS "familyName", e.status, e.waitlist_position AS "waitlistPosition",
                 e.attendance_percent AS "attendancePercent", e.theory_score AS "theoryScore",
                 e.practical_score AS "practicalScore", e.passed,
                 c.serial AS "certificateSerial", e.created_at AS "createdAt"
            FROM enrolments e
            JOIN course_sessions s ON s.id = e.session_id
            JOIN courses co ON co.id = s.course_id
            JOIN trainees t ON t.id = e.trainee_id
            LEFT JOIN certificates c ON c.enrolment_id = e.id
           ORDER BY s.starts_on, e.created_at, e.id`,
    countSql: 'SELECT count(*)::int AS count FROM enrolments',
    cells: columns(ENROLMENT_FIELDS),
  },
};
