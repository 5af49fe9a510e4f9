import { calculateJwkThumbprint, type JWK } from 'jose';
import { createPrivateKey, createPublicKey, type KeyObject } from 'node:crypto';
import { Worker } from 'node:worker_threads';
import pg from 'pg';
import { chainHash, GENESIS_HASH, type HashedContent } from '../src/audit/audit-hash.js';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import { STATUS_REASONS } from '../src/certifications/certificate-status.js';
import { buildCredential, type IssuerFacts } from '../src/credentials/credential-builder.js';
import { didKeyOf } from '../src/credentials/did-key.js';
import { decryptPrivateKey, encryptPrivateKey } from '../src/credentials/key-encryption.js';
import type { ActiveSigningKey } from '../src/credentials/signing-keys.service.js';
import { signCredentialJwt } from '../src/credentials/vc-jwt.js';
import { TRAINING_SEATS_FILL } from '../src/reports/training-seats.query.js';
import { LANGUAGES, LOCATIONS } from './catalogue.js';
import { copyBytes, CopyWriter, textArray, type CopyValue } from './copy.js';
import {
  buildPlan,
  CERT,
  CERT_STATUS_NAMES,
  DAY_MS,
  ENROLMENT,
  ENROLMENT_STATUS_NAMES,
  idOf,
  isoDay,
  issueDay,
  SESSION,
  SESSION_STATUS_NAMES,
  TABLE,
  validUntilOf,
  type Plan,
  type PlanOptions,
} from './plan.js';
import { Prng } from './prng.js';

export interface SeedOptions extends Omit<PlanOptions, 'firstStatusList'> {
  databaseUrl: string;
  /** Base URL printed in the credentials (the benchmarked app's PUBLIC_BASE_URL). */
  publicBaseUrl: string;
  centerName: string;
  /** Seals the signing key the seed creates, or opens the one already there. */
  keyEncryptionSecret: string;
  /** Password of every account the seed creates. */
  password: string;
  /** How many certificates get a credential signed for them; the rest share one template. */
  signedCredentials: number;
  /** `lean`: entity creations, issues and status changes; `full` adds enrolment and assessment events. */
  auditLevel: 'lean' | 'full';
  log?: (line: string) => void;
  /** Generate the audit chain in a worker thread for large data sets (default true). */
  workerThreads?: boolean;
}

/** Runs a share of the load in a worker thread, so it gets a core (or a scheduler share) of its own. */
function runWorker(
  job: WorkerJob,
  progress: (counts: Record<string, number>) => void,
): Promise<Record<string, number>> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(new URL('./load-worker.js', import.meta.url), { workerData: job });
    worker.on(
      'message',
      (message: { progress?: Record<string, number>; done?: Record<string, number> }) => {
        if (message.progress) progress(message.progress);
        if (message.done) resolve(message.done);
      },
    );
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`The load worker stopped with code ${code}`));
    });
  });
}

export interface SeedResult {
  rows: Record<string, number>;
  seconds: number;
  signedCredentials: number;
  foreignKeyChecks: boolean;
  accounts: { admin: string; auditor: string; instructor: string };
}

export const BENCH_ACCOUNTS = {
  admin: 'bench-admin@bench.coe',
  auditor: 'bench-auditor@bench.coe',
  instructor: 'instructor-0@bench.coe',
};

const PASS_MARK = 70;
const MIN_ATTENDANCE = 80;
const HOUR_MS = 3_600_000;

/**
 * Loads a generated data set into a migrated database through COPY, every table at once on its
 * own connection. Appends to what is there (the audit chain continues from its last event, the
 * status lists start after the last one used), so it also fills a test database.
 */
export async function loadDataSet(options: SeedOptions): Promise<SeedResult> {
  const started = Date.now();
  const log = options.log ?? (() => undefined);
  const pool = new pg.Pool({ connectionString: options.databaseUrl, max: 10 });
  try {
    const [{ super: isSuper }] = (
      await pool.query<{ super: boolean }>(
        'SELECT rolsuper AS super FROM pg_roles WHERE rolname = current_user',
      )
    ).rows;
    const [{ list }] = (
      await pool.query<{ list: number }>(
        'SELECT COALESCE(MAX(status_list_number), 0)::int AS list FROM certificates',
      )
    ).rows;
    const { certificates, seed, asOf } = options;
    const plan = buildPlan({ certificates, seed, asOf, firstStatusList: list + 1 });
    log(
      `plan: ${plan.certificates.count.toLocaleString('en')} certificates, ` +
        `${plan.enrolments.count.toLocaleString('en')} enrolments, ` +
        `${plan.sessions.count.toLocaleString('en')} sessions, ` +
        `${plan.trainees.length.toLocaleString('en')} trainees (${secondsSince(started)} s)`,
    );
    const [last] = (
      await pool.query<{ seq: string; hash: string }>(
        'SELECT seq, hash FROM audit_events ORDER BY seq DESC LIMIT 1',
      )
    ).rows;
    const chain = { seq: BigInt(last?.seq ?? '0'), prevHash: last?.hash ?? GENESIS_HASH };
    const key = await signingKey(pool, options);
    const passwordHash = await new PasswordHasher().hash(options.password);

    const fkChecks = !isSuper;
    const offload =
      options.workerThreads !== false && plan.certificates.count >= WORKER_FROM_CERTIFICATES
        ? WORKER_TABLES
        : [];
    const local = Object.keys(TABLE_NAMES).filter((t) => !offload.includes(t));
    const loader = new Loader(
      pool,
      plan,
      options,
      key,
      passwordHash,
      chain,
      fkChecks,
      new Set(local),
    );
    const { log: _log, ...cloneable } = options;
    const job: WorkerJob = {
      plan,
      options: cloneable,
      created: key.created,
      passwordHash,
      chain,
      foreignKeyChecks: fkChecks,
      tables: offload,
    };
    const [rows, remote] = await Promise.all([
      loader.run(log),
      offload.length > 0 ? runWorker(job, (counts) => (loader.remote = counts)) : {},
    ]);
    Object.assign(rows, remote);
    return {
      rows,
      seconds: (Date.now() - started) / 1000,
      signedCredentials: loader.signed,
      foreignKeyChecks: !isSuper,
      accounts: BENCH_ACCOUNTS,
    };
  } finally {
    await pool.end();
  }
}

