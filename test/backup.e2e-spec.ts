import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { gunzipSync, gzipSync } from 'node:zlib';
import pg from 'pg';
import { MIGRATIONS } from '../migrations/index.js';
import type { CliEnvironment } from '../src/cli/command.js';
import { findPgTool } from '../src/cli/pg-tools.js';
import { runCli } from '../src/cli/run.js';
import { revertLastMigration } from '../src/database/migrate.js';
import type { AppConfig } from '../src/config/app-config.js';
import { seedDemoData } from '../src/database/seed.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { adminQuery, databaseUrl, testServerUrl } from './database.js';
import { createUser } from './factories.js';

const LATEST = MIGRATIONS[MIGRATIONS.length - 1]!.name;

/**
 * Whether this machine has a pg_dump for the test server (PostgreSQL 15 with its pg_dump 15 on
 * CI; not on a fresh machine, whose embedded PostgreSQL 18 ships none): the pg-dump cases run
 * only then. Everything else uses the default, portable format, which needs no such program.
 */
const pgDumpFits = await (async () => {
  const [{ v }] = await query<{ v: string }>(
    databaseUrl(testServerUrl(), 'postgres'),
    "SELECT current_setting('server_version_num') AS v",
  );
  return findPgTool('pg_dump', Math.floor(Number(v) / 10_000)).then(
    () => true,
    () => false,
  );
})();

async function query<T extends pg.QueryResultRow>(url: string, sql: string): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(sql)).rows;
  } finally {
    await client.end();
  }
}

/** One fingerprint per table of the public schema: equal fingerprints, equal rows. */
async function contents(url: string): Promise<Record<string, string>> {
  const tables = await query<{ t: string }>(
    url,
    `SELECT tablename AS t FROM pg_tables WHERE schemaname = 'public' ORDER BY 1`,
  );
  const result: Record<string, string> = {};
  for (const { t } of tables) {
    const [row] = await query<{ n: string; md5: string | null }>(
      url,
      `SELECT count(*) AS n, md5(string_agg(x::text, '|' ORDER BY x::text)) AS md5 FROM "${t}" x`,
    );
    result[t] = `${row!.n} ${row!.md5}`;
  }
  return result;
}

