import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import pg from 'pg';
import type { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { Mailer } from './mailer.js';
import type { MailAttachment } from './notification-types.js';
import { MAIL_CHANNEL } from './notifier.js';

/** How often an instance looks for due mail without being told (retries, missed wake-ups). */
const POLL_MS = 5_000;
const RECONNECT_MS = 5_000;
/** A retry waits at most this long, however many attempts came before. */
const MAX_RETRY_DELAY_MS = 3_600_000;
/** On shutdown, a send under way gets this long to finish before the app closes anyway. */
const SHUTDOWN_GRACE_MS = 5_000;
const MAX_ERROR_LENGTH = 1_000;

/** The wait before attempt `attempts + 1`: base, 2×base, 4×base, … up to an hour. */
export function retryDelayMs(attempts: number, baseMs: number): number {
  return Math.min(baseMs * 2 ** Math.max(0, attempts - 1), MAX_RETRY_DELAY_MS);
}

interface ClaimedRow {
  id: string;
  type: string;
  recipient: string;
  recipient_name: string | null;
  subject: string;
  body_text: string;
  body_html: string;
  attachments: MailAttachment[];
  message_id: string;
  attempts: number;
}

/**
 * How many due messages one transaction claims. Claiming, marking sent and committing each
 * message on its own cost four round trips per message, which a bulk issue or an enrolment
 * rush paid while its own writes waited for the same two cores (bench/README.md); a batch pays
 * them once. Small, because the claimed rows stay locked (and are sent again after a crash)
 * until the batch commits.
 */
export const CLAIM_BATCH = 10;

/**
 * Sends queued mail, in every instance. Due rows are claimed, a few at a time, with
 * `FOR UPDATE SKIP LOCKED` inside a transaction that stays open while the messages are handed
 * to the server: another instance skips the locked rows (so two instances never send one
 * twice), and an instance that dies mid-send releases them to be retried. If the server took a
 * message but the commit then failed, it is sent again with the same Message-ID (at least once).
 *
 * It wakes when a queued message's transaction commits (NOTIFY on MAIL_CHANNEL) and polls
 * every few seconds for retries that came due and anything it missed while disconnected.
 */
/**
 * The oldest due messages, skipping those another worker holds. Served by
 * `notifications_due_idx` (next_attempt_at, id) without a sort (test/query-plans.e2e-spec.ts).
 */
export const CLAIM_DUE_NOTIFICATION = `SELECT id, type, recipient, recipient_name, subject, body_text, body_html, attachments,
        message_id, attempts
   FROM notifications
  WHERE status = 'queued' AND next_attempt_at <= now()
  ORDER BY next_attempt_at, id
  LIMIT ${CLAIM_BATCH}
  FOR UPDATE SKIP LOCKED`;

/** The messages of a batch the server took, in one statement. */
const MARK_SENT = `UPDATE notifications n
    SET status = 'sent', attempts = a.attempts, sent_at = now(), last_error = NULL
   FROM unnest($1::uuid[], $2::int[]) AS a(id, attempts)
  WHERE n.id = a.id`;

@Injectable()
export class NotificationWorker implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(NotificationWorker.name);
  /** Runs of this instance, one after the other (drain() waits for the background one). */
  private queue: Promise<unknown> = Promise.resolve();
  private wakePending = false;
  private unreachable = false;
  private stopped = false;
  private poll: NodeJS.Timeout | null = null;
  private reconnect: NodeJS.Timeout | null = null;
  private listener: pg.Client | null = null;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mailer: Mailer,
    private readonly config: AppConfig,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.mailWorker) return;
    this.poll = setInterval(() => this.wake(), POLL_MS);
    this.poll.unref();
    void this.listen();
    // Whatever was queued while no instance ran (or before a restart) goes now.
    this.wake();
  }

  /** Before the database pool closes (onApplicationShutdown): stop, let a send under way end. */
  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.poll) clearInterval(this.poll);
    if (this.reconnect) clearTimeout(this.reconnect);
    const listener = this.listener;
    this.listener = null;
    await listener?.end().catch(() => undefined);
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      this.queue,
      new Promise((resolve) => (timer = setTimeout(resolve, SHUTDOWN_GRACE_MS))),
    ]);
    clearTimeout(timer);
  }

  /**
   * Sends everything due now, after any background run of this instance has finished, and
   * resolves with how many messages it attempted. For tests and commands: no sleeping.
   */
  drain(): Promise<number> {
    return this.serially(() => this.sendDue());
  }

  private wake(): void {
    if (this.stopped || this.wakePending) return;
    this.wakePending = true;
    this.serially(async () => {
      this.wakePending = false;
      if (!this.stopped) await this.sendDue();
    }).then(
      () => (this.unreachable = false),
      (err: unknown) => {
        // The database is away (polling would repeat this every few seconds): said once.
        if (!this.unreachable) this.logger.error({ err }, 'Could not read the mail queue');
        this.unreachable = true;
      },
    );
  }

  private serially<T>(run: () => Promise<T>): Promise<T> {
    const result = this.queue.then(run);
    this.queue = result.catch(() => undefined);
    return result;
  }

  private async sendDue(): Promise<number> {
    let attempted = 0;
    while (!this.stopped) {
      const { claimed, retrying } = await this.sendBatch();
      attempted += claimed;
      // A short batch means nothing else was due, unless a retry was scheduled that may be due
      // already (a short back-off): look once more, as one-at-a-time claiming did.
      if (claimed < CLAIM_BATCH && !retrying) break;
    }
    return attempted;
  }

  /**
   * Claims up to CLAIM_BATCH due messages and tries to send each; answers how many it claimed
   * (fewer than a batch: nothing more is due, or the rest are taken) and whether any was put
   * back for a retry.
   */
  private async sendBatch(): Promise<{ claimed: number; retrying: boolean }> {
    const runner = this.dataSource.createQueryRunner('master');
    await runner.connect();
    try {
      await runner.startTransaction();
      const rows = (await runner.query(CLAIM_DUE_NOTIFICATION)) as ClaimedRow[];
      const sent: { row: ClaimedRow; attempts: number }[] = [];
      const unsent: { row: ClaimedRow; attempts: number; reason: string; failed: boolean }[] = [];
      for (const row of rows) {
        // Stopping: what is left of the batch stays queued (released at commit) for the next run.
        if (this.stopped) break;
        const attempts = row.attempts + 1;
        try {
          await this.mailer.send({
            id: row.id,
            recipient: row.recipient,
            recipientName: row.recipient_name,
            subject: row.subject,
            bodyText: row.body_text,
            bodyHtml: row.body_html,
            attachments: row.attachments,
            messageId: row.message_id,
          });
          sent.push({ row, attempts });
        } catch (error) {
          const failed = attempts >= this.config.mailMaxAttempts;
          unsent.push({ row, attempts, reason: describe(error), failed });
        }
      }
      if (sent.length) {
        await runner.query(MARK_SENT, [sent.map((s) => s.row.id), sent.map((s) => s.attempts)]);
      }
      for (const { row, attempts, reason, failed } of unsent) {
        await runner.query(
          `UPDATE notifications
              SET status = $2, attempts = $3, last_error = $4,
                  next_attempt_at = now() + make_interval(secs => $5::double precision / 1000)
            WHERE id = $1`,
          [
            row.id,
            failed ? 'failed' : 'queued',
            attempts,
            reason,
            failed ? 0 : retryDelayMs(attempts, this.config.mailRetryBaseMs),
          ],
        );
      }
      await runner.commitTransaction();
      for (const { row, attempts } of sent) {
        this.logger.log({ notificationId: row.id, type: row.type, attempts }, 'Mail sent');
      }
      for (const { row, attempts, reason, failed } of unsent) {
        this.logger.warn(
          { notificationId: row.id, type: row.type, attempts, error: reason },
          failed ? 'Mail failed for good' : 'Mail not sent; will retry',
        );
      }
      return { claimed: rows.length, retrying: unsent.some((u) => !u.failed) };
    } catch (error) {
      if (runner.isTransactionActive) await runner.rollbackTransaction().catch(() => undefined);
      throw error;
    } finally {
      await runner.release();
    }
  }

  /** LISTEN on its own connection, reconnecting while the app runs (polling covers the gap). */
  private async listen(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      application_name: 'coe-mail-worker',
      keepAlive: true,
    });
    const lost = () => {
      if (this.listener !== client) return;
      this.listener = null;
      void client.end().catch(() => undefined);
      if (!this.stopped) {
        this.reconnect = setTimeout(() => void this.listen(), RECONNECT_MS);
        this.reconnect.unref();
      }
    };
    client.on('error', lost);
    client.on('end', lost);
    client.on('notification', (message) => {
      if (message.channel === MAIL_CHANNEL) this.wake();
    });
    this.listener = client;
    try {
      await client.connect();
      await client.query(`LISTEN ${MAIL_CHANNEL}`);
    } catch {
      lost();
      return;
    }
    if (this.stopped) {
      await client.end().catch(() => undefined);
      return;
    }
    // Anything committed before LISTEN took effect was not announced to us.
    this.wake();
  }
}

/** The server's reason, on one line and bounded: never the message itself. */
function describe(error: unknown): string {
  const text = error instanceof Error ? error.message : String(error);
  return text.replace(/\s+/g, ' ').trim().slice(0, MAX_ERROR_LENGTH) || 'unknown error';
}