export interface SigningKeyState {
  /** Absent in a worker that signs nothing. */
  key?: ActiveSigningKey;
  /** Set when the seed created the key, so its creation is audited like the app does. */
  created?: { id: string; kid: string };
}

/** The active key (opened with the secret), or a new one derived from the seed. */
async function signingKey(pool: pg.Pool, options: SeedOptions): Promise<SigningKeyState> {
  const [row] = (
    await pool.query<{ kid: string; public_jwk: JWK; private_key_encrypted: string }>(
      "SELECT kid, public_jwk, private_key_encrypted FROM signing_keys WHERE status = 'active'",
    )
  ).rows;
  if (row) {
    const der = decryptPrivateKey(options.keyEncryptionSecret, row.kid, row.private_key_encrypted);
    const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
    return { key: await activeKey(row.kid, privateKey, row.public_jwk) };
  }
  // PKCS#8 wrapping of a 32-byte Ed25519 seed: the same seed gives the same key and signatures.
  const prefix = Buffer.from('302e020100300506032b657004220420', 'hex');
  const seed = new Prng(`${options.seed}:signing-key`).bytes(32);
  const der = Buffer.concat([prefix, seed]);
  const privateKey = createPrivateKey({ key: der, format: 'der', type: 'pkcs8' });
  const full = createPublicKey(privateKey).export({ format: 'jwk' }) as JWK;
  const publicJwk = { kty: full.kty!, crv: full.crv!, x: full.x! };
  const kid = await calculateJwkThumbprint(publicJwk);
  const id = idOf(TABLE.audit, 0x7ffffff, 0x5eed);
  await pool.query(
    `INSERT INTO signing_keys (id, kid, algorithm, public_jwk, private_key_encrypted, status)
     VALUES ($1, $2, 'EdDSA', $3, $4, 'active')`,
    [id, kid, JSON.stringify(publicJwk), encryptPrivateKey(options.keyEncryptionSecret, kid, der)],
  );
  return { key: await activeKey(kid, privateKey, publicJwk), created: { id, kid } };
}

async function activeKey(
  kid: string,
  privateKey: KeyObject,
  publicJwk: JWK,
): Promise<ActiveSigningKey> {
  return { kid, privateKey, publicJwk, didKey: await didKeyOf(publicJwk) };
}

/** `after`: the tables to commit first when foreign keys are checked; `reads`: always. */
type Task = { name: string; after: string[]; reads?: string[]; run: () => Promise<number> };

/** Every table the loader writes. */
const TABLE_NAMES = {
  organisations: true,
  courses: true,
  course_prerequisites: true,
  instructors: true,
  qualifications: true,
  users: true,
  trainees: true,
  course_sessions: true,
  session_instructors: true,
  enrolments: true,
  certificates: true,
  audit_events: true,
  training_seats: true,
};

/** Tables whose secondary indexes are built once after the load rather than row by row. */
const DEFERRED_INDEXES = new Set(['certificates', 'enrolments', 'audit_events', 'trainees']);
/** Tables nothing else references by foreign key, so they may be emptied for COPY FREEZE. */
/**
 * Tables PostgreSQL makes a TRUNCATE take along, because their foreign keys point at the table
 * loaded (empty in a generated data set: inspections are uploaded by inspectors' phones).
 */
const TRUNCATED_WITH: Partial<Record<string, readonly string[]>> = {
  certificates: ['inspections'],
};

const FROZEN_LOAD = new Set(['certificates', 'session_instructors', 'qualifications']);

/**
 * Drops the indexes not backing a constraint (primary keys and unique constraints stay) and
 * returns their definitions to replay: the same names and definitions as the migrations made.
 */
async function dropSecondaryIndexes(client: pg.PoolClient, table: string): Promise<string[]> {
  const { rows } = await client.query<{ name: string; definition: string }>(
    `SELECT i.relname AS name, pg_get_indexdef(i.oid) AS definition
       FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
      WHERE x.indrelid = $1::regclass
        AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid)`,
    [table],
  );
  for (const r of rows) await client.query(`DROP INDEX ${client.escapeIdentifier(r.name)}`);
  return rows.map((r) => r.definition);
}

/** What a worker thread needs to load some of the tables (everything structured-cloneable). */
export interface WorkerJob {
  plan: Plan;
  options: Omit<SeedOptions, 'log'>;
  created: SigningKeyState['created'];
  passwordHash: string;
  chain: { seq: bigint; prevHash: string };
  foreignKeyChecks: boolean;
  tables: string[];
}

/** The audit chain is the heaviest to generate (hashing): from this size on it gets its own thread. */
const WORKER_FROM_CERTIFICATES = 50_000;
const WORKER_TABLES = ['audit_events'];

