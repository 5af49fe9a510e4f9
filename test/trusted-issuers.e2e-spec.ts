import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { generateKeyPairSync } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { JWK } from 'jose';
import { AuditEvent } from '../src/audit/audit-event.entity.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { ForeignCentre } from './foreign-centre.js';

/** The did:key of the W3C examples: well formed, trusted by nobody here. */
const SOME_DID = 'did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK';

describe('trusted issuers', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let trainee: SignedInUser;
  let centre: ForeignCentre;
  let jwksServer: Server;
  let jwksBase: string;
  const jwksHits: string[] = [];
  const publicJwk = generateKeyPairSync('ed25519').publicKey.export({ format: 'jwk' }) as JWK;

  beforeAll(async () => {
    t = await startTestApp();
    [admin, auditor, trainee] = await Promise.all([
      createUser(t, ['admin']),
      createUser(t, ['auditor']),
      createUser(t, ['trainee']),
    ]);
    centre = await ForeignCentre.create('Georgian Demining Training Centre');
    jwksServer = createServer((request, response) => {
      jwksHits.push(request.url ?? '');
      if (request.url === '/jwks.json')
        response.writeHead(200, { 'content-type': 'application/json' }).end(
          JSON.stringify({
            keys: [
              { ...publicJwk, kid: 'gdtc-2025' },
              { kty: 'EC', crv: 'P-256', x: 'a', y: 'b', kid: 'ec' },
            ],
          }),
        );
      else if (request.url === '/moved') response.writeHead(302, { location: '/jwks.json' }).end();
      else if (request.url === '/huge')
        response
          .writeHead(200, { 'content-type': 'application/json' })
          .end(`{"keys": [], "pad": "${'x'.repeat(300_000)}"}`);
      else response.writeHead(404).end();
    });
    await new Promise<void>((resolve) => jwksServer.listen(0, '127.0.0.1', resolve));
    jwksBase = `http://127.0.0.1:${(jwksServer.address() as AddressInfo).port}`;
  });
  afterAll(async () => {
    await new Promise<void>((resolve) => jwksServer.close(() => resolve()));
    await t.close();
  });

  const create = (body: object, user = admin) =>
    t.http.post('/api/v1/trusted-issuers').set(user.auth).send(body);

  it('adds an issuer by its did:key, lower-casing the hosts, and audits it', async () => {
    const res = await create({
      name: '  Georgian Demining Training Centre ',
      country: 'ge',
      did: centre.did,
      statusListHosts: ['Status.GDTC.example', 'status.gdtc.example', '127.0.0.1:8443'],
    });
    expect(res.status).toBe(201);
    expect(res.body).toEqual({
      id: expect.any(String),
      name: 'Georgian Demining Training Centre',
      country: 'GE',
      did: centre.did,
      jwksUrl: null,
      jwks: null,
      statusListHosts: ['status.gdtc.example', '127.0.0.1:8443'],
      version: 1,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
    });
    const events = await t.db
      .getRepository(AuditEvent)
      .findBy({ entityType: 'trusted_issuer', entityId: res.body.id });
    expect(events.map((e) => [e.action, e.actorId])).toEqual([
      ['trusted_issuer.created', admin.id],
    ]);
    expectError(
      await create({ name: 'Again', country: 'GE', did: centre.did }),
      409,
      'TRUSTED_ISSUER_EXISTS',
    );
  });

  it.each([
    ['no did and no JWKS', { name: 'X', country: 'UA' }],
    ['a did:web', { name: 'X', country: 'UA', did: 'did:web:training.example' }],
    [
      'a P-256 did:key',
      {
        name: 'X',
        country: 'UA',
        did: 'did:key:zDnaerDaTF5BXEavCrfRZEk316dpbLsfPDZ3WJ5hRTPFU2169',
      },
    ],
    [
      'a jwksUrl without its keys',
      { name: 'X', country: 'UA', jwksUrl: 'https://training.example/jwks.json' },
    ],
    [
      'a JWKS with a private key',
      { name: 'X', country: 'UA', jwks: { keys: [{ ...publicJwk, d: publicJwk.x, kid: 'k' }] } },
    ],
    ['a JWKS key without kid', { name: 'X', country: 'UA', jwks: { keys: [publicJwk] } }],
    [
      'a host with a path',
      { name: 'X', country: 'UA', did: SOME_DID, statusListHosts: ['status.example/lists'] },
    ],
    [
      'a host with a scheme',
      { name: 'X', country: 'UA', did: SOME_DID, statusListHosts: ['https://status.example'] },
    ],
    ['an unknown country', { name: 'X', country: 'ZZ', did: SOME_DID }],
    ['an unknown field', { name: 'X', country: 'UA', did: SOME_DID, trustLevel: 'high' }],
    ['fetchJwks without jwksUrl', { name: 'X', country: 'UA', fetchJwks: true }],
  ])('refuses %s with 400', async (_case, body) => {
    expectError(await create(body), 400);
  });

  it('stores a JWKS given in the body, or fetched once at the admin’s request', async () => {
    const given = await create({
      name: 'Kyiv EOD School',
      country: 'UA',
      jwksUrl: 'https://eod.example/.well-known/jwks.json',
      jwks: { keys: [{ ...publicJwk, kid: 'kyiv-1' }] },
    });
    expect(given.status).toBe(201);
    expect(given.body.jwks).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid: 'kyiv-1' }],
    });

    const fetched = await create({
      name: 'Tbilisi',
      country: 'GE',
      jwksUrl: `${jwksBase}/jwks.json`,
      fetchJwks: true,
    });
    expect(fetched.status).toBe(201);
    // Only the Ed25519 key is kept.
    expect(fetched.body.jwks).toEqual({
      keys: [{ kty: 'OKP', crv: 'Ed25519', x: publicJwk.x, kid: 'gdtc-2025' }],
    });
    expect(jwksHits).toEqual(['/jwks.json']);
    // Reading it does not fetch again.
    expect(
      (await t.http.get(`/api/v1/trusted-issuers/${fetched.body.id}`).set(auditor.auth)).status,
    ).toBe(200);
    expect(jwksHits).toEqual(['/jwks.json']);

    for (const path of ['/missing', '/moved', '/huge']) {
      expectError(
        await create({
          name: 'Broken',
          country: 'GE',
          jwksUrl: `${jwksBase}${path}`,
          fetchJwks: true,
        }),
        422,
        'JWKS_UNAVAILABLE',
      );
    }
  });

  it('changes, lists and removes, with optimistic versions and an audit trail', async () => {
    const other = await ForeignCentre.create('Armenian Centre for Humanitarian Demining');
    const created = await create({ name: other.name, country: 'AM', did: other.did });
    const id = created.body.id as string;
    const changed = await t.http
      .patch(`/api/v1/trusted-issuers/${id}`)
      .set(admin.auth)
      .send({ statusListHosts: ['status.chd.example'], version: 1 });
    expect(changed.status).toBe(200);
    expect(changed.body).toMatchObject({ statusListHosts: ['status.chd.example'], version: 2 });
    expectError(
      await t.http
        .patch(`/api/v1/trusted-issuers/${id}`)
        .set(admin.auth)
        .send({ name: 'Late', version: 1 }),
      409,
      'STALE_VERSION',
    );
    expectError(await t.http.patch(`/api/v1/trusted-issuers/${id}`).set(admin.auth).send({}), 400);
    expectError(
      await t.http.patch(`/api/v1/trusted-issuers/${id}`).set(admin.auth).send({ did: null }),
      400,
    );

    const list = await t.http.get('/api/v1/trusted-issuers?limit=2').set(auditor.auth);
    expect(list.status).toBe(200);
    expect(list.body.items).toHaveLength(2);
    expect(typeof list.body.nextCursor).toBe('string');

    expectError(await t.http.delete(`/api/v1/trusted-issuers/${id}`).set(auditor.auth), 403);
    expect((await t.http.delete(`/api/v1/trusted-issuers/${id}`).set(admin.auth)).status).toBe(204);
    expectError(await t.http.get(`/api/v1/trusted-issuers/${id}`).set(admin.auth), 404);
    expectError(await t.http.delete(`/api/v1/trusted-issuers/${id}`).set(admin.auth), 404);
    const events = await t.db.getRepository(AuditEvent).find({
      where: { entityType: 'trusted_issuer', entityId: id },
      order: { seq: 'ASC' },
    });
    expect(events.map((e) => e.action)).toEqual([
      'trusted_issuer.created',
      'trusted_issuer.updated',
      'trusted_issuer.removed',
    ]);
  });

  it('is read by auditors and kept by admins only', async () => {
    expectError(await create({ name: 'X', country: 'UA', did: centre.did }, auditor), 403);
    expectError(await t.http.get('/api/v1/trusted-issuers').set(trainee.auth), 403);
    expectError(await t.http.get('/api/v1/trusted-issuers'), 401);
    expectError(await t.http.get('/api/v1/trusted-issuers/not-a-uuid').set(admin.auth), 400);
  });
});
