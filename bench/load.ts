import type { CpuUse } from './cpu.js';
import autocannon from 'autocannon';

export interface Measurement {
  requests: number;
  rps: number;
  p50: number;
  p99: number;
  mean: number;
  max: number;
  /** Connection errors, timeouts and unexpected status codes. */
  errors: number;
  statusCodes: Record<string, number>;
  /** CPU per request of the server measured, PostgreSQL and the rest of the machine. */
  cpu?: CpuUse;
}

export interface LoadOptions {
  url: string;
  connections: number;
  seconds: number;
  headers?: Record<string, string>;
  /** Builds each request; called once per request, so every request can differ. */
  next: () => { method: 'GET' | 'POST'; path: string; body?: string };
  /** Statuses that count as success (2xx if not given). */
  ok?: (status: number) => boolean;
  timeoutSeconds?: number;
}

/** One autocannon run: every connection keeps one request in flight for the whole duration. */
export async function load(options: LoadOptions): Promise<Measurement> {
  const first = options.next();
  const result = await autocannon({
    url: options.url,
    connections: options.connections,
    duration: options.seconds,
    timeout: options.timeoutSeconds ?? 30,
    headers: { 'content-type': 'application/json', ...options.headers },
    requests: [
      {
        method: first.method,
        path: first.path,
        setupRequest: (request) => {
          const r = options.next();
          return { ...request, method: r.method, path: r.path, body: r.body };
        },
      },
    ],
  });
  const statusCodes: Record<string, number> = {};
  for (const [code, stat] of Object.entries(result.statusCodeStats ?? {})) {
    statusCodes[code] = stat.count ?? 0;
  }
  const ok = options.ok ?? ((s: number) => s >= 200 && s < 300);
  const unexpected = Object.entries(statusCodes)
    .filter(([code]) => !ok(Number(code)))
    .reduce((n, [, count]) => n + count, 0);
  const responses = Object.values(statusCodes).reduce((n, c) => n + c, 0);
  return {
    requests: responses,
    rps: responses / result.duration,
    p50: result.latency.p50,
    p99: result.latency.p99,
    mean: result.latency.mean,
    max: result.latency.max,
    errors: result.errors + unexpected,
    statusCodes,
  };
}

export interface Timing {
  runs: number[];
  median: number;
  max: number;
  status: number[];
}

/** Requests one after another (no concurrency): the latency one user sees. */
export async function sequential(
  count: number,
  send: () => Promise<Response>,
  check: (res: Response) => Promise<void> = async () => undefined,
): Promise<Timing> {
  const runs: number[] = [];
  const status: number[] = [];
  for (let i = 0; i < count; i++) {
    const start = performance.now();
    const res = await send();
    await check(res);
    runs.push(performance.now() - start);
    status.push(res.status);
  }
  const sorted = [...runs].sort((a, b) => a - b);
  return { runs, median: sorted[Math.floor(sorted.length / 2)], max: sorted.at(-1)!, status };
}
