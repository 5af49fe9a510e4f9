import 'reflect-metadata';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { tmpdir } from 'node:os';
import { createApp } from './app.factory.js';
import { buildAppConfig } from './config/app-config.js';
import { validateEnvironment } from './config/environment.js';
import { buildOpenApiDocument } from './common/openapi.js';

/**
 * Writes the OpenAPI document the app serves at /docs-json, without a database or a listening
 * server: the app is built in Nest's preview mode (modules and routes, no provider runs), so
 * CI can lint the contract and generate a client from it in a couple of seconds
 * (`npm run openapi:lint`, `npm run openapi:types`). test/openapi-lint.e2e-spec.ts checks
 * that this document is the one the running app serves.
 *
 * Usage: node dist/src/openapi-document.js [out.json]   (stdout without a path)
 */
export async function openApiDocumentWithoutDatabase(): Promise<Record<string, unknown>> {
  // Nothing here is used to connect or sign: preview mode never runs the providers that would.
  const env = validateEnvironment({
    NODE_ENV: 'development',
    DATA_DIR: resolve(tmpdir(), 'coe-openapi-document'),
    JWT_SECRET: 'openapi-document-only-never-used-for-signing-0123456789',
    KEY_ENCRYPTION_SECRET: 'openapi-document-only-never-used-for-keys-0123456789',
    LOG_LEVEL: 'silent',
  });
  const config = buildAppConfig(env, 'postgres://openapi-document@127.0.0.1:1/none', {
    apiDocs: false,
  });
  const app = await createApp(config, { logs: false, preview: true });
  try {
    return buildOpenApiDocument(app) as unknown as Record<string, unknown>;
  } finally {
    await app.close();
  }
}

async function main(): Promise<void> {
  const text = `${JSON.stringify(await openApiDocumentWithoutDatabase(), null, 2)}\n`;
  const out = process.argv[2];
  if (!out) {
    process.stdout.write(text);
    return;
  }
  mkdirSync(dirname(resolve(out)), { recursive: true });
  writeFileSync(out, text);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch((error: unknown) => {
    process.stderr.write(
      `Could not build the OpenAPI document: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`,
    );
    process.exit(1);
  });
}
