import { Injectable } from '@nestjs/common';
import { In, type EntityManager } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { localizedTitle } from '../courses/course-translations.js';
import { Course } from '../courses/course.entity.js';
import type { Lang } from '../web/i18n.js';
import { CourseSession } from '../courses/session.entity.js';
import { sessionCalendarAttachment } from '../notifications/calendar.js';
import { publicLink } from '../notifications/links.js';
import type {
  MailAttachment,
  NotificationRequest,
  NotificationType,
} from '../notifications/notification-types.js';
import { Notifier } from '../notifications/notifier.js';
import { Recipients, type Recipient } from '../notifications/recipients.js';
import type { SessionChange, SessionParams } from '../notifications/templates/enrolment.js';
import { AWAITING_SESSION, Enrolment } from './enrolment.entity.js';

/** The part of an enrolment a message needs. */
export type EnrolmentRef = Pick<Enrolment, 'id' | 'traineeId' | 'status' | 'waitlistPosition'>;

/**
 * The mail a trainee gets about their place in a session, queued in the transaction of the
 * change that causes it (a refused or rolled-back change sends nothing). A trainee with no
 * address (none recorded, no account) is simply not written to. The services call one method
 * per change; what the message says and to whom is decided here.
 */
@Injectable()
export class EnrolmentMail {
  constructor(
    private readonly config: AppConfig,
    private readonly notifier: Notifier,
    private readonly recipients: Recipients,
  ) {}

  /**
   * A new enrolment: a seat (confirmed, with the calendar file) or a place in line, to the
   * address read with the enrolment's rules (`readEnrolmentCase`), before the session's row
   * lock: in an enrolment rush every statement made under the lock makes every other enrolment
   * into the session wait (bench/README.md).
   */
  async enrolled(
    tx: EntityManager,
    enrolment: EnrolmentRef,
    session: CourseSession,
    course: Course,
    address: Recipient | null,
  ): Promise<void> {
    if (!address) return;
    const known = new Map([[enrolment.traineeId, address]]);
    if (enrolment.status === 'waitlisted') {
      await this.sendEach(
        tx,
        'enrolment.waitlisted',
        session,
        course,
        [
          {
            traineeId: enrolment.traineeId,
            key: `enrolment.waitlisted:${enrolment.id}`,
            params: { position: enrolment.waitlistPosition ?? 0 },
          },
        ],
        known,
      );
    } else {
      await this.sendEach(
        tx,
        'enrolment.confirmed',
        session,
        course,
        [
          {
            traineeId: enrolment.traineeId,
            key: `enrolment.confirmed:${enrolment.id}`,
            calendar: true,
          },
        ],
        known,
      );
    }
  }

  /** People moved from the waiting list to a seat (a withdrawal or more capacity freed it). */
  async promoted(tx: EntityManager, sessionId: string, enrolmentIds: string[]): Promise<void> {
    if (enrolmentIds.length === 0) return;
    const { session, course } = await this.sessionAndCourse(tx, sessionId);
    const promoted = await tx.find(Enrolment, { where: { id: In(enrolmentIds) } });
    await this.sendEach(
      tx,
      'enrolment.promoted',
      session,
      course,
      // An enrolment leaves the waiting list once: one message per enrolment.
      promoted.map((enrolment) => ({
        traineeId: enrolment.traineeId,
        key: `enrolment.promoted:${enrolment.id}`,
        calendar: true,
      })),
    );
  }

  async withdrawn(
    tx: EntityManager,
    enrolment: EnrolmentRef,
    wasWaitlisted: boolean,
    session: CourseSession,
  ): Promise<void> {
    const course = await tx.findOneByOrFail(Course, { id: session.courseId });
    await this.send(tx, 'enrolment.withdrawn', enrolment.traineeId, session, course, {
      key: `enrolment.withdrawn:${enrolment.id}`,
      params: { wasWaitlisted },
    });
  }

  /**
   * The session's dates, venue or instructors changed: every trainee holding a seat or a place
   * in line hears what changed. `changeId` names the change (its audit event), so each change
   * is one message per trainee however the transaction is retried.
   */
  async sessionChanged(
    tx: EntityManager,
    sessionId: string,
    changes: SessionChange[],
    changeId: string,
  ): Promise<void> {
    if (changes.length === 0) return;
    const { session, course } = await this.sessionAndCourse(tx, sessionId);
    const people = await tx.find(Enrolment, {
      where: { sessionId, status: In(AWAITING_SESSION) },
      order: { createdAt: 'ASC', id: 'ASC' },
    });
    // Dates and venue move the calendar entry; an instructor change does not.
    const calendar = changes.some((c) => c.kind !== 'instructor');
    await this.sendEach(
      tx,
      'session.changed',
      session,
      course,
      people.map((enrolment) => ({
        traineeId: enrolment.traineeId,
        key: `session.changed:${sessionId}:${changeId}:${enrolment.traineeId}`,
        params: { changes, waitlisted: enrolment.status === 'waitlisted' },
        calendar,
      })),
    );
  }

