import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { PeriodicCheck } from '../jobs/periodic-check.js';
import { RecognitionsService } from './recognitions.service.js';

export const RECOGNITION_STATUS_JOB = 'recognition-status';

/**
 * The daily re-check of recognitions' status at their issuers, beside the reminder scan and on
 * the same timetable (src/jobs/periodic-check.ts). It cannot run inside one transaction as the
 * reminder jobs do (it fetches other centres' status lists, which may be slow), so the day's
 * claim (a `scheduled_runs` row) is committed first and taken back if the run fails, letting
 * the next check try again. A second instance finds the claim and does nothing; were both to
 * run, ending a recognition twice is refused by its row lock and state.
 */
@Injectable()
export class RecognitionStatusScheduler extends PeriodicCheck<boolean> {
  protected readonly logger = new Logger(RecognitionStatusScheduler.name);
  protected readonly failed = false;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly recognitions: RecognitionsService,
  ) {
    super();
  }

  protected enabled(): boolean {
    return this.config.scheduledJobs;
  }

  /** Runs today's re-check unless an instance already did; answers whether this one ran it. */
  protected async work(now: Date = new Date()): Promise<boolean> {
    const day = today(this.config.timeZone, now);
    const claimed = (await this.dataSource.query(
      `INSERT INTO scheduled_runs (job, run_on) VALUES ($1, $2::date)
       ON CONFLICT DO NOTHING RETURNING job`,
      [RECOGNITION_STATUS_JOB, day],
    )) as unknown[];
    if (claimed.length === 0) return false;
    try {
      const result = await this.recognitions.recheck();
      await this.dataSource.query(
        `UPDATE scheduled_runs SET finished_at = clock_timestamp(), queued = $3
          WHERE job = $1 AND run_on = $2::date`,
        [RECOGNITION_STATUS_JOB, day, result.ended],
      );
      return true;
    } catch (error) {
      await this.dataSource.query(
        'DELETE FROM scheduled_runs WHERE job = $1 AND run_on = $2::date',
        [RECOGNITION_STATUS_JOB, day],
      );
      throw error;
    }
  }
}
