import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsEmail, IsIn, IsOptional, MaxLength } from 'class-validator';
import { EMAIL_MAX_LENGTH, normaliseEmail } from '../../common/email.js';
import { PageQueryDto } from '../../common/pagination.js';
import { LANGUAGES, type Lang } from '../../web/i18n.js';
import type { Notification } from '../notification.entity.js';
import {
  NOTIFICATION_STATUSES,
  NOTIFICATION_TYPES,
  type NotificationStatus,
  type NotificationType,
} from '../notification-types.js';

export class NotificationDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: NOTIFICATION_TYPES, example: 'certificate.issued' })
  type: NotificationType;
  @ApiProperty({ example: 'aysel.mammadova@example.org', description: 'The address it goes to' })
  recipient: string;
  @ApiProperty({ enum: LANGUAGES }) language: Lang;
  @ApiProperty({
    enum: NOTIFICATION_STATUSES,
    description:
      '`queued`: waiting to be sent (again, after a failed attempt); `sent`: the mail server took it; `failed`: every attempt failed (see lastError)',
  })
  status: NotificationStatus;
  @ApiProperty({ example: 1, description: 'Delivery attempts made so far' })
  attempts: number;
  @ApiProperty({
    type: String,
    nullable: true,
    example: '451 Temporary failure, try again later',
    description: "The last failed attempt's reason (null once sent)",
  })
  lastError: string | null;
  @ApiProperty({ format: 'date-time', description: 'When it was queued' }) createdAt: Date;
  @ApiProperty({ format: 'date-time', type: String, nullable: true }) sentAt: Date | null;

  static from(n: Notification): NotificationDto {
    return {
      id: n.id,
      type: n.type,
      recipient: n.recipient,
      language: n.language,
      status: n.status,
      attempts: n.attempts,
      lastError: n.lastError,
      createdAt: n.createdAt,
      sentAt: n.sentAt,
    };
  }
}

export class NotificationPageDto {
  @ApiProperty({ type: [NotificationDto] }) items: NotificationDto[];
  @ApiProperty({ type: String, nullable: true }) nextCursor: string | null;
}

export class ListNotificationsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    example: 'aysel.mammadova@example.org',
    description: 'Messages to this address (whole address, any case)',
  })
  @IsOptional()
  @Transform(({ value }: { value: unknown }) =>
    typeof value === 'string' ? normaliseEmail(value) : value,
  )
  @MaxLength(EMAIL_MAX_LENGTH)
  @IsEmail({ allow_utf8_local_part: true })
  recipient?: string;

  @ApiPropertyOptional({ enum: NOTIFICATION_TYPES })
  @IsOptional()
  @IsIn(NOTIFICATION_TYPES)
  type?: NotificationType;

  @ApiPropertyOptional({ enum: NOTIFICATION_STATUSES })
  @IsOptional()
  @IsIn(NOTIFICATION_STATUSES)
  status?: NotificationStatus;
}

export class NotificationAttachmentDto {
  @ApiProperty({ example: 'session.ics' }) filename: string;
  @ApiProperty({ example: 'text/calendar' }) contentType: string;
  @ApiProperty({ description: 'Size of the content in bytes' }) size: number;
}

export class NotificationMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() recipient: string;
  @ApiProperty({ type: String, nullable: true }) recipientName: string | null;
  @ApiProperty({ description: 'The From the message is sent with (MAIL_FROM)' }) from: string;
  @ApiProperty() subject: string;
  @ApiProperty({ description: 'The plain-text body' }) text: string;
  @ApiProperty({
    description:
      'The HTML body (every value in it escaped when it was written). With an SMTP server configured, tokens in links (`token=`) are masked: the message reached its recipient and its link is theirs alone',
  })
  html: string;
  @ApiProperty({ type: [NotificationAttachmentDto] }) attachments: NotificationAttachmentDto[];
  @ApiProperty({ description: 'The Message-ID header, the same on every attempt' })
  messageId: string;
}
