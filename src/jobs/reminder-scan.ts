import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { currentOnSql } from '../certifications/certificate-status.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from '../courses/course.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { sessionCalendarFile, sessionMailParams } from '../enrolments/enrolment-mail.js';
import { EnrolmentsService } from '../enrolments/enrolments.service.js';
import { qualificationCurrentOnSql } from '../instructors/qualification-rule.js';
import { publicLink } from '../notifications/links.js';
import type { NotificationRequest, NotificationType } from '../notifications/notification-types.js';
import { Notifier } from '../notifications/notifier.js';
import { languageOfCountry, Recipients } from '../notifications/recipients.js';
import type { DigestItem, NextSession } from '../notifications/templates/expiry.js';
import { DIGEST_MAX_ITEMS } from '../notifications/templates/expiry.js';
import { isoWeek } from './iso-week.js';

/** The jobs of the daily scan, each run (and claimed) on its own. */
export const DAILY_JOBS = [
  'certificate-expiry',
  'session-reminders',
  'qualification-expiry',
  'expiry-digest',
  /** Reserved seats whose last day has passed: the people waiting take the unused ones. */
  'reservations-ended',
] as const;
export type DailyJob = (typeof DAILY_JOBS)[number];

/** Messages queued by a run, by type (types with none are left out). */
export type QueuedCounts = Partial<Record<NotificationType, number>>;

/*
 * Thresholds, in days before the date. A reminder is due from its threshold until the next
 * one (a certificate 50 days from expiry gets the 90-day reminder), so a scan that did not run
 * for a few days (an outage) still sends it; the idempotency key (per certificate, session or
 * qualification and threshold) makes sure it is sent once however often the scan runs.
 */
export const CERTIFICATE_THRESHOLDS = [90, 30] as const;
export const SESSION_THRESHOLDS = [7, 1] as const;
export const QUALIFICATION_THRESHOLD = 60;
/** The organisations' digest lists certificates expiring within this many days. */
export const DIGEST_WINDOW_DAYS = 90;
/** Sessions a certificate reminder proposes. */
const NEXT_SESSIONS = 3;

/** The smallest threshold that `daysLeft` is within: 50 days and [90, 30] → 90; 20 → 30. */
export function thresholdFor(daysLeft: number, thresholds: readonly number[]): number | null {
  const within = thresholds.filter((t) => daysLeft <= t);
  return within.length ? Math.min(...within) : null;
}

/**
 * What the daily scan finds due on a day and queues, in the caller's transaction. `day` is
 * today in the Center's time zone. Every message goes through the Notifier: once per
 * idempotency key, and reminders not to accounts that turned them off.
 */
@Injectable()
export class ReminderScan {
  constructor(
    private readonly config: AppConfig,
    private readonly notifier: Notifier,
    private readonly recipients: Recipients,
    private readonly enrolments: EnrolmentsService,
  ) {}

  run(job: DailyJob, tx: EntityManager, day: string): Promise<QueuedCounts> {
    switch (job) {
      case 'certificate-expiry':
        return this.certificateExpiry(tx, day);
      case 'session-reminders':
        return this.sessionReminders(tx, day);
      case 'qualification-expiry':
        return this.qualificationExpiry(tx, day);
      case 'expiry-digest':
        return this.expiryDigest(tx, day);
      case 'reservations-ended':
        return this.enrolments
          .settleEndedReservations(tx, day)
          .then((n): QueuedCounts => (n > 0 ? { 'enrolment.promoted': n } : {}));
    }
  }

  /** Holders of current certificates expiring within 90 days, at 90 and at 30 days. */
  async certificateExpiry(tx: EntityManager, day: string): Promise<QueuedCounts> {
    const rows = (await tx.query(
      `SELECT c.id, c.serial, c.trainee_id, c.course_id,
              to_char(c.valid_until, 'YYYY-MM-DD') AS valid_until,
              (c.valid_until - $1::date) AS days_left,
              co.code, co.title
         FROM certificates c
         JOIN courses co ON co.id = c.course_id
        WHERE ${currentOnSql('c', '$1::date')}
          AND c.valid_until <= $1::date + $2::int
        ORDER BY c.valid_until, c.id`,
      [day, Math.max(...CERTIFICATE_THRESHOLDS)],
    )) as Array<{
      id: string;
      serial: string;
      trainee_id: string;
      course_id: string;
      valid_until: string;
      days_left: number;
      code: string;
      title: string;
    }>;
    const counts: QueuedCounts = {};
    const sessionsByCourse = new Map<string, NextSession[]>();
    for (const row of rows) {
      const threshold = thresholdFor(Number(row.days_left), CERTIFICATE_THRESHOLDS);
      if (threshold === null) continue;
      const recipient = await this.recipients.ofTrainee(tx, row.trainee_id);
      if (!recipient) continue;
      let sessions = sessionsByCourse.get(row.course_id);
      if (!sessions) {
        sessions = await this.renewingSessions(tx, row.course_id, day);
        sessionsByCourse.set(row.course_id, sessions);
      }
      await this.enqueue(tx, counts, {
        type: 'certificate.expiring',
        to: { email: recipient.email, name: recipient.name },
        language: recipient.language,
        params: {
          name: recipient.name,
          serial: row.serial,
          courseCode: row.code,
          courseTitle: row.title,
          validUntil: row.valid_until,
          daysLeft: Number(row.days_left),
          certificateUrl: publicLink(this.config, `/app/certificates/${row.id}`),
          sessions,
          catalogueUrl: publicLink(this.config, '/app/catalogue'),
        },
        idempotencyKey: `certificate.expiring:${row.id}:${threshold}`,
        userId: recipient.userId,
      });
    }
    return counts;
  }

