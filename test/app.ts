import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import { rm } from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { AppConfig } from '../src/config/app-config.js';
import { createTestDatabase } from './database.js';

export interface TestApp {
  app: NestFastifyApplication;
  http: ReturnType<typeof supertest>;
  db: DataSource;
  config: AppConfig;
  close: () => Promise<void>;
}

const TEST_DATA_ROOT = '/tmp/coe-test-data';

export function testConfig(databaseUrl: string, overrides: Partial<AppConfig> = {}): AppConfig {
  return new AppConfig({
    nodeEnv: 'test',
    databaseUrl,
    databasePoolSize: 10,
    databaseReplicaUrls: [],
    host: '127.0.0.1',
    port: 0,
    publicBaseUrl: 'http://coe.test',
    jwtSecret: 'test-jwt-secret-that-is-long-enough-0123456789',
    keyEncryptionSecret: 'test-key-encryption-secret-long-enough-0123456789',
    accessTokenTtlSeconds: 900,
    refreshTokenTtlSeconds: 3600,
    dataDir: TEST_DATA_ROOT,
    logLevel: 'silent',
    timeZone: 'UTC',
    trustProxy: false,
    centerName: 'Mine Action Center of Excellence',
    verifyRateLimitPerMinute: 0,
    verifyCacheEntries: 50_000,
    sessionCacheEntries: 10_000,
    verifyShowDocumentLast4: false,
    inspectPublic: false,
    inspectStaleDays: 7,
    apiDocs: true,
    // Off here as the verification limit is: suites sign in many times from one address and
    // open many connections at once. test/request-limits.e2e-spec.ts turns them on.
    authRateLimitPerMinute: 0,
    maxConnectionsPerAddress: 0,
    requestTimeoutMs: 60_000,
    headersTimeoutMs: 10_000,
    keepAliveTimeoutMs: 72_000,
    // No SMTP server: messages become .eml files in dataDir/outbox. Retries are not delayed,
    // so drain() runs a failing message through its attempts at once.
    smtpUrl: null,
    mailFrom: 'Mine Action CoE <noreply@coe.test>',
    mailMaxAttempts: 5,
    mailRetryBaseMs: 0,
    mailWorker: true,
    // The daily scan's timer would queue reminders at a moment no test chose; jobs tests run
    // it themselves (JobScheduler.check, POST /api/v1/jobs/expiry-reminders).
    scheduledJobs: false,
    ...overrides,
  } as AppConfig);
}

/** The real application on a fresh, migrated database of its own. */
export async function startTestApp(
  overrides: Partial<AppConfig> = {},
  options: { listen?: boolean } = {},
): Promise<TestApp & { baseUrl: string }> {
  const database = await createTestDatabase();
  // Tests that fetch over real HTTP (JWKS, status lists) need a listening server whose public
  // URL, printed in credentials, is the one they can reach.
  const port = options.listen ? await freePort() : 0;
  // A data folder per app (its peers share it, as instances of one deployment would): what one
  // suite's mail writes to its outbox is not mixed with another's, and goes with the database.
  const dataDir = join(TEST_DATA_ROOT, new URL(database.url).pathname.slice(1));
  const config = testConfig(database.url, {
    dataDir,
    ...(port ? { publicBaseUrl: `http://127.0.0.1:${port}` } : {}),
    ...overrides,
  });
  const instance = await boot(config, port);
  return {
    ...instance,
    close: async () => {
      await instance.app.close();
      await database.drop();
      await rm(dataDir, { recursive: true, force: true });
    },
  };
}

/**
 * A second instance of the application on the same database as `first` (as behind a load
 * balancer): for what must hold across instances. Closing it leaves the database alone.
 */
export async function startPeerApp(
  first: TestApp,
  overrides: Partial<AppConfig> = {},
): Promise<TestApp & { baseUrl: string }> {
  const instance = await boot(new AppConfig({ ...first.config, ...overrides } as AppConfig), 0);
  return { ...instance, close: () => instance.app.close() };
}

async function boot(config: AppConfig, port: number) {
  const app = await createApp(config, { logs: false });
  try {
    await app.init();
    await app.getHttpAdapter().getInstance().ready();
    if (port) await app.listen({ port, host: '127.0.0.1' });
  } catch (error) {
    // A start that fails halfway (a signing key the secret cannot open) has already connected
    // some providers (the change feed listens from bootstrap): close them, or their reconnect
    // timers outlive the test file and fail whichever file the worker runs next.
    await app.close().catch(() => undefined);
    throw error;
  }
  const db = app.get<DataSource>(getDataSourceToken());
  return {
    app,
    http: supertest(app.getHttpServer()),
    db,
    config,
    baseUrl: config.publicBaseUrl,
  };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}
