import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { notFound } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import {
  NotificationDto,
  type ListNotificationsQueryDto,
  type NotificationMessageDto,
} from './dto/notification.dto.js';
import { Notification } from './notification.entity.js';

/** A link's token (`?token=`, `&token=`, `#token=`) and its value. */
const TOKEN_IN_LINK = /([?&#]token=)[^&#\s"'<>]+/g;

/** What was sent to whom: the list for admins and auditors, one message for admins. */
@Injectable()
export class NotificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
  ) {}

  /** Newest first; filters combine. */
  list(query: ListNotificationsQueryDto): Promise<Page<NotificationDto>> {
    const qb = this.dataSource.getRepository(Notification).createQueryBuilder('n');
    if (query.recipient) qb.andWhere('n.recipient = :recipient', { recipient: query.recipient });
    if (query.type) qb.andWhere('n.type = :type', { type: query.type });
    if (query.status) qb.andWhere('n.status = :status', { status: query.status });
    return keysetPage(qb, {
      alias: 'n',
      sortColumn: 'createdAt',
      sortValue: (n) => n.createdAt,
      direction: 'DESC',
      query,
      map: NotificationDto.from,
    });
  }

  /**
   * The message as stored. Without an SMTP server (development) the outbox is the only way its
   * links reach anyone, so they are shown whole; with one, the recipient already has it, and a
   * token in a link (an invitation, a password reset) is theirs alone: it is masked.
   */
  async message(id: string): Promise<NotificationMessageDto> {
    const n = await this.dataSource.getRepository(Notification).findOneBy({ id });
    if (!n) throw notFound('Notification');
    const mask = (body: string) =>
      this.config.smtpUrl ? body.replace(TOKEN_IN_LINK, '$1…') : body;
    return {
      id: n.id,
      recipient: n.recipient,
      recipientName: n.recipientName,
      from: this.config.mailFrom,
      subject: n.subject,
      text: mask(n.bodyText),
      html: mask(n.bodyHtml),
      attachments: n.attachments.map((a) => ({
        filename: a.filename,
        contentType: a.contentType,
        size: Buffer.byteLength(a.content, 'utf8'),
      })),
      messageId: n.messageId,
    };
  }
}
