import type { Lang } from '../web/i18n.js';

/**
 * Every message the service sends (issue 16). A type names one template (in
 * src/notifications/templates/, worded in en, az and ru, plain text and HTML) and is what
 * `GET /api/v1/notifications?type=` filters by.
 */
export const NOTIFICATION_TYPES = [
  // Accounts: security mail, sent whatever the person's reminder preference.
  'account.invitation',
  'account.password_reset',
  // Enrolment and sessions.
  'enrolment.confirmed',
  'enrolment.waitlisted',
  'enrolment.promoted',
  'enrolment.withdrawn',
  'session.changed',
  'session.cancelled',
  'session.reminder',
  // Certificates.
  'certificate.issued',
  'certificate.suspended',
  'certificate.reinstated',
  'certificate.revoked',
  // Expiry: reminders (the person may turn these off) and the organisations' weekly digest.
  'certificate.expiring',
  'organisation.expiry_digest',
  'qualification.expiring',
] as const;
export type NotificationType = (typeof NOTIFICATION_TYPES)[number];

/** Messages a person may turn off (`reminders: false`); every other type is always sent. */
export const REMINDER_TYPES = [
  'session.reminder',
  'certificate.expiring',
  'qualification.expiring',
] as const satisfies readonly NotificationType[];

export const NOTIFICATION_STATUSES = ['queued', 'sent', 'failed'] as const;
export type NotificationStatus = (typeof NOTIFICATION_STATUSES)[number];

export interface MailAttachment {
  filename: string;
  contentType: string;
  content: string;
}

/**
 * What a change asks to be sent. It is queued in the caller's transaction (a rolled-back change
 * sends nothing) and sent once per `idempotencyKey`, however many instances or scans ask again.
 */
export interface NotificationRequest {
  type: NotificationType;
  /** The address; a name for the greeting, never placed in a header unescaped. */
  to: { email: string; name?: string | null };
  /** The recipient's language (their preference, else their organisation's country, else en). */
  language: Lang;
  /** What the template words: ids, serials, dates, names, links (absolute, from PUBLIC_BASE_URL). */
  params: Record<string, unknown>;
  /** e.g. `certificate.expiring:<certificateId>:90`, `enrolment.confirmed:<enrolmentId>`. */
  idempotencyKey: string;
  /** The account it concerns, if any (for the reminder preference and the audit of who was told). */
  userId?: string | null;
  attachments?: MailAttachment[];
}

/** A template: the message in one language, as plain text and as HTML (values escaped). */
export interface RenderedMessage {
  subject: string;
  text: string;
  html: string;
}