export class Loader {
  readonly rows: Record<string, number> = {};
  signed = 0;
  private readonly writers = new Map<string, CopyWriter>();
  private readonly salt: number;
  private readonly adminUserId: string;
  private readonly auditorUserId: string;
  private readonly firstDay: number;
  private readonly certificateIds: string[];
  private readonly enrolmentIds: string[];
  /** Last valid day of each session's certificates. */
  private readonly validUntil: (string | null)[];
  private readonly stamps = new Map<number, string>();

  constructor(
    private readonly pool: pg.Pool,
    private readonly plan: Plan,
    private readonly options: SeedOptions,
    private readonly key: SigningKeyState,
    private readonly passwordHash: string,
    private readonly chain: { seq: bigint; prevHash: string },
    private readonly foreignKeyChecks: boolean,
    /** The tables this loader writes (all when not given). */
    private readonly tables?: ReadonlySet<string>,
  ) {
    this.salt = new Prng(`${options.seed}:ids`).uint32();
    this.adminUserId = idOf(TABLE.user, 1_000_000, this.salt);
    this.auditorUserId = idOf(TABLE.user, 1_000_001, this.salt);
    this.firstDay = plan.sessions.startDay.reduce((min, d) => Math.min(min, d), Infinity) - 60;
    // Each id and date is formatted once, not once per table it appears in.
    this.certificateIds = Array.from({ length: plan.certificates.count }, (_, c) =>
      idOf(TABLE.certificate, c, this.salt),
    );
    this.enrolmentIds = Array.from({ length: plan.enrolments.count }, (_, e) =>
      idOf(TABLE.enrolment, e, this.salt),
    );
    this.validUntil = Array.from({ length: plan.sessions.count }, (_, s) =>
      validUntilOf(plan.courses[plan.sessions.course[s]], issueDay(plan.sessions.endDay[s])),
    );
  }

  async run(log: (line: string) => void): Promise<Record<string, number>> {
    const tasks: Task[] = [
      { name: 'organisations', after: [], run: () => this.organisations() },
      { name: 'courses', after: [], run: () => this.courses() },
      { name: 'course_prerequisites', after: ['courses'], run: () => this.prerequisites() },
      { name: 'instructors', after: ['organisations'], run: () => this.instructors() },
      {
        name: 'qualifications',
        after: ['instructors', 'courses'],
        run: () => this.qualifications(),
      },
      { name: 'users', after: ['instructors'], run: () => this.users() },
      { name: 'trainees', after: ['organisations'], run: () => this.trainees() },
      { name: 'course_sessions', after: ['courses'], run: () => this.sessions() },
      {
        name: 'session_instructors',
        after: ['course_sessions', 'instructors'],
        run: () => this.sessionInstructors(),
      },
      { name: 'enrolments', after: ['course_sessions', 'trainees'], run: () => this.enrolments() },
      { name: 'certificates', after: ['enrolments'], run: () => this.certificates() },
      { name: 'audit_events', after: [], run: () => this.auditEvents() },
      {
        name: 'training_seats',
        after: [],
        reads: ['course_sessions', 'trainees', 'enrolments', 'certificates'],
        run: () => this.trainingSeats(log),
      },
    ];
    const ticker = setInterval(() => log(this.progress()), 2_000);
    try {
      const done = new Map<string, Promise<void>>();
      for (const task of tasks.filter((t) => !this.tables || this.tables.has(t.name))) {
        // Without the right to skip foreign-key checks, parents must be committed first.
        const deps = [...(this.foreignKeyChecks ? task.after : []), ...(task.reads ?? [])].flatMap(
          (d) => done.get(d) ?? [],
        );
        done.set(
          task.name,
          Promise.all(deps).then(async () => {
            this.rows[task.name] = await task.run();
          }),
        );
      }
      await Promise.all(done.values());
    } finally {
      clearInterval(ticker);
    }
    log(this.progress());
    return this.rows;
  }

  /** Rows written so far per table, this loader's and (see `remote`) its worker's. */
  counts(): Record<string, number> {
    const out: Record<string, number> = { ...this.remote };
    for (const w of this.writers.values()) out[w.table] = w.rows;
    return out;
  }

  remote: Record<string, number> = {};

  private progress(): string {
    return Object.entries(this.counts())
      .filter(([, rows]) => rows > 0)
      .map(([table, rows]) => `${table} ${rows.toLocaleString('en')}`)
      .join(' · ');
  }

  /**
   * Runs one COPY on a connection of its own, then leaves the table as a database that has
   * lived a while would have it: indexed, vacuumed (visibility map, hint bits) and analysed.
   */
  private async copy(
    table: string,
    columns: string[],
    fill: (write: (values: CopyValue[]) => Promise<void>) => Promise<void>,
  ): Promise<number> {
    const client = await this.pool.connect();
    let failed = false;
    try {
      // Rows are generated consistent; checking every foreign key row by row would double the load time.
      if (!this.foreignKeyChecks) await client.query('SET session_replication_role = replica');
      await client.query("SET maintenance_work_mem = '256MB'");
      // lz4 compresses the credentials several times faster than pglz (PostgreSQL 14+).
      await client.query("SET default_toast_compression = 'lz4'").catch(() => undefined);
      const empty = (
        await client.query<{ empty: boolean }>(
          `SELECT NOT EXISTS (SELECT 1 FROM ${table}) AS empty`,
        )
      ).rows[0].empty;
      const deferred =
        empty && DEFERRED_INDEXES.has(table) ? await dropSecondaryIndexes(client, table) : [];
      // COPY FREEZE writes the rows already frozen and all-visible, so no VACUUM has to visit
      // them again; it needs the table emptied in the same transaction.
      const freeze = empty && FROZEN_LOAD.has(table);
      if (freeze) {
        await client.query(
          `BEGIN; TRUNCATE ${[table, ...(TRUNCATED_WITH[table] ?? [])].join(', ')}`,
        );
      }
      const writer = new CopyWriter(client, table, columns, { freeze });
      this.writers.set(table, writer);
      await fill((values) => writer.row(values));
      const rows = await writer.end();
      if (freeze) await client.query('COMMIT');
      // Only a superuser may touch this setting, and only then was it set above.
      if (!this.foreignKeyChecks) await client.query('RESET session_replication_role');
      for (const definition of deferred) await client.query(definition);
      await client.query(freeze ? `ANALYZE ${table}` : `VACUUM (ANALYZE) ${table}`);
      return rows;
    } catch (error) {
      failed = true;
      throw error;
    } finally {
      // A connection left mid-COPY or mid-transaction is closed rather than reused.
      client.release(failed);
    }
  }

