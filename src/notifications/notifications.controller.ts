import { Controller, Get, Param, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  ListNotificationsQueryDto,
  NotificationMessageDto,
  NotificationPageDto,
} from './dto/notification.dto.js';
import { NotificationsService } from './notifications.service.js';

@ApiTags('notifications')
@Controller('api/v1/notifications')
export class NotificationsController {
  constructor(private readonly notifications: NotificationsService) {}

  @Get()
  @Allow('notifications.read')
  @ApiOperation({
    summary: 'What was mailed to whom, and its delivery state',
    description:
      'Every message the service queued, newest first: its type, recipient, language, delivery state (`queued`, `sent`, or `failed` after MAIL_MAX_ATTEMPTS with the reason in `lastError`) and attempts. Filters combine: `recipient` (a whole address, any case), `type`, `status`. The message itself is not part of the list.',
  })
  @ApiOkResponse({ type: NotificationPageDto })
  @ApiBadRequestResponse({ type: ErrorResponseDto, description: 'A filter value is not valid' })
  list(@Query() query: ListNotificationsQueryDto): Promise<NotificationPageDto> {
    return this.notifications.list(query);
  }

  @Get(':id/message')
  @Allow('notifications.readMessage')
  @ApiOperation({
    summary: 'One message as it was sent (admins)',
    description:
      'Subject, plain text and HTML as rendered when the message was queued. Without SMTP_URL (the outbox in DATA_DIR/outbox) links are shown whole, so a developer can follow an invitation; with an SMTP server, tokens in links are masked.',
  })
  @ApiOkResponse({ type: NotificationMessageDto })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  message(@Param('id', UuidPipe) id: string): Promise<NotificationMessageDto> {
    return this.notifications.message(id);
  }
}
