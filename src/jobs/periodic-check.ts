import type { Logger, OnApplicationBootstrap, OnModuleDestroy } from '@nestjs/common';

/** How often each instance looks whether today's runs are due. */
export const CHECK_INTERVAL_MS = 3_600_000;
/**
 * The first look after start: soon, but not before the instance has settled (and long after a
 * short command-line task built on the same modules has finished).
 */
export const FIRST_CHECK_MS = 60_000;

/**
 * The timer of a daily job, in every instance: a first look a minute after start, then one an
 * hour (the job itself makes sure only one instance runs it each day). A check under way is not
 * doubled, a failed one is logged and tried again at the next look, and shutdown waits for a
 * check under way so the database is not closed beneath it. Subclasses say what a check does.
 */
export abstract class PeriodicCheck<T> implements OnApplicationBootstrap, OnModuleDestroy {
  protected abstract readonly logger: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<T> | null = null;
  private stopped = false;

  /** Whether this instance runs scheduled jobs at all (AppConfig.scheduledJobs). */
  protected abstract enabled(): boolean;

  /** The check's work; its failure is logged and answered with `failed`. */
  protected abstract work(now: Date | undefined): Promise<T>;

  /** What a failed check answers. */
  protected abstract readonly failed: T;

  onApplicationBootstrap(): void {
    if (!this.enabled()) return;
    this.schedule(FIRST_CHECK_MS);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One check now (the timer's work; tests call it). A check under way is not doubled. */
  check(now?: Date): Promise<T> {
    this.running ??= this.work(now)
      .catch((error: unknown) => {
        this.logger.error(`${this.constructor.name} check failed: ${String(error)}`);
        return this.failed;
      })
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
