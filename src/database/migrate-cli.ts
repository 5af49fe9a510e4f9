import { resolve } from 'node:path';
import { embeddedDatabaseUrl } from './embedded-postgres.js';
import { revertLastMigration, runMigrations } from './migrate.js';

const url =
  process.env.DATABASE_URL ??
  (await embeddedDatabaseUrl(
    resolve(process.env.DATA_DIR ?? '.data', 'postgres'),
    Number(process.env.EMBEDDED_PG_PORT ?? 54329),
  ));
const command = process.argv[2];
const log = (msg: string) => console.log(msg);

try {
  if (command === 'run') await runMigrations(url, log);
  else if (command === 'revert') await revertLastMigration(url, log);
  else {
    console.error('usage: migrate-cli run|revert   (uses DATABASE_URL)');
    process.exit(2);
  }
} catch (error) {
  console.error((error as Error).message);
  process.exit(1);
}
