import type { DataSourceOptions } from 'typeorm';
import { MIGRATIONS } from '../../migrations/index.js';
import { ENTITIES } from './entities.js';

export function dataSourceOptions(url: string, poolSize = 10): DataSourceOptions {
  return {
    type: 'postgres',
    url,
    entities: ENTITIES,
    migrations: MIGRATIONS,
    migrationsTableName: 'migrations',
    // gen_random_uuid() is built into PostgreSQL 13+, no extension to install.
    uuidExtension: 'pgcrypto',
    synchronize: false,
    migrationsRun: false,
    extra: {
      max: poolSize,
      // Fail fast when the database is down, so callers get a 503 rather than a hang.
      connectionTimeoutMillis: 3000,
      idleTimeoutMillis: 30_000,
      // Bound every statement; a stuck query must not hold a connection forever.
      statement_timeout: 30_000,
      application_name: 'coe',
    },
  };
}