  /** The session was cancelled: everyone whose seat or place in line it ended. */
  async sessionCancelled(
    tx: EntityManager,
    sessionId: string,
    ended: EnrolmentRef[],
  ): Promise<void> {
    if (ended.length === 0) return;
    const { session, course } = await this.sessionAndCourse(tx, sessionId);
    await this.sendEach(
      tx,
      'session.cancelled',
      session,
      course,
      ended.map((enrolment) => ({
        traineeId: enrolment.traineeId,
        key: `session.cancelled:${sessionId}:${enrolment.id}`,
        params: {
          wasWaitlisted: enrolment.status === 'waitlisted',
          catalogueUrl: publicLink(this.config, '/app/catalogue'),
        },
        calendar: true,
        cancelled: true,
      })),
    );
  }

  private async sessionAndCourse(tx: EntityManager, sessionId: string) {
    const session = await tx.findOneByOrFail(CourseSession, { id: sessionId });
    const course = await tx.findOneByOrFail(Course, { id: session.courseId });
    return { session, course };
  }

  private send(
    tx: EntityManager,
    type: NotificationType,
    traineeId: string,
    session: CourseSession,
    course: Course,
    options: Omit<SessionMessage, 'traineeId'>,
  ): Promise<void> {
    return this.sendEach(tx, type, session, course, [{ traineeId, ...options }]);
  }

  /**
   * One message per trainee about the session, in two statements however many (their
   * addresses, then the queue): a cancelled session's thirty people were sixty round trips.
   * `known`: the addresses, already read.
   */
  private async sendEach(
    tx: EntityManager,
    type: NotificationType,
    session: CourseSession,
    course: Course,
    messages: readonly SessionMessage[],
    known?: ReadonlyMap<string, Recipient>,
  ): Promise<void> {
    if (messages.length === 0) return;
    const recipients =
      known ??
      (await this.recipients.ofTrainees(
        tx,
        messages.map((m) => m.traineeId),
      ));
    const requests: NotificationRequest[] = [];
    for (const message of messages) {
      const recipient = recipients.get(message.traineeId);
      if (!recipient) continue;
      const params = sessionMailParams(
        this.config,
        session,
        course,
        recipient.name,
        recipient.language,
      );
      const attachments: MailAttachment[] = message.calendar
        ? [sessionCalendarFile(this.config, session, course, { cancelled: message.cancelled })]
        : [];
      requests.push({
        type,
        to: { email: recipient.email, name: recipient.name },
        language: recipient.language,
        params: { ...params, ...message.params },
        idempotencyKey: message.key,
        userId: recipient.userId,
        attachments,
      });
    }
    await this.notifier.enqueueMany(tx, requests);
  }
}

/** One trainee's message about a session. */
interface SessionMessage {
  traineeId: string;
  key: string;
  params?: Record<string, unknown>;
  calendar?: boolean;
  cancelled?: boolean;
}

/** What every message about a session says of it (templates/enrolment.ts). */
export function sessionMailParams(
  config: AppConfig,
  session: CourseSession,
  course: Course,
  name: string | null,
  /** The recipient's language, in which the course is named (the original when untranslated). */
  language?: Lang,
): SessionParams {
  return {
    name,
    courseCode: course.code,
    courseTitle: localizedTitle(course, language),
    startsOn: session.startsOn,
    endsOn: session.endsOn,
    location: session.location,
    joiningInstructions: session.joiningInstructions,
    sessionUrl: publicLink(config, `/app/sessions/${session.id}`),
  };
}

/** The session as a calendar entry (src/notifications/calendar.ts), to attach. */
export function sessionCalendarFile(
  config: AppConfig,
  session: CourseSession,
  course: Course,
  options: { cancelled?: boolean } = {},
): MailAttachment {
  return sessionCalendarAttachment(
    {
      sessionId: session.id,
      sequence: session.version,
      startsOn: session.startsOn,
      endsOn: session.endsOn,
      summary: `${course.code} ${course.title}`,
      location: session.location,
      description: session.joiningInstructions,
      url: publicLink(config, `/app/sessions/${session.id}`),
      cancelled: options.cancelled,
      stamp: new Date(),
    },
    config.publicBaseUrl,
  );
}
