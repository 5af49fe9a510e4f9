import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, extname, join, relative, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '../audit/audit-event.entity.js';
import { STATUS_REASONS } from '../certifications/certificate-status.js';
import { ROLES } from '../common/roles.js';
import { CLOSED_SESSION_STATUSES, RUNNING_SESSION_STATUSES } from '../courses/session-lifecycle.js';
import { AWAITING_SESSION, SEAT_HOLDING } from '../enrolments/enrolment.entity.js';
import { EXPORT_KINDS } from '../exports/export-queries.js';
import { IMPORT_KINDS } from '../imports/import-report.js';
import { NOTIFICATION_STATUSES, NOTIFICATION_TYPES } from '../notifications/notification-types.js';
import { LANGUAGES, MESSAGES } from './i18n.js';

/**
 * The lists the pages offer or sort by (roles, reasons for a status change, audit record
 * types, the enrolment statuses that hold a seat or await a session, the statuses of a
 * session that is over or running), taken from the server's own constants and
 * served as `vocabulary.js`: a page never keeps a copy that could drift from what the API
 * accepts.
 */
export const VOCABULARY = {
  LANGUAGES,
  ROLES,
  STATUS_REASONS,
  AUDIT_ENTITY_TYPES,
  AUDIT_ACTIONS,
  SEAT_HOLDING,
  AWAITING_SESSION,
  CLOSED_SESSION_STATUSES,
  RUNNING_SESSION_STATUSES,
  NOTIFICATION_TYPES,
  NOTIFICATION_STATUSES,
  IMPORT_KINDS,
  EXPORT_KINDS,
} as const;

export interface WebAsset {
  body: Buffer;
  type: string;
  etag: string;
}

const TYPES: Record<string, string> = {
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
};

/**
 * The browser scripts and styles, read once at start. They are plain files in
 * src/web/assets, found from this module's folder (running from source) or from the project
 * root (running the compiled dist/ build), so no build step copies them. Each language's
 * messages are served as a generated module beside them. All names carry a version (a hash
 * of the contents), so browsers on slow links may cache them for good.
 */
@Injectable()
export class WebAssets {
  readonly version: string;
  private readonly files = new Map<string, WebAsset>();

  constructor() {
    const dir = assetsDir();
    for (const path of walk(dir)) {
      const type = TYPES[extname(path)];
      if (type) this.add(relative(dir, path).split(sep).join('/'), readFileSync(path), type);
    }
    for (const lang of LANGUAGES) {
      const source = `export default ${JSON.stringify(MESSAGES[lang])};\n`;
      this.add(`i18n/${lang}.js`, Buffer.from(source), TYPES['.js']);
    }
    const vocabulary = Object.entries(VOCABULARY)
      .map(([name, list]) => `export const ${name} = ${JSON.stringify(list)};\n`)
      .join('');
    this.add('vocabulary.js', Buffer.from(vocabulary), TYPES['.js']);
    this.add('vendor/jsqr.js', jsqrModule(), TYPES['.js']);
    const all = createHash('sha256');
    for (const [name, file] of [...this.files].sort(([a], [b]) => a.localeCompare(b)))
      all.update(name).update(file.etag);
    this.version = all.digest('hex').slice(0, 12);
  }

  get(name: string): WebAsset | undefined {
    return this.files.get(name);
  }

  /** The URL of an asset in this version. */
  url(name: string): string {
    return `/assets/${this.version}/${name}`;
  }

  private add(name: string, body: Buffer, type: string) {
    const etag = `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"`;
    this.files.set(name, { body, type, etag });
  }
}

function assetsDir(): string {
  const here = dirname(fileURLToPath(import.meta.url));
  const besideModule = join(here, 'assets');
  if (existsSync(besideModule)) return besideModule;
  // dist/src/web → the project root, whose src/web/assets holds the files.
  for (let dir = here; dir !== dirname(dir); dir = dirname(dir)) {
    const candidate = join(dir, 'src', 'web', 'assets');
    if (existsSync(join(dir, 'package.json')) && existsSync(candidate)) return candidate;
  }
  throw new Error(`Web assets not found (looked beside ${here} and under the project root)`);
}

/**
 * jsQR, the QR decoder the inspector's camera uses where the browser has no BarcodeDetector
 * (src/web/assets/inspect/scanner.js), as an ES module: the package ships one UMD script, and
 * the pages are served without a bundler. Its CommonJS branch fills the `module` given here,
 * and the decoder is the default export. Read from the installed package, so an upgrade needs
 * no copy in the repository.
 */
function jsqrModule(): Buffer {
  const source = readFileSync(createRequire(import.meta.url).resolve('jsqr/dist/jsQR.js'), 'utf8');
  return Buffer.from(
    `const module = { exports: {} };\nconst exports = module.exports;\n${source}\n` +
      'export default module.exports.default;\n',
  );
}

function walk(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });
}
