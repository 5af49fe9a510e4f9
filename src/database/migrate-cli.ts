import { revertLastMigration, runMigrations } from './migrate.js';

const url =
  process.env.DATABASE_URL ??
  `postgres://postgres:postgres@127.0.0.1:${process.env.EMBEDDED_PG_PORT ?? 54329}/coe`;
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
