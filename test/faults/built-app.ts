import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import { request, type Agent } from 'node:http';
import { join } from 'node:path';
import { freePort, waitFor, type FaultDatabase } from './fault-harness.js';

const MAIN = join(process.cwd(), 'dist', 'src', 'main.js');

export const ADMIN = { email: 'admin@coe.test', password: 'Field-Training-Area-7' };

/** The built service as a deployment runs it: its own process, configured by environment. */
export interface BuiltApp {
  port: number;
  child: ChildProcess;
  output: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

export async function startBuiltApp(database: FaultDatabase, workDir: string): Promise<BuiltApp> {
  if (!existsSync(MAIN)) throw new Error(`${MAIN} is missing: run \`npm run build\` first`);
  const port = await freePort();
  const child = spawn(process.execPath, [MAIN], {
    // A folder of its own, so a developer's .env is not picked up.
    cwd: workDir,
    env: {
      PATH: process.env.PATH,
      NODE_ENV: 'production',
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: String(port),
      PUBLIC_BASE_URL: `http://127.0.0.1:${port}`,
      JWT_SECRET: 'fault-test-jwt-secret-that-is-long-enough-0123',
      KEY_ENCRYPTION_SECRET: 'fault-test-key-encryption-secret-long-enough-0123',
      ADMIN_EMAIL: ADMIN.email,
      ADMIN_PASSWORD: ADMIN.password,
      DATA_DIR: workDir,
      LOG_LEVEL: 'warn',
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr?.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) =>
    child.once('exit', (code, signal) => resolve({ code, signal })),
  );
  let gone = false;
  void exited.then(() => (gone = true));
  await waitFor(
    'the built app to listen',
    async () => {
      if (gone) throw new Error(`The app exited during start:\n${output}`);
      return (await call(port, 'GET', '/health/ready')).status === 200;
    },
    60_000,
  ).catch((error: Error) => {
    child.kill('SIGKILL');
    throw new Error(`${error.message}\n${output}`);
  });
  return { port, child, output: () => output, exited };
}

export interface CallResult {
  status: number;
  body: unknown;
}

/** One request, on a connection of its own unless a (keep-alive) agent is given. */
export function call(
  port: number,
  method: string,
  path: string,
  options: { body?: unknown; token?: string; agent?: Agent } = {},
): Promise<CallResult> {
  const payload = options.body === undefined ? undefined : JSON.stringify(options.body);
  return new Promise((resolve, reject) => {
    const req = request(
      {
        host: '127.0.0.1',
        port,
        method,
        path,
        agent: options.agent ?? false,
        headers: {
          Accept: 'application/json',
          ...(payload ? { 'Content-Type': 'application/json' } : {}),
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        },
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => {
          let body: unknown = text;
          try {
            body = JSON.parse(text);
          } catch {
            // not JSON: keep the text
          }
          resolve({ status: res.statusCode ?? 0, body });
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** The network error code, or the HTTP answer (errors come from another realm than jest's). */
export function callOrRefusal(
  ...args: Parameters<typeof call>
): Promise<CallResult | { refused: string }> {
  return call(...args).catch((error: { code?: string }) => ({ refused: error.code ?? 'unknown' }));
}
