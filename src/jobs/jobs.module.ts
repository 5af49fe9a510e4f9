import { Module } from '@nestjs/common';
import { EnrolmentsModule } from '../enrolments/enrolments.module.js';
import { JobScheduler } from './job-scheduler.js';
import { JobsController } from './jobs.controller.js';
import { JobsService } from './jobs.service.js';
import { ReminderScan } from './reminder-scan.js';

/** Scheduled work: the daily reminder scan, its timer, and the route that runs it now. */
@Module({
  // The daily settling of ended seat reservations (EnrolmentsService).
  imports: [EnrolmentsModule],
  controllers: [JobsController],
  providers: [ReminderScan, JobsService, JobScheduler],
  exports: [JobsService, JobScheduler],
})
export class JobsModule {}
