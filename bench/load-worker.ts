import { parentPort, workerData } from 'node:worker_threads';
import pg from 'pg';
import { Loader, type WorkerJob } from './generator.js';

/** Loads the tables of a WorkerJob (see runWorker in generator.ts) and reports progress. */
const job = workerData as WorkerJob;
const pool = new pg.Pool({ connectionString: job.options.databaseUrl, max: 2 });
const loader = new Loader(
  pool,
  job.plan,
  job.options,
  { created: job.created },
  job.passwordHash,
  job.chain,
  job.foreignKeyChecks,
  new Set(job.tables),
);
const timer = setInterval(() => parentPort!.postMessage({ progress: loader.counts() }), 1_000);
try {
  const done = await loader.run(() => undefined);
  parentPort!.postMessage({ done });
} finally {
  clearInterval(timer);
  await pool.end();
}