  /**
   * `training_seats` is kept by triggers, which COPY under the replica role does not fire: it
   * is filled here in one statement once its sources are loaded, indexed and analysed. Emptied
   * first, so what triggers did write (a load with foreign-key checks fires them, row by row)
   * is replaced, and in the same transaction, so with `wal_level=minimal` the fill writes no WAL.
   * Its indexes, primary key included, are built after the fill rather than row by row.
   */
  private async trainingSeats(log: (line: string) => void): Promise<number> {
    const client = await this.pool.connect();
    let failed = false;
    try {
      await client.query("SET maintenance_work_mem = '256MB'");
      log('training_seats: filling from the loaded enrolments ...');
      const started = Date.now();
      await client.query('BEGIN');
      await client.query('TRUNCATE training_seats');
      const { rows: keys } = await client.query<{ name: string; definition: string }>(
        `SELECT conname AS name, pg_get_constraintdef(oid) AS definition
           FROM pg_constraint WHERE conrelid = 'training_seats'::regclass AND contype = 'p'`,
      );
      for (const k of keys)
        await client.query(
          `ALTER TABLE training_seats DROP CONSTRAINT ${client.escapeIdentifier(k.name)}`,
        );
      const deferred = await dropSecondaryIndexes(client, 'training_seats');
      const { rowCount } = await client.query(TRAINING_SEATS_FILL);
      await client.query('COMMIT');
      const filled = Date.now();
      for (const k of keys) {
        await client.query(
          `ALTER TABLE training_seats ADD CONSTRAINT ${client.escapeIdentifier(k.name)} ${k.definition}`,
        );
      }
      for (const definition of deferred) await client.query(definition);
      await client.query('VACUUM (ANALYZE) training_seats');
      const rows = rowCount ?? 0;
      log(
        `training_seats: ${rows.toLocaleString('en')} rows filled in ${secondsSince(started)} s ` +
          `(insert ${((filled - started) / 1000).toFixed(1)} s, then indexes and vacuum)`,
      );
      return rows;
    } catch (error) {
      failed = true;
      await client.query('ROLLBACK').catch(() => undefined);
      throw error;
    } finally {
      client.release(failed);
    }
  }

  /** `new Date(ms).toISOString()`, built from cached day and second parts (called millions of times). */
  private ts(ms: number): string {
    const day = Math.floor(ms / DAY_MS);
    const inDay = ms - day * DAY_MS;
    const second = Math.floor(inDay / 1000);
    let clock = this.stamps.get(second);
    if (clock === undefined) {
      clock = new Date(second * 1000).toISOString().slice(11, 19);
      this.stamps.set(second, clock);
    }
    return `${isoDay(day)}T${clock}.${String(inDay - second * 1000).padStart(3, '0')}Z`;
  }

  private get genesisMs(): number {
    return this.firstDay * DAY_MS + 9 * HOUR_MS;
  }

  /** When a session's certificates are issued: every event of its block is stamped from here. */
  private blockMs(session: number): number {
    return issueDay(this.plan.sessions.endDay[session]) * DAY_MS + 10 * HOUR_MS;
  }

  private traineeCreatedMs(trainee: number): number {
    const first = this.plan.traineeFirstSession[trainee];
    return first >= 0 ? this.blockMs(first) : (this.plan.asOfDay - 1) * DAY_MS + 13 * HOUR_MS;
  }

  private sessionCreatedMs(session: number): number {
    return (this.plan.sessions.startDay[session] - 45) * DAY_MS + 9 * HOUR_MS;
  }

  private async organisations(): Promise<number> {
    const at = this.ts(this.genesisMs);
    return this.copy(
      'organisations',
      ['created_at', 'updated_at', 'version', 'id', 'name', 'country', 'type'],
      async (write) => {
        for (const o of this.plan.organisations)
          await write([at, at, 1, o.id, o.name, o.country, o.type]);
      },
    );
  }

  private async courses(): Promise<number> {
    const at = this.ts(this.genesisMs);
    return this.copy(
      'courses',
      [
        'created_at',
        'updated_at',
        'version',
        'id',
        'code',
        'title',
        'description',
        'imas_references',
        'level',
        'duration_days',
        'pass_mark',
        'min_attendance_percent',
        'validity_months',
        'renews_course_id',
        'requires_medical_clearance',
        'status',
      ],
      async (write) => {
        for (const c of this.plan.courses) {
          await write([
            at,
            at,
            1,
            c.id,
            c.code,
            c.title,
            courseDescription(c.title, c.imas),
            textArray(c.imas),
            c.level,
            c.durationDays,
            PASS_MARK,
            MIN_ATTENDANCE,
            c.validityMonths,
            c.renewsIndex === null ? null : this.plan.courses[c.renewsIndex].id,
            c.medical,
            'active',
          ]);
        }
      },
    );
  }

