import { Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { ExpiryRemindersRunDto } from './dto/job-run.dto.js';
import { JobsService } from './jobs.service.js';

@ApiTags('jobs')
@Controller('api/v1/jobs')
export class JobsController {
  constructor(private readonly jobs: JobsService) {}

  @Post('expiry-reminders')
  @HttpCode(202)
  @Allow('jobs.run')
  @ApiOperation({
    summary: 'Run the daily reminder scan now',
    description:
      'The scan that also runs once a day: certificates expiring in 90 and 30 days (to the holder, with the next open sessions that renew them), session reminders 7 and 1 day before the start (with a calendar file), instructors’ qualifications lapsing within 60 days, and the weekly digest to each organisation’s contactEmail. Days are counted in the Center’s time zone. Each reminder is queued once per certificate, session or qualification and threshold, however often the scan runs; people who turned reminders off get none. 202: the messages are queued and sent in the background (see GET /api/v1/notifications).',
  })
  @ApiAcceptedResponse({ type: ExpiryRemindersRunDto, description: 'The messages this run queued' })
  run(): Promise<ExpiryRemindersRunDto> {
    return this.jobs.runNow();
  }
}
