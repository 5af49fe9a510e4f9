import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnModuleDestroy,
} from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { sequencerFor } from './audit-sequencer.js';

/** How often each instance looks for audit events left pending. */
export const SWEEP_INTERVAL_MS = 5_000;

/**
 * Sequences audit events that a commit left pending without a run to place them: the process
 * died between commit and sequencing, or the run failed (the database went away a moment).
 * Every instance looks at start and every few seconds; a look costs one indexed query when
 * nothing is pending. Its own timer: the daily jobs' (PeriodicCheck) looks once an hour.
 */
@Injectable()
export class AuditSweeper implements OnApplicationBootstrap, OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<number> | null = null;
  private stopped = false;

  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  onApplicationBootstrap(): void {
    this.schedule(0);
  }

  async onModuleDestroy(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.running;
  }

  /** One look now (the timer's work; tests call it): how many events it sequenced. */
  sweep(): Promise<number> {
    this.running ??= this.work()
      .catch((err: unknown) => {
        this.logger.error({ err }, 'Audit sweep failed; the events stay pending');
        return 0;
      })
      .finally(() => {
        this.running = null;
      });
    return this.running;
  }

  private async work(): Promise<number> {
    const queryRunner = this.dataSource.createQueryRunner('master');
    try {
      // The connection is taken before the sweep may lead a run (see AuditSequencer): waiting
      // for one while leading could keep waiting committers from giving theirs back.
      const [{ pending }] = (await queryRunner.query(
        'SELECT EXISTS (SELECT 1 FROM audit_pending) AS pending',
      )) as { pending: boolean }[];
      if (!pending) return 0;
      const moved = await sequencerFor(this.dataSource).sweep(queryRunner);
      if (moved > 0) this.logger.warn(`Sequenced ${moved} audit events left pending`);
      return moved;
    } finally {
      await queryRunner.release();
    }
  }

  private schedule(delayMs: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      void this.sweep().finally(() => this.schedule(SWEEP_INTERVAL_MS));
    }, delayMs);
    // The timer alone does not keep the process alive.
    this.timer.unref();
  }
}
