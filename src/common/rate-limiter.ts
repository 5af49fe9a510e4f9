import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';

export interface Budget {
  /** How many hits the window allows. */
  points: number;
  windowSeconds: number;
}

export interface BudgetState {
  used: number;
  exceeded: boolean;
  retryAfterSeconds: number;
}

/**
 * Fixed-window counters kept in PostgreSQL, so limits hold across every app instance that
 * shares the database. One upsert per hit; the window restarts once it has expired.
 */
@Injectable()
export class RateLimiter {
  constructor(@InjectDataSource() private readonly dataSource: DataSource) {}

  async hit(key: string, budget: Budget): Promise<BudgetState> {
    const [row] = (await this.dataSource.query(
      `INSERT INTO rate_limit_buckets (key, points, expires_at)
       VALUES ($1, 1, now() + make_interval(secs => $2))
       ON CONFLICT (key) DO UPDATE SET
         points = CASE WHEN rate_limit_buckets.expires_at <= now() THEN 1 ELSE rate_limit_buckets.points + 1 END,
         expires_at = CASE WHEN rate_limit_buckets.expires_at <= now()
                           THEN now() + make_interval(secs => $2) ELSE rate_limit_buckets.expires_at END
       RETURNING points, EXTRACT(EPOCH FROM (expires_at - now()))::float AS ttl`,
      [key, budget.windowSeconds],
    )) as { points: number; ttl: number }[];
    return state(row.points, row.ttl, budget);
  }

  async peek(key: string, budget: Budget): Promise<BudgetState> {
    const [row] = (await this.dataSource.query(
      `SELECT points, EXTRACT(EPOCH FROM (expires_at - now()))::float AS ttl
         FROM rate_limit_buckets WHERE key = $1 AND expires_at > now()`,
      [key],
    )) as { points: number; ttl: number }[];
    return row
      ? state(row.points, row.ttl, budget)
      : { used: 0, exceeded: false, retryAfterSeconds: 0 };
  }

  async reset(key: string): Promise<void> {
    await this.dataSource.query('DELETE FROM rate_limit_buckets WHERE key = $1', [key]);
  }
}

function state(points: number, ttl: number, budget: Budget): BudgetState {
  return {
    used: points,
    exceeded: points >= budget.points,
    retryAfterSeconds: Math.max(1, Math.ceil(ttl)),
  };
}