  /**
   * The next sessions open for enrolment of a course that renews the certificate's course (a
   * refresher, courses.renewsCourseId) or of the course itself, soonest first.
   */
  private async renewingSessions(
    tx: EntityManager,
    courseId: string,
    day: string,
  ): Promise<NextSession[]> {
    const rows = (await tx.query(
      `SELECT s.id, to_char(s.starts_on, 'YYYY-MM-DD') AS starts_on,
              to_char(s.ends_on, 'YYYY-MM-DD') AS ends_on, s.location, co.code, co.title
         FROM course_sessions s
         JOIN courses co ON co.id = s.course_id
        WHERE (co.id = $1 OR co.renews_course_id = $1)
          AND co.status = 'active' AND s.status = 'open' AND s.starts_on >= $2::date
        ORDER BY s.starts_on, s.id
        LIMIT $3`,
      [courseId, day, NEXT_SESSIONS],
    )) as Array<{
      id: string;
      starts_on: string;
      ends_on: string;
      location: string;
      code: string;
      title: string;
    }>;
    return rows.map((s) => ({
      courseCode: s.code,
      courseTitle: s.title,
      startsOn: s.starts_on,
      endsOn: s.ends_on,
      location: s.location,
      url: publicLink(this.config, `/app/sessions/${s.id}`),
    }));
  }

  /**
   * Trainees holding a seat in a session starting within 7 days, at 7 and at 1 day before,
   * with the venue, the joining instructions and the calendar file. The key carries the start
   * date, so a session moved to new dates is reminded of again.
   */
  async sessionReminders(tx: EntityManager, day: string): Promise<QueuedCounts> {
    const sessions = (await tx.query(
      `SELECT s.id, (s.starts_on - $1::date) AS days_left
         FROM course_sessions s
        WHERE s.status IN ('planned', 'open', 'in_progress')
          AND s.starts_on BETWEEN $1::date AND $1::date + $2::int
        ORDER BY s.starts_on, s.id`,
      [day, Math.max(...SESSION_THRESHOLDS)],
    )) as Array<{ id: string; days_left: number }>;
    const counts: QueuedCounts = {};
    for (const row of sessions) {
      const daysLeft = Number(row.days_left);
      const threshold = thresholdFor(daysLeft, SESSION_THRESHOLDS);
      if (threshold === null) continue;
      const session = await tx.findOneByOrFail(CourseSession, { id: row.id });
      const course = await tx.findOneByOrFail(Course, { id: session.courseId });
      const seats = (await tx.query(
        `SELECT trainee_id FROM enrolments WHERE session_id = $1 AND status = 'enrolled'
          ORDER BY created_at, id`,
        [session.id],
      )) as Array<{ trainee_id: string }>;
      if (seats.length === 0) continue;
      const instructors = (
        (await tx.query(
          `SELECT i.given_name, i.family_name FROM session_instructors si
             JOIN instructors i ON i.id = si.instructor_id
            WHERE si.session_id = $1
            ORDER BY (si.role = 'lead') DESC, i.family_name, i.given_name`,
          [session.id],
        )) as Array<{ given_name: string; family_name: string }>
      ).map((i) => `${i.given_name} ${i.family_name}`);
      const calendar = sessionCalendarFile(this.config, session, course);
      for (const seat of seats) {
        const recipient = await this.recipients.ofTrainee(tx, seat.trainee_id);
        if (!recipient) continue;
        await this.enqueue(tx, counts, {
          type: 'session.reminder',
          to: { email: recipient.email, name: recipient.name },
          language: recipient.language,
          params: {
            ...sessionMailParams(this.config, session, course, recipient.name, recipient.language),
            daysLeft,
            instructors,
          },
          idempotencyKey: `session.reminder:${session.id}:${seat.trainee_id}:${threshold}:${session.startsOn}`,
          userId: recipient.userId,
          attachments: [calendar],
        });
      }
    }
    return counts;
  }

