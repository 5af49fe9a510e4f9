import { Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { actorFromRequest, type Actor } from '../common/actor.js';
import type { ErrorBody } from '../common/errors.js';
import { AuditService } from './audit.service.js';

const MAX_PATH_LENGTH = 500;
/** Refusals of one caller on one route are counted per minute, not recorded one by one. */
export const REFUSAL_WINDOW_MS = 60_000;
/** How often ended windows are written out as summaries. */
const SWEEP_INTERVAL_MS = 10_000;
/** Windows held in memory at most (callers x routes); past it, everything is written out. */
const MAX_OPEN_WINDOWS = 10_000;
/** Distinct paths a summary lists (an id-probing flood shows as many paths on one route). */
const SAMPLE_PATHS = 10;
const MAX_DISTINCT_PATHS = 1_000;

/** The refusals of one caller, one method and one route in one minute. */
interface RefusalWindow {
  actor: Actor;
  userId: string;
  method: string;
  route: string;
  startsAt: number;
  count: number;
  codes: Record<string, number>;
  paths: Set<string>;
}

/**
 * Files `user.access_denied` for a signed-in caller refused with 403, under the caller's own
 * user record. The exception filter calls it for every error answer.
 *
 * Bounded: the first refusal of a caller on a route (method + route pattern) in a minute is
 * recorded at once, before the 403 is answered; the rest of that minute's refusals are counted
 * in memory and recorded as one summary event (`data.summary`, `data.count`) when the minute
 * ends, or when the app shuts down. A flood of any size adds at most two events per caller,
 * route and minute to the append-only trail (per instance), instead of one per request.
 */
@Injectable()
export class AccessDeniedRecorder implements OnModuleDestroy {
  private readonly logger = new Logger('Audit');
  private readonly windows = new Map<string, RefusalWindow>();
  private readonly pending = new Set<Promise<void>>();
  private readonly sweeper = setInterval(() => this.writeEnded(Date.now()), SWEEP_INTERVAL_MS);

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {
    this.sweeper.unref();
  }

  /** Never rejects: a failure to record is logged and must not change the answer. */
  async record(request: FastifyRequest | undefined, error: ErrorBody): Promise<void> {
    // Only authenticated callers are recorded. A 401 comes from anyone on the network, and each
    // event takes the chain's global lock: recording those would let an anonymous flood turn
    // into a flood of serialised writes. A 403 needs a valid token, so it names someone.
    if (error.statusCode !== 403 || !request?.user) return;
    const now = Date.now();
    const startsAt = now - (now % REFUSAL_WINDOW_MS);
    // The query string is left out: it may carry search terms about other people.
    const path = request.url.split('?')[0].slice(0, MAX_PATH_LENGTH);
    const route = request.routeOptions?.url ?? path;
    const key = `${request.user.id} ${request.method} ${route}`;
    const open = this.windows.get(key);
    if (open && open.startsAt === startsAt) {
      open.count += 1;
      open.codes[error.code] = (open.codes[error.code] ?? 0) + 1;
      if (open.paths.size < MAX_DISTINCT_PATHS) open.paths.add(path);
      return;
    }
    if (open) this.close(key, open);
    if (this.windows.size >= MAX_OPEN_WINDOWS) this.closeAll();
    const actor = actorFromRequest(request);
    this.windows.set(key, {
      actor,
      userId: request.user.id,
      method: request.method,
      route,
      startsAt,
      count: 1,
      codes: { [error.code]: 1 },
      paths: new Set([path]),
    });
    await this.write(actor, request.user.id, {
      method: request.method,
      path,
      route,
      code: error.code,
    });
  }

  /**
   * Writes a summary of every window still open, ended or not, and waits for all writes.
   * Called on shutdown; tests call it to see the summaries without waiting a minute.
   */
  async flush(): Promise<void> {
    this.closeAll();
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  async onModuleDestroy(): Promise<void> {
    clearInterval(this.sweeper);
    await this.flush();
  }

  private writeEnded(now: number): void {
    for (const [key, window] of this.windows) {
      if (window.startsAt + REFUSAL_WINDOW_MS <= now) this.close(key, window);
    }
  }

  private closeAll(): void {
    for (const [key, window] of this.windows) this.close(key, window);
  }

  /** Forgets the window; if it counted more than its first refusal, records the summary. */
  private close(key: string, window: RefusalWindow): void {
    this.windows.delete(key);
    if (window.count < 2) return;
    const paths = [...window.paths];
    const summary = this.write(
      { ...window.actor, requestId: null, clientRequestId: null },
      window.userId,
      {
        summary: true,
        method: window.method,
        route: window.route,
        // Every refusal of the window, the first (recorded on its own) included.
        count: window.count,
        codes: window.codes,
        from: new Date(window.startsAt).toISOString(),
        to: new Date(window.startsAt + REFUSAL_WINDOW_MS).toISOString(),
        distinctPaths: paths.length,
        paths: paths.slice(0, SAMPLE_PATHS),
      },
    );
    this.pending.add(summary);
    void summary.finally(() => this.pending.delete(summary));
  }

  private async write(actor: Actor, userId: string, data: Record<string, unknown>): Promise<void> {
    try {
      await this.audit.recordStandalone(this.dataSource.manager, actor, {
        action: 'user.access_denied',
        entityType: 'user',
        entityId: userId,
        data,
      });
    } catch (err) {
      this.logger.error({ err, requestId: actor.requestId }, 'Could not record a refused access');
    }
  }
}
