import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertMayReach } from '../../access/record-access.js';
import type { Actor } from '../../common/actor.js';
import { daysBetween } from '../../common/calendar.js';
import { notFound } from '../../common/errors.js';
import { AppConfig } from '../../config/app-config.js';
import { localizedTitle, type CourseTranslations } from '../../courses/course-translations.js';
import { SEAT_HOLDING } from '../enrolment.entity.js';
import { renderAttendanceSheetPdf, sheetLanguage } from './attendance-sheet-pdf.js';

interface SessionRow {
  course_code: string;
  course_title: string;
  translations: CourseTranslations | null;
  location: string;
  language: string;
  starts_on: string;
  ends_on: string;
}

/** The printable attendance sheet of a session: who holds a seat, and a box for every day. */
@Injectable()
export class AttendanceSheetService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  async sheet(actor: Actor, sessionId: string): Promise<{ filename: string; pdf: Buffer }> {
    const manager = this.dataSource.manager;
    await assertMayReach(
      manager,
      actor,
      'attendanceSheet.read',
      { kind: 'session', sessionId },
      "Only the session's instructors and the registrars print its attendance sheet",
    );
    const [session] = (await manager.query(
      `SELECT c.code AS course_code, c.title AS course_title, c.translations,
              s.location, s.language,
              to_char(s.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(s.ends_on, 'YYYY-MM-DD') AS ends_on
         FROM course_sessions s JOIN courses c ON c.id = s.course_id
        WHERE s.id = $1`,
      [sessionId],
    )) as SessionRow[];
    if (!session) throw notFound('Session');
    const instructors = (await manager.query(
      `SELECT i.given_name, i.family_name, si.role
         FROM session_instructors si JOIN instructors i ON i.id = si.instructor_id
        WHERE si.session_id = $1
        ORDER BY (si.role = 'lead') DESC, i.family_name, i.given_name, i.id`,
      [sessionId],
    )) as { given_name: string; family_name: string; role: string }[];
    // Everyone holding a seat (SEAT_HOLDING): not those waiting, withdrawn or cancelled.
    const trainees = (await manager.query(
      `SELECT t.given_name, t.family_name, o.name AS organisation
         FROM enrolments e
         JOIN trainees t ON t.id = e.trainee_id
         LEFT JOIN organisations o ON o.id = t.organisation_id
        WHERE e.session_id = $1 AND e.status = ANY ($2::text[])`,
      [sessionId, SEAT_HOLDING],
    )) as { given_name: string; family_name: string; organisation: string | null }[];

    const language = sheetLanguage(session.language);
    // A register is read by family name, in the alphabet of the session's language.
    const collator = new Intl.Collator(language, { sensitivity: 'base' });
    trainees.sort(
      (a, b) =>
        collator.compare(a.family_name, b.family_name) ||
        collator.compare(a.given_name, b.given_name),
    );
    const pdf = await renderAttendanceSheetPdf({
      language,
      centerName: this.config.centerName,
      // The title as the session's language has it, when the course was translated.
      course: {
        code: session.course_code,
        title: localizedTitle(
          { title: session.course_title, translations: session.translations },
          language,
        ),
      },
      location: session.location,
      startsOn: session.starts_on,
      endsOn: session.ends_on,
      days: daysBetween(session.starts_on, session.ends_on),
      instructors: instructors.map((i) => ({
        name: `${i.given_name} ${i.family_name}`,
        lead: i.role === 'lead',
      })),
      trainees: trainees.map((t) => ({
        name: `${t.family_name} ${t.given_name}`,
        organisation: t.organisation,
      })),
    });
    // Course codes are letters, digits, dots, dashes and underscores: safe in a header.
    return { filename: `attendance-${session.course_code}-${session.starts_on}.pdf`, pdf };
  }
}
