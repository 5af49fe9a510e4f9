import { plainToInstance, Transform } from 'class-transformer';
import {
  IsEmail,
  IsIn,
  IsInt,
  IsOptional,
  IsString,
  IsUrl,
  Matches,
  Max,
  MaxLength,
  Min,
  MinLength,
  validateSync,
} from 'class-validator';

export const NODE_ENVS = ['development', 'production', 'test'] as const;
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;

const toInt = ({ value }: { value: unknown }) =>
  typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
const emptyToUndefined = ({ value }: { value: unknown }) => (value === '' ? undefined : value);

/**
 * The settings read from the process environment (and `.env`). Every field is validated at
 * boot: a wrong value stops the app with a message naming the variable.
 */
export class EnvironmentVariables {
  @IsIn(NODE_ENVS)
  NODE_ENV: (typeof NODE_ENVS)[number] = 'development';

  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/.+/, { message: 'must be a postgres:// connection URL' })
  DATABASE_URL?: string;

  /**
   * Read replicas (streaming standbys of DATABASE_URL), comma-separated: TypeORM sends reads
   * made outside a transaction through find/query builders to them (see docs/scaling.md).
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^postgres(ql)?:\/\/[^,\s]+(,\s*postgres(ql)?:\/\/[^,\s]+)*$/, {
    message: 'must be postgres:// connection URLs separated by commas',
  })
  DATABASE_REPLICA_URLS?: string;

  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(65535)
  PORT = 3000;

  @IsString()
  HOST = '0.0.0.0';

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsUrl({ require_tld: false, require_protocol: true, protocols: ['http', 'https'] })
  PUBLIC_BASE_URL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  JWT_SECRET?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(32, { message: 'must be at least 32 characters' })
  KEY_ENCRYPTION_SECRET?: string;

  /** Access token lifetime in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(30)
  @Max(86_400)
  ACCESS_TOKEN_TTL = 900;

  /** Refresh token lifetime in seconds. */
  @Transform(toInt)
  @IsInt()
  @Min(300)
  @Max(31_536_000)
  REFRESH_TOKEN_TTL = 2_592_000;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsEmail()
  ADMIN_EMAIL?: string;

  @IsOptional()
  @Transform(emptyToUndefined)
  @IsString()
  @MinLength(12)
  @MaxLength(128)
  ADMIN_PASSWORD?: string;

  @IsString()
  DATA_DIR = '.data';

  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(65535)
  EMBEDDED_PG_PORT = 54329;

  @IsIn(LOG_LEVELS)
  LOG_LEVEL: (typeof LOG_LEVELS)[number] = 'info';

  /** The Center's name as it appears on certificates and credentials. */
  @IsString()
  @MinLength(3)
  @MaxLength(200)
  CENTER_NAME = 'Mine Action Center of Excellence';

  /** Public verification requests one address may make per minute on one instance (0 = no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  VERIFY_RATE_LIMIT_PER_MINUTE = 300;

  /** Certificates one instance keeps in memory for verification by serial (0 = no cache). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  VERIFY_CACHE_ENTRIES = 50_000;

  /** Open sign-in sessions one instance keeps in memory for the access check (0 = no cache). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(10_000_000)
  SESSION_CACHE_ENTRIES = 10_000;

  /**
   * Whether public verification shows the last four characters of the holder's identity
   * document beside the masked name. Off by default: anyone holding a serial would learn them
   * (docs/security.md, "Public verification and identity documents").
   */
  @IsIn(['true', 'false'])
  VERIFY_SHOW_DOCUMENT_LAST4 = 'false';

  /**
   * Whether anyone may sync the inspector's offline app (`GET /inspect/bundle.json`: public
   * keys, status list addresses, course names), not only signed-in auditors and admins.
   */
  @IsIn(['true', 'false'])
  INSPECT_PUBLIC = 'false';

  /**
   * Whether this instance's timers run the daily jobs (reminder scan, recognitions' status).
   * Across instances each job runs once a day whatever this says; `false` keeps an instance
   * (the benchmark's, a reporting replica) from ever being the one.
   */
  @IsIn(['true', 'false'])
  SCHEDULED_JOBS = 'true';

  /** Days after its last sync the inspector's app warns that its revocation status is old. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(365)
  INSPECT_STALE_DAYS = 7;

  /** IANA zone whose calendar days count as "today" for session dates. */
  @IsString()
  TIME_ZONE = 'UTC';

  @IsIn(['true', 'false'])
  TRUST_PROXY = 'false';

  /** Whether /docs and /docs-json are served; unset: yes, except in production. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @IsIn(['true', 'false'])
  API_DOCS?: 'true' | 'false';

  /** Sign-in and token refreshes one address may make per minute, per route (0 = no limit). */
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  AUTH_RATE_LIMIT_PER_MINUTE = 60;

  /** Seconds a client has to send a whole request, headers and body. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  REQUEST_TIMEOUT_SECONDS = 60;

  /** Seconds a client has to send a request's headers (at most REQUEST_TIMEOUT_SECONDS). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  HEADERS_TIMEOUT_SECONDS = 10;

  /** Seconds an idle keep-alive connection stays open between requests. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(3600)
  KEEP_ALIVE_TIMEOUT_SECONDS = 72;

  /**
   * Connections one socket address may hold open at once (0 = no cap). Unset: 100, or no cap
   * with TRUST_PROXY=true, where every connection comes from the proxy.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Transform(toInt)
  @IsInt()
  @Min(0)
  @Max(1_000_000)
  MAX_CONNECTIONS_PER_ADDRESS?: number;

  /**
   * Where mail goes: `smtp://user:pass@host:587` (STARTTLS when the server offers it) or
   * `smtps://…:465` (TLS from the start). Unset: messages are written as .eml files to
   * DATA_DIR/outbox, listed for admins on the Outbox page.
   */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^smtps?:\/\/[^\s]+$/, { message: 'must be an smtp:// or smtps:// URL' })
  SMTP_URL?: string;

  /** The sender: `noreply@coe.example` or `Mine Action CoE <noreply@coe.example>`. */
  @IsOptional()
  @Transform(emptyToUndefined)
  @Matches(/^([^<>\r\n]*<[^\s@<>]+@[^\s@<>]+>|[^\s@<>]+@[^\s@<>]+)$/, {
    message: 'must be an address, or a name followed by <address>',
  })
  MAIL_FROM?: string;

  /** Delivery attempts before a message is marked failed (with the last reason). */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(50)
  MAIL_MAX_ATTEMPTS = 5;

  /** Size of the database connection pool of one app instance. */
  @Transform(toInt)
  @IsInt()
  @Min(1)
  @Max(200)
  DATABASE_POOL_SIZE = 10;
}

