import { ApiProperty } from '@nestjs/swagger';
import { NOTIFICATION_TYPES } from '../../notifications/notification-types.js';
import type { QueuedCounts } from '../reminder-scan.js';

export class ExpiryRemindersRunDto {
  @ApiProperty({
    format: 'date',
    example: '2026-12-07',
    description: 'The day the scan ran for, in the Center’s time zone',
  })
  day: string;

  @ApiProperty({
    example: 4,
    description:
      'Messages this run queued. Reminders already queued by an earlier run (the same certificate or session and threshold) are not queued again and not counted; nor are reminders to accounts that turned them off.',
  })
  queued: number;

  @ApiProperty({
    type: 'object',
    additionalProperties: { type: 'integer' },
    example: { 'certificate.expiring': 3, 'session.reminder': 1 },
    description: `Messages queued, by notification type (${NOTIFICATION_TYPES.filter((t) =>
      /expiring|reminder|digest/.test(t),
    ).join(', ')}); types with none are left out`,
  })
  byType: QueuedCounts;
}
