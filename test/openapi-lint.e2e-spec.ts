import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { openApiDocumentWithoutDatabase } from '../src/openapi-document.js';
import { startTestApp, type TestApp } from './app.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('..', import.meta.url));

type Schema = Record<string, unknown> & {
  type?: string;
  format?: string;
  nullable?: boolean;
  enum?: string[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  $ref?: string;
};
interface Response {
  description?: string;
  content?: Record<string, { schema?: Schema }>;
}
interface Operation {
  operationId?: string;
  tags?: string[];
  security?: unknown[];
  responses: Record<string, Response>;
  'x-access'?: string;
  requestBody?: { content: Record<string, { schema: Schema }> };
}
interface Document {
  servers?: { url: string }[];
  tags?: { name: string }[];
  paths: Record<string, Record<string, Operation>>;
  components: { schemas: Record<string, Schema> };
}

interface LintProblem {
  ruleId: string;
  severity: 'error' | 'warn';
  message: string;
  location: { pointer: string }[];
}

const JSON_TYPE = /^application\/(?:[\w.+-]+\+)?json$/;

/**
 * The OpenAPI document passes Redocly's recommended rules with 0 errors, says what the linter
 * cannot check (public routes take no token, files are not JSON, uuid|null fields are strings,
 * POST /verify takes a credential object), and a TypeScript client generated from it
 * (openapi-typescript) type-checks a Data Integrity credential sent to POST /verify.
 */
describe('OpenAPI document: lint, contract details and a generated client', () => {
  let t: TestApp;
  let doc: Document;
  let work: string;

  beforeAll(async () => {
    t = await startTestApp();
    const res = await t.http.get('/docs-json');
    expect(res.status).toBe(200);
    doc = res.body as Document;
    work = await mkdtemp(join(tmpdir(), 'coe-openapi-'));
    await writeFile(join(work, 'openapi.json'), JSON.stringify(doc));
  });

  afterAll(async () => {
    await t.close();
    await rm(work, { recursive: true, force: true });
  });

  const operations = () =>
    Object.entries(doc.paths).flatMap(([path, methods]) =>
      Object.entries(methods).map(([method, op]) => ({
        name: `${method.toUpperCase()} ${path}`,
        path,
        op,
      })),
    );

  it('is the document CI lints, built without a database', async () => {
    // npm run openapi:lint builds it in Nest's preview mode; it must be the one served.
    expect(await openApiDocumentWithoutDatabase()).toEqual(doc);
  });

  it('passes `redocly lint` with the recommended rules: no errors', async () => {
    const cli = join(ROOT, 'node_modules/@redocly/cli/bin/cli.js');
    const { stdout } = await run(
      process.execPath,
      [cli, 'lint', join(work, 'openapi.json'), '--extends', 'recommended', '--format', 'json'],
      {
        cwd: work,
        maxBuffer: 16 * 1024 * 1024,
        // No usage report to Redocly and no update check: the lint works offline.
        env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
      },
    ).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const problems = (JSON.parse(stdout) as { problems: LintProblem[] }).problems;
    const errors = problems
      .filter((p) => p.severity === 'error')
      .map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(errors).toEqual([]);
    // The warnings left are listed with their reasons in docs/conformance.md; none of these
    // cheap ones may come back.
    const fixed = ['operation-2xx-response', 'tag-description', 'no-unused-components'];
    expect(problems.filter((p) => fixed.includes(p.ruleId))).toEqual([]);
  });

  it('marks public routes `security: []`, gives every route a success answer and unique ids', () => {
    expect(doc.servers?.length).toBeGreaterThan(0);
    const declaredTags = new Set(doc.tags?.map((tag) => tag.name));
    const ids = new Set<string>();
    for (const { name, op } of operations()) {
      if (op['x-access'] === 'public')
        expect({ name, security: op.security }).toEqual({
          name,
          security: [],
        });
      else
        expect({ name, secured: (op.security?.length ?? 0) > 0 }).toEqual({ name, secured: true });
      expect({ name, success: Object.keys(op.responses).some((s) => /^[23]/.test(s)) }).toEqual({
        name,
        success: true,
      });
      expect(ids.has(op.operationId ?? '')).toBe(false);
      ids.add(op.operationId ?? '');
      for (const tag of op.tags ?? [])
        expect({ name, tag, declared: declaredTags.has(tag) }).toEqual({
          name,
          tag,
          declared: true,
        });
    }
  });

  it('pairs each media type with a schema of its kind: errors are JSON, files are strings', () => {
    const mismatched: string[] = [];
    for (const { name, op } of operations())
      for (const [status, response] of Object.entries(op.responses))
        for (const [mediaType, { schema }] of Object.entries(response.content ?? {})) {
          const json = JSON_TYPE.test(mediaType);
          // The app answers every error in the JSON error shape, whatever the route serves
          // (a page may say it to a browser in HTML too: GET /verify/{serial}'s 404).
          if (Number(status) >= 400 && !json && mediaType !== 'text/html')
            mismatched.push(`${name} ${status} ${mediaType}`);
          // A PDF, CSV, HTML page or JWT is a string, never an object schema.
          if (!json && (schema?.type !== 'string' || schema.$ref))
            mismatched.push(`${name} ${status} ${mediaType}: ${JSON.stringify(schema)}`);
        }
    expect(mismatched).toEqual([]);
    const pdf = doc.paths['/api/v1/certificates/{id}/pdf'].get.responses['200'];
    expect(pdf.content).toEqual({
      'application/pdf': { schema: { type: 'string', format: 'binary' } },
    });
  });

  it('describes the answers of the public credential routes', () => {
    const schemaOf = (path: string, method: string, mediaType = 'application/json') =>
      doc.paths[path][method].responses['200'].content?.[mediaType]?.schema;
    const component = (schema: Schema | undefined) =>
      schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema;
    expect(component(schemaOf('/.well-known/jwks.json', 'get'))?.properties).toHaveProperty('keys');
    expect(component(schemaOf('/issuer', 'get'))?.properties).toEqual(
      expect.objectContaining({
        '@context': expect.anything(),
        otherIdentifier: expect.anything(),
      }),
    );
    expect(component(schemaOf('/verify/{serial}', 'get'))?.properties).toHaveProperty('valid');
    expect(component(schemaOf('/verify', 'post'))?.properties).toHaveProperty('checks');
    expect(schemaOf('/credentials/status/{listId}', 'get', 'application/vc+jwt')).toEqual({
      type: 'string',
    });
    expect(
      component(schemaOf('/credentials/status/{listId}/{keyFingerprint}', 'get'))?.properties,
    ).toHaveProperty('credentialSubject');
    // `invalid` is what verification answers for a credential that does not verify.
    const verdict = component(schemaOf('/verify', 'post'))!;
    expect(verdict.properties?.status.enum).toContain('invalid');
  });

  it('types uuid-or-null fields as nullable uuid strings, and the credential as string or object', () => {
    const bareObjects: string[] = [];
    for (const [name, schema] of Object.entries(doc.components.schemas))
      for (const [property, value] of Object.entries(schema.properties ?? {}))
        // An object with nothing said of its content: what `string | null` becomes when the
        // type is left to TypeScript's metadata (Object). A nullable $ref (allOf) is fine.
        if (
          value.type === 'object' &&
          !['properties', 'additionalProperties', 'allOf', 'oneOf', 'anyOf'].some((k) => k in value)
        )
          bareObjects.push(`${name}.${property}`);
    expect(bareObjects).toEqual([]);
    for (const field of ['traineeId', 'instructorId', 'organisationId'])
      expect(doc.components.schemas.CreateUserDto.properties?.[field]).toEqual(
        expect.objectContaining({ type: 'string', format: 'uuid', nullable: true }),
      );
    const body = doc.paths['/verify'].post.requestBody!.content['application/json'].schema;
    const credential = component(body)?.properties?.credential;
    expect(credential?.oneOf?.map((s) => s.type)).toEqual(['string', 'object']);
    expect(credential?.oneOf?.[1].properties).toHaveProperty('proof');

    function component(schema: Schema | undefined) {
      return schema?.$ref ? doc.components.schemas[schema.$ref.split('/').pop()!] : schema;
    }
  });

  it('generates a TypeScript client that takes a Data Integrity object in POST /verify', async () => {
    await run(process.execPath, [
      join(ROOT, 'node_modules/openapi-typescript/bin/cli.js'),
      join(work, 'openapi.json'),
      '--output',
      join(work, 'schema.d.ts'),
    ]);
    // The sample CI type-checks (openapi-client/), pointed at these types.
    const sample = (await readFile(join(ROOT, 'openapi-client/verify-sample.ts'), 'utf8')).replace(
      "'../dist/openapi/schema.js'",
      "'./schema.js'",
    );
    expect(sample).toContain("'./schema.js'");
    const tsconfig = JSON.parse(
      await readFile(join(ROOT, 'openapi-client/tsconfig.json'), 'utf8'),
    ) as { compilerOptions: Record<string, unknown> };
    const check = async (source: string) => {
      await writeFile(join(work, 'verify-sample.ts'), source);
      await writeFile(
        join(work, 'tsconfig.json'),
        JSON.stringify({ ...tsconfig, files: ['verify-sample.ts'] }),
      );
      return run(process.execPath, [
        join(ROOT, 'node_modules/typescript/bin/tsc'),
        '-p',
        work,
      ]).then(
        () => '',
        (error: { stdout?: string }) => error.stdout ?? 'failed',
      );
    };
    expect(await check(sample)).toBe('');
    // The check can fail: a body the contract does not allow is refused by the compiler.
    const wrong = `${sample}\nexport const wrong: VerifyBody = { credential: 42 };\n`;
    expect(await check(wrong)).toMatch(/error TS/);
  });
});
