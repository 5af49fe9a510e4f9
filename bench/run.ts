import { mkdirSync } from 'node:fs';
import os from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { CpuMeter } from './cpu.js';
import { openBenchDatabase, readMeta } from './database.js';
import { contentionInvariants, HOT_SET_SIZE, prepareFixtures, type Fixtures } from './fixtures.js';
import { BENCH_ACCOUNTS } from './generator.js';
import { load, sequential, type LoadOptions, type Measurement } from './load.js';
import {
  writeResults,
  type BenchResults,
  type ScenarioResult,
  type TargetResult,
} from './report.js';
import { ServerProcess } from './server-process.js';
import { BENCH, cleanUpOnSignal, option, PRODUCTION_NODE_OPTIONS } from './settings.js';

/**
 * `npm run bench [-- --seconds=10 --connections=50 --warmup=2 --bulk-runs=3 --log-level=info]`:
 * the built app in production mode against the seeded database, the scenarios of issue 7, and a
 * minimal Fastify + pg server answering the verify lookup as the same-run baseline.
 */
const say = (line: string) => console.log(`[bench] ${line}`);
const RESULTS_DIR = resolve('bench/results');
const MB = 1024 * 1024;

const settings = {
  seconds: Number(option('seconds', 'BENCH_SECONDS') ?? 10),
  connections: Number(option('connections', 'BENCH_CONNECTIONS') ?? 50),
  warmup: Number(option('warmup', 'BENCH_WARMUP') ?? 2),
  bulkRuns: Number(option('bulk-runs', 'BENCH_BULK_RUNS') ?? 3),
  logLevel: option('log-level', 'BENCH_LOG_LEVEL') ?? 'info',
  /** The app's Node options: production's unless given (`--node-options=`). */
  nodeOptions: option('node-options', 'BENCH_NODE_OPTIONS') ?? PRODUCTION_NODE_OPTIONS,
  poolSize: Number(option('pool', 'DATABASE_POOL_SIZE') ?? 10),
  /** Scenario ids (or their prefixes) to run, e.g. `verify,bulk`; all when not given. */
  only: option('only', 'BENCH_ONLY')?.split(',').filter(Boolean),
  /** Rounds of app verify runs, each between two baseline runs. */
  verifyRounds: Number(option('verify-rounds', 'BENCH_VERIFY_ROUNDS') ?? 3),
  /** Rounds of the enrolment rush (the median is reported). */
  rushRounds: Number(option('rush-rounds', 'BENCH_RUSH_ROUNDS') ?? 3),
  /** The app's entry point: another build can be compared on the same data set. */
  app: option('app', 'BENCH_APP') ?? 'dist/src/main.js',
  /** A V8 CPU profile of the app, into bench/results/profile/ (figures are then not comparable). */
  profile: process.argv.includes('--profile'),
};

