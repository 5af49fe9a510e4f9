import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { getDataSourceToken } from '@nestjs/typeorm';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { createApp } from '../src/app.factory.js';
import { setLogDestination } from '../src/logging.js';
import { testConfig, type TestApp } from './app.js';
import { createTestDatabase } from './database.js';
import { createUser } from './factories.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// Its own app with logs captured (nestjs-pino keeps the first app's destination per process).
describe('request ids', () => {
  let database: { url: string; drop: () => Promise<void> };
  let t: TestApp;
  const lines: string[] = [];

  beforeAll(async () => {
    database = await createTestDatabase();
    setLogDestination({ write: (line: string) => void lines.push(line) });
    try {
      const config = testConfig(database.url, { logLevel: 'info' });
      const app: NestFastifyApplication = await createApp(config, { logs: true });
      await app.init();
      await app.getHttpAdapter().getInstance().ready();
      t = {
        app,
        http: supertest(app.getHttpServer()),
        db: app.get<DataSource>(getDataSourceToken()),
        config,
        close: () => app.close(),
      };
    } finally {
      setLogDestination(undefined);
    }
  });
  afterAll(async () => {
    await t?.close();
    await database?.drop();
  });

  it("keeps the server's own id for every request, and records the client's beside it", async () => {
    const admin = await createUser(t, ['admin']);
    const create = (name: string, clientId: string) =>
      t.http
        .post('/api/v1/organisations')
        .set(admin.auth)
        .set('X-Request-Id', clientId)
        .send({ name, country: 'AZ', type: 'ngo' });
    // Two changes sent with the same id: an attacker trying to make their events collide.
    const first = await create('Collision Operator 1', 'client-id-7');
    const second = await create('Collision Operator 2', 'client-id-7');
    // Characters a log line or a header should not carry are dropped; the length is capped.
    const hostile = await create('Collision Operator 3', `evil<script>"x${'z'.repeat(300)}`);
    for (const res of [first, second, hostile]) expect(res.status).toBe(201);

    const ids = [first, second, hostile].map((r) => r.headers['x-request-id']);
    for (const id of ids) expect(id).toMatch(UUID);
    expect(new Set(ids).size).toBe(3);

    const events = (await t.db.query(
      `SELECT entity_id, request_id, client_request_id FROM audit_events
        WHERE action = 'organisation.created' ORDER BY seq`,
    )) as { entity_id: string; request_id: string; client_request_id: string | null }[];
    expect(events).toEqual([
      { entity_id: first.body.id, request_id: ids[0], client_request_id: 'client-id-7' },
      { entity_id: second.body.id, request_id: ids[1], client_request_id: 'client-id-7' },
      {
        entity_id: hostile.body.id,
        request_id: ids[2],
        client_request_id: `evilscriptx${'z'.repeat(89)}`,
      },
    ]);

    // The API shows both; the chain (which now hashes the client's id too) still verifies.
    const auditor = await createUser(t, ['auditor']);
    const listed = await t.http
      .get('/api/v1/audit-events')
      .query({ entityId: first.body.id })
      .set(auditor.auth);
    expect(listed.body.items[0]).toMatchObject({
      requestId: ids[0],
      clientRequestId: 'client-id-7',
    });
    const verified = await t.http.get('/api/v1/audit-events/verification').set(auditor.auth);
    expect(verified.body).toMatchObject({ intact: true });

    // The request log line carries the server's id and, beside it, the client's.
    const logged = lines
      .map((line) => JSON.parse(line) as { req?: { id: string; clientRequestId?: string } })
      .filter((l) => l.req && ids.includes(l.req.id))
      .map((l) => [l.req!.id, l.req!.clientRequestId]);
    expect(logged).toEqual(
      expect.arrayContaining([
        [ids[0], 'client-id-7'],
        [ids[1], 'client-id-7'],
        [ids[2], `evilscriptx${'z'.repeat(89)}`],
      ]),
    );
  });

  it('logs GET /verify/:serial (served past the middleware) with the same line as any route', async () => {
    const verify = await t.http
      .get('/verify/COE-NONE-2026-XXXXXX')
      .query({ lang: 'az' })
      .set('Accept', 'application/json')
      .set('X-Request-Id', 'inspector-scan-1');
    const catalogue = await t.http.get('/api/v1/courses').set('X-Request-Id', 'catalogue-1');
    expect(verify.status).toBe(404);
    const lineOf = (id: string) =>
      lines
        .map((line) => JSON.parse(line) as Record<string, unknown> & { req?: { id: string } })
        .filter((l) => l.req?.id === id);
    const [verifyLine, ...more] = lineOf(verify.headers['x-request-id'] as string);
    expect(more).toEqual([]);
    expect(verifyLine).toMatchObject({
      level: 40,
      msg: 'request completed',
      req: {
        id: verify.headers['x-request-id'],
        clientRequestId: 'inspector-scan-1',
        method: 'GET',
        // The path only: a query string is not logged.
        url: '/verify/COE-NONE-2026-XXXXXX',
      },
      res: { statusCode: 404 },
      responseTime: expect.any(Number),
    });
    const [otherLine] = lineOf(catalogue.headers['x-request-id'] as string);
    expect(Object.keys(verifyLine).sort()).toEqual(Object.keys(otherLine).sort());
    expect(Object.keys(verifyLine.req as object).sort()).toEqual(
      Object.keys(otherLine.req as object).sort(),
    );
  });

  it('gives a request without X-Request-Id its own id, and no client id', async () => {
    const res = await t.http.get('/health/live');
    expect(res.headers['x-request-id']).toMatch(UUID);
  });
});
