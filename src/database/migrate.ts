import { DataSource } from 'typeorm';
import { dataSourceOptions } from './data-source-options.js';
import { ADVISORY_LOCKS } from './advisory-locks.js';

const MIGRATION_LOCK = ADVISORY_LOCKS.migrations;

/**
 * Runs pending migrations under an advisory lock so several instances starting together
 * do not race; each migration runs in its own transaction.
 */
export async function runMigrations(
  url: string,
  log: (msg: string) => void = () => {},
): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 1) });
  await dataSource.initialize();
  try {
    await dataSource.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK]);
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    for (const m of applied) log(`Applied migration ${m.name}`);
    await dataSource.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK]);
  } finally {
    await dataSource.destroy();
  }
}

export async function revertLastMigration(
  url: string,
  log: (msg: string) => void = () => {},
): Promise<void> {
  const dataSource = new DataSource({ ...dataSourceOptions(url, 1) });
  await dataSource.initialize();
  try {
    await dataSource.undoLastMigration({ transaction: 'each' });
    log('Reverted the last migration');
  } finally {
    await dataSource.destroy();
  }
}