describe('backup and restore (npm run cli -- backup FILE / restore FILE)', () => {
  let source: TestApp;
  let dir: string;
  const databases: string[] = [];

  beforeAll(async () => {
    source = await startTestApp();
    // Every kind of row: courses, sessions, enrolments with the seats the triggers derive,
    // certificates, signing keys, and their audit events.
    expect(await seedDemoData(source.app)).toBe(true);
    const admin = await createUser(source, ['admin']);
    // Changes through the API, so the audit trail has events to chain.
    for (const name of ['Azerbaijan National Agency for Mine Action', 'Demining Team Ganja']) {
      const res = await source.http
        .post('/api/v1/organisations')
        .set(admin.auth)
        .send({ name, country: 'AZ', type: 'national_authority' });
      expect(res.status).toBe(201);
    }
    dir = await mkdtemp(join(tmpdir(), 'coe-backup-'));
  });

  afterAll(async () => {
    await source.close();
    await rm(dir, { recursive: true, force: true });
    for (const name of databases) {
      await adminQuery(testServerUrl(), `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    }
  });

  /** A new, empty database (not the migrated template). */
  async function emptyDatabase(): Promise<string> {
    const name = `coe_restore_${randomBytes(5).toString('hex')}`;
    await adminQuery(testServerUrl(), `CREATE DATABASE ${name}`);
    databases.push(name);
    return databaseUrl(testServerUrl(), name);
  }

  /** The command line against the database at `url` (as DATABASE_URL would make it). */
  async function cli(url: string, ...argv: string[]) {
    return cliWith({}, url, ...argv);
  }

  /** The command line on a machine whose settings differ from the source's by `settings`. */
  async function cliWith(settings: Partial<AppConfig>, url: string, ...argv: string[]) {
    const out: string[] = [];
    const err: string[] = [];
    const stdout = new PassThrough().on('data', (c: Buffer) => out.push(c.toString()));
    const stderr = new PassThrough().on('data', (c: Buffer) => err.push(c.toString()));
    const env: CliEnvironment = {
      io: { stdout, stderr, stdin: new PassThrough(), progress: false },
      openApp: async () => {
        const app = await startPeerApp(source, { ...settings, databaseUrl: url });
        return { app: app.app, close: app.close };
      },
      locateDatabase: () => Promise.resolve({ kind: 'url', url }),
      keyEncryptionSecret: () => settings.keyEncryptionSecret ?? source.config.keyEncryptionSecret,
    };
    const code = await runCli(argv, env);
    return { code, stdout: out.join(''), stderr: err.join('') };
  }

  async function backup(url: string, name: string): Promise<string> {
    const file = join(dir, name);
    const made = await cli(url, 'backup', file);
    expect(made).toMatchObject({ code: 0, stderr: '' });
    return file;
  }

  let good: string;

  it('backs up to a private file and restores into an empty database: same data, audit trail intact', async () => {
    const sourceUrl = source.config.databaseUrl;
    good = join(dir, 'coe.dump');
    const made = await cli(sourceUrl, 'backup', good);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    const [head] = await query<{ seq: string; hash: string; n: string }>(
      sourceUrl,
      'SELECT seq, hash, (SELECT count(*) FROM audit_events) AS n FROM audit_events ORDER BY seq DESC LIMIT 1',
    );
    expect(made.stdout).toContain(`schema version:   ${LATEST}`);
    expect(made.stdout).toContain(`audit trail head: event #${head!.seq}, hash ${head!.hash}`);
    expect(made.stdout).toMatch(/\((\d+ kB|\d+\.\d MB), \d+\.\d s\)/);
    expect(made.stdout).toContain('made as:          portable format 1');
    // gzip, and inside it the header as the first line.
    const header = JSON.parse(
      gunzipSync(await readFile(good))
        .toString('utf8')
        .split('\n')[0]!,
    );
    expect(header).toMatchObject({ format: 'coe-portable-backup', version: 1 });
    expect(header.migrations).toEqual(MIGRATIONS.map((M) => M.name));
    expect(header.auditHead).toEqual({ seq: head!.seq, hash: head!.hash });
    expect((await stat(good)).mode & 0o777).toBe(0o600);
    expect((await readdir(dir)).filter((f) => f.includes('partial'))).toEqual([]);

    const target = await emptyDatabase();
    const restored = await cli(target, 'restore', good);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain(`schema version: ${LATEST}\n`);
    expect(restored.stdout).toContain(`audit trail:    intact, ${head!.n} events checked`);
    const restoredContents = await contents(target);
    expect(restoredContents).toEqual(await contents(sourceUrl));
    // Rows that triggers derive came from the backup, once (not derived again on load).
    expect(Number(restoredContents.training_seats!.split(' ')[0])).toBeGreaterThan(0);
    expect(Number(restoredContents.certificates!.split(' ')[0])).toBeGreaterThan(0);
    // The triggers work again after the load: the audit trail is append-only.
    await expect(query(target, 'DELETE FROM audit_events WHERE seq = 1')).rejects.toThrow();
    const [sequence] = await query<{ n: string }>(
      target,
      'SELECT last_value AS n FROM migrations_id_seq',
    );
    const [source_] = await query<{ n: string }>(
      sourceUrl,
      'SELECT last_value AS n FROM migrations_id_seq',
    );
    expect(sequence!.n).toBe(source_!.n);
  });

  it('refuses to overwrite a database that is not empty, unless --force', async () => {
    const target = await emptyDatabase();
    expect((await cli(target, 'restore', good)).code).toBe(0);
    await query(
      target,
      `INSERT INTO organisations (name, country, type) VALUES ('Extra', 'AZ', 'ngo')`,
    );

    const refused = await cli(target, 'restore', good);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('the database is not empty');
    expect(await query(target, `SELECT 1 FROM organisations WHERE name = 'Extra'`)).toHaveLength(1);

    const forced = await cli(target, 'restore', good, '--force');
    expect(forced.code).toBe(0);
    expect(forced.stdout).toContain('intact');
    expect(await query(target, `SELECT 1 FROM organisations WHERE name = 'Extra'`)).toHaveLength(0);
    expect(await contents(target)).toEqual(await contents(source.config.databaseUrl));
  });

  it('refuses a backup from a newer schema, leaving the database empty', async () => {
    const copy = await emptyDatabase();
    expect((await cli(copy, 'restore', good)).code).toBe(0);
    await query(
      copy,
      `INSERT INTO migrations ("timestamp", name) VALUES (9999999999999, 'FromTheFuture9999999999999')`,
    );
    const newer = await backup(copy, 'newer.dump');

    const target = await emptyDatabase();
    const refused = await cli(target, 'restore', newer);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('comes from a newer version of the service');
    expect(refused.stdout).toContain('FromTheFuture9999999999999');
    expect(await query(target, `SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);
  });

  it('brings a backup from an older schema up to date with the pending migrations', async () => {
    const copy = await emptyDatabase();
    expect((await cli(copy, 'restore', good)).code).toBe(0);
    await revertLastMigration(copy);
    const older = await backup(copy, 'older.dump');

    const target = await emptyDatabase();
    const restored = await cli(target, 'restore', older);
    expect(restored.stderr).toBe('');
    expect(restored.code).toBe(0);
    expect(restored.stdout).toContain('the backup was older: 1 migrations applied');
    const [last] = await query<{ name: string }>(
      target,
      'SELECT name FROM migrations ORDER BY "timestamp" DESC LIMIT 1',
    );
    expect(last!.name).toBe(LATEST);
  });

  it('reports a broken audit trail when an event in the backed-up database was altered (exit 1)', async () => {
    const copy = await emptyDatabase();
    expect((await cli(copy, 'restore', good)).code).toBe(0);
    const [second] = await query<{ id: string }>(copy, 'SELECT id FROM audit_events WHERE seq = 2');
    // Behind the append-only triggers' back, as someone with the database's files could.
    await query(
      copy,
      `SET session_replication_role = replica;
       UPDATE audit_events SET action = 'organisation.deleted' WHERE seq = 2`,
    );
    const tampered = await backup(copy, 'tampered.dump');

    const target = await emptyDatabase();
    const restored = await cli(target, 'restore', tampered);
    expect(restored.code).toBe(1);
    expect(restored.stdout).toContain(`audit trail:    BROKEN at event ${second!.id}`);
  });

  it('says what to install when no pg_dump is recent enough for the server', async () => {
    const empty = await mkdtemp(join(dir, 'bin-'));
    const res = await cli(
      source.config.databaseUrl,
      'backup',
      join(dir, 'x.dump'),
      '--pg-bin',
      empty,
    );
    expect(res.code).toBe(1);
    expect(res.stderr).toMatch(/pg_dump of PostgreSQL \d+ or newer is needed/);
    expect(res.stderr).toContain('--pg-bin DIR');
    expect(await readdir(dir)).not.toContain('x.dump');
  });

  (pgDumpFits ? it : it.skip)(
    'with --format pg-dump, backs up with pg_dump and restores the dump the same way',
    async () => {
      const file = join(dir, 'coe.pgdump');
      const made = await cli(source.config.databaseUrl, 'backup', file, '--format', 'pg-dump');
      expect(made).toMatchObject({ code: 0, stderr: '' });
      expect(made.stdout).toContain('made as:          pg_dump custom format');
      expect((await readFile(file)).subarray(0, 5).toString()).toBe('PGDMP');

      const target = await emptyDatabase();
      const restored = await cli(target, 'restore', file);
      expect(restored.stderr).toBe('');
      expect(restored.code).toBe(0);
      expect(restored.stdout).toContain('audit trail:    intact');
      expect(await contents(target)).toEqual(await contents(source.config.databaseUrl));
    },
  );

  it('refuses a file that is not a backup, and a portable backup of a newer format', async () => {
    const target = await emptyDatabase();
    const text = join(dir, 'notes.txt');
    await writeFile(text, 'not a backup\n');
    const refused = await cli(target, 'restore', text);
    expect(refused.code).toBe(1);
    expect(refused.stdout).toContain('is not a backup made by "backup"');

    const gzipped = join(dir, 'notes.txt.gz');
    await writeFile(gzipped, gzipSync('not a backup\n'));
    expect((await cli(target, 'restore', gzipped)).stdout).toContain('not a backup made by');

    const [header, ...rest] = gunzipSync(await readFile(good))
      .toString('latin1')
      .split('\n');
    const future = join(dir, 'future.dump');
    const newer = JSON.stringify({ ...JSON.parse(header!), version: 2 });
    await writeFile(future, gzipSync(Buffer.from([newer, ...rest].join('\n'), 'latin1')));
    const refusedNewer = await cli(target, 'restore', future);
    expect(refusedNewer.code).toBe(1);
    expect(refusedNewer.stdout).toContain('version 2 of the portable format');
    expect(await query(target, `SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);
  });

  it('restores all or nothing: a damaged backup leaves the database as it was', async () => {
    const whole = gunzipSync(await readFile(good));
    const cut = join(dir, 'cut.dump');
    // Whole gzip stream of a backup cut in the middle of its tables.
    await writeFile(cut, gzipSync(whole.subarray(0, Math.floor(whole.length * 0.6))));
    const target = await emptyDatabase();
    const failed = await cli(target, 'restore', cut);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('ends early');
    expect(await query(target, `SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);

    // With --force, the database it should have replaced keeps its rows.
    const kept = await emptyDatabase();
    expect((await cli(kept, 'restore', good)).code).toBe(0);
    const before = await contents(kept);
    const truncated = join(dir, 'truncated.dump');
    const file = await readFile(good);
    await writeFile(truncated, file.subarray(0, Math.floor(file.length * 0.6)));
    const failedForce = await cli(kept, 'restore', truncated, '--force');
    expect(failedForce.code).toBe(1);
    expect(await contents(kept)).toEqual(before);
  });

  it('says what to do when this machine lacks the secret that opens the restored signing keys', async () => {
    const target = await emptyDatabase();
    const restored = await cliWith(
      { keyEncryptionSecret: 'another-machines-key-encryption-secret-0123456789' },
      target,
      'restore',
      good,
    );
    expect(restored.code).toBe(1);
    expect(restored.stdout).toContain(
      "Refused (nothing changed): this machine's KEY_ENCRYPTION_SECRET does not open",
    );
    expect(restored.stdout).toContain('DATA_DIR/secrets.json');
    expect(await query(target, `SELECT 1 FROM pg_tables WHERE schemaname = 'public'`)).toEqual([]);

    // A pg_dump backup is restored by pg_restore first: the service's start then says it.
    if (!pgDumpFits) return;
    const file = join(dir, 'secret.pgdump');
    expect((await cli(source.config.databaseUrl, 'backup', file, '--format', 'pg-dump')).code).toBe(
      0,
    );
    const other = await emptyDatabase();
    const dumped = await cliWith(
      { keyEncryptionSecret: 'another-machines-key-encryption-secret-0123456789' },
      other,
      'restore',
      file,
    );
    expect(dumped.code).toBe(1);
    expect(dumped.stdout).toContain("signing keys:   this machine's KEY_ENCRYPTION_SECRET");
  });
});
