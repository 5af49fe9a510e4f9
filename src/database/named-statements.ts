import { createHash } from 'node:crypto';
import type pg from 'pg';
import type { DataSource } from 'typeorm';
import type { PostgresDriver } from 'typeorm/driver/postgres/PostgresDriver.js';

/**
 * Runs a statement on the pool TypeORM manages, as a named (prepared) statement: each pooled
 * connection parses and plans a text once, then only binds and runs it. For the hot reads
 * (verification, the access guard, certificate lists), where building SQL with TypeORM's query
 * builder and hydrating entities cost more than the database did (bench/README.md). The name
 * is derived from the text, so a statement assembled from a few optional filters gets one
 * prepared statement per combination.
 */
export async function runNamed<R extends pg.QueryResultRow>(
  dataSource: DataSource,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const pool = (dataSource.driver as PostgresDriver).master as pg.Pool;
  let name = names.get(text);
  if (!name) {
    name = `s-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  // Through the data source's logger like every TypeORM query (query logging, and the
  // query-plan test, which captures what the app sends there).
  dataSource.logger.logQuery(text, values);
  const result = await pool.query<R>({ name, text, values });
  return result.rows;
}

const names = new Map<string, string>();

/**
 * TypeORM-style `:name` parameters (as the access policy's scopes give them) as `$n`
 * placeholders after `values` already taken; `::casts` are left alone.
 */
export function positional(
  sql: string,
  params: Record<string, unknown>,
  values: unknown[],
): string {
  return sql.replace(/(?<!:):([A-Za-z_]\w*)/g, (_match, key: string) => {
    if (!(key in params)) throw new Error(`No value for :${key}`);
    values.push(params[key]);
    return `$${values.length}`;
  });
}
