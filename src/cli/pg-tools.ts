import { execFile, spawn } from 'node:child_process';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { embeddedBinariesDir } from '../database/embedded-postgres.js';

const execFileAsync = promisify(execFile);

/** One of PostgreSQL's own programs (pg_dump, pg_restore) found on this machine. */
export interface PgTool {
  path: string;
  major: number;
  version: string;
}

/** Folders where packages put several PostgreSQL versions side by side, newest found first. */
const VERSIONED_FOLDERS = [
  '/usr/lib/postgresql/*/bin', // Debian, Ubuntu
  '/usr/pgsql-*/bin', // RHEL, Fedora (PGDG)
  '/opt/homebrew/opt/postgresql@*/bin', // macOS, Homebrew (Apple silicon)
  '/usr/local/opt/postgresql@*/bin', // macOS, Homebrew (Intel)
  '/Applications/Postgres.app/Contents/Versions/*/bin',
];

async function expand(pattern: string): Promise<string[]> {
  const [before, after] = pattern.split('*') as [string, string];
  const parent = path.dirname(before);
  const prefix = path.basename(before);
  const names = await fs.readdir(parent).catch(() => [] as string[]);
  return names.filter((n) => n.startsWith(prefix)).map((n) => path.join(parent, n) + after);
}

async function candidateFolders(): Promise<string[]> {
  const folders: string[] = [];
  const embedded = embeddedBinariesDir();
  if (embedded) folders.push(path.join(embedded, 'bin'));
  folders.push(...(process.env.PATH ?? '').split(path.delimiter).filter(Boolean));
  for (const pattern of VERSIONED_FOLDERS) folders.push(...(await expand(pattern)));
  return [...new Set(folders)];
}

async function describeTool(file: string): Promise<PgTool | undefined> {
  try {
    await fs.access(file, fs.constants.X_OK);
    const { stdout } = await execFileAsync(file, ['--version'], { timeout: 10_000 });
    const version = /\(PostgreSQL\)\s+((\d+)[\w.]*)/.exec(stdout);
    if (!version) return undefined;
    return { path: file, major: Number(version[2]), version: version[1]! };
  } catch {
    return undefined;
  }
}

/**
 * The newest `name` on this machine (in --pg-bin alone when given), which must be at least
 * PostgreSQL `minMajor`: pg_dump refuses a server newer than itself. Throws a message that
 * says what was found and what to install.
 */
export async function findPgTool(
  name: 'pg_dump' | 'pg_restore',
  minMajor: number,
  binDir?: string,
): Promise<PgTool> {
  const folders = binDir ? [path.resolve(binDir)] : await candidateFolders();
  const found: PgTool[] = [];
  const seenFiles = new Set<string>();
  for (const folder of folders) {
    // /bin and /usr/bin are often one folder: count each program once.
    const file = await fs.realpath(path.join(folder, name)).catch(() => undefined);
    if (!file || seenFiles.has(file)) continue;
    seenFiles.add(file);
    const tool = await describeTool(path.join(folder, name));
    if (tool) found.push(tool);
  }
  const fit = found.filter((t) => t.major >= minMajor).sort((a, b) => b.major - a.major)[0];
  if (fit) return fit;
  const seen = found.length
    ? `found only ${found.map((t) => `${t.path} (${t.version})`).join(', ')}`
    : `found none${binDir ? ` in ${binDir}` : ' (searched PATH, the embedded PostgreSQL and the usual folders)'}`;
  throw new Error(
    `${name} of PostgreSQL ${minMajor} or newer is needed for this database server (version ` +
      `${minMajor}); ${seen}. Install the PostgreSQL ${minMajor} client tools (Debian and Ubuntu: ` +
      `the package postgresql-client-${minMajor} from the PostgreSQL project's own apt ` +
      `repository; macOS: brew install postgresql@${minMajor}), or name their folder with --pg-bin DIR.`,
  );
}

/**
 * Runs a PostgreSQL program against `url`: the password goes in PGPASSWORD, not on the command
 * line other users can read. Resolves with its stdout; rejects with its stderr.
 */
export async function runPgTool(
  tool: PgTool,
  args: string[],
  url: string | undefined,
): Promise<string> {
  const env = { ...process.env };
  const connection: string[] = [];
  if (url) {
    const parsed = new URL(url);
    if (parsed.password) env.PGPASSWORD = decodeURIComponent(parsed.password);
    parsed.password = '';
    connection.push(`--dbname=${parsed.toString()}`);
  }
  const child = spawn(tool.path, [...args, ...connection], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const stdout: Buffer[] = [];
  const stderr: Buffer[] = [];
  child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
  child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('close', resolve);
  });
  if (code !== 0) {
    const message = Buffer.concat(stderr).toString('utf8').trim();
    throw new Error(`${path.basename(tool.path)} failed (exit ${String(code)}): ${message}`);
  }
  return Buffer.concat(stdout).toString('utf8');
}
