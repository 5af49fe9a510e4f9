import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { effectiveStatus } from '../certifications/certificate-status.js';
import type { StoredCertificateStatus } from '../certifications/certificate.entity.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { reachesAll } from '../access/access-policy.js';
import { mayReach } from '../access/record-access.js';
import { localizedTitle, type CourseTranslations } from '../courses/course-translations.js';
import type { SessionStatus } from '../courses/session.entity.js';
import type { Lang } from '../web/i18n.js';
import { currentResults, type ShownResult } from '../enrolments/current-results.js';
import type { EnrolmentStatus } from '../enrolments/enrolment.entity.js';
import {
  TranscriptCertificateDto,
  TranscriptDto,
  TranscriptEnrolmentDto,
} from './dto/transcript.dto.js';
import { TraineesService } from './trainees.service.js';

interface EnrolmentRow {
  enrolment_id: string;
  session_id: string;
  course_id: string;
  course_code: string;
  course_title: string;
  course_translations: CourseTranslations | null;
  starts_on: string;
  ends_on: string;
  session_status: SessionStatus;
  pass_mark: number;
  min_attendance_percent: number;
  status: EnrolmentStatus;
  waitlist_position: number | null;
  attendance_percent: number | null;
  theory_score: number | null;
  practical_score: number | null;
  passed: boolean | null;
}

interface CertificateRow {
  id: string;
  session_id: string | null;
  serial: string;
  course_id: string;
  course_code: string;
  course_title: string;
  course_translations: CourseTranslations | null;
  issued_at: Date;
  valid_until: string | null;
  status: StoredCertificateStatus;
  status_reason: string | null;
  superseded_by_id: string | null;
}

/** A trainee's whole record: every enrolment with its results, every certificate as it stands. */
@Injectable()
export class TranscriptService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly trainees: TraineesService,
    private readonly config: AppConfig,
  ) {}

  read(actor: Actor, traineeId: string): Promise<TranscriptDto> {
    // One snapshot, so a certificate issued meanwhile cannot appear without its enrolment's result.
    return this.dataSource.transaction('REPEATABLE READ', async (tx) => {
      const trainee = await this.trainees.readInto(tx, actor, traineeId);
      const enrolments = (await tx.query(
        `SELECT e.id AS enrolment_id, e.session_id, c.id AS course_id, c.code AS course_code,
                c.title AS course_title, c.translations AS course_translations,
                s.starts_on::text AS starts_on, s.ends_on::text AS ends_on,
                s.status AS session_status, c.pass_mark, c.min_attendance_percent,
                e.status, e.waitlist_position, e.attendance_percent::float8 AS attendance_percent,
                e.theory_score::float8 AS theory_score, e.practical_score::float8 AS practical_score,
                e.passed
           FROM enrolments e
           JOIN course_sessions s ON s.id = e.session_id
           JOIN courses c ON c.id = s.course_id
          WHERE e.trainee_id = $1
          ORDER BY s.starts_on DESC, e.created_at DESC, e.id DESC`,
        [traineeId],
      )) as EnrolmentRow[];
      const certificates = (await tx.query(
        `SELECT ce.id, ce.session_id, ce.serial, ce.course_id, c.code AS course_code, c.title AS course_title,
                c.translations AS course_translations,
                ce.issued_at, ce.valid_until::text AS valid_until, ce.status, ce.status_reason,
                ce.superseded_by_id
           FROM certificates ce
           JOIN courses c ON c.id = ce.course_id
          WHERE ce.trainee_id = $1
          ORDER BY ce.issued_at DESC, ce.id DESC`,
        [traineeId],
      )) as CertificateRow[];
      const day = today(this.config.timeZone);
      const visible = await visibleSessions(tx, actor, traineeId, [
        ...enrolments.map((e) => e.session_id),
        ...certificates.map((c) => c.session_id),
      ]);
      const shown = enrolments.filter((e) => visible(e.session_id));
      // The roster's figures, by the results rule as of today, not those stored at the last save.
      const results = await currentResults(tx, shown.map(resultFacts), day);
      return {
        trainee,
        enrolments: shown.map((row) =>
          toEnrolment(row, results.get(row.enrolment_id)!, actor.language),
        ),
        certificates: certificates
          .filter((c) => visible(c.session_id))
          .map((row) => toCertificate(row, day, actor.language)),
      };
    });
  }
}

/**
 * Which of the trainee's sessions the reader may see the records of: the rule of the object
 * routes (GET /enrolments/:id, GET /certificates/:id). Admins, auditors and the trainee see
 * everything; anyone else (an instructor, let in by teaching one of the trainee's sessions)
 * only the sessions they are assigned to, and no certificate from outside a session (imported).
 */
async function visibleSessions(
  manager: EntityManager,
  actor: Actor,
  traineeId: string,
  sessionIds: (string | null)[],
): Promise<(sessionId: string | null) => boolean> {
  if (reachesAll(actor, 'enrolments.read')) return () => true;
  const visible = new Set<string | null>();
  for (const sessionId of new Set(sessionIds)) {
    const record = { kind: 'session-record' as const, sessionId, traineeId };
    if (await mayReach(manager, actor, 'enrolments.read', record)) visible.add(sessionId);
  }
  return (sessionId) => visible.has(sessionId);
}

function resultFacts(row: EnrolmentRow) {
  return {
    id: row.enrolment_id,
    status: row.status,
    attendancePercent: row.attendance_percent,
    passed: row.passed,
    theoryScore: row.theory_score,
    practicalScore: row.practical_score,
    session: { startsOn: row.starts_on, endsOn: row.ends_on, status: row.session_status },
    course: { passMark: row.pass_mark, minAttendancePercent: row.min_attendance_percent },
  };
}

/** The course title in the reader's language (Accept-Language), else the original. */
const titleIn = (
  row: { course_title: string; course_translations: CourseTranslations | null },
  language: Lang | undefined,
) => localizedTitle({ title: row.course_title, translations: row.course_translations }, language);

function toEnrolment(
  row: EnrolmentRow,
  result: ShownResult,
  language: Lang | undefined,
): TranscriptEnrolmentDto {
  return {
    enrolmentId: row.enrolment_id,
    sessionId: row.session_id,
    course: {
      id: row.course_id,
      code: row.course_code,
      title: row.course_title,
      localizedTitle: titleIn(row, language),
    },
    startsOn: row.starts_on,
    endsOn: row.ends_on,
    status: row.status,
    waitlistPosition: row.waitlist_position,
    attendancePercent: result.attendancePercent,
    theoryScore: row.theory_score,
    practicalScore: row.practical_score,
    passed: result.passed,
  };
}

function toCertificate(
  row: CertificateRow,
  day: string,
  language: Lang | undefined,
): TranscriptCertificateDto {
  return {
    id: row.id,
    serial: row.serial,
    courseId: row.course_id,
    courseCode: row.course_code,
    courseTitle: row.course_title,
    localizedCourseTitle: titleIn(row, language),
    issuedAt: row.issued_at.toISOString(),
    validUntil: row.valid_until,
    status: effectiveStatus({ status: row.status, validUntil: row.valid_until }, day),
    statusReason: row.status_reason,
    supersededById: row.superseded_by_id,
  };
}
