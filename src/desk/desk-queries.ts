import type { EntityManager } from 'typeorm';
import { expiringWithinSql } from '../certifications/certificate-status.js';
import { ineligibility } from '../certifications/eligibility.js';
import type { Course } from '../courses/course.entity.js';
import { localizedTitle, type CourseTranslations } from '../courses/course-translations.js';
import type { CourseSession, SessionStatus } from '../courses/session.entity.js';
import { staffingOf } from '../courses/staffing.js';
import {
  SEAT_HOLDING,
  type Enrolment,
  type EnrolmentStatus,
} from '../enrolments/enrolment.entity.js';
import type { Lang } from '../web/i18n.js';
import type {
  DeskOrganisationExpiringDto,
  DeskSessionDto,
  DeskUncertifiedDto,
} from './dto/desk.dto.js';

/**
 * The desk's read-only queries: one per section, whatever the number of sessions, across the
 * courses, enrolments and certificates tables (a report, so it joins in SQL). The rules stay in
 * their homes: staffing (courses/staffing.ts), eligibility (certifications/eligibility.ts),
 * seat holding (SEAT_HOLDING) and expiry (certificate-status.ts).
 */

interface SessionSqlRow {
  id: string;
  course_id: string;
  code: string;
  title: string;
  translations: CourseTranslations | null;
  starts_on: string;
  ends_on: string;
  location: string;
  status: SessionStatus;
  capacity: number;
  seats_taken: number;
  max_trainees_per_instructor: number | null;
  waiting: number;
  instructors: number;
  has_lead: boolean;
}

/** Sessions with their waiting line and instructors counted per row (no query per session). */
const SESSION_ROWS = `
  SELECT s.id, c.id AS course_id, c.code, c.title, c.translations,
         to_char(s.starts_on, 'YYYY-MM-DD') AS starts_on,
         to_char(s.ends_on, 'YYYY-MM-DD') AS ends_on,
         s.location, s.status, s.capacity, s.seats_taken, c.max_trainees_per_instructor,
         (SELECT count(*)::int FROM enrolments e
           WHERE e.session_id = s.id AND e.status = 'waitlisted') AS waiting,
         (SELECT count(*)::int FROM session_instructors si WHERE si.session_id = s.id) AS instructors,
         EXISTS (SELECT 1 FROM session_instructors si
                  WHERE si.session_id = s.id AND si.role = 'lead') AS has_lead
    FROM course_sessions s
    JOIN courses c ON c.id = s.course_id`;

/** The course as the desk names it: its title, and the title in the reader's language. */
function courseRef(
  row: { course_id: string; code: string; title: string; translations: CourseTranslations | null },
  language: Lang | undefined,
) {
  return {
    id: row.course_id,
    code: row.code,
    title: row.title,
    localizedTitle: localizedTitle({ title: row.title, translations: row.translations }, language),
  };
}

function sessionDto(row: SessionSqlRow, language: Lang | undefined): DeskSessionDto {
  return {
    id: row.id,
    course: courseRef(row, language),
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    location: row.location,
    status: row.status,
    capacity: row.capacity,
    seatsTaken: row.seats_taken,
    waitingCount: row.waiting,
    hasLead: row.has_lead,
    // Never null here: both queries select sessions that still run.
    staffing: staffingOf(
      { status: row.status, capacity: row.capacity, seatsTaken: row.seats_taken },
      row.max_trainees_per_instructor,
      row.instructors,
    )!,
  };
}

/** Sessions still to run that start between `from` and `to` (both included), soonest first. */
export async function upcomingSessions(
  manager: EntityManager,
  from: string,
  to: string,
  language: Lang | undefined,
): Promise<DeskSessionDto[]> {
  const rows = (await manager.query(
    `${SESSION_ROWS}
      WHERE s.starts_on BETWEEN $1::date AND $2::date
        AND s.status IN ('planned', 'open', 'in_progress')
      ORDER BY s.starts_on, c.code, s.id`,
    [from, to],
  )) as SessionSqlRow[];
  return rows.map((row) => sessionDto(row, language));
}