async function main(): Promise<void> {
  const db = await openBenchDatabase(say);
  const servers: ServerProcess[] = [];
  const stopAll = async () => {
    for (const s of servers) await s.stop().catch(() => undefined);
    await db.stop();
  };
  cleanUpOnSignal(stopAll);
  try {
    const meta = await readMeta(db.url);
    if (!meta)
      throw new Error('No benchmark data set in this database: run `npm run bench:seed` first.');
    say(
      `Data set: ${meta.certificates.toLocaleString('en')} certificates, seeded ${meta.seededAt}`,
    );
    const machine = {
      cpus: os.cpus().length,
      loadAverage: os.loadavg(),
      node: process.version,
      postgres: await postgresVersion(db.url),
    };
    say('Arranging scenario data (serial sample, bulk-issue and enrolment sessions) ...');
    const fixtures = await prepareFixtures(db.url, {
      bulkRuns: settings.bulkRuns + 1,
      contentionTrainees: 60_000,
    });
    mkdirSync(RESULTS_DIR, { recursive: true });

    const baseline = new ServerProcess(
      'baseline',
      resolve('dist/bench/baseline-server.js'),
      {
        DATABASE_URL: db.url,
        PORT: String(BENCH.baselinePort),
        DATABASE_POOL_SIZE: String(settings.poolSize),
      },
      join(RESULTS_DIR, 'baseline.log'),
      `http://127.0.0.1:${BENCH.baselinePort}`,
    );
    servers.push(baseline);
    const app = new ServerProcess(
      'app',
      resolve(settings.app),
      {
        NODE_ENV: 'production',
        DATABASE_URL: db.url,
        JWT_SECRET: BENCH.jwtSecret,
        KEY_ENCRYPTION_SECRET: BENCH.keyEncryptionSecret,
        VERIFY_RATE_LIMIT_PER_MINUTE: '0',
        // The first start of a day would run the daily reminder scan a minute in, in the middle
        // of a measurement (thousands of expiry messages at a million certificates).
        SCHEDULED_JOBS: 'false',
        PORT: String(BENCH.appPort),
        HOST: '127.0.0.1',
        PUBLIC_BASE_URL: meta.publicBaseUrl,
        LOG_LEVEL: settings.logLevel,
        NODE_OPTIONS: settings.nodeOptions,
        ACCESS_TOKEN_TTL: '7200',
        DATABASE_POOL_SIZE: String(settings.poolSize),
      },
      join(RESULTS_DIR, 'app.log'),
      `http://127.0.0.1:${BENCH.appPort}`,
      settings.profile ? ['--cpu-prof', `--cpu-prof-dir=${join(RESULTS_DIR, 'profile')}`] : [],
    );
    servers.push(app);
    await Promise.all([baseline.waitReady(), app.waitReady()]);
    say(`app (pid ${app.pid}) and baseline (pid ${baseline.pid}) started`);
    const appCpu = new CpuMeter(app.pid, db.postmasterPid);
    const baselineCpu = new CpuMeter(baseline.pid, db.postmasterPid);
    const admin = await login(app.baseUrl, BENCH_ACCOUNTS.admin);
    const instructor = await login(app.baseUrl, BENCH_ACCOUNTS.instructor);

    // The machine's load drifts: baseline and app take turns (B A B A B), and each app run is
    // compared with the mean of the baseline runs on either side of it. Both draw serials the
    // same way: from the whole register (what inspectors do: the app's cache holds 5% of a
    // million), then from a hot set that fits the cache (labelled as such).
    const scenarios: ScenarioResult[] = [];
    const verifyScenario = async (
      s: Pick<ScenarioResult, 'id' | 'title' | 'request'>,
      serials: string[],
    ) => {
      if (settings.only && !settings.only.some((p) => s.id.startsWith(p))) return;
      await settle(db.url);
      const runs: Measurement[] = [];
      const measureBaseline = async () => {
        const m = await measure(verifyLoad(baseline.baseUrl, serials), baselineCpu);
        say(`baseline (${s.id}): ${fmt(m)}`);
        runs.push(m);
      };
      const appRuns: { measurement: Measurement; ratio: number; peakRssMb: number }[] = [];
      await measureBaseline();
      for (let round = 0; round < settings.verifyRounds; round++) {
        app.resetPeak();
        const m = await measure(verifyLoad(app.baseUrl, serials), appCpu);
        const peakRssMb = app.peakRss() / MB;
        await measureBaseline();
        const around = (runs.at(-2)!.rps + runs.at(-1)!.rps) / 2;
        appRuns.push({ measurement: m, ratio: m.rps / around, peakRssMb });
        say(
          `app ${s.id}, round ${round + 1}: ${fmt(m)}; ${(m.rps / around).toFixed(2)} × baseline`,
        );
      }
      const median = [...appRuns].sort((a, b) => a.ratio - b.ratio)[Math.floor(appRuns.length / 2)];
      scenarios.push({
        ...s,
        measurement: median.measurement,
        ratioToBaseline: median.ratio,
        baseline: {
          runs,
          rps: avg(runs.map((m) => m.rps)),
          p50: avg(runs.map((m) => m.p50)),
          p99: avg(runs.map((m) => m.p99)),
        },
        peakRssMb: Math.max(...appRuns.map((r) => r.peakRssMb)),
        note: `median of ${appRuns.length} rounds alternating with the baseline; ratios ${appRuns.map((r) => r.ratio.toFixed(2)).join(', ')}`,
      });
    };
    await verifyScenario(
      {
        id: 'verify-register',
        title: '1a. verify by serial, whole register',
        request: `GET /verify/:serial (JSON), serials drawn uniformly from all ${fixtures.registerSerials.length.toLocaleString('en')}`,
      },
      fixtures.registerSerials,
    );
    await verifyScenario(
      {
        id: 'verify-hot',
        title: `1b. verify by serial, hot set of ${HOT_SET_SIZE.toLocaleString('en')}`,
        request: `GET /verify/:serial (JSON), serials drawn from ${HOT_SET_SIZE.toLocaleString('en')} (fits the app's cache)`,
      },
      fixtures.hotSerials,
    );
    await baseline.stop();

    scenarios.push(...(await runScenarios(app, appCpu, fixtures, admin, instructor, db.url)));
    const appPeakRssMb = Math.max(...scenarios.map((s) => s.peakRssMb ?? 0));
    await app.stop();
    const results: BenchResults = {
      generatedAt: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      machine,
      settings: {
        'seconds per scenario': settings.seconds,
        connections: settings.connections,
        'warm-up seconds': settings.warmup,
        'app LOG_LEVEL': settings.logLevel,
        'app NODE_OPTIONS': settings.nodeOptions ? `\`${settings.nodeOptions}\`` : '(none)',
        'database pool (app and baseline)': settings.poolSize,
        database: db.embedded ? 'embedded PostgreSQL' : 'DATABASE_URL',
      },
      dataSet: meta,
      certificatesAtStart: fixtures.certificateCount,
      scenarios,
      appPeakRssMb,
      targets: targets(scenarios, appPeakRssMb),
    };
    // A partial, profiled or other-build run must not replace the full run's tables.
    const partial = settings.only || settings.profile || settings.app !== 'dist/src/main.js';
    const files = writeResults(RESULTS_DIR, results, partial ? 'partial' : 'latest');
    say(`Wrote ${files.md} and ${files.json}`);
    for (const t of results.targets)
      say(`${t.met === null ? 'n/a ' : t.met ? 'MET ' : 'MISS'} ${t.target}: ${t.measured}`);
  } finally {
    await stopAll();
  }
}

