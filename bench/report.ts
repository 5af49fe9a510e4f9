import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SeedMeta } from './database.js';
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
    '| scenario | request | req/s | p50 ms | p99 ms | errors | vs baseline | one at a time (median / max ms) | app peak RSS MB |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- | ---: |',
  );
  for (const s of r.scenarios) {
    const b = s.baseline;
    if (b)
      lines.push(
        `| baseline for ${s.title.split(' ')[0]} (Fastify + pg, the app's statement; mean of ${b.runs.length} runs: ${b.runs.map((m) => n0(m.rps)).join(', ')}) | same requests | ${n0(b.rps)} | ${ms(b.p50)} | ${ms(b.p99)} | ${b.runs.reduce((n, m) => n + m.errors, 0)} | 1.00 | | |`,
      );
    const m = s.measurement;
    const ratio = s.ratioToBaseline?.toFixed(2) ?? '';
    const seq = s.sequential ? `${ms(s.sequential.median)} / ${ms(s.sequential.max)}` : '';
    lines.push(
      `| ${s.title} | ${s.request} | ${m ? n0(m.rps) : ''} | ${m ? ms(m.p50) : ''} | ${m ? ms(m.p99) : ''} | ${m ? n0(m.errors) : ''} | ${ratio} | ${seq} | ${s.peakRssMb?.toFixed(0) ?? ''} |`,
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
      'unexpected status codes. Figures from one noisy 2-core machine: compare ratios, not absolutes.',
    '',
  );
  return lines.join('\n');
}
