import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { DataSource } from 'typeorm';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import type { ExpiryRemindersRunDto } from './dto/job-run.dto.js';
import { DAILY_JOBS, ReminderScan, type DailyJob, type QueuedCounts } from './reminder-scan.js';

/**
 * Runs the daily scan: on schedule, once per job and day across every instance, and on an
 * administrator's request. Each job runs in a transaction of its own, so one that fails leaves
 * the others' messages queued and is tried again at the next check.
 */
@Injectable()
export class JobsService {
  private readonly logger = new Logger(JobsService.name);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly scan: ReminderScan,
  ) {}

  /**
   * The scheduled runs due now: each job whose run for today (in the Center's time zone) no
   * instance has made. The claim is the insert of the (job, day) row, in the transaction that
   * runs the job: a second instance's insert waits for the first to commit and then finds the
   * row; if the first fails or dies, its row goes with it and the next check runs the job.
   * Answers the jobs this instance ran.
   */
  async runDue(now: Date = new Date()): Promise<DailyJob[]> {
    const day = today(this.config.timeZone, now);
    const ran: DailyJob[] = [];
    for (const job of DAILY_JOBS) {
      try {
        const claimed = await this.dataSource.transaction(async (tx) => {
          const rows = (await tx.query(
            `INSERT INTO scheduled_runs (job, run_on) VALUES ($1, $2::date)
             ON CONFLICT DO NOTHING RETURNING job`,
            [job, day],
          )) as unknown[];
          if (rows.length === 0) return false;
          const counts = await this.scan.run(job, tx, day);
          await tx.query(
            `UPDATE scheduled_runs SET finished_at = clock_timestamp(), queued = $3
              WHERE job = $1 AND run_on = $2::date`,
            [job, day, total(counts)],
          );
          return true;
        });
        if (claimed) ran.push(job);
      } catch (error) {
        // Logged, not thrown: the other jobs still run, and this one is retried next check.
        this.logger.error(`Scheduled job ${job} for ${day} failed: ${String(error)}`);
      }
    }
    return ran;
  }

  /**
   * `POST /api/v1/jobs/expiry-reminders`: the whole scan now, whatever ran today. Whatever it
   * finds already queued (by the schedule, an earlier request or another instance) is not
   * queued again, so asking twice sends each reminder once.
   */
  async runNow(now: Date = new Date()): Promise<ExpiryRemindersRunDto> {
    const day = today(this.config.timeZone, now);
    const byType: QueuedCounts = {};
    for (const job of DAILY_JOBS) {
      const counts = await this.dataSource.transaction((tx) => this.scan.run(job, tx, day));
      for (const [type, n] of Object.entries(counts) as Array<[keyof QueuedCounts, number]>) {
        byType[type] = (byType[type] ?? 0) + n;
      }
    }
    return { day, queued: total(byType), byType };
  }
}

function total(counts: QueuedCounts): number {
  return Object.values(counts).reduce((sum, n) => sum + (n ?? 0), 0);
}
