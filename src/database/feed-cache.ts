import type { Change, ChangeFeed } from './change-feed.js';

/**
 * A least-recently-used map of what was read from the database, kept right across instances by
 * the change feed: the owner says which entries a committed change evicts (`forget`), an
 * "everything changed" (`all`, a lost connection) empties it, and an entry is served only once
 * the feed has caught up with every change committed before the request (one shared round trip
 * per batch of requests). While the feed is down nothing is served from memory.
 *
 * A miss reads the database directly: what it reads is committed, so it needs no proof that the
 * feed has caught up. What it read is kept only if no change was announced while it ran: a
 * change heard after the read evicts it; one committed before the read is in what it read.
 */
export class FeedCache<V> {
  private readonly entries = new Map<string, V>();
  private readonly enabled: boolean;

  constructor(
    private readonly feed: ChangeFeed,
    private readonly capacity: number,
    forget: (change: Change, cache: FeedCache<V>) => void,
  ) {
    // Nothing is kept unless evictions are heard: no capacity, no cache.
    this.enabled = capacity > 0;
    if (this.enabled) {
      feed.subscribe((change) => (change.topic === 'all' ? this.clear() : forget(change, this)));
    }
  }

  /** The value for this key, from memory if it can be trusted, otherwise from `load`. */
  async get(key: string, load: () => Promise<V | undefined>): Promise<V | undefined> {
    if (!this.enabled) return load();
    const epoch = this.feed.epoch;
    const hit = this.entries.get(key);
    if (hit === undefined) return this.fill(key, epoch, load);
    // Not yet heard of a change committed before this request: memory may be behind.
    if (!(await this.feed.caughtUp())) return load();
    // Evicted while caughtUp() waited: what was read before is then not served.
    if (this.entries.get(key) !== hit) return this.fill(key, this.feed.epoch, load);
    // Least recently used goes first: a Map iterates in insertion order.
    this.entries.delete(key);
    this.entries.set(key, hit);
    return hit;
  }

  /** Whether the next `get` of this key would be answered from memory. */
  has(key: string): boolean {
    return this.feed.live && this.entries.has(key);
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  deleteWhere(match: (value: V) => boolean): void {
    for (const [key, value] of this.entries) if (match(value)) this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private async fill(
    key: string,
    epoch: number,
    load: () => Promise<V | undefined>,
  ): Promise<V | undefined> {
    const value = await load();
    if (value !== undefined && this.feed.live && this.feed.epoch === epoch) {
      this.entries.set(key, value);
      if (this.entries.size > this.capacity) {
        this.entries.delete(this.entries.keys().next().value as string);
      }
    }
    return value;
  }
}
