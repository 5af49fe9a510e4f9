import { Injectable, Logger, type OnApplicationShutdown } from '@nestjs/common';
import { mkdir, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import nodemailer, { type SendMailOptions, type Transporter } from 'nodemailer';
import { parseConnectionUrl } from 'nodemailer/lib/shared/index.js';
import type Mail from 'nodemailer/lib/mailer/index.js';
import { AppConfig } from '../config/app-config.js';
import type { MailAttachment } from './notification-types.js';

/** What the Mailer needs of a queued row. */
export interface OutgoingMail {
  id: string;
  recipient: string;
  recipientName: string | null;
  subject: string;
  bodyText: string;
  bodyHtml: string;
  attachments: MailAttachment[];
  messageId: string;
}

/**
 * Timeouts for a server that accepts the connection and then stalls: the worker holds its row
 * locked while sending, so a send must end (and be retried) rather than hang. The URL's own
 * query parameters (nodemailer's, e.g. `?tls.rejectUnauthorized=false`) override these.
 */
const SMTP_DEFAULTS = { connectionTimeout: 20_000, greetingTimeout: 20_000, socketTimeout: 60_000 };

/**
 * Hands a rendered message to the SMTP server of SMTP_URL (`smtps://` is TLS from the start,
 * `smtp://` upgrades with STARTTLS when offered) or, without SMTP_URL, writes it as an .eml
 * file to DATA_DIR/outbox, where a developer can open it (and the Outbox page lists it).
 * Headers are built by nodemailer from address objects, never from strings of ours.
 */
@Injectable()
export class Mailer implements OnApplicationShutdown {
  private readonly logger = new Logger(Mailer.name);
  private readonly transport: Transporter;
  private readonly from: Mail.Address;
  /** Where .eml files go when there is no SMTP server; null when there is one. */
  readonly outboxDir: string | null;

  constructor(config: AppConfig) {
    this.from = parseFrom(config.mailFrom, config.centerName);
    if (config.smtpUrl) {
      this.outboxDir = null;
      this.transport = nodemailer.createTransport({
        ...SMTP_DEFAULTS,
        ...parseConnectionUrl(config.smtpUrl),
      });
    } else {
      this.outboxDir = join(config.dataDir, 'outbox');
      this.transport = nodemailer.createTransport({ streamTransport: true, buffer: true });
    }
  }

  /** Resolves once the server accepted the message (or its file is written); throws otherwise. */
  async send(mail: OutgoingMail): Promise<void> {
    const options: SendMailOptions = {
      from: this.from,
      to: { name: mail.recipientName ?? '', address: mail.recipient },
      subject: mail.subject,
      text: mail.bodyText,
      html: mail.bodyHtml,
      messageId: mail.messageId,
      // RFC 3834: automatic mail, so auto-responders do not answer it.
      headers: { 'Auto-Submitted': 'auto-generated' },
      attachments: mail.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        content: a.content,
      })),
    };
    const info = (await this.transport.sendMail(options)) as { message?: Buffer };
    if (this.outboxDir) await this.writeEml(mail.id, info.message!);
  }

  onApplicationShutdown(): void {
    this.transport.close();
  }

  /** Written whole, then renamed: a reader never sees half a file, and a retry overwrites. */
  private async writeEml(id: string, message: Buffer): Promise<void> {
    const dir = this.outboxDir!;
    await mkdir(dir, { recursive: true });
    const file = join(dir, `${id}.eml`);
    await writeFile(`${file}.tmp`, message);
    await rename(`${file}.tmp`, file);
    this.logger.debug(`Wrote ${file}`);
  }
}

/** MAIL_FROM as an address object: `Name <address>`, or a bare address named after the Center. */
export function parseFrom(mailFrom: string, centerName: string): Mail.Address {
  const named = /^\s*(.*?)\s*<([^<>\s]+)>\s*$/.exec(mailFrom);
  if (named) return { name: named[1].replace(/^"(.*)"$/, '$1'), address: named[2] };
  return { name: centerName, address: mailFrom.trim() };
}