/** Open sessions, whatever their dates, that nobody leads yet, soonest first. */
export async function openSessionsWithoutLead(
  manager: EntityManager,
  language: Lang | undefined,
): Promise<DeskSessionDto[]> {
  const rows = (await manager.query(
    `${SESSION_ROWS}
      WHERE s.status = 'open'
        AND NOT EXISTS (SELECT 1 FROM session_instructors si
                         WHERE si.session_id = s.id AND si.role = 'lead')
      ORDER BY s.starts_on, c.code, s.id`,
  )) as SessionSqlRow[];
  return rows.map((row) => sessionDto(row, language));
}

interface CandidateSqlRow {
  enrolment_id: string;
  enrolment_status: EnrolmentStatus;
  passed: boolean | null;
  attendance_percent: string | null;
  session_id: string;
  session_status: SessionStatus;
  starts_on: string;
  ends_on: string;
  location: string;
  course_id: string;
  code: string;
  title: string;
  translations: CourseTranslations | null;
  pass_mark: number;
  min_attendance_percent: number;
}

/**
 * Completed sessions with participants who may be certified and are not yet, oldest first.
 * SQL narrows to seat holders of completed sessions without a certificate from their
 * enrolment; whether each may be certified is the issuance rule's answer (`ineligibility`),
 * asked of the stored, settled result exactly as issuing it would be.
 */
export async function sessionsAwaitingCertificates(
  manager: EntityManager,
  language: Lang | undefined,
): Promise<DeskUncertifiedDto[]> {
  const rows = (await manager.query(
    `SELECT e.id AS enrolment_id, e.status AS enrolment_status, e.passed,
            e.attendance_percent,
            s.id AS session_id, s.status AS session_status,
            to_char(s.starts_on, 'YYYY-MM-DD') AS starts_on,
            to_char(s.ends_on, 'YYYY-MM-DD') AS ends_on, s.location,
            c.id AS course_id, c.code, c.title, c.translations, c.pass_mark,
            c.min_attendance_percent
       FROM course_sessions s
       JOIN courses c ON c.id = s.course_id
       JOIN enrolments e ON e.session_id = s.id AND e.status = ANY ($1::text[])
      WHERE s.status = 'completed'
        AND NOT EXISTS (SELECT 1 FROM certificates x WHERE x.enrolment_id = e.id)
      ORDER BY s.ends_on, c.code, s.id`,
    [SEAT_HOLDING],
  )) as CandidateSqlRow[];
  const bySession = new Map<string, DeskUncertifiedDto>();
  for (const row of rows) {
    const enrolment = {
      status: row.enrolment_status,
      passed: row.passed,
      attendancePercent: row.attendance_percent === null ? null : Number(row.attendance_percent),
    } as Enrolment;
    const session = { status: row.session_status } as CourseSession;
    const course = {
      passMark: row.pass_mark,
      minAttendancePercent: row.min_attendance_percent,
    } as Course;
    if (ineligibility(enrolment, session, course) !== null) continue;
    const entry = bySession.get(row.session_id) ?? {
      sessionId: row.session_id,
      course: courseRef(row, language),
      startsOn: row.starts_on,
      endsOn: row.ends_on,
      location: row.location,
      eligible: 0,
    };
    entry.eligible++;
    bySession.set(row.session_id, entry);
  }
  return [...bySession.values()];
}

/** Certificates expiring between `from` and `to`, counted per holder's organisation. */
export async function expiringByOrganisation(
  manager: EntityManager,
  from: string,
  to: string,
): Promise<DeskOrganisationExpiringDto[]> {
  const rows = (await manager.query(
    `SELECT o.id AS organisation_id, o.name, count(*)::int AS certificates
       FROM certificates c
       JOIN trainees t ON t.id = c.trainee_id
       LEFT JOIN organisations o ON o.id = t.organisation_id
      WHERE ${expiringWithinSql('c', '$1::date', '$2::date')}
      GROUP BY o.id, o.name
      ORDER BY (o.id IS NULL), count(*) DESC, o.name, o.id`,
    [from, to],
  )) as { organisation_id: string | null; name: string | null; certificates: number }[];
  return rows.map((r) => ({
    organisationId: r.organisation_id,
    name: r.name,
    certificates: r.certificates,
  }));
}
