import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { EnvironmentVariables } from './environment.js';

/**
 * The resolved configuration the app runs with: validated environment plus what was
 * derived at boot (the database URL of the embedded server, development secrets).
 * Injected everywhere as `AppConfig`; nothing else reads process.env.
 */
export class AppConfig {
  readonly nodeEnv: EnvironmentVariables['NODE_ENV'];
  readonly databaseUrl: string;
  readonly databasePoolSize: number;
  /** Read replicas of databaseUrl (none by default). */
  readonly databaseReplicaUrls: string[];
  readonly host: string;
  readonly port: number;
  readonly publicBaseUrl: string;
  readonly jwtSecret: string;
  readonly keyEncryptionSecret: string;
  readonly accessTokenTtlSeconds: number;
  readonly refreshTokenTtlSeconds: number;
  readonly adminEmail?: string;
  readonly adminPassword?: string;
  readonly dataDir: string;
  readonly logLevel: EnvironmentVariables['LOG_LEVEL'];
  readonly timeZone: string;
  readonly trustProxy: boolean;
  readonly centerName: string;
  readonly verifyRateLimitPerMinute: number;
  readonly verifyCacheEntries: number;
  /** Open sessions kept in memory for the access check (SESSION_CACHE_ENTRIES). */
  readonly sessionCacheEntries: number;
  /** Public verification shows the last four characters of the holder's identity document. */
  readonly verifyShowDocumentLast4: boolean;
  /** Anyone may sync the inspector's app, not only auditors and admins (INSPECT_PUBLIC). */
  readonly inspectPublic: boolean;
  /** Days after a sync the inspector's app warns its status is old (INSPECT_STALE_DAYS). */
  readonly inspectStaleDays: number;
  /** Serve /docs and /docs-json. */
  readonly apiDocs: boolean;
  /** Per address, per minute and anonymous route, counted in the database (0 = no limit). */
  readonly authRateLimitPerMinute: number;
  readonly requestTimeoutMs: number;
  readonly headersTimeoutMs: number;
  readonly keepAliveTimeoutMs: number;
  /** Connections one socket address may hold open at once (0 = no cap). */
  readonly maxConnectionsPerAddress: number;

  /** SMTP server URL; null: .eml files in `${dataDir}/outbox`. */
  readonly smtpUrl: string | null;
  /** The From of every message: an address, or `Name <address>`. */
  readonly mailFrom: string;
  readonly mailMaxAttempts: number;
  /** First retry delay; each later one doubles, up to an hour. */
  readonly mailRetryBaseMs: number;
  /** Whether this instance sends queued mail in the background (tests may turn it off). */
  readonly mailWorker: boolean;
  /** Whether this instance's timers run the daily jobs (SCHEDULED_JOBS; tests turn it off). */
  readonly scheduledJobs: boolean;

  constructor(init: Omit<AppConfig, never>) {
    Object.assign(this, init);
  }

  get isProduction(): boolean {
    return this.nodeEnv === 'production';
  }
}

export function buildAppConfig(
  env: EnvironmentVariables,
  databaseUrl: string,
  overrides: Partial<AppConfig> = {},
): AppConfig {
  const dataDir = resolve(env.DATA_DIR);
  const secrets =
    env.JWT_SECRET && env.KEY_ENCRYPTION_SECRET ? undefined : developmentSecrets(dataDir);
  return new AppConfig({
    nodeEnv: env.NODE_ENV,
    databaseUrl,
    databasePoolSize: env.DATABASE_POOL_SIZE,
    databaseReplicaUrls: (env.DATABASE_REPLICA_URLS ?? '')
      .split(',')
      .map((url) => url.trim())
      .filter(Boolean),
    host: env.HOST,
    port: env.PORT,
    publicBaseUrl: (env.PUBLIC_BASE_URL ?? `http://localhost:${env.PORT}`).replace(/\/+$/, ''),
    jwtSecret: env.JWT_SECRET ?? secrets!.jwtSecret,
    keyEncryptionSecret: env.KEY_ENCRYPTION_SECRET ?? secrets!.keyEncryptionSecret,
    accessTokenTtlSeconds: env.ACCESS_TOKEN_TTL,
    refreshTokenTtlSeconds: env.REFRESH_TOKEN_TTL,
    adminEmail: env.ADMIN_EMAIL?.toLowerCase(),
    adminPassword: env.ADMIN_PASSWORD,
    dataDir,
    logLevel: env.LOG_LEVEL,
    timeZone: env.TIME_ZONE,
    trustProxy: env.TRUST_PROXY === 'true',
    centerName: env.CENTER_NAME,
    verifyRateLimitPerMinute: env.VERIFY_RATE_LIMIT_PER_MINUTE,
    verifyCacheEntries: env.VERIFY_CACHE_ENTRIES,
    sessionCacheEntries: env.SESSION_CACHE_ENTRIES,
    verifyShowDocumentLast4: env.VERIFY_SHOW_DOCUMENT_LAST4 === 'true',
    inspectPublic: env.INSPECT_PUBLIC === 'true',
    inspectStaleDays: env.INSPECT_STALE_DAYS,
    apiDocs: env.API_DOCS ? env.API_DOCS === 'true' : env.NODE_ENV !== 'production',
    authRateLimitPerMinute: env.AUTH_RATE_LIMIT_PER_MINUTE,
    requestTimeoutMs: env.REQUEST_TIMEOUT_SECONDS * 1000,
    headersTimeoutMs: env.HEADERS_TIMEOUT_SECONDS * 1000,
    keepAliveTimeoutMs: env.KEEP_ALIVE_TIMEOUT_SECONDS * 1000,
    maxConnectionsPerAddress:
      env.MAX_CONNECTIONS_PER_ADDRESS ?? (env.TRUST_PROXY === 'true' ? 0 : 100),
    smtpUrl: env.SMTP_URL ?? null,
    mailFrom: env.MAIL_FROM ?? defaultMailFrom(env),
    mailMaxAttempts: env.MAIL_MAX_ATTEMPTS,
    mailRetryBaseMs: 30_000,
    mailWorker: true,
    scheduledJobs: env.SCHEDULED_JOBS !== 'false',
    ...overrides,
  } as AppConfig);
}

/** `CENTER_NAME <noreply@host of PUBLIC_BASE_URL>`: a sender that at least names the Center. */
function defaultMailFrom(env: EnvironmentVariables): string {
  const host = env.PUBLIC_BASE_URL ? new URL(env.PUBLIC_BASE_URL).hostname : 'localhost';
  return `${env.CENTER_NAME.replace(/[<>"\r\n]/g, '')} <noreply@${host}>`;
}

interface DevelopmentSecrets {
  jwtSecret: string;
  keyEncryptionSecret: string;
}

/**
 * Outside production a missing secret is generated once and kept beside the local data, so
 * tokens and signing keys survive restarts without anyone having to invent a secret.
 */
function developmentSecrets(dataDir: string): DevelopmentSecrets {
  const file = join(dataDir, 'secrets.json');
  if (existsSync(file)) return JSON.parse(readFileSync(file, 'utf8')) as DevelopmentSecrets;
  mkdirSync(dataDir, { recursive: true, mode: 0o755 });
  const secrets: DevelopmentSecrets = {
    jwtSecret: randomBytes(48).toString('base64url'),
    keyEncryptionSecret: randomBytes(48).toString('base64url'),
  };
  writeFileSync(file, JSON.stringify(secrets, null, 2), { mode: 0o600 });
  return secrets;
}