  private async prerequisites(): Promise<number> {
    return this.copy(
      'course_prerequisites',
      ['course_id', 'prerequisite_course_id'],
      async (write) => {
        for (const c of this.plan.courses)
          for (const p of c.prerequisiteIds) await write([c.id, p]);
      },
    );
  }

  private async instructors(): Promise<number> {
    const at = this.ts(this.genesisMs);
    return this.copy(
      'instructors',
      [
        'created_at',
        'updated_at',
        'version',
        'id',
        'given_name',
        'family_name',
        'email',
        'organisation_id',
      ],
      async (write) => {
        for (const i of this.plan.instructors) {
          await write([
            at,
            at,
            1,
            i.id,
            i.givenName,
            i.familyName,
            i.email,
            this.plan.organisations[i.organisation].id,
          ]);
        }
      },
    );
  }

  private qualificationRows(): {
    id: string;
    instructor: string;
    course: string;
    validUntil: string;
  }[] {
    const prng = new Prng(`${this.options.seed}:qualifications`);
    let n = 0;
    return this.plan.instructors.flatMap((ins, i) =>
      ins.courses.map((c) => ({
        id: idOf(TABLE.qualification, n++, this.salt),
        instructor: ins.id,
        course: this.plan.courses[c].id,
        // Instructor 0 is the benchmark's issuer: qualified for years to come.
        validUntil: isoDay(this.plan.asOfDay + (i === 0 ? 5 * 365 : prng.int(30, 1000))),
      })),
    );
  }

  private async qualifications(): Promise<number> {
    const at = this.ts(this.genesisMs);
    return this.copy(
      'qualifications',
      ['id', 'instructor_id', 'course_id', 'valid_until', 'created_at'],
      async (write) => {
        for (const q of this.qualificationRows())
          await write([q.id, q.instructor, q.course, q.validUntil, at]);
      },
    );
  }

  private userRows(): {
    id: string;
    email: string;
    roles: string[];
    instructorId: string | null;
  }[] {
    return [
      { id: this.adminUserId, email: BENCH_ACCOUNTS.admin, roles: ['admin'], instructorId: null },
      {
        id: this.auditorUserId,
        email: BENCH_ACCOUNTS.auditor,
        roles: ['auditor'],
        instructorId: null,
      },
      ...this.plan.instructors.map((i) => ({
        id: i.userId,
        email: i.email,
        roles: ['instructor'],
        instructorId: i.id,
      })),
    ];
  }

  private async users(): Promise<number> {
    const at = this.ts(this.genesisMs);
    return this.copy(
      'users',
      [
        'id',
        'email',
        'password_hash',
        'roles',
        'trainee_id',
        'instructor_id',
        'disabled',
        'created_at',
        'updated_at',
        'version',
      ],
      async (write) => {
        for (const u of this.userRows()) {
          await write([
            u.id,
            u.email,
            this.passwordHash,
            textArray(u.roles),
            null,
            u.instructorId,
            false,
            at,
            at,
            1,
          ]);
        }
      },
    );
  }

  private async trainees(): Promise<number> {
    const { trainees, organisations } = this.plan;
    return this.copy(
      'trainees',
      [
        'created_at',
        'updated_at',
        'version',
        'id',
        'given_name',
        'family_name',
        'date_of_birth',
        'sex',
        'nationality',
        'organisation_id',
        'email',
        'medical_clearance_until',
        'identity_key',
      ],
      async (write) => {
        for (let i = 0; i < trainees.length; i++) {
          const t = trainees[i];
          const at = this.ts(this.traineeCreatedMs(i));
          await write([
            at,
            at,
            1,
            t.id,
            t.givenName,
            t.familyName,
            t.dateOfBirth,
            t.sex,
            t.nationality,
            t.organisation < 0 ? null : organisations[t.organisation].id,
            t.email,
            t.medicalClearanceUntil,
            t.identityKey,
          ]);
        }
      },
    );
  }

  private seatsTaken(session: number): number {
    const { sessions, enrolments } = this.plan;
    let seats = 0;
    const first = sessions.firstEnrolment[session];
    for (let e = first; e < first + sessions.enrolments[session]; e++) {
      if (enrolments.status[e] !== ENROLMENT.withdrawn) seats += 1;
    }
    return seats;
  }

  private async sessions(): Promise<number> {
    const prng = new Prng(`${this.options.seed}:sessions`);
    const { sessions, courses } = this.plan;
    return this.copy(
      'course_sessions',
      [
        'created_at',
        'updated_at',
        'version',
        'id',
        'course_id',
        'starts_on',
        'ends_on',
        'location',
        'language',
        'capacity',
        'seats_taken',
        'status',
      ],
      async (write) => {
        for (let s = 0; s < sessions.count; s++) {
          const created = this.ts(this.sessionCreatedMs(s));
          const status = sessions.status[s];
          const updated = status === SESSION.completed ? this.ts(this.blockMs(s)) : created;
          await write([
            created,
            updated,
            status === SESSION.completed ? 4 : 1,
            sessions.id[s],
            courses[sessions.course[s]].id,
            isoDay(sessions.startDay[s]),
            isoDay(sessions.endDay[s]),
            prng.pick(LOCATIONS),
            prng.pick(LANGUAGES),
            sessions.capacity[s],
            this.seatsTaken(s),
            SESSION_STATUS_NAMES[status],
          ]);
        }
      },
    );
  }

  private async sessionInstructors(): Promise<number> {
    const { sessions, instructors } = this.plan;
    return this.copy(
      'session_instructors',
      ['session_id', 'instructor_id', 'role', 'assigned_at'],
      async (write) => {
        for (let s = 0; s < sessions.count; s++) {
          await write([
            sessions.id[s],
            instructors[sessions.lead[s]].id,
            'lead',
            this.ts(this.sessionCreatedMs(s) + HOUR_MS),
          ]);
        }
      },
    );
  }

