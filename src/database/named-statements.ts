import { createHash } from 'node:crypto';
import type pg from 'pg';
import { QueryRunnerAlreadyReleasedError, type DataSource, type EntityManager } from 'typeorm';
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
  // Through the data source's logger like every TypeORM query (query logging, and the
  // query-plan test, which captures what the app sends there).
  dataSource.logger.logQuery(text, values);
  const result = await pool.query<R>({ name: nameOf(text), text, values });
  return result.rows;
}

/**
 * `runNamed` on `manager`'s connection: inside a transaction, on the transaction's own
 * connection (so it sees the transaction's writes and its locks), else on the pool. For the
 * statements a write repeats on every request (the enrolment's rules, the mail queue, the audit
 * event), whose planning cost PostgreSQL more than running them (pg_stat_statements during the
 * enrolment rush, bench/README.md).
 */
export async function queryNamed<R extends pg.QueryResultRow>(
  manager: EntityManager,
  text: string,
  values: unknown[],
): Promise<R[]> {
  const runner = manager.queryRunner;
  if (!runner) return runNamed<R>(manager.connection, text, values);
  // As TypeORM's own query() does: a connection handed back (it failed) is not used again.
  if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
  const client = (await runner.connect()) as pg.PoolClient;
  manager.connection.logger.logQuery(text, values, runner);
  const result = await client.query<R>({ name: nameOf(text), text, values });
  return result.rows;
}

/**
 * Several statements without parameters in one round trip (PostgreSQL's simple protocol) on
 * `manager`'s transaction connection; answers the rows of the last. For a transaction's opening
 * (BEGIN, a lock, a first read) where each statement would otherwise wait for the previous.
 */
export async function queryScript<R extends pg.QueryResultRow>(
  manager: EntityManager,
  text: string,
): Promise<R[]> {
  const runner = manager.queryRunner;
  if (!runner) throw new Error('queryScript needs a connection of its own (a query runner)');
  if (runner.isReleased) throw new QueryRunnerAlreadyReleasedError();
  const client = (await runner.connect()) as pg.PoolClient;
  manager.connection.logger.logQuery(text, [], runner);
  const results = (await client.query(text)) as unknown as pg.QueryResult<R> | pg.QueryResult<R>[];
  return (Array.isArray(results) ? results[results.length - 1] : results).rows;
}

/** The statement's name on every connection: derived from its text. */
function nameOf(text: string): string {
  let name = names.get(text);
  if (!name) {
    name = `s-${createHash('sha1').update(text).digest('hex').slice(0, 16)}`;
    names.set(text, name);
  }
  return name;
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
