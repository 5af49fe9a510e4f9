import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import pg from 'pg';
import { startEmbeddedPostgres } from '../src/database/embedded-postgres.js';
import { BENCH } from './settings.js';

export interface BenchDatabase {
  url: string;
  embedded: boolean;
  /** The embedded cluster's postmaster (its backends are its children), for CPU accounting. */
  postmasterPid?: number;
  stop(): Promise<void>;
}

/** DATABASE_URL when set; otherwise the benchmark's own embedded PostgreSQL (kept between runs). */
export async function openBenchDatabase(log: (line: string) => void): Promise<BenchDatabase> {
  const external = process.env.DATABASE_URL;
  if (external) return { url: external, embedded: false, stop: async () => undefined };
  log(`No DATABASE_URL: embedded PostgreSQL in ${BENCH.dataDir} (port ${BENCH.pgPort})`);
  const server = await startEmbeddedPostgres({ dataDir: BENCH.dataDir, port: BENCH.pgPort, log });
  return {
    url: server.url,
    embedded: true,
    postmasterPid: postmasterPid(BENCH.dataDir),
    stop: () => server.stop(),
  };
}

/** The first line of the cluster's postmaster.pid; undefined if it cannot be read. */
function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number.parseInt(readFileSync(join(dataDir, 'postmaster.pid'), 'utf8'), 10);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** What bench:seed leaves on the database (as its comment), for bench to find. */
export interface SeedMeta {
  marker: 'coe-bench';
  certificates: number;
  seed: string;
  asOf: string;
  publicBaseUrl: string;
  auditLevel: string;
  signedCredentials: number;
  rows: Record<string, number>;
  seededAt: string;
  seconds: number;
}

async function withClient<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

export async function readMeta(url: string): Promise<SeedMeta | null> {
  return withClient(url, async (client) => {
    const { rows } = await client.query<{ comment: string | null }>(
      "SELECT shobj_description(oid, 'pg_database') AS comment FROM pg_database WHERE datname = current_database()",
    );
    try {
      const meta = JSON.parse(rows[0]?.comment ?? 'null') as SeedMeta | null;
      return meta?.marker === 'coe-bench' ? meta : null;
    } catch {
      return null;
    }
  });
}

export async function writeMeta(url: string, meta: SeedMeta): Promise<void> {
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ db: string }>('SELECT current_database() AS db');
    await client.query(
      `COMMENT ON DATABASE ${client.escapeIdentifier(rows[0].db)} IS ${client.escapeLiteral(JSON.stringify(meta))}`,
    );
  });
}

/**
 * Empties the database for a new data set. Refuses a database that holds data it did not
 * seed: pointing DATABASE_URL at the wrong server must not cost anyone their data.
 */
export async function resetDatabase(url: string, log: (line: string) => void): Promise<void> {
  const marked = (await readMeta(url)) !== null;
  await withClient(url, async (client) => {
    const { rows } = await client.query<{ tables: number; users: number }>(
      `SELECT (SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public')::int AS tables,
              (SELECT CASE WHEN to_regclass('public.users') IS NULL THEN 0 ELSE 1 END)::int AS users`,
    );
    let hasData = false;
    if (rows[0].users) {
      const { rows: counts } = await client.query<{ n: number }>(
        'SELECT ((SELECT count(*) FROM users) + (SELECT count(*) FROM trainees))::int AS n',
      );
      hasData = counts[0].n > 0;
    }
    if (hasData && !marked) {
      throw new Error(
        'The database holds data that bench:seed did not create; refusing to empty it. ' +
          'Point DATABASE_URL at an empty database (e.g. `createdb coe_bench`).',
      );
    }
    if (rows[0].tables > 0) {
      log('Emptying the previous benchmark data set ...');
      await client.query('DROP SCHEMA public CASCADE');
      await client.query('CREATE SCHEMA public');
    }
  });
}

/**
 * The embedded server is the benchmark's alone: give the bulk load room (no WAL for tables
 * loaded right after being emptied, fewer checkpoints). Takes effect at the next start; the
 * settings are reset by `restoreEmbeddedSettings` so the benchmark runs on the defaults.
 * A server behind DATABASE_URL is left as its owner configured it.
 */
export async function tuneEmbeddedForLoad(url: string): Promise<void> {
  await withClient(url, async (client) => {
    await client.query("ALTER SYSTEM SET wal_level = 'minimal'");
    await client.query('ALTER SYSTEM SET max_wal_senders = 0');
    await client.query("ALTER SYSTEM SET max_wal_size = '8GB'");
    await client.query("ALTER SYSTEM SET checkpoint_timeout = '30min'");
  });
}

export async function restoreEmbeddedSettings(url: string): Promise<void> {
  await withClient(url, async (client) => {
    for (const name of ['wal_level', 'max_wal_senders', 'max_wal_size', 'checkpoint_timeout']) {
      await client.query(`ALTER SYSTEM RESET ${name}`);
    }
  });
}
