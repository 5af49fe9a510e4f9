import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import pg from 'pg';
import { MIGRATIONS } from '../../../migrations/index.js';
import { AuditQueryService } from '../../audit/audit-query.service.js';
import { runMigrations } from '../../database/migrate.js';
import { EXIT, line, UsageError } from '../cli-io.js';
import { withApp, type CliCommand, type CliEnvironment } from '../command.js';
import { withoutPassword, type OpenDatabase } from '../database.js';
import { findPgTool, runPgTool } from '../pg-tools.js';

const PG_BIN_OPTION = `  --pg-bin DIR   the folder holding pg_dump and pg_restore (default: the newest found on
                 PATH and in the usual folders, at least the database server's version)`;

/** Migration names this code knows, in order (the last one is its schema version). */
function knownMigrations(): string[] {
  return MIGRATIONS.map((M) => new (M as new () => { name?: string })().name ?? M.name);
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
  return `${(bytes / 1_000_000).toFixed(1)} MB`;
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

export const backupCommand: CliCommand = {
  name: 'backup',
  summary: 'Save the whole database to a file (PostgreSQL’s own custom-format dump)',
  usage: 'backup FILE [--pg-bin DIR]',
  details: `Dumps the database (DATABASE_URL, or the embedded PostgreSQL) with pg_dump -Fc to
FILE, from one consistent snapshot while the service keeps running. FILE appears only once
complete (written beside it under a temporary name, then renamed), readable by its owner alone:
it holds personal data and password hashes. Prints its size, the schema version (latest
migration) and the head of the audit trail, to compare with what a restore reports.

${PG_BIN_OPTION}`,
  options: { 'pg-bin': { type: 'string' } },
  async run({ values, positionals, env }) {
    const file = fileArgument(positionals);
    const binDir = values['pg-bin'] as string | undefined;
    const db = await database(env);
    const partial = path.join(
      path.dirname(file),
      `.${path.basename(file)}.${randomBytes(4).toString('hex')}.partial`,
    );
    try {
      const client = await connect(db.url);
      try {
        const pgDump = await findPgTool('pg_dump', await serverMajor(client), binDir);
        // The figures printed and the dump come from one snapshot: pg_dump adopts this one.
        await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY');
        const [{ snapshot }] = (
          await client.query<{ snapshot: string }>('SELECT pg_export_snapshot() AS snapshot')
        ).rows as [{ snapshot: string }];
        const schema = await client
          .query<{ name: string }>('SELECT name FROM migrations ORDER BY "timestamp" DESC LIMIT 1')
          .catch(() => ({ rows: [] as { name: string }[] }));
        if (!schema.rows[0]) {
          throw new Error('This database has no migrations table: it is not this service’s.');
        }
        const head = await client.query<{ seq: string; hash: string }>(
          'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
        );
        await runPgTool(
          pgDump,
          ['--format=custom', `--snapshot=${snapshot}`, `--file=${partial}`],
          db.url,
        );
        await fs.chmod(partial, 0o600);
        await fsyncPath(partial);
        await fs.rename(partial, file);
        await fsyncPath(path.dirname(file));
        await client.query('COMMIT');

        const { size } = await fs.stat(file);
        const event = head.rows[0];
        line(
          env.io.stdout,
          `Backed up ${withoutPassword(db.url)} to ${file} (${megabytes(size)}).`,
        );
        line(env.io.stdout, `  schema version:   ${schema.rows[0].name}`);
        line(
          env.io.stdout,
          `  audit trail head: ${event ? `event #${event.seq}, hash ${event.hash}` : 'no events'}`,
        );
        line(env.io.stdout, `  made with:        ${pgDump.path} (${pgDump.version})`);
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

export const restoreCommand: CliCommand = {
  name: 'restore',
  summary: 'Load a backup made by "backup" into the database, then check its audit trail',
  usage: 'restore FILE [--force] [--pg-bin DIR]',
  details: `Restores FILE (made by "backup") into the database (DATABASE_URL, or the embedded
PostgreSQL), in one transaction: it lands whole or not at all. Stop the service first.
Refused when the backup comes from a newer version of the service (a migration this version
does not know: update the service first), and when the database is not empty, unless --force.
A backup from an older version is brought up to date by the pending migrations. Then the audit
trail's hash chain is checked from the first event to the last: exit 1 when it is broken.

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
    // Any version reads older dumps; the newest found reads the most.
    const pgRestore = await findPgTool('pg_restore', 0, binDir);
    const db = await database(env);
    try {
      const client = await connect(db.url);
      try {
        const inDump = await migrationsInDump(pgRestore, file);
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
        const existing = await userRelations(client);
        if (existing > 0 && !values.force) {
          line(
            out,
            `Refused: the database is not empty (${existing} tables, views or sequences). ` +
              `Restore into an empty database, or replace its contents with --force.`,
          );
          return EXIT.failure;
        }
        if (existing > 0) {
          const { rows } = await client.query<{ nspname: string }>(`
            SELECT nspname FROM pg_namespace
            WHERE nspname NOT IN ('pg_catalog', 'information_schema')
              AND nspname NOT LIKE 'pg\\_toast%' AND nspname NOT LIKE 'pg\\_temp%'`);
          await client.query('BEGIN');
          for (const { nspname } of rows) {
            await client.query(`DROP SCHEMA ${client.escapeIdentifier(nspname)} CASCADE`);
          }
          await client.query('CREATE SCHEMA public');
          await client.query('COMMIT');
          line(
            out,
            `Emptied the database (--force): dropped ${existing} tables, views and sequences.`,
          );
        }
      } finally {
        await client.end();
      }

      await runPgTool(
        pgRestore,
        ['--no-owner', '--no-acl', '--single-transaction', '--exit-on-error', file],
        db.url,
      );
      const applied: string[] = [];
      await runMigrations(db.url, (message) => applied.push(message));
      const known = knownMigrations();
      line(out, `Restored ${file} into ${withoutPassword(db.url)}.`);
      line(
        out,
        `  schema version: ${known[known.length - 1]}` +
          (applied.length ? ` (the backup was older: ${applied.length} migrations applied)` : ''),
      );

      const chain = await withApp(env, (app) =>
        app.get(AuditQueryService, { strict: false }).verifyChain(),
      );
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
      await db.stop();
    }
  },
};
