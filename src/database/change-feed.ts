import {
  Injectable,
  Logger,
  type OnApplicationBootstrap,
  type OnApplicationShutdown,
} from '@nestjs/common';
import pg from 'pg';
import { AppConfig } from '../config/app-config.js';

/** What the triggers announce (`<topic>:<key>`); `all` is this side's "forget everything". */
const ANNOUNCED = [
  'certificate',
  'trainee',
  'course',
  'signing_key',
  'user',
  'session',
  'version',
] as const;
export type ChangeTopic = (typeof ANNOUNCED)[number] | 'all';

/** One committed change: `key` is a serial or an id, `*` for "any". */
export interface Change {
  topic: ChangeTopic;
  key: string;
}

const CHANNEL = 'coe_changes';
/** How often the listening connection proves it is alive (a silent drop would hide changes). */
const PING_MS = 5_000;
const RETRY_MIN_MS = 250;
const RETRY_MAX_MS = 10_000;

/**
 * Committed changes that caches in this instance depend on, as PostgreSQL announces them to
 * every instance (triggers in migration ChangeNotifications call pg_notify, and a notification
 * is delivered only once its transaction has committed).
 *
 * A cache may serve from memory only once `caughtUp()` says this instance has heard of every
 * change committed before the call (a notification travels asynchronously: without that check,
 * a verification right after a revocation elsewhere could beat the revocation's notification).
 * Losing the connection would lose notifications, so every subscriber is told to forget
 * everything (`all:*`) when the connection drops and again when it is back. A cache fill
 * compares `epoch` before and after its read: any change in between may not be in what it
 * read, so the fill is not kept.
 */
@Injectable()
export class ChangeFeed implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(ChangeFeed.name);
  private readonly subscribers = new Set<(change: Change) => void>();
  private client: pg.Client | null = null;
  private ping: NodeJS.Timeout | null = null;
  private retry: NodeJS.Timeout | null = null;
  private retryMs = RETRY_MIN_MS;
  private stopped = false;
  private isLive = false;
  private counter = 0;
  /**
   * The last committed version of what the caches hold whose changes were all heard (the row is
   * named 'verification' after its first user; access changes step it too).
   */
  private heard = -1n;
  private versionRead: Promise<bigint | null> | null = null;
  private nextVersionRead: Promise<bigint | null> | null = null;

  constructor(private readonly config: AppConfig) {}

  get live(): boolean {
    return this.isLive;
  }

  /** Moves on with every change and every reconnection. */
  get epoch(): number {
    return this.counter;
  }

  /**
   * Whether every change committed before this call has been heard: compares the committed
   * version (migration VerificationVersion), read after the call, with the last version whose
   * marker arrived (each transaction's marker follows its own announcements). Concurrent
   * callers share one read, so a busy instance asks once per round trip, not once per request.
   */
  async caughtUp(): Promise<boolean> {
    if (!this.isLive) return false;
    const committed = await this.committedVersion();
    return this.isLive && committed !== null && this.heard >= committed;
  }

  subscribe(handler: (change: Change) => void): () => void {
    this.subscribers.add(handler);
    return () => this.subscribers.delete(handler);
  }

  async onApplicationBootstrap(): Promise<void> {
    // The first attempt is awaited so the app starts with warm caches allowed; if it fails,
    // the app still starts (caches stay off) and the feed keeps trying.
    await this.connect();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    await this.disconnect();
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new pg.Client({
      connectionString: this.config.databaseUrl,
      application_name: 'coe-change-feed',
      keepAlive: true,
      query_timeout: PING_MS,
    });
    client.on('error', (error) => this.lost(client, error));
    client.on('end', () => this.lost(client, null));
    client.on('notification', (message) => {
      if (message.channel === CHANNEL && message.payload) this.heardOf(parse(message.payload));
    });
    let version: bigint | null;
    try {
      this.client = client;
      await client.connect();
      await client.query(`LISTEN ${CHANNEL}`);
      // Listening first: whatever commits after this read is announced to us.
      version = await readVersion(client);
    } catch (error) {
      this.lost(client, error as Error);
      return;
    }
    if (this.client !== client) return;
    if (version !== null && version > this.heard) this.heard = version;
    // Whatever changed while nobody listened is unknown: start from empty caches.
    this.publish({ topic: 'all', key: '*' });
    this.isLive = true;
    this.retryMs = RETRY_MIN_MS;
    this.ping = setInterval(() => {
      client.query('SELECT 1').catch((error: Error) => this.lost(client, error));
    }, PING_MS);
    this.ping.unref();
  }

  private lost(client: pg.Client, error: Error | null): void {
    if (this.client !== client) return;
    this.client = null;
    this.isLive = false;
    this.heard = -1n;
    if (this.ping) clearInterval(this.ping);
    this.ping = null;
    this.publish({ topic: 'all', key: '*' });
    client.end().catch(() => undefined);
    if (this.stopped) return;
    this.logger.warn(
      `Not listening for changes (${error?.message ?? 'connection ended'}); caches are off until it is back`,
    );
    this.retry = setTimeout(() => {
      this.retry = null;
      void this.connect();
    }, this.retryMs);
    this.retry.unref();
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
  }

  private async disconnect(): Promise<void> {
    const client = this.client;
    this.client = null;
    this.isLive = false;
    if (this.ping) clearInterval(this.ping);
    if (client) await client.end().catch(() => undefined);
  }

  private heardOf(change: Change): void {
    if (change.topic === 'version') {
      const version = BigInt(change.key);
      if (version > this.heard) this.heard = version;
    }
    this.publish(change);
  }

  /** A read that starts after the call: joins the next read if one is already under way. */
  private committedVersion(): Promise<bigint | null> {
    if (!this.versionRead) {
      const client = this.client;
      const read = client ? readVersion(client).catch(() => null) : Promise.resolve(null);
      this.versionRead = read;
      void read.then(() => {
        if (this.versionRead === read) this.versionRead = null;
      });
      return read;
    }
    this.nextVersionRead ??= this.versionRead.then(() => {
      this.nextVersionRead = null;
      return this.committedVersion();
    });
    return this.nextVersionRead;
  }

  private publish(change: Change): void {
    this.counter += 1;
    for (const handler of this.subscribers) handler(change);
  }
}

async function readVersion(client: pg.Client): Promise<bigint | null> {
  const result = await client.query<{ version: string }>(
    "SELECT version FROM change_versions WHERE topic = 'verification'",
  );
  return result.rows[0] ? BigInt(result.rows[0].version) : null;
}

function parse(payload: string): Change {
  const colon = payload.indexOf(':');
  const topic = payload.slice(0, colon) as ChangeTopic;
  const known = (ANNOUNCED as readonly string[]).includes(topic);
  // Anything unrecognised (a newer instance's topic) is treated as "everything changed".
  return known ? { topic, key: payload.slice(colon + 1) } : { topic: 'all', key: '*' };
}
