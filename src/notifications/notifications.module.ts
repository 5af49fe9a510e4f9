import { Global, Module } from '@nestjs/common';
import { Notifier } from './notifier.js';
import { Recipients } from './recipients.js';

/**
 * Mail: queueing (Notifier, in the caller's transaction), recipients, delivery and the list of
 * what was sent. Global, since every feature that changes something people should hear about
 * queues its message through the Notifier.
 */
@Global()
@Module({
  providers: [Notifier, Recipients],
  exports: [Notifier, Recipients],
})
export class NotificationsModule {}
