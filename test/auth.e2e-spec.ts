import { permissionsOf } from '../src/access/access-policy.js';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startTestApp, type TestApp } from './app.js';
import { DEMO_PASSWORD } from '../src/database/seed.js';
import { createUser, expectError, TEST_PASSWORD, type SignedInUser } from './factories.js';

describe('auth and accounts', () => {
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    t = await startTestApp();
    admin = await createUser(t, ['admin']);
  });
  afterAll(() => t.close());

  const login = (email: string, password: string) =>
    t.http.post('/api/v1/auth/login').send({ email, password });

  describe('login', () => {
    it('returns a token pair and the user', async () => {
      const user = await createUser(t, ['trainee']);
      const res = await login(user.email.toUpperCase(), TEST_PASSWORD);
      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        accessToken: expect.any(String),
        refreshToken: expect.any(String),
        tokenType: 'Bearer',
        expiresIn: 900,
        user: {
          id: user.id,
          email: user.email,
          roles: ['trainee'],
          traineeId: null,
          instructorId: null,
          organisationId: null,
          disabled: false,
          invitationPending: false,
          permissions: permissionsOf({ roles: ['trainee'] }),
        },
      });
      expect(res.headers['x-request-id']).toBeTruthy();
    });

    it('gives the same 401 for an unknown email and a wrong password', async () => {
      const user = await createUser(t, ['trainee']);
      const unknown = expectError(
        await login('nobody@coe.test', TEST_PASSWORD),
        401,
        'INVALID_CREDENTIALS',
      );
      const wrong = expectError(
        await login(user.email, 'Wrong-password-123'),
        401,
        'INVALID_CREDENTIALS',
      );
      expect(unknown.message).toBe(wrong.message);
    });

    it('throttles an account after 10 failures with 429 and Retry-After, even for the right password', async () => {
      const user = await createUser(t, ['trainee']);
      for (let i = 0; i < 10; i++) {
        expectError(await login(user.email, `Wrong-password-${i}xx`), 401);
      }
      const throttled = await login(user.email, TEST_PASSWORD);
      expectError(throttled, 429, 'RATE_LIMITED');
      expect(Number(throttled.headers['retry-after'])).toBeGreaterThan(0);
      // Another account from the same address is not locked out by this one.
      const other = await createUser(t, ['trainee']);
      expect((await login(other.email, TEST_PASSWORD)).status).toBe(200);
    });

    it('refuses a disabled account, and its existing tokens stop working', async () => {
      const user = await createUser(t, ['trainee']);
      const patch = await t.http
        .patch(`/api/v1/users/${user.id}`)
        .set(admin.auth)
        .send({ disabled: true });
      expect(patch.status).toBe(200);
      expect(patch.body.disabled).toBe(true);
      expectError(await login(user.email, TEST_PASSWORD), 401);
      expectError(await t.http.get('/api/v1/auth/me').set(user.auth), 401);
      expectError(
        await t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
        401,
      );
    });

    it('answers 400 for a malformed body', async () => {
      expectError(
        await t.http.post('/api/v1/auth/login').send({ email: 42 }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await t.http
          .post('/api/v1/auth/login')
          .set('Content-Type', 'application/json')
          .send('{"email":'),
        400,
        'MALFORMED_BODY',
      );
      expectError(
        await t.http
          .post('/api/v1/auth/login')
          .send({ email: 'a@b.c', password: 'x', admin: true }),
        400,
        'VALIDATION_FAILED',
      );
    });
  });

  describe('refresh tokens', () => {
    it('rotates: the old token stops working and reuse revokes the whole chain', async () => {
      const user = await createUser(t, ['trainee']);
      const first = await t.http
        .post('/api/v1/auth/refresh')
        .send({ refreshToken: user.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body.refreshToken).not.toBe(user.refreshToken);

      // The used token is refused ...
      expectError(
        await t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
        401,
      );
      // ... and its reuse revoked the newer token of the same chain.
      expectError(
        await t.http.post('/api/v1/auth/refresh').send({ refreshToken: first.body.refreshToken }),
        401,
      );

      // A separate sign-in is a separate chain and still works.
      const again = await login(user.email, TEST_PASSWORD);
      expect(
        (await t.http.post('/api/v1/auth/refresh').send({ refreshToken: again.body.refreshToken }))
          .status,
      ).toBe(200);
    });

    it('refuses unknown tokens', async () => {
      expectError(await t.http.post('/api/v1/auth/refresh').send({ refreshToken: 'made-up' }), 401);
    });

    it('gives exactly one new pair when the same token is presented twice at once', async () => {
      const user = await createUser(t, ['trainee']);
      const results = await Promise.all(
        [1, 2].map(() =>
          t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
        ),
      );
      expect(results.map((r) => r.status).sort()).toEqual([200, 401]);
    });
  });

  describe('me, logout and password change', () => {
    it('me returns the signed-in user', async () => {
      const user = await createUser(t, ['auditor']);
      const res = await t.http.get('/api/v1/auth/me').set(user.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ id: user.id, email: user.email, roles: ['auditor'] });
      expect(res.body).not.toHaveProperty('passwordHash');
    });

    it('logout ends the refresh chain', async () => {
      const user = await createUser(t, ['trainee']);
      const res = await t.http
        .post('/api/v1/auth/logout')
        .set(user.auth)
        .send({ refreshToken: user.refreshToken });
      expect(res.status).toBe(204);
      expectError(
        await t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
        401,
      );
    });

    it('changes the password only with the current one, and ends existing sessions', async () => {
      const user = await createUser(t, ['trainee']);
      const newPassword = 'Another-Long-Passphrase-9';
      expectError(
        await t.http
          .post('/api/v1/auth/password')
          .set(user.auth)
          .send({ currentPassword: 'wrong-current-pw', newPassword }),
        400,
        'INVALID_CURRENT_PASSWORD',
      );
      const ok = await t.http
        .post('/api/v1/auth/password')
        .set(user.auth)
        .send({ currentPassword: TEST_PASSWORD, newPassword });
      expect(ok.status).toBe(204);
      expectError(await t.http.get('/api/v1/auth/me').set(user.auth), 401);
      expectError(
        await t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
        401,
      );
      expectError(await login(user.email, TEST_PASSWORD), 401);
      expect((await login(user.email, newPassword)).status).toBe(200);
    });

    it('enforces the password rules with 400', async () => {
      const user = await createUser(t, ['trainee']);
      for (const newPassword of [
        'short-pw',
        'x'.repeat(129),
        'password1234',
        'qwerty123456',
        'aaaaaaaaaaaaaa',
        // Breached passwords with the usual changes: case, leet, years, digits and symbols.
        'Password12345',
        'P@ssw0rd2026',
        'Welcome2026!',
        '!!Dragon1987!!',
        'PasswordPassword1',
        // Built from the service's own words, the demo password or the user's e-mail.
        DEMO_PASSWORD,
        'Mine-Action-2026!',
        'CoE-Demining-77!',
        `${user.email.split('@')[0]}!`,
      ]) {
        expectError(
          await t.http
            .post('/api/v1/auth/password')
            .set(user.auth)
            .send({ currentPassword: TEST_PASSWORD, newPassword }),
          400,
          'VALIDATION_FAILED',
        );
      }
      // Any characters are allowed, counted as characters: 12 Azerbaijani letters are enough.
      const ok = await t.http
        .post('/api/v1/auth/password')
        .set(user.auth)
        .send({ currentPassword: TEST_PASSWORD, newPassword: 'şəğıöçüŞƏĞIÖ' });
      expect(ok.status).toBe(204);
    });
  });

  describe('access control', () => {
    it('401 without a token, with a bad token, or with a token signed by another key', async () => {
      expectError(await t.http.get('/api/v1/auth/me'), 401);
      expectError(await t.http.get('/api/v1/auth/me').set('Authorization', 'Bearer nonsense'), 401);
      const [h, p] = admin.token.split('.');
      expectError(
        await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${h}.${p}.AAAA`),
        401,
      );
      const none = `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT' })).toString('base64url')}.${p}.`;
      expectError(await t.http.get('/api/v1/auth/me').set('Authorization', `Bearer ${none}`), 401);
    });

    it('decides authorization before validating the body', async () => {
      // Anonymous with garbage: 401, not 400.
      expectError(
        await t.http
          .post('/api/v1/users')
          .set('Content-Type', 'application/json')
          .send('{not json'),
        401,
      );
      const trainee = await createUser(t, ['trainee']);
      expectError(
        await t.http.post('/api/v1/users').set(trainee.auth).send({ nonsense: true }),
        403,
      );
    });

    it('answers 413 for a body over 1 MB', async () => {
      const res = await t.http
        .post('/api/v1/auth/login')
        .send({ email: 'a@b.c', password: 'x'.repeat(1024 * 1024 + 10) });
      expectError(res, 413, 'PAYLOAD_TOO_LARGE');
    });

    it('answers 404 in the error shape for unknown routes', async () => {
      expectError(await t.http.get('/api/v1/nothing-here'), 404);
    });

    it('sets security headers', async () => {
      const res = await t.http.get('/health/live');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['content-security-policy']).toContain("default-src 'self'");
    });
  });

  describe('users (admin)', () => {
    it('an admin creates users with roles; others may not', async () => {
      const res = await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({
          email: 'New.Instructor@coe.test',
          password: 'Long-Enough-Password-1',
          roles: ['instructor'],
        });
      expect(res.status).toBe(201);
      expect(res.body).toEqual({
        id: expect.any(String),
        email: 'new.instructor@coe.test',
        roles: ['instructor'],
        traineeId: null,
        instructorId: null,
        organisationId: null,
        disabled: false,
        invitationPending: false,
        permissions: permissionsOf({ roles: ['instructor'] }),
      });
      expect((await login('new.instructor@coe.test', 'Long-Enough-Password-1')).status).toBe(200);
      expectError(
        await t.http
          .post('/api/v1/users')
          .set(admin.auth)
          .send({
            email: 'new.instructor@coe.test',
            password: 'Long-Enough-Password-1',
            roles: ['trainee'],
          }),
        409,
        'EMAIL_TAKEN',
      );
      expectError(
        await t.http
          .post('/api/v1/users')
          .set(admin.auth)
          .send({ email: 'x@coe.test', password: 'Long-Enough-Password-1', roles: ['superuser'] }),
        400,
      );
      for (const role of ['trainee', 'instructor', 'auditor'] as const) {
        const other = await createUser(t, [role]);
        expectError(
          await t.http
            .post('/api/v1/users')
            .set(other.auth)
            .send({ email: 'y@coe.test', password: 'Long-Enough-Password-1', roles: ['admin'] }),
          403,
        );
        expectError(
          await t.http
            .patch(`/api/v1/users/${other.id}`)
            .set(other.auth)
            .send({ roles: ['admin'] }),
          403,
        );
      }
    });

    it("refuses a password built from the new account's own e-mail address", async () => {
      const res = await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({
          email: 'gulnara.mammadova@coe.test',
          password: 'Gulnara.Mammadova1!',
          roles: ['trainee'],
        });
      const body = expectError(res, 400, 'VALIDATION_FAILED');
      expect(JSON.stringify(body.details)).toContain('password');
    });

    it('normalises look-alike e-mails (NFKC) and refuses invisible and mixed-script ones', async () => {
      const password = 'Long-Enough-Password-1';
      const create = (email: string) =>
        t.http
          .post('/api/v1/users')
          .set(admin.auth)
          .send({ email, password, roles: ['trainee'] });
      const fullwidth = (text: string) =>
        text.replace(/[!-~]/g, (c) => String.fromCodePoint(c.codePointAt(0)! + 0xfee0));

      // Fullwidth letters are the same address: stored in ASCII, and a duplicate of an existing one.
      const created = await create(fullwidth('Wide.Letters@coe.test'));
      expect(created.status).toBe(201);
      expect(created.body.email).toBe('wide.letters@coe.test');
      expectError(await create(fullwidth(admin.email)), 409, 'EMAIL_TAKEN');
      // Signing in normalises the same way.
      expect((await login(fullwidth('WIDE.letters@coe.test'), password)).status).toBe(200);

      for (const email of [
        '\u0430dmin@coe.test', // Cyrillic а among Latin letters
        'ad\u200bmin@coe.test', // zero-width space
        'admin\u00ad@coe.test', // soft hyphen
        'adm\u0131n@coe.test', // dotless ı
        'admin@c\u043ee.test', // Cyrillic о in the domain
        '\u0430\u0441\u0435@coe.test', // all Cyrillic, but every letter looks Latin ("ace")
        'ad\u202emin@coe.test', // right-to-left override
      ]) {
        const body = expectError(await create(email), 400, 'VALIDATION_FAILED');
        expect(body.details).toEqual({
          fields: [{ field: 'email', messages: [expect.stringMatching(/^email /)] }],
        });
      }
      const rows = (await t.db.query(
        "SELECT count(*)::int AS n FROM users WHERE email !~ '^[ -~]*$'",
      )) as { n: number }[];
      expect(rows[0].n).toBe(0);

      // Internationalised addresses in one script, accents included, are fine.
      for (const email of ['ay\u015fe.g\u00fcl@coe.test', '\u0438\u0432\u0430\u043d@coe.test']) {
        const res = await create(email);
        expect(res.status).toBe(201);
        expect(res.body.email).toBe(email);
      }
    });

    it('applies the same e-mail rules to instructors, whose e-mail is their natural key', async () => {
      const create = (email: string) =>
        t.http
          .post('/api/v1/instructors')
          .set(admin.auth)
          .send({ givenName: 'Rashad', familyName: 'Aliyev', email });
      expect((await create('rashad.aliyev@coe.test')).status).toBe(201);
      expectError(await create('r\u0430shad.aliyev@coe.test'), 400, 'VALIDATION_FAILED');
      expectError(await create('rashad.aliyev\u200b@coe.test'), 400, 'VALIDATION_FAILED');
      expectError(await create('\uff52ashad.aliyev@coe.test'), 409, 'INSTRUCTOR_EMAIL_TAKEN');
    });

    it('lists users with cursor pagination; auditors may read', async () => {
      const auditor = await createUser(t, ['auditor']);
      const first = await t.http.get('/api/v1/users?limit=2').set(auditor.auth);
      expect(first.status).toBe(200);
      expect(first.body.items).toHaveLength(2);
      expect(first.body.nextCursor).toEqual(expect.any(String));
      const second = await t.http
        .get(`/api/v1/users?limit=2&cursor=${first.body.nextCursor}`)
        .set(auditor.auth);
      expect(second.status).toBe(200);
      const ids = new Set(
        [...first.body.items, ...second.body.items].map((u: { id: string }) => u.id),
      );
      expect(ids.size).toBe(first.body.items.length + second.body.items.length);
      expectError(await t.http.get('/api/v1/users?limit=500').set(auditor.auth), 400);
      expectError(
        await t.http.get('/api/v1/users?cursor=garbage').set(auditor.auth),
        400,
        'INVALID_CURSOR',
      );
      expectError(await t.http.get('/api/v1/users/not-a-uuid').set(auditor.auth), 400);
      expectError(
        await t.http.get('/api/v1/users/00000000-0000-4000-8000-000000000000').set(auditor.auth),
        404,
      );
    });

    it('writes audit events for account changes, without secrets', async () => {
      const res = await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({
          email: 'audited@coe.test',
          password: 'Long-Enough-Password-1',
          roles: ['trainee'],
        });
      const rows = (await t.db.query('SELECT * FROM audit_events WHERE entity_id = $1', [
        res.body.id,
      ])) as {
        action: string;
        actor_id: string;
        data: unknown;
      }[];
      expect(rows).toHaveLength(1);
      expect(rows[0].action).toBe('user.created');
      expect(rows[0].actor_id).toBe(admin.id);
      expect(JSON.stringify(rows[0].data)).not.toMatch(/password|argon2/i);
    });
  });
});
