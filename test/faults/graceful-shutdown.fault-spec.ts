import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { mkdtemp, rm } from 'node:fs/promises';
import { Agent } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  ADMIN,
  call,
  callOrRefusal,
  startBuiltApp,
  type BuiltApp,
  type CallResult,
} from './built-app.js';
import { FaultDatabase, holdAuditChain, waitFor } from './fault-harness.js';

/** Below the pool size (10), so every one of them holds a connection inside its transaction. */
const IN_FLIGHT = 8;
/** From the last in-flight request's answer to the process's exit. */
const EXIT_WITHIN_MS = 5_000;

describe('SIGTERM during load (the built app as a process)', () => {
  let database: FaultDatabase;
  let workDir: string;
  let built: BuiltApp | undefined;

  beforeAll(async () => {
    database = await FaultDatabase.start('sigterm');
    workDir = await mkdtemp(join(tmpdir(), 'coe-fault-sigterm-app-'));
  });
  afterAll(async () => {
    if (built?.child.exitCode === null) built.child.kill('SIGKILL');
    await database?.destroy();
    await rm(workDir, { recursive: true, force: true });
  });

  it('finishes the requests in flight, refuses new ones and exits 0', async () => {
    built = await startBuiltApp(database, workDir);
    const { port } = built;
    const login = await call(port, 'POST', '/api/v1/auth/login', { body: ADMIN });
    expect(login.status).toBe(200);
    const token = (login.body as { accessToken: string }).accessToken;

    // Slow requests, made slow deterministically: each write waits for the audit chain, which
    // the test holds, so all of them are inside their transactions when the signal arrives.
    // Keep-alive, as browsers, proxies and HTTP client libraries do: a connection left open
    // after its answer must not keep the process from exiting.
    const agent = new Agent({ keepAlive: true, maxSockets: IN_FLIGHT });
    const chain = await holdAuditChain(database);
    const inFlight: Promise<CallResult>[] = Array.from({ length: IN_FLIGHT }, (_, i) =>
      call(port, 'POST', '/api/v1/organisations', {
        agent,
        token,
        body: { name: `Shutdown Operator ${i}`, country: 'UA', type: 'commercial' },
      }),
    );
    await waitFor(
      'every request to be in flight',
      async () => (await chain.waiters()) === IN_FLIGHT,
    );

    built.child.kill('SIGTERM');
    await waitFor('the app to stop taking connections', async () => {
      const attempt = await callOrRefusal(port, 'GET', '/health/live');
      return 'refused' in attempt || attempt.status === 503;
    });
    // A newcomer is turned away: connection refused, or 503 in the documented shape.
    const late = await callOrRefusal(port, 'GET', '/api/v1/organisations', { token });
    if ('refused' in late) expect(late.refused).toBe('ECONNREFUSED');
    else
      expect(late).toEqual({
        status: 503,
        body: expect.objectContaining({ code: 'SERVICE_UNAVAILABLE' }),
      });
    expect(built.child.exitCode).toBeNull();

    await chain.release();
    const answers = await Promise.all(inFlight);
    const answeredAt = Date.now();
    expect(answers.map((a) => a.status)).toEqual(Array(IN_FLIGHT).fill(201));

    const exit = await built.exited;
    expect(exit).toEqual({ code: 0, signal: null });
    expect(Date.now() - answeredAt).toBeLessThan(EXIT_WITHIN_MS);
    expect(built.output()).toContain('SIGTERM received');
    expect(built.output()).not.toContain('Shutdown took too long');
    agent.destroy();

    // What the clients were told was created, is.
    const ids = answers.map((a) => (a.body as { id: string }).id);
    const [stored] = await database.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM organisations WHERE id = ANY($1::uuid[])',
      [ids],
    );
    expect(stored.n).toBe(IN_FLIGHT);
  });
});