  /** Scores and attendance of one enrolment: drawn from a generator of their own, in order. */
  private result(
    prng: Prng,
    status: number,
  ): { theory: number; practical: number; attendance: number } | null {
    if (status === ENROLMENT.completed) {
      return {
        theory: prng.int(PASS_MARK * 2, 200) / 2,
        practical: prng.int(PASS_MARK * 2, 200) / 2,
        attendance: prng.int(MIN_ATTENDANCE, 100),
      };
    }
    if (status === ENROLMENT.failed) {
      return {
        theory: prng.int(80, 200) / 2,
        practical: prng.int(60, PASS_MARK * 2 - 1) / 2,
        attendance: prng.int(60, 100),
      };
    }
    return null;
  }

  private async enrolments(): Promise<number> {
    const prng = new Prng(`${this.options.seed}:results`);
    const { sessions, enrolments, trainees, instructors } = this.plan;
    return this.copy(
      'enrolments',
      [
        'created_at',
        'updated_at',
        'version',
        'id',
        'session_id',
        'trainee_id',
        'status',
        'waitlist_position',
        'withdrawn_at',
        'theory_score',
        'practical_score',
        'attendance_percent',
        'passed',
        'assessed_at',
        'assessed_by',
      ],
      async (write) => {
        for (let e = 0; e < enrolments.count; e++) {
          const s = enrolments.session[e];
          const status = enrolments.status[e];
          const createdMs =
            (sessions.startDay[s] - 1 - (e % 40)) * DAY_MS + 11 * HOUR_MS + (e % 3_600_000);
          const result = this.result(prng, status);
          const assessedMs = sessions.endDay[s] * DAY_MS + 16 * HOUR_MS;
          const withdrawnMs = createdMs + DAY_MS;
          const updatedMs = result
            ? assessedMs
            : status === ENROLMENT.withdrawn
              ? withdrawnMs
              : createdMs;
          await write([
            this.ts(createdMs),
            this.ts(updatedMs),
            result ? 3 : status === ENROLMENT.withdrawn ? 2 : 1,
            this.enrolmentId(e),
            sessions.id[s],
            trainees[enrolments.trainee[e]].id,
            ENROLMENT_STATUS_NAMES[status],
            null,
            status === ENROLMENT.withdrawn ? this.ts(withdrawnMs) : null,
            result?.theory ?? null,
            result?.practical ?? null,
            result?.attendance ?? null,
            result ? status === ENROLMENT.completed : null,
            result ? this.ts(assessedMs) : null,
            result ? instructors[sessions.lead[s]].userId : null,
          ]);
        }
      },
    );
  }

  private enrolmentId(e: number): string {
    return this.enrolmentIds[e];
  }

  private certificateId(c: number): string {
    return this.certificateIds[c];
  }

  private issuer(): IssuerFacts {
    const base = this.options.publicBaseUrl;
    return { id: `${base}/issuer`, name: this.options.centerName, url: base };
  }

  private async certificates(): Promise<number> {
    const { certificates, enrolments, sessions, courses, trainees, instructors } = this.plan;
    const count = certificates.count;
    const wanted = Math.min(count, Math.max(0, this.options.signedCredentials));
    // Every stride-th certificate carries its own signed credential; the rest one valid-looking
    // template of the same size (the verify-by-serial path never reads it).
    const stride = wanted > 0 ? count / wanted : Infinity;
    const template = copyBytes(
      await this.sign({
        serial: 'COE-BENCH-0000-TEMPLATE',
        holder: 'Template Holder',
        course: 0,
        issuedMs: this.plan.asOfDay * DAY_MS,
        validUntil: validUntilOf(courses[0], this.plan.asOfDay),
        listNumber: 1,
        listIndex: 0,
      }),
    );
    let nextSigned = 0;
    return this.copy(
      'certificates',
      [
        'created_at',
        'updated_at',
        'version',
        'id',
        'serial',
        'trainee_id',
        'course_id',
        'session_id',
        'enrolment_id',
        'issued_by',
        'issued_at',
        'valid_until',
        'status',
        'status_reason',
        'status_note',
        'status_changed_at',
        'status_changed_by',
        'superseded_by_id',
        'imported',
        'status_list_number',
        'status_list_index',
        'credential_jwt',
      ],
      async (write) => {
        for (let c = 0; c < count; c++) {
          const e = certificates.enrolment[c];
          const s = enrolments.session[e];
          const course = sessions.course[s];
          const trainee = trainees[enrolments.trainee[e]];
          const issuedMs = this.blockMs(s);
          const validUntil = this.validUntil[s];
          const status = certificates.status[c];
          let changedMs: number | null = null;
          let changedBy: string | null = null;
          if (status === CERT.superseded) {
            const by = certificates.supersededBy[c];
            changedMs = this.blockMs(enrolments.session[certificates.enrolment[by]]);
            changedBy =
              instructors[sessions.lead[enrolments.session[certificates.enrolment[by]]]].userId;
          } else if (status === CERT.revoked || status === CERT.suspended) {
            changedMs = this.statusChangeMs(c);
            changedBy = this.adminUserId;
          }
          let jwt: string | Buffer = template;
          if (c >= nextSigned) {
            nextSigned += stride;
            this.signed += 1;
            jwt = await this.sign({
              serial: certificates.serial[c],
              holder: `${trainee.givenName} ${trainee.familyName}`,
              course,
              issuedMs,
              validUntil,
              listNumber: certificates.listNumber[c],
              listIndex: certificates.listIndex[c],
            });
          }
          const issuedAt = this.ts(issuedMs);
          await write([
            issuedAt,
            changedMs === null ? issuedAt : this.ts(changedMs),
            changedMs === null ? 1 : 2,
            this.certificateId(c),
            certificates.serial[c],
            trainee.id,
            courses[course].id,
            sessions.id[s],
            this.enrolmentId(e),
            instructors[sessions.lead[s]].id,
            issuedAt,
            validUntil,
            CERT_STATUS_NAMES[status],
            status === CERT.revoked || status === CERT.suspended
              ? STATUS_REASONS[certificates.reason[c]]
              : null,
            null,
            changedMs === null ? null : this.ts(changedMs),
            changedBy,
            status === CERT.superseded ? this.certificateId(certificates.supersededBy[c]) : null,
            false,
            certificates.listNumber[c],
            certificates.listIndex[c],
            jwt,
          ]);
        }
      },
    );
  }

