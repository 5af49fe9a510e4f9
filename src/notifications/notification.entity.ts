import {
  Check,
  Column,
  Entity,
  Index,
  JoinColumn,
  ManyToOne,
  PrimaryGeneratedColumn,
} from 'typeorm';
import type { Lang } from '../web/i18n.js';
import { User } from '../users/user.entity.js';
import type { MailAttachment, NotificationStatus, NotificationType } from './notification-types.js';

/**
 * One message: the queue row the workers send from and, once sent or failed, the record of
 * what was said to whom (migration Notifications). The rendered subject and bodies are kept,
 * so a message reads the same whenever it is sent and an admin can read what went out.
 */
@Entity('notifications')
@Check('notifications_status_check', `"status" IN ('queued', 'sent', 'failed')`)
@Check('notifications_language_check', `"language" IN ('en', 'az', 'ru')`)
@Check('notifications_attempts_check', `"attempts" >= 0`)
@Index('notifications_created_idx', ['createdAt', 'id'])
@Index('notifications_recipient_idx', ['recipient', 'createdAt'])
// The workers' claim order (CLAIM_DUE_NOTIFICATION): a transaction's messages share one time.
@Index('notifications_due_idx', ['nextAttemptAt', 'id'], { where: `"status" = 'queued'` })
export class Notification {
  /** Chosen by the Notifier before insert, as the Message-ID is derived from it. */
  @PrimaryGeneratedColumn('uuid', { primaryKeyConstraintName: 'notifications_pkey' })
  id: string;

  @Column({ type: 'text' })
  type: NotificationType;

  /** The address, as given (already lower-cased by the record it came from). */
  @Column({ type: 'text' })
  recipient: string;

  @Column({ name: 'recipient_name', type: 'text', nullable: true })
  recipientName: string | null;

  @Column({ type: 'text' })
  language: Lang;

  @Column({ name: 'user_id', type: 'uuid', nullable: true })
  userId: string | null;

  @ManyToOne(() => User, { onDelete: 'SET NULL' })
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'notifications_user_fk' })
  user?: User;

  @Column({ type: 'text' })
  subject: string;

  @Column({ name: 'body_text', type: 'text' })
  bodyText: string;

  @Column({ name: 'body_html', type: 'text' })
  bodyHtml: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  attachments: MailAttachment[];

  @Index('notifications_idempotency_key', { unique: true })
  @Column({ name: 'idempotency_key', type: 'text' })
  idempotencyKey: string;

  @Column({ type: 'text', default: 'queued' })
  status: NotificationStatus;

  @Column({ type: 'integer', default: 0 })
  attempts: number;

  @Column({ name: 'last_error', type: 'text', nullable: true })
  lastError: string | null;

  @Column({ name: 'next_attempt_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  nextAttemptAt: Date;

  @Column({ name: 'created_at', type: 'timestamptz', precision: 3, default: () => 'now()' })
  createdAt: Date;

  @Column({ name: 'sent_at', type: 'timestamptz', precision: 3, nullable: true })
  sentAt: Date | null;

  /** `<id@host>`, the same on every attempt, so a receiver can drop a duplicate delivery. */
  @Column({ name: 'message_id', type: 'text' })
  messageId: string;
}
