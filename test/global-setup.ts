import { mkdirSync } from 'node:fs';
import pg from 'pg';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { EmbeddedDatabase } from '../src/database/embedded-postgres.js';

// Jest loads the global setup as CommonJS, outside the ESM module mapping the tests use, so
// this file requires its one project module by extensionless path and leaves the migrations
// to the first test worker (see test/database.ts).
// eslint-disable-next-line @typescript-eslint/no-require-imports
const { startEmbeddedPostgres } = require('../src/database/embedded-postgres') as {
  startEmbeddedPostgres: (opts: { dataDir: string; port?: number }) => Promise<EmbeddedDatabase>;
};

/**
 * Finds a PostgreSQL for the suite (TEST_DATABASE_URL, or an embedded server so a fresh
 * machine needs nothing installed) and clears the template database every test file clones.
 */
export default async function globalSetup(): Promise<void> {
  let serverUrl = process.env.TEST_DATABASE_URL;
  if (!serverUrl) {
    const dataDir = join(tmpdir(), 'coe-test-postgres');
    mkdirSync(dataDir, { recursive: true });
    const embedded = await startEmbeddedPostgres({
      dataDir,
      port: Number(process.env.TEST_EMBEDDED_PG_PORT ?? 54339),
    });
    (globalThis as { __coeEmbedded?: typeof embedded }).__coeEmbedded = embedded;
    serverUrl = embedded.url;
  }
  process.env.COE_TEST_SERVER_URL = serverUrl;
  // Each run migrates its own template, so runs sharing a server (two terminals, CI and a
  // developer) never pull a template from under each other.
  process.env.COE_TEST_TEMPLATE = `coe_test_template_${process.pid}`;
  const adminUrl = new URL(serverUrl);
  adminUrl.pathname = '/postgres';
  const client = new pg.Client({ connectionString: adminUrl.toString() });
  await client.connect();
  try {
    await client.query(`DROP DATABASE IF EXISTS ${process.env.COE_TEST_TEMPLATE} WITH (FORCE)`);
    await client.query(
      `DROP DATABASE IF EXISTS ${process.env.COE_TEST_TEMPLATE}_building WITH (FORCE)`,
    );
  } finally {
    await client.end();
  }
}
