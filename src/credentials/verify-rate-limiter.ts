import { Injectable } from '@nestjs/common';
import { tooManyRequests } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';

/**
 * Public verification is limited per address, in memory: it is there to make walking the serial
 * space slow, and a per-instance window does that without a database write on every lookup
 * (verification is the hottest path). Login throttling, which must hold across instances,
 * uses the database-backed RateLimiter instead.
 */
@Injectable()
export class VerifyRateLimiter {
  private windowStart = Date.now();
  private counts = new Map<string, number>();

  constructor(private readonly config: AppConfig) {}

  check(address: string | null): void {
    const limit = this.config.verifyRateLimitPerMinute;
    if (limit === 0) return;
    const now = Date.now();
    if (now - this.windowStart >= 60_000) {
      this.windowStart = now;
      this.counts = new Map();
    }
    const key = address ?? 'unknown';
    const count = (this.counts.get(key) ?? 0) + 1;
    this.counts.set(key, count);
    if (count > limit) {
      throw tooManyRequests(
        (60_000 - (now - this.windowStart)) / 1000,
        'Too many verification requests, slow down',
      );
    }
  }
}
