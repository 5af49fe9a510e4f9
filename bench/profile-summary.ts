import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';

/**
 * `node dist/bench/profile-summary.js [file.cpuprofile | dir]`: where a V8 CPU profile of the app
 * (`npm run bench -- --profile`) spent its time, by layer of the request path, as self time
 * (the function that was running when sampled, not its callers). With a directory, the newest
 * profile in it (bench/results/profile by default). `--all`: every second, not only busy ones.
 */
interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface Profile {
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
  startTime: number;
  endTime: number;
}

/** Layers, first match wins: the URL (or V8's pseudo-function name) of the running function. */
const LAYERS: [string, RegExp][] = [
  ['idle (waiting for I/O)', /^\(idle\)$/],
  ['garbage collection', /^\(garbage collector\)$/],
  ['V8 and native code outside JS ("program")', /^\(program\)$/],
  [
    'logging (pino, pino-http, nestjs-pino, middie)',
    /\/(pino|pino-http|nestjs-pino|sonic-boom|pino-std-serializers|@fastify\/middie|thread-stream|fast-redact|@pinojs\/redact|quick-format-unescaped)\//,
  ],
  ['security headers (helmet)', /\/helmet\//],
  [
    'Nest pipeline (router, guards, pipes, interceptors, rxjs)',
    /\/(@nestjs|rxjs|reflect-metadata|class-validator|class-transformer)\//,
  ],
  [
    'Fastify (routing, hooks, reply)',
    /\/(fastify|find-my-way|@fastify\/[^/]+|avvio|fast-json-stringify|light-my-request|fastify-plugin|process-warning|toad-cache|content-type|fast-querystring)\//,
  ],
  [
    'database client (pg, pg-protocol, pg-pool, pg-types)',
    /\/(pg|pg-protocol|pg-pool|pg-types|postgres-[a-z]+|pgpass|buffer-writer)\//,
  ],
  ['TypeORM', /\/typeorm\//],
  [
    'app: verification cache and change feed',
    /\/src\/(credentials\/verification-cache|database\/change-feed)/,
  ],
  ['app: rate limiter', /\/src\/credentials\/verify-rate-limiter/],
  ['app: access guard and policy', /\/src\/(auth\/access\.guard|access\/)/],
  [
    'app: verification (verdict, masking, serial)',
    /\/src\/(credentials\/verification|certifications\/(certificate-status|serial)|common\/calendar)/,
  ],
  ['app: request hooks (CORS, ids, closing, errors)', /\/src\/(common|app\.factory|logging)/],
  ['app: other', /\/src\//],
  ['other packages', /node_modules\//],
  ['Node: HTTP server and parser', /^node:(_http_|http$|internal\/http)/],
  [
    'Node: sockets and streams',
    /^node:(net|internal\/(stream|streams|net|stream_base_commons)|stream)/,
  ],
  [
    'Node: timers, promises, async hooks',
    /^node:(internal\/(timers|process\/task_queues|async_hooks|async_local_storage)|timers|async_hooks)/,
  ],
  ['Node: other', /^node:/],
];

/**
 * A second of the profile counts as under load when the app was busy for this share of it;
 * `--all` counts every second after the first request (for scenarios where the app mostly
 * waits, such as a bulk issue, whose time is the database's).
 */
const LOADED_SHARE = process.argv.includes('--all') ? 0 : 0.6;

const PSEUDO = /^\((idle|garbage collector|program|root)\)$/;

/**
 * Built-ins and native calls (JSON.stringify, a socket's writev) have no URL: they count for the
 * nearest caller that has one, whose layer asked for the work.
 */
function attributed(node: ProfileNode, parents: Map<number, ProfileNode>): ProfileNode {
  let current: ProfileNode | undefined = node;
  while (current && !current.callFrame.url && !PSEUDO.test(current.callFrame.functionName))
    current = parents.get(current.id);
  return current ?? node;
}

function layerOf(node: ProfileNode): string {
  const { url, functionName } = node.callFrame;
  const key = url || functionName;
  for (const [name, pattern] of LAYERS) if (pattern.test(key)) return name;
  return 'built-ins without a JS caller';
}

function newest(dir: string): string {
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.cpuprofile'))
    .map((f) => join(dir, f))
    .sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  if (files.length === 0) throw new Error(`No .cpuprofile in ${dir}`);
  return files[0];
}

const target = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'bench/results/profile';
const file = statSync(target).isDirectory() ? newest(target) : target;
const profile = JSON.parse(readFileSync(file, 'utf8')) as Profile;
const byId = new Map(profile.nodes.map((n) => [n.id, n]));
const parents = new Map<number, ProfileNode>();
for (const n of profile.nodes) for (const child of n.children ?? []) parents.set(child, n);
// Only the seconds under load count: start-up (module loading, compiling) and the pauses
// between scenarios would otherwise blur where a request's time goes.
// Start-up (loading and compiling modules) ends when the first request is served.
const servesHttp = (id: number): boolean => {
  for (let n: ProfileNode | undefined = byId.get(id); n; n = parents.get(n.id))
    if (n.callFrame.url === 'node:_http_server') return true;
  return false;
};
const firstRequest = profile.samples.findIndex((id) => servesHttp(id));
// Modules imported lazily after start (PDF fonts, JSON-LD contexts) are start-up too.
const loadsModules = (id: number): boolean => {
  for (let n: ProfileNode | undefined = byId.get(id); n; n = parents.get(n.id))
    if (n.callFrame.url.startsWith('node:internal/modules/')) return true;
  return false;
};
const secondOf: number[] = [];
const busyPerSecond = new Map<number, number>();
let clock = 0;
for (let i = 0; i < profile.samples.length; i++) {
  clock += profile.timeDeltas[i] ?? 0;
  const second = Math.floor(clock / 1e6);
  secondOf.push(second);
  const name = byId.get(profile.samples[i])!.callFrame.functionName;
  if (name !== '(idle)')
    busyPerSecond.set(second, (busyPerSecond.get(second) ?? 0) + (profile.timeDeltas[i] ?? 0));
}
const underLoad = new Set(
  [...busyPerSecond].filter(([, us]) => us >= LOADED_SHARE * 1e6).map(([s]) => s),
);
const selfUs = new Map<string, number>();
const topFunctions = new Map<string, number>();
for (let i = 0; i < profile.samples.length; i++) {
  if (i < firstRequest || !underLoad.has(secondOf[i]) || loadsModules(profile.samples[i])) continue;
  const node = byId.get(profile.samples[i])!;
  const dt = profile.timeDeltas[i] ?? 0;
  const owner = attributed(node, parents);
  const layer = layerOf(owner);
  selfUs.set(layer, (selfUs.get(layer) ?? 0) + dt);
  const native = owner === node ? '' : `${node.callFrame.functionName || '(native)'} ← `;
  const fn = `${native}${owner.callFrame.functionName || '(anonymous)'} ${owner.callFrame.url.replace(/^.*node_modules\//, '').replace(/^file:\/\/.*\/dist\//, 'dist/')}:${owner.callFrame.lineNumber + 1}`;
  topFunctions.set(fn, (topFunctions.get(fn) ?? 0) + dt);
}
const total = [...selfUs.values()].reduce((a, b) => a + b, 0);
const idle = selfUs.get('idle (waiting for I/O)') ?? 0;
const busy = total - idle;
const pct = (us: number, of: number) => `${((us / of) * 100).toFixed(1)}%`;
if (total === 0) {
  console.log(
    `${file}\nNo second with the app busy ≥ ${LOADED_SHARE * 100}% after its first request: it waited (on the database or its clients) more than it worked. --all counts every second.`,
  );
  process.exit(0);
}
console.log(
  `${file}\n${underLoad.size} s under load (busy ≥ ${LOADED_SHARE * 100}%) of ${busyPerSecond.size} s profiled; in them ${pct(busy, total)} busy\n`,
);
console.log('| layer | self time | share of busy time |\n| --- | ---: | ---: |');
for (const [layer, us] of [...selfUs].sort((a, b) => b[1] - a[1])) {
  if (layer.startsWith('idle')) continue;
  console.log(`| ${layer} | ${(us / 1e3).toFixed(0)} ms | ${pct(us, busy)} |`);
}
console.log('\nTop functions by self time:\n');
for (const [fn, us] of [...topFunctions].sort((a, b) => b[1] - a[1]).slice(0, 30)) {
  console.log(`${pct(us, busy).padStart(6)}  ${fn}`);
}
