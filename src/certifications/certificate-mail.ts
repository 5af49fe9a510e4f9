import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { localizedTitle } from '../courses/course-translations.js';
import { Course } from '../courses/course.entity.js';
import type { Lang } from '../web/i18n.js';
import { verificationUrl } from '../credentials/credential-builder.js';
import { publicLink } from '../notifications/links.js';
import { Notifier } from '../notifications/notifier.js';
import { Recipients } from '../notifications/recipients.js';
import type { NotificationRequest } from '../notifications/notification-types.js';
import type { CertificateParams } from '../notifications/templates/certificate.js';
import type { Certificate } from './certificate.entity.js';
import {
  LIFECYCLE_PAST_TENSE,
  type LifecycleAction,
  type StatusReason,
} from './certificate-status.js';

type MailedCertificate = Pick<
  Certificate,
  'id' | 'serial' | 'traineeId' | 'issuedAt' | 'validUntil' | 'version'
>;

/**
 * The mail a certificate's holder gets: issued (one or a session's worth), suspended,
 * reinstated, revoked. Queued in the transaction that changes the certificate; a holder with no
 * address is not written to.
 */
@Injectable()
export class CertificateMail {
  constructor(
    private readonly config: AppConfig,
    private readonly notifier: Notifier,
    private readonly recipients: Recipients,
  ) {}

  /** New certificates of one course (a single issue or a whole session's). */
  async issued(
    tx: EntityManager,
    course: Course,
    certificates: Array<Omit<MailedCertificate, 'version'>>,
  ): Promise<void> {
    const recipients = await this.recipients.ofTrainees(
      tx,
      certificates.map((cert) => cert.traineeId),
    );
    const requests: NotificationRequest[] = [];
    for (const cert of certificates) {
      const recipient = recipients.get(cert.traineeId);
      if (!recipient) continue;
      requests.push({
        type: 'certificate.issued',
        to: { email: recipient.email, name: recipient.name },
        language: recipient.language,
        params: { ...this.params(cert, course, recipient.language), name: recipient.name },
        idempotencyKey: `certificate.issued:${cert.id}`,
        userId: recipient.userId,
      });
    }
    await this.notifier.enqueueMany(tx, requests);
  }

  /**
   * A status change. The certificate's version (raised by the change) keys the message, so a
   * suspension, its lifting and a second suspension are three messages.
   */
  async statusChanged(
    tx: EntityManager,
    cert: MailedCertificate & { courseId: string },
    action: LifecycleAction,
    reason: StatusReason,
    note: string | null,
  ): Promise<void> {
    const recipient = await this.recipients.ofTrainee(tx, cert.traineeId);
    if (!recipient) return;
    const course = await tx.findOneByOrFail(Course, { id: cert.courseId });
    const type = `certificate.${LIFECYCLE_PAST_TENSE[action]}` as const;
    await this.notifier.enqueue(tx, {
      type,
      to: { email: recipient.email, name: recipient.name },
      language: recipient.language,
      params: {
        ...this.params(cert, course, recipient.language),
        name: recipient.name,
        reason,
        note,
      },
      idempotencyKey: `${type}:${cert.id}:${cert.version}`,
      userId: recipient.userId,
    });
  }

  /** `language`: the recipient's, in which the course is named (issue 17). */
  private params(
    cert: Omit<MailedCertificate, 'version'>,
    course: Course,
    language: Lang,
  ): CertificateParams {
    const api = `/api/v1/certificates/${cert.id}`;
    return {
      serial: cert.serial,
      courseCode: course.code,
      courseTitle: localizedTitle(course, language),
      issuedOn: today(this.config.timeZone, cert.issuedAt),
      validUntil: cert.validUntil,
      verifyUrl: verificationUrl(this.config.publicBaseUrl, cert.serial),
      certificateUrl: publicLink(this.config, `/app/certificates/${cert.id}`),
      pdfUrl: publicLink(this.config, `${api}/pdf`),
      credentialUrl: publicLink(this.config, `${api}/credential`),
    };
  }
}
