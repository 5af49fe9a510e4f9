import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './app.js';

interface Operation {
  summary?: string;
  'x-roles'?: string[];
  'x-access'?: string;
}

describe('OpenAPI document', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t.close());

  it('describes every route and states who may call it', async () => {
    const res = await t.http.get('/docs-json');
    expect(res.status).toBe(200);
    const undescribed: string[] = [];
    for (const [path, methods] of Object.entries(
      res.body.paths as Record<string, Record<string, Operation>>,
    )) {
      for (const [method, op] of Object.entries(methods)) {
        const who = op['x-access'] === 'public' || (op['x-roles']?.length ?? 0) > 0;
        if (!op.summary || !who) undescribed.push(`${method.toUpperCase()} ${path}`);
      }
    }
    expect(undescribed).toEqual([]);
    expect((await t.http.get('/docs')).status).toBe(200);
  });
});
