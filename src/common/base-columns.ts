import { CreateDateColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

/** Timestamps and an optimistic-lock version, shared by every record people edit. */
export abstract class Tracked {
  @CreateDateColumn({ name: 'created_at', type: 'timestamptz', precision: 3 })
  createdAt: Date;

  @UpdateDateColumn({ name: 'updated_at', type: 'timestamptz', precision: 3 })
  updatedAt: Date;

  /** Bumped on every update; a PATCH carrying a stale `version` is refused with 409. */
  @VersionColumn({ default: 1 })
  version: number;
}