/** Each request a serial drawn uniformly at random from `serials`. */
function verifyLoad(
  baseUrl: string,
  serials: string[],
): Omit<LoadOptions, 'connections' | 'seconds'> {
  return {
    url: baseUrl,
    headers: { accept: 'application/json' },
    next: () => ({
      method: 'GET',
      path: `/verify/${serials[Math.floor(Math.random() * serials.length)]}`,
    }),
  };
}

/** Warm-up (not recorded), then the measured run. */
async function measure(
  options: Omit<LoadOptions, 'connections' | 'seconds'>,
  cpu: CpuMeter,
): Promise<Measurement> {
  const connections = settings.connections;
  if (settings.warmup > 0) await load({ ...options, connections, seconds: settings.warmup });
  return metered({ ...options, connections, seconds: settings.seconds }, cpu);
}

/** A load run and the CPU it cost per request (`cpu` names the server being measured). */
async function metered(options: LoadOptions, cpu: CpuMeter): Promise<Measurement> {
  const stop = cpu.start();
  const m = await load(options);
  const use = stop(m.requests);
  return use ? { ...m, cpu: use } : m;
}

async function runScenarios(
  app: ServerProcess,
  cpu: CpuMeter,
  fixtures: Fixtures,
  admin: string,
  instructor: string,
  databaseUrl: string,
): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const auth = (token: string) => ({ authorization: `Bearer ${token}` });
  const get = (path: string, token: string) => ({
    url: app.baseUrl,
    headers: auth(token),
    next: () => ({ method: 'GET' as const, path }),
  });
  const scenario = async (
    s: Omit<ScenarioResult, 'peakRssMb'>,
    run: (s: ScenarioResult) => Promise<void>,
  ) => {
    if (settings.only && !settings.only.some((prefix) => s.id.startsWith(prefix))) return;
    await settle(databaseUrl);
    app.resetPeak();
    const result: ScenarioResult = { ...s };
    try {
      await run(result);
    } catch (error) {
      result.note = `failed: ${(error as Error).message}`;
    }
    if (result.measurement?.requests === 0 && !result.note) {
      result.note = `no response within the ${settings.seconds} s window at ${settings.connections} connections (each request waits for those ahead of it)`;
    }
    result.peakRssMb = app.peakRss() / MB;
    say(
      `${s.title}: ${result.measurement ? fmt(result.measurement) : ''}${result.sequential ? ` one at a time median ${result.sequential.median.toFixed(0)} ms` : ''}${result.note ? ` (${result.note})` : ''}`,
    );
    results.push(result);
  };

  const list = '/api/v1/certificates';
  const lists: [string, string, string][] = [
    ['list-first', '2a. certificates, first page', `${list}?limit=50`],
    [
      'list-deep',
      '2b. certificates, page 90% deep (keyset cursor)',
      `${list}?limit=50&cursor=${fixtures.deepCursor}`,
    ],
    [
      'list-course',
      '2c. certificates of the busiest course',
      `${list}?limit=50&courseId=${fixtures.busiestCourseId}`,
    ],
    [
      'list-course-status',
      '2d. … and status=active',
      `${list}?limit=50&courseId=${fixtures.busiestCourseId}&status=active`,
    ],
    ['list-status', '2e. certificates with status=revoked', `${list}?limit=50&status=revoked`],
  ];
  for (const [id, title, path] of lists) {
    await scenario(
      {
        id,
        title,
        request: `GET ${path.replace(/cursor=[^&]+/, 'cursor=…').replace(/[0-9a-f-]{36}/, ':courseId')}`,
      },
      async (r) => {
        await expectOk(app.baseUrl, path, admin);
        r.measurement = await measure(get(path, admin), cpu);
      },
    );
  }

  const reports: [string, string, string][] = [
    [
      'report-training',
      '3a. training report, grouped, all data',
      '/api/v1/reports/training?groupBy=sex,ageBand,organisation,course',
    ],
    ['report-expiring', '3b. expiring within 90 days', '/api/v1/reports/expiring?withinDays=90'],
  ];
  for (const [id, title, path] of reports) {
    await scenario({ id, title, request: `GET ${path}` }, async (r) => {
      await expectOk(app.baseUrl, path, admin);
      r.sequential = await sequential(
        5,
        () => fetch(`${app.baseUrl}${path}`, { headers: auth(admin) }),
        async (res) => void (await res.text()),
      );
      r.measurement = await measure(get(path, admin), cpu);
    });
  }

  await scenario(
    {
      id: 'bulk-issue',
      title: '4. bulk issue to a session of 1,000',
      request: 'POST /api/v1/sessions/:id/certificates',
    },
    async (r) => {
      const sessions = [...fixtures.bulkSessionIds];
      const issue = async (sessionId: string) => {
        const res = await fetch(`${app.baseUrl}/api/v1/sessions/${sessionId}/certificates`, {
          method: 'POST',
          headers: { ...auth(instructor), 'content-type': 'application/json' },
          body: '{}',
          signal: AbortSignal.timeout(600_000),
        });
        const body = (await res.json()) as {
          issued?: unknown[];
          skipped?: unknown[];
          message?: string;
        };
        if (res.status !== 200 && res.status !== 201)
          throw new Error(`${res.status} ${body.message ?? ''}`);
        if (body.issued?.length !== 1000)
          throw new Error(`issued ${body.issued?.length ?? 0} of 1000`);
        return res;
      };
      await issue(sessions.shift()!); // warm-up: first signing, caches, JIT
      r.sequential = await sequential(sessions.length, () => issue(sessions.shift()!));
      r.note = `${r.sequential.runs.length} timed runs after one warm-up; each signs 1,000 credentials`;
    },
  );

  await scenario(
    {
      id: 'enrol-contention',
      title: '5. enrolment rush: many trainees, 5 sessions of 20 seats',
      request: 'POST /api/v1/sessions/:id/enrolments',
    },
    async (r) => {
      let i = 0;
      const { contentionSessionIds: sessions, contentionTrainees: trainees } = fixtures;
      // No warm-up: every request must be a new trainee, and the pool of trainees is finite.
      // Rounds (the median reported): one 10-second run of this scenario varied by ±20%.
      const rounds: Measurement[] = [];
      for (let round = 0; round < settings.rushRounds; round++) {
        if (round > 0) await settle(databaseUrl);
        rounds.push(
          await metered(
            {
              url: app.baseUrl,
              connections: settings.connections,
              seconds: settings.seconds,
              headers: auth(admin),
              next: () => {
                const n = i++;
                return {
                  method: 'POST',
                  path: `/api/v1/sessions/${sessions[n % sessions.length]}/enrolments`,
                  body: JSON.stringify({ traineeId: trainees[n % trainees.length] }),
                };
              },
            },
            cpu,
          ),
        );
      }
      r.measurement = [...rounds].sort((a, b) => a.rps - b.rps)[Math.floor(rounds.length / 2)];
      const check = await contentionInvariants(databaseUrl, sessions);
      r.note = `${check.ok ? 'consistent' : 'INCONSISTENT'}: ${check.detail}${i > trainees.length ? ' (trainee pool exhausted: repeats answered 409)' : ''}; median of ${rounds.length} rounds: ${rounds.map((m) => Math.round(m.rps)).join(', ')} req/s`;
    },
  );
  return results;
}

