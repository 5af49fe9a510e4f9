import pg from 'pg';
import type { EmbeddedDatabase } from '../src/database/embedded-postgres.js';

export default async function globalTeardown(): Promise<void> {
  const serverUrl = process.env.COE_TEST_SERVER_URL;
  const template = process.env.COE_TEST_TEMPLATE;
  if (serverUrl && template) {
    const adminUrl = new URL(serverUrl);
    adminUrl.pathname = '/postgres';
    const client = new pg.Client({ connectionString: adminUrl.toString() });
    await client.connect();
    try {
      await client.query(`DROP DATABASE IF EXISTS ${template} WITH (FORCE)`);
    } finally {
      await client.end();
    }
  }
  await (globalThis as { __coeEmbedded?: EmbeddedDatabase }).__coeEmbedded?.stop();
}
