import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeOrganisation } from './fixtures.js';

describe('organisations', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let trainee: SignedInUser;
  let instructor: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    [admin, auditor, trainee, instructor] = await Promise.all([
      createUser(t, ['admin']),
      createUser(t, ['auditor']),
      createUser(t, ['trainee']),
      createUser(t, ['instructor']),
    ]);
  });
  afterAll(() => t.close());

  const anaMa = {
    name: 'Azerbaijan National Agency for Mine Action',
    country: 'AZ',
    type: 'national_authority',
  };
  const create = (body: unknown, user: SignedInUser = admin) =>
    t.http
      .post('/api/v1/organisations')
      .set(user.auth)
      .send(body as object);

  describe('POST /api/v1/organisations', () => {
    it('creates an organisation, upper-casing the country, and audits it', async () => {
      const res = await create({ name: '  The HALO Trust ', country: 'gb', type: 'ngo' });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        name: 'The HALO Trust',
        country: 'GB',
        type: 'ngo',
        contactEmail: null,
        version: 1,
        createdAt: expect.any(String),
        updatedAt: expect.any(String),
      });
      const events = await t.db
        .getRepository(AuditEvent)
        .findBy({ entityType: 'organisation', entityId: res.body.id });
      expect(events.map((e) => e.action)).toEqual(['organisation.created']);
      expect(events[0].actorId).toBe(admin.id);
    });

    it.each([
      ['a missing name', { country: 'AZ', type: 'ngo' }],
      ['an empty name', { name: '   ', country: 'AZ', type: 'ngo' }],
      ['a name that is too long', { name: 'x'.repeat(201), country: 'AZ', type: 'ngo' }],
      ['a control character', { name: 'Bad\u0007Name', country: 'AZ', type: 'ngo' }],
      ['a number as name', { name: 42, country: 'AZ', type: 'ngo' }],
      ['an unknown country', { name: 'X', country: 'ZZ', type: 'ngo' }],
      ['a three-letter country', { name: 'X', country: 'AZE', type: 'ngo' }],
      ['an unknown type', { name: 'X', country: 'AZ', type: 'charity' }],
      ['an unknown field', { ...anaMa, website: 'https://anama.gov.az' }],
      ['an array body', [anaMa]],
    ])('refuses %s with 400', async (_case, body) => {
      expectError(await create(body), 400);
    });

    it('refuses malformed JSON with 400', async () => {
      const res = await t.http
        .post('/api/v1/organisations')
        .set(admin.auth)
        .set('Content-Type', 'application/json')
        .send('{"name": ');
      expectError(res, 400, 'MALFORMED_BODY');
    });

    it.each([
      ['anonymous', 401, undefined],
      ['a trainee', 403, () => trainee],
      ['an instructor', 403, () => instructor],
      ['an auditor', 403, () => auditor],
    ])('answers %s with %i', async (_role, status, who) => {
      const req = t.http.post('/api/v1/organisations');
      if (who) void req.set(who().auth);
      expectError(await req.send(anaMa), status);
    });
  });

  describe('GET /api/v1/organisations', () => {
    let ids: string[];

    beforeAll(async () => {
      const made = await Promise.all([
        makeOrganisation(t.db, {
          name: 'Filter Danish Demining Group',
          country: 'DK',
          type: 'ngo',
        }),
        makeOrganisation(t.db, {
          name: 'Filter Azerbaijani Engineers',
          country: 'AZ',
          type: 'military',
        }),
        makeOrganisation(t.db, { name: 'Filter Safe Lane Ltd', country: 'AZ', type: 'commercial' }),
        makeOrganisation(t.db, { name: 'Filter 100%_Clear', country: 'UA', type: 'commercial' }),
      ]);
      ids = made.map((o) => o.id);
    });

    const list = (query: Record<string, string | number>, user: SignedInUser = admin) =>
      t.http.get('/api/v1/organisations').query(query).set(user.auth);
    const names = (res: { body: { items: { name: string }[] } }) =>
      res.body.items.map((o) => o.name);

    it('filters by name part in any case, sorted by name', async () => {
      const res = await list({ q: 'FILTER' });
      expect(res.status).toBe(200);
      expect(names(res)).toEqual([
        'Filter 100%_Clear',
        'Filter Azerbaijani Engineers',
        'Filter Danish Demining Group',
        'Filter Safe Lane Ltd',
      ]);
      expect(res.body.nextCursor).toBeNull();
    });

    it('treats % and _ in q literally', async () => {
      expect(names(await list({ q: '%_' }))).toEqual(['Filter 100%_Clear']);
    });

    it('filters by country (any case) and type', async () => {
      expect(names(await list({ q: 'filter', country: 'az' }))).toEqual([
        'Filter Azerbaijani Engineers',
        'Filter Safe Lane Ltd',
      ]);
      expect(names(await list({ q: 'filter', type: 'commercial' }))).toEqual([
        'Filter 100%_Clear',
        'Filter Safe Lane Ltd',
      ]);
      expect(names(await list({ q: 'filter', country: 'AZ', type: 'military' }))).toEqual([
        'Filter Azerbaijani Engineers',
      ]);
    });

    it('pages with a cursor', async () => {
      const seen: string[] = [];
      let cursor: string | null = null;
      do {
        const res = await list({ q: 'filter', limit: 3, ...(cursor ? { cursor } : {}) });
        expect(res.status).toBe(200);
        expect(res.body.items.length).toBeLessThanOrEqual(3);
        seen.push(...res.body.items.map((o: { id: string }) => o.id));
        cursor = res.body.nextCursor;
      } while (cursor);
      expect(seen.sort()).toEqual([...ids].sort());
    });

    it.each([
      ['an unknown type', { type: 'charity' }],
      ['a bad country', { country: 'XX' }],
      ['a limit over 200', { limit: 201 }],
      ['a limit of 0', { limit: 0 }],
      ['a garbage cursor', { cursor: 'not-a-cursor' }],
      ['an unknown parameter', { sort: 'name' }],
    ])('refuses %s with 400', async (_case, query) => {
      expectError(await list(query), 400);
    });

    it.each([
      ['trainee', () => trainee],
      ['instructor', () => instructor],
      ['auditor', () => auditor],
    ])('is open to the %s', async (_role, who) => {
      expect((await list({ q: 'filter' }, who())).status).toBe(200);
    });

    it('is refused to anonymous callers', async () => {
      expectError(await t.http.get('/api/v1/organisations'), 401);
    });
  });

  describe('GET /api/v1/organisations/:id', () => {
    it('returns one organisation to any signed-in user', async () => {
      const org = await makeOrganisation(t.db, { country: 'UA', type: 'commercial' });
      for (const user of [admin, auditor, trainee, instructor]) {
        const res = await t.http.get(`/api/v1/organisations/${org.id}`).set(user.auth);
        expect(res.status).toBe(200);
        expect(res.body).toMatchObject({
          id: org.id,
          country: 'UA',
          type: 'commercial',
          version: 1,
        });
      }
      expectError(await t.http.get(`/api/v1/organisations/${org.id}`), 401);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expectError(
        await t.http
          .get('/api/v1/organisations/00000000-0000-4000-8000-000000000000')
          .set(admin.auth),
        404,
        'NOT_FOUND',
      );
      expectError(
        await t.http.get('/api/v1/organisations/not-a-uuid').set(admin.auth),
        400,
        'INVALID_ID',
      );
    });
  });

  describe('PATCH /api/v1/organisations/:id', () => {
    const patch = (id: string, body: unknown, user: SignedInUser = admin) =>
      t.http
        .patch(`/api/v1/organisations/${id}`)
        .set(user.auth)
        .send(body as object);

    it('changes fields, bumps the version and audits before and after', async () => {
      const org = await makeOrganisation(t.db, { name: 'Old Name', country: 'AZ', type: 'ngo' });
      const res = await patch(org.id, { name: 'New Name', country: 'ge', version: 1 });
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ name: 'New Name', country: 'GE', type: 'ngo', version: 2 });
      const [event] = await t.db
        .getRepository(AuditEvent)
        .findBy({ entityType: 'organisation', entityId: org.id, action: 'organisation.updated' });
      expect(event.data).toMatchObject({
        before: { name: 'Old Name', country: 'AZ' },
        after: { name: 'New Name', country: 'GE' },
      });
    });

    it('refuses a stale version with 409 and the current version', async () => {
      const org = await makeOrganisation(t.db);
      expect((await patch(org.id, { type: 'military' })).status).toBe(200);
      const stale = expectError(
        await patch(org.id, { type: 'other', version: 1 }),
        409,
        'STALE_VERSION',
      );
      expect(stale.details).toEqual({ currentVersion: 2 });
    });

    it('writes nothing when nothing actually changes', async () => {
      const org = await makeOrganisation(t.db, { type: 'ngo' });
      const res = await patch(org.id, { type: 'ngo' });
      expect(res.status).toBe(200);
      expect(res.body.version).toBe(1);
    });

    it.each([
      ['an empty body', {}],
      ['a null name', { name: null }],
      ['a null type', { type: null }],
      ['an unknown type', { type: 'charity' }],
      ['a bad country', { country: 'A1' }],
      ['a string version', { name: 'X', version: '1' }],
      ['an unknown field', { id: '00000000-0000-4000-8000-000000000000' }],
    ])('refuses %s with 400', async (_case, body) => {
      const org = await makeOrganisation(t.db);
      expectError(await patch(org.id, body), 400);
    });

    it('answers 404 for an unknown organisation', async () => {
      expectError(
        await patch('00000000-0000-4000-8000-000000000000', { name: 'X' }),
        404,
        'NOT_FOUND',
      );
    });

    it.each([
      ['anonymous', 401, undefined],
      ['a trainee', 403, () => trainee],
      ['an instructor', 403, () => instructor],
      ['an auditor', 403, () => auditor],
    ])('answers %s with %i', async (_role, status, who) => {
      const org = await makeOrganisation(t.db);
      const req = t.http.patch(`/api/v1/organisations/${org.id}`);
      if (who) void req.set(who().auth);
      // Authorization comes first: even a malformed body gets 401/403.
      expectError(await req.send({ type: 'nonsense' }), status);
    });
  });
});