function targets(scenarios: ScenarioResult[], peakMb: number): TargetResult[] {
  const by = (id: string) => scenarios.find((s) => s.id === id);
  const out: TargetResult[] = [];
  const verify = by('verify-register');
  if (verify?.measurement && verify.ratioToBaseline !== undefined) {
    const m = verify.measurement;
    out.push({
      target: 'verify, whole register: ≥ 0.9 × the bare server, same statement, same run',
      measured: `${verify.ratioToBaseline.toFixed(2)} × (median round; ${Math.round(m.rps)} req/s vs ${Math.round(verify.baseline?.rps ?? 0)} req/s)`,
      met: verify.ratioToBaseline >= 0.9,
    });
    out.push({
      target: 'verify, whole register: p99 < 30 ms',
      measured: `${m.p99} ms`,
      met: m.p99 < 30,
    });
    out.push({
      target: 'verify without errors',
      measured: `${m.errors} errors`,
      met: m.errors === 0,
    });
  }
  const hot = by('verify-hot');
  if (hot?.measurement && hot.ratioToBaseline !== undefined) {
    out.push({
      target: `verify, hot set of ${HOT_SET_SIZE.toLocaleString('en')}: ≥ 2 × the bare server`,
      measured: `${hot.ratioToBaseline.toFixed(2)} × (${Math.round(hot.measurement.rps)} req/s vs ${Math.round(hot.baseline?.rps ?? 0)} req/s)`,
      met: hot.ratioToBaseline >= 2,
    });
  }
  const first = by('list-first')?.measurement;
  const deep = by('list-deep')?.measurement;
  if (first && deep) {
    const cost = first.rps / deep.rps;
    out.push({
      target: 'deep page ≤ 1.5 × the cost of the first page',
      measured: `${cost.toFixed(2)} × (p50 ${deep.p50} vs ${first.p50} ms)`,
      met: cost <= 1.5,
    });
  }
  const pages = ['list-first', 'list-deep', 'list-course', 'list-course-status', 'list-status']
    .map((id) => by(id))
    .filter((s) => s?.measurement) as ScenarioResult[];
  if (pages.length > 0) {
    const slowest = pages.reduce((a, b) => (a.measurement!.rps <= b.measurement!.rps ? a : b));
    out.push({
      target: 'certificate list pages of 50 ≥ 1,500 req/s at 50 connections (slowest of 2a–2e)',
      measured: `${Math.round(slowest.measurement!.rps)} req/s (${slowest.title.split(' ')[0]}, p50 ${slowest.measurement!.p50} ms)`,
      met: slowest.measurement!.rps >= 1500,
    });
  }
  const training = by('report-training')?.sequential;
  out.push({
    target: 'training report < 1 s',
    measured: training
      ? `${Math.round(training.median)} ms (median of 5, one at a time)`
      : (by('report-training')?.note ?? 'not run'),
    met: training ? training.median < 1000 : null,
  });
  const expiring = by('report-expiring')?.sequential;
  out.push({
    target: 'expiring list < 200 ms',
    measured: expiring
      ? `${Math.round(expiring.median)} ms (median of 5, one at a time)`
      : (by('report-expiring')?.note ?? 'not run'),
    met: expiring ? expiring.median < 200 : null,
  });
  const bulk = by('bulk-issue')?.sequential;
  out.push({
    target: 'bulk issue of 1,000 < 1 s',
    measured: bulk
      ? `${Math.round(bulk.median)} ms (median of ${bulk.runs.length})`
      : (by('bulk-issue')?.note ?? 'not run'),
    met: bulk ? bulk.median < 1000 : null,
  });
  const rush = by('enrol-contention');
  if (rush?.measurement) {
    out.push({
      target: 'enrolment rush ≥ 500 enrolments/s, seats and waiting lists consistent',
      measured: `${Math.round(rush.measurement.rps)} req/s, ${rush.note?.split(':')[0] ?? ''}`,
      met: rush.measurement.rps >= 500 && Boolean(rush.note?.startsWith('consistent')),
    });
  }
  out.push({
    target: 'app memory < 300 MB',
    measured: `${peakMb.toFixed(0)} MB peak RSS`,
    met: peakMb < 300,
  });
  return out;
}