export class ConfigurationError extends Error {}

/** Validates raw environment variables; throws a ConfigurationError naming every bad setting. */
export function validateEnvironment(raw: Record<string, unknown>): EnvironmentVariables {
  const env = plainToInstance(EnvironmentVariables, raw, { exposeDefaultValues: true });
  const errors = validateSync(env, { whitelist: false, skipMissingProperties: false });
  const problems = errors.map(
    (e) => `${e.property}: ${Object.values(e.constraints ?? {}).join('; ')}`,
  );
  if (!isValidTimeZone(env.TIME_ZONE))
    problems.push(`TIME_ZONE: unknown time zone "${env.TIME_ZONE}"`);
  if (env.NODE_ENV === 'production') {
    if (!env.DATABASE_URL) problems.push('DATABASE_URL: required in production');
    if (!env.JWT_SECRET) problems.push('JWT_SECRET: required in production');
    if (!env.KEY_ENCRYPTION_SECRET) problems.push('KEY_ENCRYPTION_SECRET: required in production');
  }
  if (env.HEADERS_TIMEOUT_SECONDS > env.REQUEST_TIMEOUT_SECONDS) {
    problems.push('HEADERS_TIMEOUT_SECONDS: must not exceed REQUEST_TIMEOUT_SECONDS');
  }
  if (Boolean(env.ADMIN_EMAIL) !== Boolean(env.ADMIN_PASSWORD)) {
    problems.push('ADMIN_EMAIL/ADMIN_PASSWORD: set both or neither');
  }
  if (problems.length > 0) {
    throw new ConfigurationError(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
  }
  return env;
}

function isValidTimeZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}
