import { Injectable, Logger } from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { JobsService } from './jobs.service.js';
import type { DailyJob } from './reminder-scan.js';
import { PeriodicCheck } from './periodic-check.js';

/**
 * The timer of the daily scan, in every instance (JobsService.runDue makes sure only one of
 * them runs each job each day).
 */
@Injectable()
export class JobScheduler extends PeriodicCheck<DailyJob[]> {
  protected readonly logger = new Logger(JobScheduler.name);
  protected readonly failed: DailyJob[] = [];

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {
    super();
  }

  protected enabled(): boolean {
    return this.config.scheduledJobs;
  }

  protected work(now: Date | undefined): Promise<DailyJob[]> {
    return this.jobs.runDue(now);
  }
}
