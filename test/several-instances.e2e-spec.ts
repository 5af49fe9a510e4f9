import { afterAll, beforeAll, describe, expect, it, jest } from '@jest/globals';
import { ChangeFeed } from '../src/database/change-feed.js';
import { SignedInUsers } from '../src/auth/signed-in-users.js';
import { SigningKeysService } from '../src/credentials/signing-keys.service.js';
import { VerificationCache } from '../src/credentials/verification-cache.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeCertificate, makeCourse, makeTrainee } from './fixtures.js';

/**
 * Two instances of the app on one database, as behind a load balancer: what one changes, the
 * other must show at once, although both keep verifications in memory.
 */
describe('several instances on one database', () => {
  let a: TestApp;
  let b: TestApp;
  let adminA: SignedInUser;
  let courseId: string;
  let traineeId: string;

  beforeAll(async () => {
    a = await startTestApp();
    // The second instance also reads through a "replica" (here the same database), so the
    // replication settings are exercised end to end.
    b = await startPeerApp(a, { databaseReplicaUrls: [a.config.databaseUrl] });
    adminA = await createUser(a, ['admin']);
    courseId = (await makeCourse(a.db, { code: 'EOD2', title: 'EOD Level 2' })).id;
    traineeId = (await makeTrainee(a.db, { givenName: 'Leyla', familyName: 'Huseynova' })).id;
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const verify = (t: TestApp, serial: string) =>
    t.http.get(`/verify/${serial}`).set('Accept', 'application/json');

  async function cachedCertificate() {
    const cert = await makeCertificate(a.db, { traineeId, courseId });
    // Both instances have verified it once, so both now answer from memory.
    for (const t of [a, b]) expect((await verify(t, cert.serial)).body.status).toBe('active');
    expect(cached(b, cert.serial)).toBe(true);
    return cert;
  }

  it('a revocation through one instance is seen at once through the other', async () => {
    const cert = await cachedCertificate();
    const revoked = await a.http
      .post(`/api/v1/certificates/${cert.id}/revoke`)
      .set(adminA.auth)
      .send({ reason: 'fraud_or_misconduct', note: 'Forged assessment sheet' });
    expect(revoked.status).toBe(201);

    const seen = await verify(b, cert.serial);
    expect(seen.body).toMatchObject({ serial: cert.serial, valid: false, status: 'revoked' });
  });

  it('answers from the database while a committed change has not reached it yet', async () => {
    const cert = await cachedCertificate();
    await whileDeaf(b, async () => {
      await a.http
        .post(`/api/v1/certificates/${cert.id}/revoke`)
        .set(adminA.auth)
        .send({ reason: 'safety_breach', note: 'Unsafe handling of a fuze' })
        .expect(201);
      expect(cached(b, cert.serial)).toBe(true); // not evicted: nothing heard yet
      expect((await verify(b, cert.serial)).body.status).toBe('revoked');
    });
    await until(() => !cached(b, cert.serial));
  });

  it('a suspension and a reinstatement through one are seen through the other', async () => {
    const cert = await cachedCertificate();
    await a.http
      .post(`/api/v1/certificates/${cert.id}/suspend`)
      .set(adminA.auth)
      .send({ reason: 'qa_finding', note: 'Pending review' })
      .expect(201);
    expect((await verify(b, cert.serial)).body.status).toBe('suspended');
    await a.http
      .post(`/api/v1/certificates/${cert.id}/reinstate`)
      .set(adminA.auth)
      .send({ reason: 'qa_finding', note: 'Review closed' })
      .expect(201);
    expect((await verify(b, cert.serial)).body.status).toBe('active');
  });

  it('a change made in the database directly (not through any instance) is seen too', async () => {
    const cert = await cachedCertificate();
    await a.db.query(
      "UPDATE certificates SET status = 'revoked', status_reason = 'other' WHERE id = $1",
      [cert.id],
    );
    await until(() => !cached(b, cert.serial));
    expect((await verify(b, cert.serial)).body.status).toBe('revoked');
  });

  it("a holder's corrected name reaches every instance's cached verifications", async () => {
    const cert = await cachedCertificate();
    await a.db.query("UPDATE trainees SET family_name = 'Hüseynova' WHERE id = $1", [traineeId]);
    await until(() => !cached(b, cert.serial));
    expect((await verify(b, cert.serial)).body.holder).toBe('L. Hüseynova');
    expect(cached(b, cert.serial)).toBe(true);
  });

  it('serves nothing from memory while it cannot hear the database', async () => {
    const cert = await cachedCertificate();
    const feed = b.app.get(ChangeFeed);
    // Cut the listening connection from the server side, as a failover or restart would.
    await a.db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'coe-change-feed' AND datname = current_database()",
    );
    await until(() => !feed.live || !cached(b, cert.serial));
    expect(cached(b, cert.serial)).toBe(false);
    // Until it listens again, every verification reads the database.
    await a.db.query("UPDATE certificates SET status = 'suspended' WHERE id = $1", [cert.id]);
    expect((await verify(b, cert.serial)).body.status).toBe('suspended');
    await until(() => feed.live);
    expect((await verify(b, cert.serial)).body.status).toBe('suspended');
  });

  it('the instance with a read replica serves reads and writes', async () => {
    const admin = await createUser(b, ['admin']);
    const created = await b.http
      .post('/api/v1/organisations')
      .set(admin.auth)
      .send({ name: 'Regional Demining Unit', country: 'AZ', type: 'national_authority' });
    expect(created.status).toBe(201);
    const listed = await b.http.get('/api/v1/organisations?limit=200').set(admin.auth);
    expect(listed.status).toBe(200);
    expect((listed.body as { items: { id: string }[] }).items.map((o) => o.id)).toContain(
      (created.body as { id: string }).id,
    );
  });

  it('a key rotation through one instance is used at once by the other', async () => {
    const rotated = await a.http.post('/api/v1/signing-keys/rotate').set(adminA.auth).send({});
    expect(rotated.status).toBeLessThan(300);
    const kid = (rotated.body as { kid: string }).kid;
    // Without the announcement, the other instance would sign with the retired key for 30 s.
    const keys = b.app.get(SigningKeysService);
    await until(async () => (await keys.activeKey()).kid === kid);
    const jwks = await b.http.get('/.well-known/jwks.json');
    expect((jwks.body as { keys: { kid: string }[] }).keys.map((k) => k.kid)).toContain(kid);
  });
});

describe('several instances on one database: signed-in sessions held in memory', () => {
  let a: TestApp;
  let b: TestApp;

  beforeAll(async () => {
    a = await startTestApp();
    b = await startPeerApp(a);
  });

  afterAll(async () => {
    await b?.close();
    await a?.close();
  });

  const organisations = (t: TestApp, user: SignedInUser) =>
    t.http.get('/api/v1/organisations?limit=1').set(user.auth);

  const logout = (t: TestApp, user: SignedInUser) =>
    t.http
      .post('/api/v1/auth/logout')
      .set(user.auth)
      .send({ refreshToken: user.refreshToken })
      .expect(204);

  /** An admin whose session the second instance has checked twice, so it now holds it. */
  async function heldAdmin(): Promise<SignedInUser> {
    const admin = await createUser(a, ['admin']);
    for (let i = 0; i < 2; i++) expect((await organisations(b, admin)).status).toBe(200);
    expect(held(b, admin)).toBe(true);
    return admin;
  }

  it('answers a held session from memory: no read of the account or the session', async () => {
    const admin = await heldAdmin();
    const users = b.app.get(SignedInUsers) as unknown as { load: () => Promise<unknown> };
    const load = jest.spyOn(users, 'load');
    try {
      expect((await organisations(b, admin)).status).toBe(200);
      expect(load).not.toHaveBeenCalled();
    } finally {
      load.mockRestore();
    }
  });

  it('a logout through one instance ends the session at the other at once', async () => {
    const admin = await heldAdmin();
    await logout(a, admin);
    expectError(await organisations(b, admin), 401, 'INVALID_TOKEN');
  });

  it('disabling the account in the database directly ends its sessions everywhere at once', async () => {
    const admin = await heldAdmin();
    await a.db.query('UPDATE users SET disabled = true WHERE id = $1', [admin.id]);
    expectError(await organisations(b, admin), 401, 'INVALID_TOKEN');
  });

  it('a change of roles applies at once at the instance that held the session', async () => {
    const admin = await heldAdmin();
    const users = () => b.http.get('/api/v1/users?limit=1').set(admin.auth);
    expect((await users()).status).toBe(200);
    await a.db.query(`UPDATE users SET roles = '{trainee}' WHERE id = $1`, [admin.id]);
    expectError(await users(), 403);
  });

  it('reads the database while a committed logout has not reached it yet', async () => {
    const admin = await heldAdmin();
    await whileDeaf(b, async () => {
      await logout(a, admin);
      expect(held(b, admin)).toBe(true); // not evicted: nothing heard yet
      expectError(await organisations(b, admin), 401, 'INVALID_TOKEN');
    });
    await until(() => !held(b, admin));
  });

  it('holds nothing while it cannot hear the database', async () => {
    const admin = await heldAdmin();
    const feed = b.app.get(ChangeFeed);
    await a.db.query(
      "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = 'coe-change-feed' AND datname = current_database()",
    );
    await until(() => !feed.live || !held(b, admin));
    expect(held(b, admin)).toBe(false);
    await a.db.query('UPDATE users SET disabled = true WHERE id = $1', [admin.id]);
    expectError(await organisations(b, admin), 401, 'INVALID_TOKEN');
    await until(() => feed.live);
  });
});

/**
 * Runs `act` while every announcement reaching `t` is held back, as a slow network would, then
 * delivers them.
 */
async function whileDeaf(t: TestApp, act: () => Promise<void>): Promise<void> {
  const feed = t.app.get(ChangeFeed) as unknown as { heardOf: (change: unknown) => void };
  const deliver = feed.heardOf.bind(feed);
  const heldBack: unknown[] = [];
  feed.heardOf = (change) => heldBack.push(change);
  try {
    await act();
  } finally {
    feed.heardOf = deliver;
  }
  for (const change of heldBack) deliver(change);
}

function held(t: TestApp, user: SignedInUser): boolean {
  const { sid } = JSON.parse(
    Buffer.from(user.token.split('.')[1], 'base64url').toString('utf8'),
  ) as { sid: string };
  return t.app.get(SignedInUsers).has(sid);
}

function cached(t: TestApp, serial: string): boolean {
  return t.app.get(VerificationCache).has(serial);
}

/** Notifications travel asynchronously; wait (briefly) for a condition instead of sleeping. */
async function until(condition: () => boolean | Promise<boolean>, timeoutMs = 5_000) {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
