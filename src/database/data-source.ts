import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';

/**
 * For the TypeORM CLI (migration:generate and its --check). It uses DATABASE_URL, or the
 * embedded development server on its default port when that is running.
 */
export default new DataSource(
  dataSourceOptions(
    process.env.DATABASE_URL ??
      `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 54329}/coe`,
  ),
);
