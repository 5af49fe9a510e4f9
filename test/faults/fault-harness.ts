import { expect } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { chmod, mkdtemp, readdir, readFile, readlink, rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../../src/app.factory.js';
import type { AppConfig } from '../../src/config/app-config.js';
import {
  startEmbeddedPostgres,
  type EmbeddedDatabase,
} from '../../src/database/embedded-postgres.js';
import { runMigrations } from '../../src/database/migrate.js';
import { testConfig, type TestApp } from '../app.js';
import { ADVISORY_LOCKS } from '../../src/database/advisory-locks.js';

/**
 * A PostgreSQL server that belongs to one fault test file alone: the tests stop it, restart it
 * and kill its connections, which they must not do to the server the rest of the suite shares.
 */
export class FaultDatabase {
  private server?: EmbeddedDatabase;

  private constructor(
    readonly dataDir: string,
    readonly port: number,
  ) {}

  static async start(name: string): Promise<FaultDatabase> {
    const folder = await mkdtemp(join(tmpdir(), `coe-fault-${name}-`));
    // mkdtemp makes it 0700; the server runs as the OS user postgres when we are root.
    await chmod(folder, 0o755);
    const dataDir = join(folder, 'pgdata');
    const database = new FaultDatabase(dataDir, await freePort());
    await database.startServer();
    await runMigrations(database.url);
    return database;
  }

  /** The server's URL (its password is the cluster's own, so it is known once started). */
  url = '';

  /** Fast shutdown: PostgreSQL ends every session, committed work stays on disk. */
  async stopServer(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    await server?.stop();
  }

  /**
   * A crash: the postmaster dies without warning its sessions (SIGKILL); its backends notice
   * and exit, so clients see their sockets close with no goodbye from the server.
   */
  async crashServer(): Promise<void> {
    const pid = Number(
      (await readFile(join(this.dataDir, 'postmaster.pid'), 'utf8')).split('\n')[0],
    );
    process.kill(pid, 'SIGKILL');
    await this.server?.stop();
    this.server = undefined;
    // The next start refuses to run while orphaned backends still hold the shared memory.
    await waitFor('the crashed server to be gone', async () => !(await anyProcessIn(this.dataDir)));
  }

  /** Starts the server again on the same data directory and port. */
  async startServer(): Promise<void> {
    this.server = await startEmbeddedPostgres({ dataDir: this.dataDir, port: this.port });
    this.url = this.server.url;
  }

  /** A connection outside the app's pool (its own application_name, so kills spare it). */
  async client(): Promise<pg.Client> {
    const client = new pg.Client({ connectionString: this.url, application_name: 'fault-test' });
    // The tests stop the server under their own connections too; that is not a failure.
    client.on('error', () => undefined);
    await client.connect();
    return client;
  }

  async query<T>(sql: string, params: unknown[] = []): Promise<T[]> {
    const client = await this.client();
    try {
      return (await client.query(sql, params)).rows as T[];
    } finally {
      await client.end();
    }
  }

  async destroy(): Promise<void> {
    await this.stopServer();
    await rm(join(this.dataDir, '..'), { recursive: true, force: true });
  }
}

/** The real application, in process, on the fault test's own database. */
export async function startFaultApp(
  database: FaultDatabase,
  overrides: Partial<AppConfig> = {},
): Promise<TestApp> {
  // FAULT_LOGS=error (or warn, ...) shows the app's log, for a failure not yet understood.
  const level = process.env.FAULT_LOGS as AppConfig['logLevel'] | undefined;
  const logs = Boolean(level);
  const config = testConfig(database.url, { ...(level ? { logLevel: level } : {}), ...overrides });
  const app: NestFastifyApplication = await createApp(config, { logs });
  await app.init();
  await app.getHttpAdapter().getInstance().ready();
  return {
    app,
    http: supertest(app.getHttpServer()),
    db: app.get<DataSource>(getDataSourceToken()),
    config,
    close: () => app.close(),
  };
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** The documented answer while the database is away. */
export function expectUnavailable(res: { status: number; body: unknown; headers: object }): void {
  expect(res.status).toBe(503);
  expect(res.body).toEqual({
    statusCode: 503,
    error: 'Service Unavailable',
    code: 'SERVICE_UNAVAILABLE',
    message: expect.any(String),
    details: {},
  });
}

export async function waitFor(
  what: string,
  condition: () => Promise<boolean>,
  timeoutMs = 20_000,
): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition().catch(() => false)) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`Timed out waiting for ${what}`);
}

/** The advisory lock every writer of the chain takes (src/audit/audit-sequencer.ts). */
export const AUDIT_CHAIN_LOCK = ADVISORY_LOCKS.auditChain;

/**
 * Holds the audit trail from outside the app, so every write request stops at its last step
 * (its audit event) with its other changes made but not committed. A change records its event
 * in `audit_pending` (a SHARE lock on that table makes the insert wait), and a bulk record
 * appends to the chain under its advisory lock (held here too).
 */
export async function holdAuditChain(database: FaultDatabase): Promise<{
  release: () => Promise<void>;
  waiters: () => Promise<number>;
}> {
  const client = await database.client();
  await client.query('BEGIN');
  await client.query('LOCK TABLE audit_pending IN SHARE MODE');
  await client.query('SELECT pg_advisory_lock($1)', [AUDIT_CHAIN_LOCK]);
  return {
    // From a connection of its own: inside the holder's transaction, pg_stat_activity would
    // stay the snapshot of its first reading.
    waiters: async () => {
      const [row] = await database.query<{ n: number }>(
        `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid
          WHERE NOT l.granted AND a.application_name = 'coe'
            AND (l.locktype = 'advisory'
                 OR (l.locktype = 'relation' AND l.relation = 'audit_pending'::regclass))`,
      );
      return row.n;
    },
    release: async () => {
      await client.query('ROLLBACK').catch(() => undefined);
      await client.query('SELECT pg_advisory_unlock_all()').catch(() => undefined);
      await client.end().catch(() => undefined);
    },
  };
}

/** Ends every session the app holds, as a crash of its connections or a DBA's kill would. */
export async function killAppConnections(database: FaultDatabase): Promise<number> {
  const rows = await database.query<{ killed: boolean }>(
    `SELECT pg_terminate_backend(pid) AS killed FROM pg_stat_activity
      WHERE application_name = 'coe' AND pid <> pg_backend_pid()`,
  );
  return rows.filter((r) => r.killed).length;
}

/** True while any process has its working directory in the data dir (PostgreSQL chdirs there). */
async function anyProcessIn(dataDir: string): Promise<boolean> {
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    const cwd = await readlink(`/proc/${entry}/cwd`).catch(() => undefined);
    if (cwd === dataDir) return true;
  }
  return false;
}
