import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedMeta } from './database.js';
import type { CpuUse } from './cpu.js';
import type { Measurement, Timing } from './load.js';

export interface ScenarioResult {
  id: string;
  title: string;
  request: string;
  measurement?: Measurement;
  /** Requests/s against the baseline measured around it (verify only). */
  ratioToBaseline?: number;
  /** The bare server's runs on the same requests, alternating with the app's (verify only). */
  baseline?: BaselineSummary;
  /** Latency of requests sent one at a time (for the heavy reads and the bulk issue). */
  sequential?: Timing;
  /** App peak resident memory during this scenario, MB. */
  peakRssMb?: number;
  note?: string;
}

export interface BaselineSummary {
  runs: Measurement[];
  rps: number;
  p50: number;
  p99: number;
}

export interface TargetResult {
  target: string;
  measured: string;
  met: boolean | null;
}

export interface BenchResults {
  generatedAt: string;
  command: string;
  machine: { cpus: number; loadAverage: number[]; node: string; postgres: string };
  settings: Record<string, string | number>;
  dataSet: SeedMeta;
  /** Certificates when this run started: the seed's plus those earlier runs issued. */
  certificatesAtStart?: number;
  scenarios: ScenarioResult[];
  appPeakRssMb: number;
  targets: TargetResult[];
}

const n0 = (x: number) => Math.round(x).toLocaleString('en');
const ms = (x: number) => (x >= 100 ? n0(x) : x.toFixed(1));

export function writeResults(
  dir: string,
  results: BenchResults,
  name = 'latest',
): { md: string; json: string } {
  mkdirSync(dir, { recursive: true });
  const json = join(dir, `${name}.json`);
  const md = join(dir, `${name}.md`);
  writeFileSync(json, `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(md, markdown(results));
  return { md, json };
}

export function markdown(r: BenchResults): string {
  const lines: string[] = [];
  const d = r.dataSet;
  lines.push('# Benchmark results', '');
  lines.push(
    `Run ${r.generatedAt} with \`${r.command}\` on ${r.machine.cpus} cores ` +
      `(load average at start ${r.machine.loadAverage.map((x) => x.toFixed(1)).join(' / ')}; ` +
      `the app, PostgreSQL and the load generator share them), Node ${r.machine.node}, ${r.machine.postgres}.`,
    '',
  );
  lines.push(
    `Data set: ${n0(d.certificates)} certificates (${Object.entries(d.rows)
      .filter(([t]) => ['trainees', 'enrolments', 'course_sessions', 'audit_events'].includes(t))
      .map(([t, n]) => `${n0(n)} ${t}`)
      .join(', ')}), seed "${d.seed}", as of ${d.asOf}; seeded in ${d.seconds.toFixed(0)} s` +
      (r.certificatesAtStart && r.certificatesAtStart !== d.certificates
        ? `; ${n0(r.certificatesAtStart)} certificates at the start of this run (earlier runs' bulk issues included).`
        : '.'),
    '',
  );
  lines.push(
    `Settings: ${Object.entries(r.settings)
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}.`,
    '',
  );
  lines.push('## Targets', '', '| target | measured | met |', '| --- | --- | --- |');
  for (const t of r.targets) {
    lines.push(
      `| ${t.target} | ${t.measured} | ${t.met === null ? 'n/a' : t.met ? 'yes' : '**no**'} |`,
    );
  }
  lines.push('', '## Scenarios', '');
  lines.push(
    '| scenario | request | req/s | p50 ms | p99 ms | errors | vs baseline | CPU ms per request: server / PostgreSQL / rest (machine busy) | one at a time (median / max ms) | app peak RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | --- | ---: |',
  );
  for (const s of r.scenarios) {
    const b = s.baseline;
    if (b)
      lines.push(
        `| baseline for ${s.title.split(' ')[0]} (Fastify + pg, the app's statement; mean of ${b.runs.length} runs: ${b.runs.map((m) => n0(m.rps)).join(', ')}) | same requests | ${n0(b.rps)} | ${ms(b.p50)} | ${ms(b.p99)} | ${b.runs.reduce((n, m) => n + m.errors, 0)} | 1.00 | ${cpuCell(meanCpu(b.runs))} | | |`,
      );
    const m = s.measurement;
    const ratio = s.ratioToBaseline?.toFixed(2) ?? '';
    const seq = s.sequential ? `${ms(s.sequential.median)} / ${ms(s.sequential.max)}` : '';
    lines.push(
      `| ${s.title} | ${s.request} | ${m ? n0(m.rps) : ''} | ${m ? ms(m.p50) : ''} | ${m ? ms(m.p99) : ''} | ${m ? n0(m.errors) : ''} | ${ratio} | ${cpuCell(m?.cpu)} | ${seq} | ${s.peakRssMb?.toFixed(0) ?? ''} |`,
    );
  }
  const notes = r.scenarios.filter((s) => s.note);
  if (notes.length > 0) {
    lines.push('', '## Notes', '');
    for (const s of notes) lines.push(`- ${s.title}: ${s.note}`);
  }
  lines.push(
    '',
    'req/s counts every response in the measured window; errors are connection errors, timeouts and ' +
      "unexpected status codes. CPU per request is the measured window's CPU time (/proc) divided by its " +
      'responses: the server measured (the app, or the baseline on its rows), PostgreSQL, and the rest of the ' +
      'machine (the load generator, the kernel); their sum bounds req/s at cores × 1000 / sum. ' +
      'Figures from one noisy 2-core machine: compare ratios, not absolutes.',
    '',
  );
  return lines.join('\n');
}

function cpuCell(cpu: CpuUse | undefined): string {
  if (!cpu) return '';
  const f = (x: number) => x.toFixed(2);
  return `${f(cpu.appMs)} / ${f(cpu.databaseMs)} / ${f(cpu.restMs)} (${Math.round(cpu.busy * 100)}%)`;
}

/** The mean of the runs' CPU use; undefined if a run has none. */
function meanCpu(runs: Measurement[]): CpuUse | undefined {
  const uses = runs.map((m) => m.cpu);
  if (uses.length === 0 || uses.some((u) => !u)) return undefined;
  const mean = (pick: (u: CpuUse) => number) =>
    uses.reduce((n, u) => n + pick(u!), 0) / uses.length;
  return {
    appMs: mean((u) => u.appMs),
    databaseMs: mean((u) => u.databaseMs),
    restMs: mean((u) => u.restMs),
    busy: mean((u) => u.busy),
  };
}
