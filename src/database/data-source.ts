import { resolve } from 'node:path';
import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { embeddedDatabaseUrl } from './embedded-postgres.js';

/**
 * For the TypeORM CLI (migration:generate and its --check). It uses DATABASE_URL, or the
 * embedded development server on its default port when that is running.
 */
export default new DataSource(
  dataSourceOptions(
    process.env.DATABASE_URL ??
      (await embeddedDatabaseUrl(
        resolve(process.env.DATA_DIR ?? '.data', 'postgres'),
        Number(process.env.EMBEDDED_PG_PORT ?? 54329),
      )),
  ),
);
