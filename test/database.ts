import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { runMigrations } from '../src/database/migrate.js';

/** Where the suite's PostgreSQL is: set by the global setup for every worker. */
export function testServerUrl(): string {
  const url = process.env.COE_TEST_SERVER_URL;
  if (!url)
    throw new Error('COE_TEST_SERVER_URL is not set: run the tests through jest (global setup)');
  return url;
}

/** The migrated template of this run (see global-setup.ts). */
function templateDatabase(): string {
  return process.env.COE_TEST_TEMPLATE ?? 'coe_test_template';
}

export function databaseUrl(serverUrl: string, database: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${database}`;
  return url.toString();
}

export async function adminQuery(serverUrl: string, sql: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(serverUrl, 'postgres') });
  await client.connect();
  try {
    await client.query(sql);
  } finally {
    await client.end();
  }
}

const TEMPLATE_LOCK = 740_118_099;

/** The first worker to get here migrates the template; the others wait on the lock and reuse it. */
async function ensureTemplate(server: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl(server, 'postgres') });
  await client.connect();
  try {
    await client.query('SELECT pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      templateDatabase(),
    ]);
    if (!rowCount) {
      await client.query(`CREATE DATABASE ${templateDatabase()}_building`);
      await runMigrations(databaseUrl(server, `${templateDatabase()}_building`));
      await client.query(
        `ALTER DATABASE ${templateDatabase()}_building RENAME TO ${templateDatabase()}`,
      );
    }
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => undefined);
    await client.end();
  }
}

/** A fresh database cloned from the migrated template: fast, and isolated per test file. */
export async function createTestDatabase(): Promise<{ url: string; drop: () => Promise<void> }> {
  const server = testServerUrl();
  await ensureTemplate(server);
  const name = `coe_test_${randomBytes(6).toString('hex')}`;
  await adminQuery(server, `CREATE DATABASE ${name} TEMPLATE ${templateDatabase()}`);
  return {
    url: databaseUrl(server, name),
    drop: () => adminQuery(server, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`),
  };
}
