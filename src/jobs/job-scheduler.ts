import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { AppConfig } from '../config/app-config.js';
import { JobsService } from './jobs.service.js';

/** How often each instance looks whether today's runs are due. */
export const CHECK_INTERVAL_MS = 3_600_000;
/**
 * The first look after start: soon, but not before the instance has settled (and long after a
 * short command-line task built on the same modules has finished).
 */
export const FIRST_CHECK_MS = 60_000;

/**
 * The timer of the daily scan, in every instance (JobsService.runDue makes sure only one of
 * them runs each job each day). Stopped on shutdown, waiting for a run under way to finish so
 * the database is not closed beneath it.
 */
@Injectable()
export class JobScheduler implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger(JobScheduler.name);
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<unknown> | null = null;
  private stopped = false;

  constructor(
    private readonly config: AppConfig,
    private readonly jobs: JobsService,
  ) {}

  onApplicationBootstrap(): void {
    if (!this.config.scheduledJobs) return;
    this.schedule(FIRST_CHECK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One check now (the timer's work; tests call it). A check under way is not doubled. */
  check(now?: Date): Promise<unknown> {
    this.running ??= this.jobs
      .runDue(now)
      .catch((error: unknown) => this.logger.error(`Scheduled check failed: ${String(error)}`))
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.check().finally(() => this.schedule(CHECK_INTERVAL_MS));
    }, delayMs);
    // The timer alone does not keep the process alive.
    this.timer.unref();
  }
}
