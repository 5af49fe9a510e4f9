import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { DataSource, MigrationExecutor } from 'typeorm';
import { MIGRATIONS } from '../../../migrations/index.js';
import { AuditQueryService } from '../../audit/audit-query.service.js';
import { decryptPrivateKey } from '../../credentials/key-encryption.js';
import { dataSourceOptions } from '../../database/data-source-options.js';
import { runMigrations } from '../../database/migrate.js';
import { EXIT, line, UsageError } from '../cli-io.js';
import { withApp, type CliCommand, type CliEnvironment } from '../command.js';
import { withoutPassword, type OpenDatabase } from '../database.js';
import { findPgTool, runPgTool } from '../pg-tools.js';
import {
  backupKind,
  describeDatabase,
  loadPortableBackup,
  NotPortableBackupError,
  openPortableBackup,
  PORTABLE_VERSION,
  writePortableBackup,
  type PortableReader,
} from '../portable-backup.js';

const PG_BIN_OPTION = `  --pg-bin DIR   the folder holding pg_dump and pg_restore, for a pg_dump backup (default:
                 the newest found on PATH and in the usual folders, at least the database
                 server's version)`;

/** The name of a migration class as the migrations table records it. */
function migrationName(M: (typeof MIGRATIONS)[number]): string {
  return new (M as new () => { name?: string })().name ?? M.name;
}

/** Migration names this code knows, in order (the last one is its schema version). */
function knownMigrations(): string[] {
  return MIGRATIONS.map(migrationName);
}

/** The configured database: DATABASE_URL, or the embedded one (started for the command). */
async function database(env: CliEnvironment): Promise<OpenDatabase> {
  if (env.openDatabase) return env.openDatabase();
  const location = await env.locateDatabase();
  return { url: location.url, stop: () => Promise.resolve() };
}

async function connect(url: string): Promise<pg.Client> {
  const client = new pg.Client({ connectionString: url, application_name: 'coe-cli-backup' });
  await client.connect();
  return client;
}

async function serverMajor(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ v: string }>(
    "SELECT current_setting('server_version_num') AS v",
  );
  return Math.floor(Number(rows[0]!.v) / 10_000);
}

function fileArgument(positionals: string[]): string {
  const [file, extra] = positionals;
  if (file === undefined) throw new UsageError('Missing the backup file');
  if (extra !== undefined) throw new UsageError(`Unexpected argument "${extra}"`);
  return path.resolve(file);
}

function megabytes(bytes: number): string {
  return bytes < 1_000_000
    ? `${Math.max(1, Math.round(bytes / 1000))} kB`
    : `${(bytes / 1_000_000).toFixed(1)} MB`;
}

function seconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** Forces a file (or a folder's entries) to disk. */
async function fsyncPath(file: string): Promise<void> {
  const handle = await fs.open(file, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

type BackupFormat = 'portable' | 'pg-dump';

function formatOption(values: Record<string, string | boolean | undefined>): BackupFormat {
  const format = values.format as string | undefined;
  const binDir = values['pg-bin'] as string | undefined;
  if (format === undefined) return binDir === undefined ? 'portable' : 'pg-dump';
  if (format !== 'portable' && format !== 'pg-dump') {
    throw new UsageError(`--format must be portable or pg-dump, not "${format}"`);
  }
  if (format === 'portable' && binDir !== undefined) {
    throw new UsageError('--pg-bin goes with --format pg-dump only');
  }
  return format;
}

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Save the whole database to a file (restorable with nothing but Node and PostgreSQL)',
  usage: 'backup FILE [--format portable|pg-dump] [--pg-bin DIR]',
  details: `Backs up the database (DATABASE_URL, or the embedded PostgreSQL) to FILE, from one
consistent snapshot while the service keeps running. FILE appears only once complete (written
beside it under a temporary name, then renamed), readable by its owner alone: it holds personal
data and password hashes. Prints its size, the schema version (latest migration) and the head
of the audit trail, to compare with what a restore reports.

  --format portable   (the default) this service's own format: every table's rows as
                      PostgreSQL COPY text, gzip-compressed, with a header naming the schema
                      version. Needs no PostgreSQL client programs (the embedded PostgreSQL
                      ships none), and restores into any PostgreSQL version the service runs
                      on: "restore" builds the schema with the migrations.
  --format pg-dump    PostgreSQL's own custom-format dump (pg_dump -Fc), for PostgreSQL's
                      tools; needs a pg_dump at least as new as the server
${PG_BIN_OPTION}`,
  options: { format: { type: 'string' }, 'pg-bin': { type: 'string' } },
  async run({ values, positionals, env }) {
    const file = fileArgument(positionals);
    const format = formatOption(values);
    const binDir = values['pg-bin'] as string | undefined;
    const started = Date.now();
    const db = await database(env);
    const partial = path.join(
      path.dirname(file),
      `.${path.basename(file)}.${randomBytes(4).toString('hex')}.partial`,
    );
    try {
      const client = await connect(db.url);
      try {
        const pgDump =
          format === 'pg-dump'
            ? await findPgTool('pg_dump', await serverMajor(client), binDir)
            : undefined;
        // The figures printed and the backup come from one snapshot.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        // However long the copy takes (a role's own limits would cut it short).
        await client.query(
          'SET LOCAL statement_timeout = 0; SET LOCAL idle_in_transaction_session_timeout = 0',
        );
        const schema = await client
          .query<{ name: string }>('SELECT name FROM migrations ORDER BY "timestamp" DESC LIMIT 1')
          .catch(() => ({ rows: [] as { name: string }[] }));
        if (!schema.rows[0]) {
          throw new Error('This database has no migrations table: it is not this service’s.');
        }
        // Events of committed changes not yet chained (audit_pending) are in the backup like
        // every table, both formats: a service started on the restored database chains them.
        const head = await client.query<{ seq: string; hash: string }>(
          'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
        );
        let madeWith: string;
        if (pgDump) {
          // pg_dump adopts this transaction's snapshot.
          const [{ snapshot }] = (
            await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')
          ).rows as [{ snapshot: string }];
          await runPgTool(
            pgDump,
            ['--format=custom', `--snapshot=${snapshot}`, `--file=${partial}`],
            db.url,
          );
          madeWith = `pg_dump custom format, ${pgDump.path} (${pgDump.version})`;
        } else {
          const header = await describeDatabase(client);
          await writePortableBackup(client, header, partial);
          const rows = header.tables.reduce((sum, t) => sum + t.rows, 0);
          madeWith =
            `portable format ${PORTABLE_VERSION} (${header.tables.length} tables, ` +
            `${rows} rows, PostgreSQL ${header.server})`;
        }
        await fs.chmod(partial, 0o600);
        await fsyncPath(partial);
        await fs.rename(partial, file);
        await fsyncPath(path.dirname(file));
        await client.query('COMMIT');

        const { size } = await fs.stat(file);
        const event = head.rows[0];
        line(
          env.io.stdout,
          `Backed up ${withoutPassword(db.url)} to ${file} (${megabytes(size)}, ` +
            `${seconds(Date.now() - started)}).`,
        );
        line(env.io.stdout, `  schema version:   ${schema.rows[0].name}`);
        line(
          env.io.stdout,
          `  audit trail head: ${event ? `event #${event.seq}, hash ${event.hash}` : 'no events'}`,
        );
        line(env.io.stdout, `  made as:          ${madeWith}`);
        line(
          env.io.stdout,
          '  not in it:        KEY_ENCRYPTION_SECRET, which the signing keys need (keep it, or ' +
            'DATA_DIR/secrets.json, safe and apart from the backup)',
        );
        return EXIT.ok;
      } finally {
        await client.end();
      }
    } finally {
      await fs.rm(partial, { force: true });
      await db.stop();
    }
  },
};

/** The migrations recorded in a dump, read from the dump itself (no database needed). */
async function migrationsInDump(
  pgRestore: Awaited<ReturnType<typeof findPgTool>>,
  file: string,
): Promise<string[]> {
  const sql = await runPgTool(
    pgRestore,
    ['--data-only', '--table=migrations', '--file=-', file],
    undefined,
  );
  const copy = /^COPY \S*migrations \(([^)]*)\) FROM stdin;\n([\s\S]*?)^\\\.$/m.exec(sql);
  if (!copy) return [];
  const columns = copy[1]!.split(',').map((c) => c.trim().replace(/"/g, ''));
  const nameAt = columns.indexOf('name');
  return copy[2]!
    .split('\n')
    .filter(Boolean)
    .map((row) => row.split('\t')[nameAt]!);
}

/** Tables, views and sequences outside PostgreSQL's own schemas. */
async function userRelations(client: pg.Client): Promise<number> {
  const { rows } = await client.query<{ n: string }>(`
    SELECT count(*) AS n FROM pg_class c JOIN pg_namespace s ON s.oid = c.relnamespace
    WHERE s.nspname NOT IN ('pg_catalog', 'information_schema')
      AND s.nspname NOT LIKE 'pg\\_toast%' AND s.nspname NOT LIKE 'pg\\_temp%'
      AND c.relkind IN ('r', 'p', 'v', 'm', 'S', 'f')`);
  return Number(rows[0]!.n);
}

/**
 * Builds the backup's schema with this code's migrations (those the backup had applied), then
 * loads its rows: one transaction (after dropping everything first, with --force), so the
 * database ends up with the whole backup or stays as it was.
 */
async function restorePortable(
  url: string,
  backup: PortableReader,
  emptyFirst: boolean,
  keyEncryptionSecret: string | undefined,
): Promise<{ tables: number; rows: number } | string> {
  const inBackup = new Set(backup.header.migrations);
  const dataSource = new DataSource({
    ...dataSourceOptions(url, 1),
    migrations: MIGRATIONS.filter((M) => inBackup.has(migrationName(M))),
  });
  await dataSource.initialize();
  try {
    const queryRunner = dataSource.createQueryRunner();
    try {
      await queryRunner.startTransaction();
      await queryRunner.query('SET LOCAL statement_timeout = 0');
      if (emptyFirst) await dropUserSchemas(queryRunner);
      const migrations = new MigrationExecutor(dataSource, queryRunner);
      migrations.transaction = 'all';
      await migrations.executePendingMigrations();
      const client = (await queryRunner.connect()) as pg.PoolClient;
      const loaded = await loadPortableBackup(client, backup);
      if (keyEncryptionSecret !== undefined && !(await keysOpen(client, keyEncryptionSecret))) {
        await queryRunner.rollbackTransaction();
        return SECRET_MISMATCH;
      }
      await queryRunner.commitTransaction();
      return loaded;
    } catch (err) {
      if (queryRunner.isTransactionActive) {
        await queryRunner.rollbackTransaction().catch(() => undefined);
      }
      throw err;
    } finally {
      await queryRunner.release();
    }
  } finally {
    await dataSource.destroy();
  }
}

const SECRET_MISMATCH =
  `this machine's KEY_ENCRYPTION_SECRET does not open the backup's signing keys, so the ` +
  `service could not start. Set KEY_ENCRYPTION_SECRET to the one of the machine the backup ` +
  `comes from (with the embedded database and no KEY_ENCRYPTION_SECRET set: copy its ` +
  `DATA_DIR/secrets.json over this one's)`;

/**
 * Whether the restored active signing keys decrypt with this machine's secret, as the service
 * checks at every start. No backup holds the secret: a stolen backup signs nothing.
 */
async function keysOpen(client: pg.ClientBase, secret: string): Promise<boolean> {
  const { rows } = await client.query<{ kid: string; sealed: string }>(
    `SELECT kid, private_key_encrypted AS sealed FROM signing_keys WHERE status = 'active'`,
  );
  try {
    for (const row of rows) decryptPrivateKey(secret, row.kid, row.sealed);
    return true;
  } catch {
    return false;
  }
}

/** Drops every schema but PostgreSQL's own, and makes a new, empty public schema. */
async function dropUserSchemas(db: { query(sql: string): Promise<unknown> }): Promise<void> {
  const rows = (await db.query(`
    SELECT nspname FROM pg_namespace
    WHERE nspname NOT IN ('pg_catalog', 'information_schema')
      AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'`)) as {
    nspname: string;
  }[];
  for (const { nspname } of rows) {
    await db.query(`DROP SCHEMA "${nspname.replace(/"/g, '""')}" CASCADE`);
  }
  await db.query('CREATE SCHEMA public');
}

/** What restore needs to know about a backup file before touching the database. */
type Backup =
  | { kind: 'pg_dump'; migrations: string[]; pgRestore: Awaited<ReturnType<typeof findPgTool>> }
  | { kind: 'portable'; migrations: string[]; reader: PortableReader };

async function openBackup(file: string, binDir: string | undefined): Promise<Backup | string> {
  const kind = await backupKind(file);
  if (kind === 'pg_dump') {
    // Any version reads older dumps; the newest found reads the most.
    const pgRestore = await findPgTool('pg_restore', 0, binDir);
    return { kind, pgRestore, migrations: await migrationsInDump(pgRestore, file) };
  }
  if (kind === 'portable') {
    try {
      const reader = await openPortableBackup(file);
      if (reader.header.version > PORTABLE_VERSION) {
        reader.close();
        return (
          `${file} is in version ${reader.header.version} of the portable format; this version ` +
          `of the service reads up to ${PORTABLE_VERSION}. Update the service, then restore.`
        );
      }
      return { kind, reader, migrations: reader.header.migrations };
    } catch (err) {
      if (err instanceof NotPortableBackupError) return `${file} is ${err.message}.`;
      throw err;
    }
  }
  return (
    `${file} is not a backup made by "backup" (neither this service's portable format nor ` +
    `a pg_dump custom-format dump).`
  );
}

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Load a backup made by "backup" into the database, then check its audit trail',
  usage: 'restore FILE [--force] [--pg-bin DIR]',
  details: `Restores FILE (made by "backup", in either format: told apart by its first bytes)
into the database (DATABASE_URL, or the embedded PostgreSQL), in one transaction: it lands
whole or not at all. Stop the service first. Refused when the backup comes from a newer version
of the service (a migration this version does not know: update the service first), and when the
database is not empty, unless --force. A portable backup needs nothing but this service: its
schema is built by the migrations it had applied, then its rows are loaded. A backup from an
older version is brought up to date by the pending migrations. Then the audit trail's hash
chain is checked from the first event to the last: exit 1 when it is broken.

  --force        replace everything in a database that is not empty (its schemas are dropped
                 first; keep a backup of it)
${PG_BIN_OPTION}`,
  options: { force: { type: 'boolean' }, 'pg-bin': { type: 'string' } },
  async run({ values, positionals, env }) {
    const file = fileArgument(positionals);
    const binDir = values['pg-bin'] as string | undefined;
    await fs.access(file).catch(() => {
      throw new Error(`Cannot read the backup file ${file}`);
    });
    const out = env.io.stdout;
    const started = Date.now();
    const backup = await openBackup(file, binDir);
    if (typeof backup === 'string') {
      line(out, `Refused: ${backup}`);
      return EXIT.failure;
    }
    const db = await database(env).catch((err: unknown) => {
      if (backup.kind === 'portable') backup.reader.close();
      throw err;
    });
    try {
      let existing: number;
      const client = await connect(db.url);
      try {
        const inDump = backup.migrations;
        if (inDump.length === 0) {
          line(
            out,
            `Refused: ${file} holds no migrations table: it is not a backup of this service.`,
          );
          return EXIT.failure;
        }
        const known = knownMigrations();
        const unknown = inDump.filter((name) => !known.includes(name));
        if (unknown.length > 0) {
          line(
            out,
            `Refused: ${file} comes from a newer version of the service (its schema has ` +
              `${unknown.join(', ')}, which this version does not know). Update the service, then restore.`,
          );
          return EXIT.failure;
        }
        const others = await client.query<{ n: string }>(
          `SELECT count(*) AS n FROM pg_stat_activity
           WHERE datname = current_database() AND pid <> pg_backend_pid()`,
        );
        if (Number(others.rows[0]!.n) > 0) {
          line(
            out,
            `Refused: ${others.rows[0]!.n} other connections to the database are open. Stop the ` +
              `service (and anything else using the database), then restore.`,
          );
          return EXIT.failure;
        }
        existing = await userRelations(client);
        if (existing > 0 && !values.force) {
          line(
            out,
            `Refused: the database is not empty (${existing} tables, views or sequences). ` +
              `Restore into an empty database, or replace its contents with --force.`,
          );
          return EXIT.failure;
        }
        if (existing > 0 && backup.kind === 'pg_dump') {
          // pg_restore runs in a transaction of its own: empty the database first.
          await client.query('BEGIN');
          await dropUserSchemas({ query: async (sql) => (await client.query(sql)).rows });
          await client.query('COMMIT');
        }
      } finally {
        await client.end();
      }

      let loaded = '';
      if (backup.kind === 'pg_dump') {
        await runPgTool(
          backup.pgRestore,
          ['--no-owner', '--no-acl', '--single-transaction', '--exit-on-error', file],
          db.url,
        );
      } else {
        const result = await restorePortable(
          db.url,
          backup.reader,
          existing > 0,
          env.keyEncryptionSecret?.(),
        );
        if (typeof result === 'string') {
          line(out, `Refused (nothing changed): ${result}, then restore.`);
          return EXIT.failure;
        }
        loaded = ` (${result.tables} tables, ${result.rows} rows)`;
      }
      if (existing > 0) {
        line(
          out,
          `Emptied the database (--force): dropped ${existing} tables, views and sequences.`,
        );
      }
      const applied: string[] = [];
      await runMigrations(db.url, (message) => applied.push(message));
      const known = knownMigrations();
      line(
        out,
        `Restored ${file} into ${withoutPassword(db.url)}${loaded} in ${seconds(Date.now() - started)}.`,
      );
      line(
        out,
        `  schema version: ${known[known.length - 1]}` +
          (applied.length ? ` (the backup was older: ${applied.length} migrations applied)` : ''),
      );

      let chain: Awaited<ReturnType<AuditQueryService['verifyChain']>>;
      try {
        chain = await withApp(env, (app) =>
          app.get(AuditQueryService, { strict: false }).verifyChain(),
        );
      } catch (err) {
        // The signing keys are encrypted with KEY_ENCRYPTION_SECRET, which no backup holds.
        if (!String((err as Error).message).includes('KEY_ENCRYPTION_SECRET')) throw err;
        line(
          out,
          `  signing keys:   ${SECRET_MISMATCH}, then check the audit trail: ` +
            `npm run cli -- verify-audit.`,
        );
        return EXIT.failure;
      }
      if (chain.intact) {
        line(out, `  audit trail:    intact, ${chain.checked} events checked`);
        return EXIT.ok;
      }
      line(
        out,
        `  audit trail:    BROKEN at event ${chain.firstBrokenId} (after ${chain.checked - 1} good ` +
          `events): the backup's audit trail was altered. The data is restored, but do not trust ` +
          `it before finding out what changed (npm run cli -- verify-audit).`,
      );
      return EXIT.failure;
    } finally {
      if (backup.kind === 'portable') backup.reader.close();
      await db.stop();
    }
  },
};
