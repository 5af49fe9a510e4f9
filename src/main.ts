import 'reflect-metadata';
import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import { buildAppConfig } from './config/app-config.js';
import { ConfigurationError, validateEnvironment } from './config/environment.js';
import { createApp } from './app.factory.js';
import { startEmbeddedPostgres, type EmbeddedDatabase } from './database/embedded-postgres.js';
import { runMigrations } from './database/migrate.js';
import { seedDemoData, DEMO_ACCOUNTS } from './database/seed.js';

const say = (msg: string) => process.stdout.write(`${msg}\n`);

let embedded: EmbeddedDatabase | undefined;

async function main(): Promise<void> {
  if (existsSync('.env')) process.loadEnvFile('.env');
  const env = validateEnvironment(process.env);

  let databaseUrl = env.DATABASE_URL;
  if (!databaseUrl) {
    // DATA_DIR may be relative (to where the app starts) or absolute.
    const dataDir = resolve(env.DATA_DIR, 'postgres');
    say(`No DATABASE_URL: starting the embedded PostgreSQL in ${dataDir} ...`);
    embedded = await startEmbeddedPostgres({ dataDir, port: env.EMBEDDED_PG_PORT, log: say });
    databaseUrl = embedded.url;
  }
  const config = buildAppConfig(env, databaseUrl);

  // Set once the app is listening; a signal before that only stops the database.
  const running: { app?: Awaited<ReturnType<typeof createApp>> } = {};
  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    say(`${signal} received: finishing requests in flight and stopping ...`);
    const watchdog = setTimeout(() => {
      say('Shutdown took too long; exiting.');
      process.exit(1);
    }, 15_000);
    watchdog.unref();
    try {
      await running.app?.close();
      await embedded?.stop();
    } finally {
      process.exit(0);
    }
  };
  process.once('SIGINT', () => void shutdown('SIGINT'));
  process.once('SIGTERM', () => void shutdown('SIGTERM'));

  await runMigrations(databaseUrl, say);

  const app = await createApp(config);
  running.app = app;
  if (embedded) {
    await app.init();
    if (await seedDemoData(app)) say('Loaded the demo data set.');
  }
  await app.listen({ port: config.port, host: config.host });
  const base = config.publicBaseUrl;
  say(`\nMine Action CoE service is running at ${base}`);
  if (config.apiDocs) say(`  API docs:  ${base}/docs`);
  say(`  Health:    ${base}/health/ready`);
  if (embedded) {
    say(`  Database:  embedded PostgreSQL, data in ${embedded.dataDir}`);
    say('  Demo accounts (password for all: see below):');
    for (const account of DEMO_ACCOUNTS) say(`    ${account.role.padEnd(11)} ${account.email}`);
    say(`  Demo password: ${DEMO_ACCOUNTS[0].password}`);
  }
  say('Press Ctrl-C to stop.');
}

main().catch(async (error: unknown) => {
  await embedded?.stop().catch(() => undefined);
  if (error instanceof ConfigurationError) {
    process.stderr.write(`${error.message}\n`);
  } else {
    process.stderr.write(
      `Failed to start: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
  }
  process.exit(1);
});
