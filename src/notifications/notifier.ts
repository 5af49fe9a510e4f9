import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { normaliseEmail } from '../common/email.js';
import { AppConfig } from '../config/app-config.js';
import {
  REMINDER_TYPES,
  type NotificationRequest,
  type NotificationType,
} from './notification-types.js';
import { oneLine, renderMessage } from './templates/layout.js';
import { templateFor } from './templates/index.js';

/** The channel the workers listen on; a notification is delivered only once its transaction commits. */
export const MAIL_CHANNEL = 'coe_mail';

const REMINDERS: ReadonlySet<NotificationType> = new Set(REMINDER_TYPES);

/**
 * Queues messages. A message is a row of `notifications` inserted in the caller's transaction,
 * so a change that rolls back sends nothing, and rendered now, so it says what was true when
 * the change was made whenever it is delivered. The workers (NotificationWorker) send it.
 */
@Injectable()
export class Notifier {
  private readonly messageIdHost: string;

  constructor(private readonly config: AppConfig) {
    this.messageIdHost = new URL(config.publicBaseUrl).hostname || 'localhost';
  }

  /**
   * Queues one message in the caller's transaction `tx` (rolled back = never sent). Renders it
   * now from its template in request.language and stores subject/text/html/attachments in the
   * row. Returns false (and stores nothing) when request.idempotencyKey was already queued, or
   * when the type is in REMINDER_TYPES and request.userId's account has reminders = false; also
   * false for an address no mail server would take, stored as failed with the reason.
   */
  async enqueue(tx: EntityManager, request: NotificationRequest): Promise<boolean> {
    const email = normaliseEmail(request.to.email);
    // Recipients come from validated records, but a record kept from before today's rules may
    // hold an address no server would take. The change it accompanies (an enrolment, a
    // certificate) still stands: the message is recorded as failed, with the reason, where the
    // outbox shows it, and never handed to the mail server.
    const undeliverable = !/^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(email);
    const template = templateFor(request.type);
    if (!template) throw new Error(`Notifier: no template for ${request.type}`);

    if (REMINDERS.has(request.type) && request.userId) {
      const rows = (await tx.query('SELECT reminders FROM users WHERE id = $1', [
        request.userId,
      ])) as Array<{ reminders: boolean }>;
      if (rows[0] && !rows[0].reminders) return false;
    }

    const content = template(request.params, request.language);
    const message = renderMessage(
      // A template that does not name whom it greets greets the recipient by their name.
      {
        ...content,
        greetingName:
          content.greetingName !== undefined ? content.greetingName : (request.to.name ?? null),
      },
      request.language,
      this.config.centerName,
    );
    const id = randomUUID();
    const inserted = (await tx.query(
      `INSERT INTO notifications
         (id, type, recipient, recipient_name, language, user_id, subject, body_text, body_html,
          attachments, idempotency_key, message_id, status, last_error)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10::jsonb, $11, $12, $13, $14)
       ON CONFLICT (idempotency_key) DO NOTHING
       RETURNING id`,
      [
        id,
        request.type,
        email,
        cleanName(request.to.name),
        request.language,
        request.userId ?? null,
        message.subject,
        message.text,
        message.html,
        JSON.stringify(request.attachments ?? []),
        request.idempotencyKey,
        `<${id}@${this.messageIdHost}>`,
        undeliverable ? 'failed' : 'queued',
        undeliverable ? 'not a deliverable mail address' : null,
      ],
    )) as Array<{ id: string }>;
    if (inserted.length === 0 || undeliverable) return false;
    // Delivered to the listening workers when (and only if) the caller's transaction commits.
    await tx.query('SELECT pg_notify($1, $2)', [MAIL_CHANNEL, id]);
    return true;
  }
}

/** A display name on one line: the address header is built by nodemailer, never by hand. */
function cleanName(name: string | null | undefined): string | null {
  return oneLine(name ?? '') || null;
}
