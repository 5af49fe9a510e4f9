import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { normaliseEmail } from '../common/email.js';
import { queryNamed } from '../database/named-statements.js';
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
    const [queued] = await this.enqueueMany(tx, [request]);
    return queued;
  }

  /**
   * Queues several messages as `enqueue` does each, in two statements at most whatever their
   * number (a session's certificates are a thousand messages in one transaction: one round trip
   * each made the bulk issue's mail cost more than its signing). Answers, per request in order,
   * what `enqueue` would.
   */
  async enqueueMany(
    tx: EntityManager,
    requests: readonly NotificationRequest[],
  ): Promise<boolean[]> {
    if (requests.length === 0) return [];
    const muted = await this.mutedReminders(tx, requests);
    const rows: QueuedRow[] = [];
    const index = new Map<string, number>();
    requests.forEach((request, i) => {
      if (request.userId && muted.has(request.userId) && REMINDERS.has(request.type)) return;
      // One idempotency key is one message, also within one batch (the first asked wins).
      if (index.has(request.idempotencyKey)) return;
      rows.push(this.render(request));
      index.set(request.idempotencyKey, i);
    });
    const answers = requests.map(() => false);
    if (rows.length === 0) return answers;
    // The workers are told in the same statement (pg_notify), delivered when (and only if) the
    // caller's transaction commits; an undeliverable address is stored as failed, not announced.
    const inserted = await queryNamed<{ idempotency_key: string; status: string }>(
      tx,
      `WITH queued AS (
         INSERT INTO notifications
           (id, type, recipient, recipient_name, language, user_id, subject, body_text,
            body_html, attachments, idempotency_key, message_id, status, last_error)
         SELECT id, type, recipient, recipient_name, language, user_id, subject, body_text,
                body_html, attachments, idempotency_key, message_id, status, last_error
           FROM jsonb_to_recordset($1::jsonb) AS r(
                  id uuid, type text, recipient text, recipient_name text, language text,
                  user_id uuid, subject text, body_text text, body_html text, attachments jsonb,
                  idempotency_key text, message_id text, status text, last_error text)
         ON CONFLICT (idempotency_key) DO NOTHING
         RETURNING id, idempotency_key, status)
       SELECT idempotency_key, status,
              CASE WHEN status = 'queued' THEN pg_notify($2, id::text) END AS announced
         FROM queued`,
      [JSON.stringify(rows), MAIL_CHANNEL],
    );
    for (const row of inserted) {
      if (row.status === 'queued') answers[index.get(row.idempotency_key)!] = true;
    }
    return answers;
  }

  /** The accounts among the requests' that turned reminders off (one read, only if any asks). */
  private async mutedReminders(
    tx: EntityManager,
    requests: readonly NotificationRequest[],
  ): Promise<Set<string>> {
    const userIds = [
      ...new Set(requests.filter((r) => REMINDERS.has(r.type) && r.userId).map((r) => r.userId!)),
    ];
    if (userIds.length === 0) return new Set();
    const rows = (await tx.query(
      'SELECT id FROM users WHERE id = ANY ($1::uuid[]) AND NOT reminders',
      [userIds],
    )) as Array<{ id: string }>;
    return new Set(rows.map((row) => row.id));
  }

  /** The row a request becomes: rendered now, in its recipient's language. */
  private render(request: NotificationRequest): QueuedRow {
    const email = normaliseEmail(request.to.email);
    // Recipients come from validated records, but a record kept from before today's rules may
    // hold an address no server would take. The change it accompanies (an enrolment, a
    // certificate) still stands: the message is recorded as failed, with the reason, where the
    // outbox shows it, and never handed to the mail server.
    const undeliverable = !/^[^\s@<>,;"]+@[^\s@<>,;"]+$/.test(email);
    const template = templateFor(request.type);
    if (!template) throw new Error(`Notifier: no template for ${request.type}`);
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
    return {
      id,
      type: request.type,
      recipient: email,
      recipient_name: cleanName(request.to.name),
      language: request.language,
      user_id: request.userId ?? null,
      subject: message.subject,
      body_text: message.text,
      body_html: message.html,
      attachments: request.attachments ?? [],
      idempotency_key: request.idempotencyKey,
      message_id: `<${id}@${this.messageIdHost}>`,
      status: undeliverable ? 'failed' : 'queued',
      last_error: undeliverable ? 'not a deliverable mail address' : null,
    };
  }
}

/** A `notifications` row as queued (its columns' names). */
interface QueuedRow {
  id: string;
  type: NotificationType;
  recipient: string;
  recipient_name: string | null;
  language: string;
  user_id: string | null;
  subject: string;
  body_text: string;
  body_html: string;
  attachments: unknown[];
  idempotency_key: string;
  message_id: string;
  status: 'queued' | 'failed';
  last_error: string | null;
}

/** A display name on one line: the address header is built by nodemailer, never by hand. */
function cleanName(name: string | null | undefined): string | null {
  return oneLine(name ?? '') || null;
}
