import { resolve } from 'node:path';

/**
 * What bench:seed and bench share. The secrets are for a throwaway benchmark database only;
 * KEY_ENCRYPTION_SECRET may be overridden, but then the same value must be given to both.
 */
export const BENCH = {
  password: 'bench-password-Kq7!vR2#xT9',
  jwtSecret: 'bench-jwt-secret-0123456789-abcdefghijklmnop',
  keyEncryptionSecret:
    process.env.KEY_ENCRYPTION_SECRET ?? 'bench-key-encryption-secret-0123456789-abcdefgh',
  centerName: 'Mine Action Center of Excellence',
  appPort: Number(process.env.BENCH_APP_PORT ?? 3100),
  baselinePort: Number(process.env.BENCH_BASELINE_PORT ?? 3101),
  /** The embedded PostgreSQL of the benchmark (when DATABASE_URL is not set). */
  dataDir: resolve(process.env.BENCH_DATA_DIR ?? '.data/bench-postgres'),
  pgPort: Number(process.env.BENCH_PG_PORT ?? 54349),
} as const;

/**
 * The Node options production runs the app with (Dockerfile, `npm run start:prod`): the
 * benchmark measures the app as it is deployed. Without a heap limit, V8 on this 24 GB machine
 * lets garbage pile up to several hundred MB before collecting it.
 */
export const PRODUCTION_NODE_OPTIONS = '--max-old-space-size=192';

export const publicBaseUrl = () => `http://127.0.0.1:${BENCH.appPort}`;

/** `--name=value` or `--name value` from argv, else the environment variable, else undefined. */
export function option(name: string, env?: string): string | undefined {
  const args = process.argv.slice(2);
  for (let i = 0; i < args.length; i++) {
    if (args[i] === `--${name}`) return args[i + 1];
    if (args[i].startsWith(`--${name}=`)) return args[i].slice(name.length + 3);
  }
  return env ? process.env[env] : undefined;
}

export function flag(name: string): boolean {
  return process.argv.slice(2).includes(`--${name}`);
}

/** `100000`, `100k`, `1m`, `1_000_000`. */
export function parseCount(text: string): number {
  const match = /^(\d+(?:\.\d+)?)\s*([km]?)$/i.exec(text.trim().replace(/[_,]/g, ''));
  if (!match) throw new Error(`Not a count: ${text}`);
  const factor = { '': 1, k: 1_000, m: 1_000_000 }[match[2].toLowerCase() as '' | 'k' | 'm'];
  return Math.round(Number(match[1]) * factor);
}

/** Ctrl-C or SIGTERM still stops the servers a run started (an embedded PostgreSQL would outlive us). */
export function cleanUpOnSignal(cleanup: () => Promise<void>): void {
  const handler = (signal: NodeJS.Signals) => {
    console.error(`${signal}: stopping ...`);
    void cleanup().finally(() => process.exit(130));
  };
  process.once('SIGINT', handler);
  process.once('SIGTERM', handler);
}