/**
 * Waits until the app has no statement running and no mail due: requests still in flight when
 * a load run stops (a heavy report) are finished by the server anyway, and queued mail is sent
 * by its workers; either would weigh on the next scenario.
 */
async function settle(url: string, timeoutMs = 180_000): Promise<void> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      // Busy: a statement running, or mail waiting for the app's workers (an earlier bulk
      // issue's thousand messages, or an earlier run's) that they would send during the next
      // scenario, on its CPU.
      const { rows } = await client.query<{ n: number }>(
        `SELECT ((SELECT count(*) FROM pg_stat_activity
                   WHERE application_name = 'coe' AND state = 'active' AND pid <> pg_backend_pid())
               + (SELECT count(*) FROM notifications
                   WHERE status = 'queued' AND next_attempt_at <= now()))::int AS n`,
      );
      if (rows[0].n === 0) return;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    say('(the app was still busy after 3 minutes; going on)');
  } finally {
    await client.end();
  }
}

async function expectOk(baseUrl: string, path: string, token: string): Promise<void> {
  const res = await fetch(`${baseUrl}${path}`, { headers: { authorization: `Bearer ${token}` } });
  const text = await res.text();
  if (!res.ok) throw new Error(`${res.status} ${text.slice(0, 200)}`);
}

async function login(baseUrl: string, email: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/v1/auth/login`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ email, password: BENCH.password }),
  });
  const body = (await res.json()) as { accessToken?: string; message?: string };
  if (!body.accessToken)
    throw new Error(`Cannot sign in as ${email}: ${res.status} ${body.message ?? ''}`);
  return body.accessToken;
}

async function postgresVersion(url: string): Promise<string> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ v: string }>(
      "SELECT current_setting('server_version') AS v",
    );
    return `PostgreSQL ${rows[0].v.split(' ')[0]}`;
  } finally {
    await client.end();
  }
}

const avg = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
const fmt = (m: Measurement) =>
  `${Math.round(m.rps)} req/s, p50 ${m.p50} ms, p99 ${m.p99} ms, ${m.errors} errors` +
  (Object.keys(m.statusCodes).length > 1 ? ` (${JSON.stringify(m.statusCodes)})` : '');

main().catch((error: unknown) => {
  console.error(
    `[bench] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