  /**
   * Instructors whose qualification for an active course lapses within 60 days: the latest
   * row of each instructor and course counts (renewals add rows), so a renewed one is quiet.
   */
  async qualificationExpiry(tx: EntityManager, day: string): Promise<QueuedCounts> {
    const rows = (await tx.query(
      `SELECT latest.id, latest.instructor_id,
              to_char(latest.valid_until, 'YYYY-MM-DD') AS valid_until,
              (latest.valid_until - $1::date) AS days_left, co.code, co.title
         FROM (SELECT DISTINCT ON (q.instructor_id, q.course_id)
                      q.id, q.instructor_id, q.course_id, q.valid_until
                 FROM qualifications q
                ORDER BY q.instructor_id, q.course_id, q.valid_until DESC, q.id) latest
         JOIN courses co ON co.id = latest.course_id AND co.status = 'active'
        WHERE ${qualificationCurrentOnSql('latest', '$1::date')}
          AND latest.valid_until <= $1::date + $2::int
        ORDER BY latest.valid_until, latest.id`,
      [day, QUALIFICATION_THRESHOLD],
    )) as Array<{
      id: string;
      instructor_id: string;
      valid_until: string;
      days_left: number;
      code: string;
      title: string;
    }>;
    const counts: QueuedCounts = {};
    for (const row of rows) {
      const recipient = await this.recipients.ofInstructor(tx, row.instructor_id);
      if (!recipient) continue;
      await this.enqueue(tx, counts, {
        type: 'qualification.expiring',
        to: { email: recipient.email, name: recipient.name },
        language: recipient.language,
        params: {
          name: recipient.name,
          courseCode: row.code,
          courseTitle: row.title,
          validUntil: row.valid_until,
          daysLeft: Number(row.days_left),
          instructorUrl: publicLink(this.config, `/app/instructors/${row.instructor_id}`),
        },
        idempotencyKey: `qualification.expiring:${row.id}:${QUALIFICATION_THRESHOLD}`,
        userId: recipient.userId,
      });
    }
    return counts;
  }

  /**
   * Each organisation with a contact address gets, once per ISO week, the list of its people's
   * current certificates expiring within 90 days (nothing when there are none), in the
   * language of its country.
   */
  async expiryDigest(tx: EntityManager, day: string): Promise<QueuedCounts> {
    const organisations = (await tx.query(
      `SELECT id, name, country, contact_email FROM organisations
        WHERE contact_email IS NOT NULL ORDER BY name, id`,
    )) as Array<{ id: string; name: string; country: string; contact_email: string }>;
    const counts: QueuedCounts = {};
    const week = isoWeek(day);
    for (const org of organisations) {
      const rows = (await tx.query(
        `SELECT c.serial, to_char(c.valid_until, 'YYYY-MM-DD') AS valid_until,
                t.given_name, t.family_name, co.code, co.title, count(*) OVER () AS total
           FROM certificates c
           JOIN trainees t ON t.id = c.trainee_id
           JOIN courses co ON co.id = c.course_id
          WHERE t.organisation_id = $1
            AND ${currentOnSql('c', '$2::date')}
            AND c.valid_until <= $2::date + $3::int
          ORDER BY c.valid_until, c.serial
          LIMIT $4`,
        [org.id, day, DIGEST_WINDOW_DAYS, DIGEST_MAX_ITEMS],
      )) as Array<{
        serial: string;
        valid_until: string;
        given_name: string;
        family_name: string;
        code: string;
        title: string;
        total: string;
      }>;
      if (rows.length === 0) continue;
      const items: DigestItem[] = rows.map((r) => ({
        holderName: `${r.given_name} ${r.family_name}`,
        serial: r.serial,
        courseCode: r.code,
        courseTitle: r.title,
        validUntil: r.valid_until,
      }));
      await this.enqueue(tx, counts, {
        type: 'organisation.expiry_digest',
        to: { email: org.contact_email, name: org.name },
        language: languageOfCountry(org.country),
        params: {
          organisationName: org.name,
          withinDays: DIGEST_WINDOW_DAYS,
          total: Number(rows[0].total),
          items,
          catalogueUrl: publicLink(this.config, '/app/catalogue'),
        },
        idempotencyKey: `organisation.expiry_digest:${org.id}:${week}`,
      });
    }
    return counts;
  }

  private async enqueue(
    tx: EntityManager,
    counts: QueuedCounts,
    request: NotificationRequest,
  ): Promise<void> {
    if (await this.notifier.enqueue(tx, request)) {
      counts[request.type] = (counts[request.type] ?? 0) + 1;
    }
  }
}
