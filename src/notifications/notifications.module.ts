import { Global, Module } from '@nestjs/common';
import { Mailer } from './mailer.js';
import { NotificationWorker } from './notification-worker.js';
import { NotificationsController } from './notifications.controller.js';
import { NotificationsService } from './notifications.service.js';
import { Notifier } from './notifier.js';
import { Recipients } from './recipients.js';

/**
 * Mail: queueing (Notifier, in the caller's transaction), recipients, delivery and the list of
 * what was sent. Global, since every feature that changes something people should hear about
 * queues its message through the Notifier.
 */
@Global()
@Module({
  controllers: [NotificationsController],
  providers: [Notifier, Recipients, Mailer, NotificationWorker, NotificationsService],
  exports: [Notifier, Recipients, Mailer, NotificationWorker],
})
export class NotificationsModule {}
