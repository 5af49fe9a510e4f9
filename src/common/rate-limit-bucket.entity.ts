import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A counter of the database-backed rate limiter (see rate-limiter.ts). */
@Entity('rate_limit_buckets')
export class RateLimitBucket {
  @PrimaryColumn({ type: 'text' })
  key: string;

  @Column({ type: 'integer' })
  points: number;

  @Index('rate_limit_buckets_expires_idx')
  @Column({ name: 'expires_at', type: 'timestamptz', precision: 3 })
  expiresAt: Date;
}
