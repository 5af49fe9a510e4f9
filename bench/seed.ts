import 'reflect-metadata';
import { isCalendarDate, today } from '../src/common/calendar.js';
import { runMigrations } from '../src/database/migrate.js';
import {
  openBenchDatabase,
  resetDatabase,
  restoreEmbeddedSettings,
  tuneEmbeddedForLoad,
  writeMeta,
  type SeedMeta,
} from './database.js';
import { loadDataSet } from './generator.js';
import { BENCH, cleanUpOnSignal, option, parseCount, publicBaseUrl } from './settings.js';

/**
 * `npm run bench:seed [-- --certificates=1m --seed=coe-bench --as-of=2026-01-31 --signed=10000
 * --audit=lean|full]`: a fresh, reproducible data set for `npm run bench`.
 */
const MAX_CERTIFICATES = 1_000_000;

const log = (line: string) => console.log(`[bench:seed] ${line}`);

async function main(): Promise<void> {
  const certificates = parseCount(option('certificates', 'BENCH_CERTIFICATES') ?? '100000');
  if (certificates < 100 || certificates > MAX_CERTIFICATES) {
    throw new Error(
      `--certificates must be between 100 and ${MAX_CERTIFICATES.toLocaleString('en')}`,
    );
  }
  const seed = option('seed', 'BENCH_SEED') ?? 'coe-bench';
  const asOf = option('as-of', 'BENCH_AS_OF') ?? today('UTC');
  if (!isCalendarDate(asOf)) throw new Error('--as-of must be a YYYY-MM-DD date');
  const signedCredentials = parseCount(option('signed', 'BENCH_SIGNED') ?? '10000');
  const auditLevel = (option('audit', 'BENCH_AUDIT') ?? 'lean') as 'lean' | 'full';
  if (auditLevel !== 'lean' && auditLevel !== 'full')
    throw new Error('--audit must be lean or full');

  const started = Date.now();
  let db = await openBenchDatabase(log);
  cleanUpOnSignal(() => db.stop());
  try {
    await resetDatabase(db.url, log);
    if (db.embedded) {
      await tuneEmbeddedForLoad(db.url);
      await db.stop();
      db = await openBenchDatabase(log);
    }
    await runMigrations(db.url, log);
    log(
      `Generating ${certificates.toLocaleString('en')} certificates (seed "${seed}", as of ${asOf}) ...`,
    );
    const result = await loadDataSet({
      databaseUrl: db.url,
      certificates,
      seed,
      asOf,
      publicBaseUrl: publicBaseUrl(),
      centerName: BENCH.centerName,
      keyEncryptionSecret: BENCH.keyEncryptionSecret,
      password: BENCH.password,
      signedCredentials,
      auditLevel,
      log,
    });
    const seconds = (Date.now() - started) / 1000;
    const meta: SeedMeta = {
      marker: 'coe-bench',
      certificates,
      seed,
      asOf,
      publicBaseUrl: publicBaseUrl(),
      auditLevel,
      signedCredentials: result.signedCredentials,
      rows: result.rows,
      seededAt: new Date().toISOString(),
      seconds,
    };
    await writeMeta(db.url, meta);
    // The benchmark runs on the server's default settings (applied at its next start).
    if (db.embedded) await restoreEmbeddedSettings(db.url);
    log('Rows loaded:');
    for (const [table, rows] of Object.entries(result.rows)) {
      log(`  ${table.padEnd(22)} ${rows.toLocaleString('en').padStart(12)}`);
    }
    log(
      `${result.signedCredentials.toLocaleString('en')} certificates carry their own signed credential; ` +
        'the others share one signed template credential of the same size.',
    );
    if (result.foreignKeyChecks) log('(not a superuser: loaded with foreign-key checks, in order)');
    log(`Done in ${seconds.toFixed(1)} s. Accounts (password "${BENCH.password}"):`);
    for (const [role, email] of Object.entries(result.accounts))
      log(`  ${role.padEnd(10)} ${email}`);
  } finally {
    await db.stop();
  }
}

main().catch((error: unknown) => {
  console.error(
    `[bench:seed] ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`,
  );
  process.exit(1);
});
