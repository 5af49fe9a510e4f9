import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import pg from 'pg';
import type { EnvironmentVariables } from '../config/environment.js';
import { embeddedDatabaseUrl, startEmbeddedPostgres } from '../database/embedded-postgres.js';

export interface DatabaseLocation {
  /** DATABASE_URL, or the embedded server's data directory. */
  kind: 'url' | 'embedded';
  url: string;
  dataDir?: string;
  port?: number;
  running?: boolean;
}

export interface OpenDatabase {
  url: string;
  /** Stops the embedded server if this process started it; otherwise does nothing. */
  stop(): Promise<void>;
}

/** Where the database is, without starting anything. */
export async function locateDatabase(env: EnvironmentVariables): Promise<DatabaseLocation> {
  if (env.DATABASE_URL) return { kind: 'url', url: env.DATABASE_URL };
  const dataDir = resolve(env.DATA_DIR, 'postgres');
  const port = env.EMBEDDED_PG_PORT;
  const url = await embeddedDatabaseUrl(dataDir, port);
  return { kind: 'embedded', url, dataDir, port, running: await embeddedRunning(dataDir, url) };
}

/**
 * DATABASE_URL, or the embedded database: reused when the server (`npm start`) already runs
 * it, started for the length of the command otherwise. Starting it while the server runs
 * would stop the server's database, hence the check first.
 */
export async function openDatabase(
  env: EnvironmentVariables,
  log: (message: string) => void,
): Promise<OpenDatabase> {
  const location = await locateDatabase(env);
  if (location.kind === 'url' || location.running) {
    return { url: location.url, stop: () => Promise.resolve() };
  }
  log(`Starting the embedded PostgreSQL in ${location.dataDir} ...`);
  const embedded = await startEmbeddedPostgres({
    dataDir: location.dataDir!,
    port: location.port,
    log: () => undefined,
  });
  return { url: embedded.url, stop: () => embedded.stop() };
}

async function embeddedRunning(dataDir: string, url: string): Promise<boolean> {
  if (!existsSync(join(dataDir, 'postmaster.pid'))) return false;
  const client = new pg.Client({
    connectionString: url,
    connectionTimeoutMillis: 2_000,
  });
  try {
    await client.connect();
    return true;
  } catch {
    return false;
  } finally {
    await client.end().catch(() => undefined);
  }
}

/** A connection URL fit to print: the password masked. */
export function withoutPassword(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return url.replace(/:\/\/([^:@/]+):[^@/]*@/, '://$1:***@');
  }
}