  private statusChangeMs(c: number): number {
    return this.plan.certificates.changeDay[c] * DAY_MS + 15 * HOUR_MS + (c % 3_600_000);
  }

  private async sign(facts: {
    serial: string;
    holder: string;
    course: number;
    issuedMs: number;
    validUntil: string | null;
    listNumber: number;
    listIndex: number;
  }): Promise<string> {
    const c = this.plan.courses[facts.course];
    const credential = buildCredential(this.options.publicBaseUrl, this.issuer(), {
      serial: facts.serial,
      holderName: facts.holder,
      course: {
        code: c.code,
        title: c.title,
        description: courseDescription(c.title, c.imas),
        level: c.level,
        imasReferences: c.imas,
        passMark: PASS_MARK,
        minAttendancePercent: MIN_ATTENDANCE,
      },
      issuedAt: new Date(facts.issuedMs),
      validUntil: facts.validUntil,
      status: { listNumber: facts.listNumber, index: facts.listIndex },
    });
    if (!this.key.key) throw new Error('This loader has no signing key');
    return signCredentialJwt(credential, this.key.key);
  }

  /**
   * The audit trail, in time order and chained exactly as AuditService does it: the set-up of
   * the Center, then one block per session (at the moment its certificates were issued), with
   * revocations and suspensions slotted in on their days.
   */
  private async auditEvents(): Promise<number> {
    const { plan } = this;
    const { sessions, enrolments, certificates, trainees, courses, instructors, organisations } =
      plan;
    return this.copy(
      'audit_events',
      [
        'seq',
        'id',
        'occurred_at',
        'actor_id',
        'actor_roles',
        'action',
        'entity_type',
        'entity_id',
        'reason',
        'note',
        'request_id',
        'data',
        'prev_hash',
        'hash',
      ],
      async (write) => {
        let clock = this.genesisMs;
        let n = 0;
        const emit = async (
          atMs: number,
          actor: { id: string | null; roles: string[] },
          action: string,
          entityType: string,
          entityId: string,
          data: Record<string, unknown>,
          reason: string | null = null,
        ) => {
          clock = Math.max(clock + 1, atMs);
          this.chain.seq += 1n;
          const content: HashedContent = {
            seq: String(this.chain.seq),
            id: idOf(TABLE.audit, n++, this.salt),
            occurredAt: this.ts(clock),
            actorId: actor.id,
            actorRoles: actor.roles,
            action,
            entityType,
            entityId,
            reason,
            note: null,
            requestId: null,
            data,
          };
          const hash = chainHash(this.chain.prevHash, content);
          await write([
            content.seq,
            content.id,
            content.occurredAt,
            actor.id,
            textArray(actor.roles),
            action,
            entityType,
            entityId,
            reason,
            null,
            null,
            JSON.stringify(data),
            this.chain.prevHash,
            hash,
          ]);
          this.chain.prevHash = hash;
        };
        const admin = { id: this.adminUserId, roles: ['admin'] };
        const system = { id: null, roles: [] };

        // The Center is set up.
        if (this.key.created) {
          await emit(clock, system, 'signing_key.created', 'signing_key', this.key.created.id, {
            kid: this.key.created.kid,
            algorithm: 'EdDSA',
          });
        }
        for (const u of this.userRows()) {
          await emit(clock, admin, 'user.created', 'user', u.id, {
            after: {
              id: u.id,
              email: u.email,
              roles: u.roles,
              traineeId: null,
              instructorId: u.instructorId,
              disabled: false,
            },
          });
        }
        for (const o of organisations) {
          await emit(clock, admin, 'organisation.created', 'organisation', o.id, {
            after: { id: o.id, name: o.name, country: o.country, type: o.type, version: 1 },
          });
        }
        for (const c of courses) {
          await emit(clock, admin, 'course.created', 'course', c.id, {
            after: {
              id: c.id,
              code: c.code,
              title: c.title,
              level: c.level,
              validityMonths: c.validityMonths,
              prerequisiteCourseIds: c.prerequisiteIds,
              status: 'active',
              version: 1,
            },
          });
        }
        for (const i of instructors) {
          await emit(clock, admin, 'instructor.created', 'instructor', i.id, {
            after: {
              id: i.id,
              givenName: i.givenName,
              familyName: i.familyName,
              email: i.email,
              organisationId: organisations[i.organisation].id,
              version: 1,
            },
          });
        }
        for (const q of this.qualificationRows()) {
          await emit(clock, admin, 'qualification.granted', 'qualification', q.id, {
            after: {
              id: q.id,
              instructorId: q.instructor,
              courseId: q.course,
              validUntil: q.validUntil,
            },
          });
        }

        // Revocations and suspensions, in the order they happened.
        const changes = [...certificates.changeDay.keys()]
          .filter((c) => certificates.changeDay[c] > 0)
          .sort((a, b) => this.statusChangeMs(a) - this.statusChangeMs(b));
        let nextChange = 0;
        const statusChangesBefore = async (ms: number) => {
          while (nextChange < changes.length && this.statusChangeMs(changes[nextChange]) < ms) {
            const c = changes[nextChange++];
            const status = CERT_STATUS_NAMES[certificates.status[c]];
            const reason = STATUS_REASONS[certificates.reason[c]];
            await emit(
              this.statusChangeMs(c),
              admin,
              `certificate.${status}`,
              'certificate',
              this.certificateId(c),
              {
                serial: certificates.serial[c],
                before: { status: 'active', statusReason: null },
                after: { status, statusReason: reason },
              },
              reason,
            );
          }
        };

        const traineeEvent = async (t: number, atMs: number) => {
          const x = trainees[t];
          await emit(atMs, admin, 'trainee.created', 'trainee', x.id, {
            after: {
              id: x.id,
              givenName: x.givenName,
              familyName: x.familyName,
              dateOfBirth: x.dateOfBirth,
              sex: x.sex,
              nationality: x.nationality,
              organisationId: x.organisation < 0 ? null : organisations[x.organisation].id,
              email: x.email,
              medicalClearanceUntil: x.medicalClearanceUntil,
              version: 1,
            },
          });
        };

        const full = this.options.auditLevel === 'full';
        for (let s = 0; s < sessions.count; s++) {
          const at =
            sessions.status[s] === SESSION.completed || sessions.status[s] === SESSION.cancelled
              ? this.blockMs(s)
              : (plan.asOfDay - 1) * DAY_MS + 12 * HOUR_MS;
          await statusChangesBefore(at);
          const course = courses[sessions.course[s]];
          const lead = instructors[sessions.lead[s]];
          const leadActor = { id: lead.userId, roles: ['instructor'] };
          await emit(at, admin, 'session.created', 'session', sessions.id[s], {
            after: {
              id: sessions.id[s],
              courseId: course.id,
              startsOn: isoDay(sessions.startDay[s]),
              endsOn: isoDay(sessions.endDay[s]),
              capacity: sessions.capacity[s],
              status: 'planned',
            },
          });
          const first = sessions.firstEnrolment[s];
          for (let e = first; e < first + sessions.enrolments[s]; e++) {
            const t = enrolments.trainee[e];
            if (plan.traineeFirstSession[t] === s) await traineeEvent(t, at);
            if (full) {
              await emit(at, admin, 'enrolment.created', 'enrolment', this.enrolmentId(e), {
                after: {
                  sessionId: sessions.id[s],
                  traineeId: trainees[t].id,
                  status: 'enrolled',
                  waitlistPosition: null,
                },
              });
              const status = enrolments.status[e];
              if (status === ENROLMENT.completed || status === ENROLMENT.failed) {
                await emit(at, leadActor, 'enrolment.assessed', 'enrolment', this.enrolmentId(e), {
                  before: { passed: null },
                  after: { passed: status === ENROLMENT.completed },
                  passMark: PASS_MARK,
                });
              }
            }
          }
          if (full && sessions.status[s] === SESSION.completed) {
            await emit(at, admin, 'session.status_changed', 'session', sessions.id[s], {
              before: { status: 'in_progress' },
              after: { status: 'completed' },
            });
          }
          for (let e = first; e < first + sessions.enrolments[s]; e++) {
            const c = enrolments.certificate[e];
            if (c < 0) continue;
            const superseded: string[] = [];
            // What this certificate superseded was decided in the plan; find it by its pointer.
            for (const earlier of this.supersededBy(c)) {
              superseded.push(this.certificateId(earlier));
              await emit(
                at,
                leadActor,
                'certificate.superseded',
                'certificate',
                this.certificateId(earlier),
                {
                  before: { status: 'active' },
                  after: { status: 'superseded', supersededById: this.certificateId(c) },
                  serial: certificates.serial[earlier],
                },
              );
            }
            await emit(at, leadActor, 'certificate.issued', 'certificate', this.certificateId(c), {
              after: {
                serial: certificates.serial[c],
                traineeId: trainees[enrolments.trainee[e]].id,
                courseId: course.id,
                enrolmentId: this.enrolmentId(e),
                validUntil: validUntilOf(course, issueDay(sessions.endDay[s])),
              },
              supersedes: superseded,
            });
          }
        }
        await statusChangesBefore(Infinity);
        for (let t = 0; t < trainees.length; t++) {
          if (plan.traineeFirstSession[t] < 0) await traineeEvent(t, this.traineeCreatedMs(t));
        }
      },
    );
  }

  private supersedes?: Map<number, number[]>;

  private supersededBy(c: number): number[] {
    if (!this.supersedes) {
      this.supersedes = new Map();
      const { supersededBy } = this.plan.certificates;
      for (let i = 0; i < supersededBy.length; i++) {
        if (supersededBy[i] < 0) continue;
        const list = this.supersedes.get(supersededBy[i]) ?? [];
        list.push(i);
        this.supersedes.set(supersededBy[i], list);
      }
    }
    return this.supersedes.get(c) ?? [];
  }
}

function courseDescription(title: string, imas: string[]): string {
  return `${title}: the competencies set out in ${imas.join(' and ')}, taught and assessed at the Center.`;
}

function secondsSince(start: number): string {
  return ((Date.now() - start) / 1000).toFixed(1);
}
