import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import { getDataSourceToken } from '@nestjs/typeorm';
import type { ParsedMail } from 'mailparser';
import { createHash, randomUUID } from 'node:crypto';
import supertest from 'supertest';
import type { DataSource } from 'typeorm';
import { AccountsService } from '../src/accounts/accounts.service.js';
import { createApp } from '../src/app.factory.js';
import { setLogDestination } from '../src/logging.js';
import { startTestApp, testConfig, type TestApp } from './app.js';
import { createTestDatabase } from './database.js';
import { createUser, expectError, TEST_PASSWORD, type SignedInUser } from './factories.js';
import { makeOrganisation, makeTrainee } from './fixtures.js';
import { startSmtpCapture, type SmtpCapture } from './smtp.js';

/**
 * Invitations, password recovery and preferences over HTTP, with the mail read back from an
 * SMTP server started in the test: the links people click are taken out of the messages.
 */

const NEW_PASSWORD = 'Quiet-Harbour-Lantern-42';
const sha256 = (text: string) => createHash('sha256').update(text).digest('hex');

const addressOf = (mail: ParsedMail) =>
  (Array.isArray(mail.to) ? mail.to : mail.to ? [mail.to] : [])
    .flatMap((a) => a.value)
    .map((a) => a.address?.toLowerCase());

/** The token and account address of the set-password link in a message. */
function linkIn(mail: ParsedMail): { url: string; token: string; email: string } {
  const match = /(http:\/\/coe\.test\/set-password#\S+)/.exec(mail.text ?? '');
  if (!match) throw new Error(`No set-password link in: ${mail.text}`);
  const fragment = new URLSearchParams(new URL(match[1]).hash.slice(1));
  return { url: match[1], token: fragment.get('token') ?? '', email: fragment.get('email') ?? '' };
}

// First in the file on purpose: nestjs-pino keeps one pino-http instance per process, built by
// the first app, and every later app logs through it (so this app's destination must be first).
describe('mailed tokens never reach the logs', () => {
  const lines: string[] = [];
  let database: { url: string; drop: () => Promise<void> };
  let smtp: SmtpCapture;
  let t: TestApp;

  beforeAll(async () => {
    database = await createTestDatabase();
    smtp = await startSmtpCapture();
    setLogDestination({ write: (line: string) => void lines.push(line) });
    try {
      const config = testConfig(database.url, { logLevel: 'debug', smtpUrl: smtp.url });
      const app = await createApp(config, { logs: true });
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
    await smtp?.close();
    await database?.drop();
  });

  it('logs the requests of an invitation and a reset without their tokens or passwords', async () => {
    const admin = await createUser(t, ['admin']);
    const user = await createUser(t, ['trainee']);
    const invited = `logged-${randomUUID().slice(0, 8)}@coe.test`;
    expect(
      (
        await t.http
          .post('/api/v1/users')
          .set(admin.auth)
          .send({ email: invited, roles: ['auditor'] })
      ).status,
    ).toBe(201);
    expect(
      (await t.http.post('/api/v1/auth/password-reset').send({ email: user.email })).status,
    ).toBe(202);
    await smtp.waitFor(2);
    const tokens = smtp.messages.map((m) => linkIn(m).token);
    // A refused attempt (400, logged as a warning) and the real one.
    const refused = await t.http
      .post('/api/v1/auth/password-reset/confirm')
      .send({ token: tokens[0], newPassword: 'short' });
    expect(refused.status).toBe(400);
    for (const token of tokens) {
      expect(
        (
          await t.http
            .post('/api/v1/auth/password-reset/confirm')
            .send({ token, newPassword: NEW_PASSWORD })
        ).status,
      ).toBe(204);
    }

    const text = lines.join('');
    expect(text).toContain('"url":"/api/v1/auth/password-reset/confirm"');
    expect(text).toContain('"statusCode":400');
    for (const secret of [...tokens, ...tokens.map(sha256), NEW_PASSWORD]) {
      expect(text).not.toContain(secret);
    }
    expect(text).not.toContain('#token=');
  });
});

describe('accounts: invitations, password recovery, preferences', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  let admin: SignedInUser;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestApp({ smtpUrl: smtp.url });
    admin = await createUser(t, ['admin']);
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });
  beforeEach(async () => {
    // Every request here comes from one address: each test starts with fresh budgets.
    await t.db.query(`DELETE FROM rate_limit_buckets WHERE key LIKE 'reset:%'`);
  });

  /** Mail to the address, sent since `after` messages had arrived. */
  async function mailTo(email: string, after = 0): Promise<ParsedMail> {
    const deadline = Date.now() + 10_000;
    for (;;) {
      const found = smtp.messages.slice(after).find((m) => addressOf(m).includes(email));
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`No mail to ${email}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Waits until every reset request answered so far is handled (the 202 comes first). */
  const settled = () => t.app.get(AccountsService).settled();

  const login = (email: string, password: string) =>
    t.http.post('/api/v1/auth/login').send({ email, password });
  const confirm = (token: string, newPassword = NEW_PASSWORD) =>
    t.http.post('/api/v1/auth/password-reset/confirm').send({ token, newPassword });
  const askReset = (email: string) => t.http.post('/api/v1/auth/password-reset').send({ email });
  const queuedFor = async (email: string) =>
    (
      (await t.db.query('SELECT count(*)::int AS n FROM notifications WHERE recipient = $1', [
        email,
      ])) as { n: number }[]
    )[0].n;
  /** The account's audit trail, without failed sign-ins. */
  const auditActions = async (userId: string) =>
    (
      (await t.db.query(
        `SELECT action FROM audit_events WHERE entity_id = $1 AND action <> 'user.login_failed'
          ORDER BY seq`,
        [userId],
      )) as { action: string }[]
    ).map((r) => r.action);

  describe('invitation', () => {
    it('creates an account without a password, mails the link, and the person chooses one', async () => {
      const org = await makeOrganisation(t.db, { country: 'AZ' });
      const trainee = await makeTrainee(t.db, { organisationId: org.id });
      const email = `invited-${randomUUID().slice(0, 8)}@coe.test`;
      const before = smtp.messages.length;
      const created = await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({ email, roles: ['trainee'], traineeId: trainee.id });
      expect(created.status).toBe(201);
      expect(created.body).toMatchObject({ email, invitationPending: true, disabled: false });

      // Until the person chooses a password, no password opens the account: the same 401.
      expectError(await login(email, TEST_PASSWORD), 401, 'INVALID_CREDENTIALS');
      expectError(await login(email, ''), 400);

      // In Azerbaijani (the organisation's country), to the person by name, with the link.
      const mail = await mailTo(email, before);
      expect(mail.subject).toBe('Hesabınız: şifrə seçin');
      expect(mail.text).toContain(admin.email);
      expect(mail.text).toContain(`${trainee.givenName} ${trainee.familyName}`);
      expect(mail.html).toContain('http://coe.test/set-password#token=');
      const link = linkIn(mail);
      expect(link.email).toBe(email);
      expect(link.token).toMatch(/^[A-Za-z0-9_-]{43}$/);

      // Only the token's hash is stored, valid for 7 days.
      const [row] = (await t.db.query(
        `SELECT token_hash, purpose, EXTRACT(EPOCH FROM (expires_at - now()))::int AS ttl
           FROM account_tokens WHERE user_id = $1`,
        [created.body.id],
      )) as { token_hash: string; purpose: string; ttl: number }[];
      expect(row).toMatchObject({ token_hash: sha256(link.token), purpose: 'invitation' });
      expect(Math.abs(row.ttl - 7 * 24 * 3600)).toBeLessThan(60);
      const dump = JSON.stringify(
        await t.db.query(
          `SELECT (SELECT json_agg(a) FROM account_tokens a) AS tokens,
                  (SELECT json_agg(e) FROM audit_events e) AS audit`,
        ),
      );
      expect(dump).not.toContain(link.token);

      expect((await confirm(link.token)).status).toBe(204);
      expect((await login(email, NEW_PASSWORD)).status).toBe(200);
      const user = await t.http.get(`/api/v1/users/${created.body.id}`).set(admin.auth);
      expect(user.body.invitationPending).toBe(false);
      expect(await auditActions(created.body.id)).toEqual([
        'user.created',
        'user.invited',
        'user.invitation_accepted',
      ]);

      // The link worked once.
      expectError(await confirm(link.token, 'Another-Fresh-Passphrase-9'), 400, 'INVALID_TOKEN');
      // With a password chosen, there is nothing to invite to.
      expectError(
        await t.http.post(`/api/v1/users/${created.body.id}/invitation`).set(admin.auth),
        409,
        'PASSWORD_ALREADY_SET',
      );
    });

    it('mails in the language given at creation; a resend voids the earlier link', async () => {
      const email = `resend-${randomUUID().slice(0, 8)}@coe.test`;
      let before = smtp.messages.length;
      const created = await t.http
        .post('/api/v1/users')
        .set(admin.auth)
        .send({ email, roles: ['auditor'], language: 'ru' });
      expect(created.status).toBe(201);
      const first = await mailTo(email, before);
      expect(first.subject).toBe('Ваша учётная запись: выберите пароль');
      expect(first.text).toContain('Аудитор');

      before = smtp.messages.length;
      const resent = await t.http
        .post(`/api/v1/users/${created.body.id}/invitation`)
        .set(admin.auth)
        .set('Accept-Language', 'az');
      expect(resent.status).toBe(202);
      expect(resent.body.email).toBe(email);
      const ttl = (Date.parse(resent.body.expiresAt) - Date.now()) / 1000;
      expect(Math.abs(ttl - 7 * 24 * 3600)).toBeLessThan(60);
      const second = await mailTo(email, before);
      const [oldLink, newLink] = [linkIn(first), linkIn(second)];
      expect(newLink.token).not.toBe(oldLink.token);

      expectError(await confirm(oldLink.token), 400, 'INVALID_TOKEN');
      expect((await confirm(newLink.token)).status).toBe(204);
      expect((await login(email, NEW_PASSWORD)).status).toBe(200);
    });

    it('refuses a password given as null, and a language it does not have', async () => {
      const email = `lang-${randomUUID().slice(0, 8)}@coe.test`;
      for (const body of [
        { email, roles: ['trainee'], password: null },
        { email, roles: ['trainee'], language: 'fr' },
        { email, roles: ['trainee'], language: null },
      ]) {
        expectError(
          await t.http.post('/api/v1/users').set(admin.auth).send(body),
          400,
          'VALIDATION_FAILED',
        );
      }
      expect(await queuedFor(email)).toBe(0);
    });

    it('sends nothing when creating the account fails', async () => {
      const before = smtp.messages.length;
      expectError(
        await t.http
          .post('/api/v1/users')
          .set(admin.auth)
          .send({ email: admin.email, roles: ['trainee'] }),
        409,
        'EMAIL_TAKEN',
      );
      expect(await queuedFor(admin.email)).toBe(0);
      expect(smtp.messages.slice(before).filter((m) => addressOf(m).includes(admin.email))).toEqual(
        [],
      );
    });
  });

  describe('password reset', () => {
    it('mails a link that sets a new password, ends every session and works once', async () => {
      const user = await createUser(t, ['trainee']);
      const before = smtp.messages.length;
      // The address is matched as stored: another case finds the account.
      expect((await askReset(user.email.toUpperCase())).status).toBe(202);
      const mail = await mailTo(user.email, before);
      expect(mail.subject).toBe('Reset your password');
      const link = linkIn(mail);
      expect(link.email).toBe(user.email);
      const [row] = (await t.db.query(
        `SELECT EXTRACT(EPOCH FROM (expires_at - now()))::int AS ttl FROM account_tokens
          WHERE token_hash = $1 AND purpose = 'password_reset'`,
        [sha256(link.token)],
      )) as { ttl: number }[];
      expect(Math.abs(row.ttl - 30 * 60)).toBeLessThan(60);

      // Asking does not end anything: the person may not be the one asking.
      expect((await t.http.get('/api/v1/auth/me').set(user.auth)).status).toBe(200);

      expect((await confirm(link.token)).status).toBe(204);
      // Every session ended: the access token and the refresh token stop working.
      expectError(await t.http.get('/api/v1/auth/me').set(user.auth), 401);
      expectError(
        await t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
        401,
        'INVALID_REFRESH_TOKEN',
      );
      expectError(await login(user.email, TEST_PASSWORD), 401, 'INVALID_CREDENTIALS');
      expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
      expect(await auditActions(user.id)).toEqual(
        expect.arrayContaining(['user.password_reset_requested', 'user.password_reset']),
      );

      expectError(await confirm(link.token, 'Another-Fresh-Passphrase-9'), 400, 'INVALID_TOKEN');
      expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    });

    it('refuses an expired link, an unknown one and a replaced one with 400 INVALID_TOKEN', async () => {
      const user = await createUser(t, ['instructor']);
      let before = smtp.messages.length;
      await askReset(user.email);
      const first = linkIn(await mailTo(user.email, before));
      before = smtp.messages.length;
      await askReset(user.email);
      const second = linkIn(await mailTo(user.email, before));

      const replaced = expectError(await confirm(first.token), 400, 'INVALID_TOKEN');
      expect(replaced.message).toMatch(/used|expired|unknown/);
      expectError(await confirm('A'.repeat(43)), 400, 'INVALID_TOKEN');
      // In the caller's language, the code unchanged.
      const ru = await t.http
        .post('/api/v1/auth/password-reset/confirm')
        .set('Accept-Language', 'ru')
        .send({ token: 'A'.repeat(43), newPassword: NEW_PASSWORD });
      expect(expectError(ru, 400, 'INVALID_TOKEN').message).toMatch(/ссылка/i);

      await t.db.query(
        `UPDATE account_tokens SET expires_at = now() - interval '1 second' WHERE token_hash = $1`,
        [sha256(second.token)],
      );
      expectError(await confirm(second.token), 400, 'INVALID_TOKEN');
      // Nothing changed: the old password still opens the account.
      expect((await login(user.email, TEST_PASSWORD)).status).toBe(200);
    });

    it('applies the password rules without using up the link', async () => {
      const user = await createUser(t, ['trainee'], {
        email: `nigar.aliyeva-${randomUUID().slice(0, 4)}@coe.test`,
      });
      const before = smtp.messages.length;
      await askReset(user.email);
      const { token } = linkIn(await mailTo(user.email, before));
      for (const weak of ['short', 'Password2026!', 'qwerty123456']) {
        const body = expectError(await confirm(token, weak), 400, 'VALIDATION_FAILED');
        expect(JSON.stringify(body.details)).toContain('newPassword');
      }
      // Built from the account's own address, which only the token reveals.
      const own = user.email.split('@')[0].replace(/-\w+$/, '');
      expectError(await confirm(token, `${own}2026!`), 400, 'VALIDATION_FAILED');
      expectError(
        await t.http.post('/api/v1/auth/password-reset/confirm').send({ token }),
        400,
        'VALIDATION_FAILED',
      );
      expectError(
        await t.http
          .post('/api/v1/auth/password-reset/confirm')
          .send({ token, newPassword: NEW_PASSWORD, extra: 1 }),
        400,
      );
      expect((await confirm(token)).status).toBe(204);
    });

    it('lets one of two simultaneous uses of a link through, and refuses the other', async () => {
      const user = await createUser(t, ['trainee']);
      const before = smtp.messages.length;
      await askReset(user.email);
      const { token } = linkIn(await mailTo(user.email, before));
      const answers = await Promise.all([
        confirm(token, 'Simultaneous-Choice-One-1'),
        confirm(token, 'Simultaneous-Choice-Two-2'),
      ]);
      expect(answers.map((a) => a.status).sort()).toEqual([204, 400]);
      const winner =
        answers[0].status === 204 ? 'Simultaneous-Choice-One-1' : 'Simultaneous-Choice-Two-2';
      expect((await login(user.email, winner)).status).toBe(200);
    });

    it('answers 202 for an unknown or disabled account and sends nothing', async () => {
      const unknown = `nobody-${randomUUID().slice(0, 8)}@coe.test`;
      const disabled = await createUser(t, ['trainee']);
      await t.http.patch(`/api/v1/users/${disabled.id}`).set(admin.auth).send({ disabled: true });
      const known = await createUser(t, ['trainee']);
      const before = smtp.messages.length;

      const answers = [];
      for (const email of [unknown, disabled.email, known.email]) {
        const res = await askReset(email);
        answers.push({ status: res.status, body: res.text });
      }
      // The same answer whatever the address.
      expect(answers).toEqual(answers.map(() => ({ status: 202, body: '' })));
      await settled();
      await mailTo(known.email, before);
      expect(await queuedFor(unknown)).toBe(0);
      expect(await queuedFor(disabled.email)).toBe(0);
      const sent = smtp.messages.slice(before).flatMap(addressOf);
      expect(sent).not.toContain(unknown);
      expect(sent).not.toContain(disabled.email);
      expectError(await askReset('not an address'.repeat(30)), 400, 'VALIDATION_FAILED');
      expectError(await t.http.post('/api/v1/auth/password-reset').send({}), 400);
    });

    it('limits requests per account address and per client address (429 with Retry-After)', async () => {
      const user = await createUser(t, ['trainee']);
      for (let i = 0; i < 3; i++) expect((await askReset(user.email)).status).toBe(202);
      const limited = await askReset(user.email);
      expectError(limited, 429, 'RATE_LIMITED');
      expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
      // An unknown address is limited the same way: the limit tells nothing either.
      const unknown = `nobody-${randomUUID().slice(0, 8)}@coe.test`;
      for (let i = 0; i < 3; i++) expect((await askReset(unknown)).status).toBe(202);
      expectError(await askReset(unknown), 429, 'RATE_LIMITED');
      await settled();
      expect(await queuedFor(user.email)).toBe(3);

      // One client asking about many addresses.
      await t.db.query(`DELETE FROM rate_limit_buckets WHERE key LIKE 'reset:%'`);
      const statuses: number[] = [];
      for (let i = 0; i < 21; i++) {
        statuses.push((await askReset(`someone-${i}-${randomUUID().slice(0, 4)}@coe.test`)).status);
      }
      expect(statuses.slice(0, 20)).toEqual(statuses.slice(0, 20).map(() => 202));
      expect(statuses[20]).toBe(429);
      await settled();
    });
  });

  describe('administrator: invitation and reset link', () => {
    it('mails a reset link and ends every session of the account at once', async () => {
      const user = await createUser(t, ['instructor']);
      const before = smtp.messages.length;
      const res = await t.http.post(`/api/v1/users/${user.id}/password-reset`).set(admin.auth);
      expect(res.status).toBe(202);
      expect(res.body.email).toBe(user.email);
      expectError(await t.http.get('/api/v1/auth/me').set(user.auth), 401);
      expectError(
        await t.http.post('/api/v1/auth/refresh').send({ refreshToken: user.refreshToken }),
        401,
      );
      const { token } = linkIn(await mailTo(user.email, before));
      expect((await confirm(token)).status).toBe(204);
      expect((await login(user.email, NEW_PASSWORD)).status).toBe(200);
    });

    it('refuses other roles, unknown accounts, disabled ones and invitations to active ones', async () => {
      const target = await createUser(t, ['trainee']);
      for (const role of ['trainee', 'auditor', 'instructor'] as const) {
        const other = await createUser(t, [role]);
        for (const kind of ['invitation', 'password-reset']) {
          expectError(await t.http.post(`/api/v1/users/${target.id}/${kind}`).set(other.auth), 403);
        }
      }
      for (const kind of ['invitation', 'password-reset']) {
        expectError(await t.http.post(`/api/v1/users/${target.id}/${kind}`), 401);
        expectError(
          await t.http.post(`/api/v1/users/${randomUUID()}/${kind}`).set(admin.auth),
          404,
        );
        expectError(await t.http.post(`/api/v1/users/not-a-uuid/${kind}`).set(admin.auth), 400);
      }
      expectError(
        await t.http.post(`/api/v1/users/${target.id}/invitation`).set(admin.auth),
        409,
        'PASSWORD_ALREADY_SET',
      );
      await t.http.patch(`/api/v1/users/${target.id}`).set(admin.auth).send({ disabled: true });
      for (const kind of ['invitation', 'password-reset']) {
        const refused = await t.http
          .post(`/api/v1/users/${target.id}/${kind}`)
          .set(admin.auth)
          .set('Accept-Language', 'az');
        expect(expectError(refused, 409, 'ACCOUNT_NOT_ENABLED').message).toMatch(/bağlıdır/);
      }
      expect(await queuedFor(target.email)).toBe(0);
    });
  });

  describe('preferences', () => {
    it('reads and changes the signed-in account’s own language and reminders', async () => {
      const org = await makeOrganisation(t.db, { country: 'KZ' });
      const trainee = await makeTrainee(t.db, { organisationId: org.id });
      const user = await createUser(t, ['trainee'], { traineeId: trainee.id });
      const prefs = () => t.http.get('/api/v1/auth/me/preferences').set(user.auth);
      const change = (body: object) =>
        t.http.patch('/api/v1/auth/me/preferences').set(user.auth).send(body);

      expect((await prefs()).body).toEqual({ language: null, reminders: true, mailLanguage: 'ru' });
      expect((await change({ language: 'az' })).body).toEqual({
        language: 'az',
        reminders: true,
        mailLanguage: 'az',
      });
      expect((await change({ reminders: false })).body).toEqual({
        language: 'az',
        reminders: false,
        mailLanguage: 'az',
      });
      expect((await prefs()).body).toEqual({
        language: 'az',
        reminders: false,
        mailLanguage: 'az',
      });

      // Security mail is sent whatever the reminders, in the chosen language.
      const before = smtp.messages.length;
      await askReset(user.email);
      expect((await mailTo(user.email, before)).subject).toBe('Şifrənin bərpası');

      expect((await change({ language: null })).body).toEqual({
        language: null,
        reminders: false,
        mailLanguage: 'ru',
      });
      const [event] = (await t.db.query(
        `SELECT actor_id, data FROM audit_events WHERE entity_id = $1
          AND action = 'user.preferences_changed' ORDER BY seq DESC LIMIT 1`,
        [user.id],
      )) as { actor_id: string; data: Record<string, unknown> }[];
      expect(event).toEqual({
        actor_id: user.id,
        data: {
          before: { language: 'az', reminders: false },
          after: { language: null, reminders: false },
        },
      });
    });

    it('refuses what is not a preference, and callers who are not signed in', async () => {
      const user = await createUser(t, ['auditor']);
      const change = (body: object) =>
        t.http.patch('/api/v1/auth/me/preferences').set(user.auth).send(body);
      for (const body of [
        {},
        { language: 'fr' },
        { language: 'EN' },
        { reminders: 'no' },
        { reminders: null },
        { language: 'en', theme: 'dark' },
      ]) {
        expectError(await change(body), 400);
      }
      expectError(await t.http.get('/api/v1/auth/me/preferences'), 401);
      expectError(
        await t.http.patch('/api/v1/auth/me/preferences').send({ reminders: false }),
        401,
      );
      expect((await t.http.get('/api/v1/auth/me/preferences').set(user.auth)).body).toEqual({
        language: null,
        reminders: true,
        mailLanguage: 'en',
      });
    });
  });

  it('documents the new routes in OpenAPI, the public ones as public', async () => {
    const doc = (await t.http.get('/docs-json')).body as {
      paths: Record<string, Record<string, { 'x-access'?: string; 'x-roles'?: string[] }>>;
    };
    expect(doc.paths['/api/v1/auth/password-reset'].post['x-access']).toBe('public');
    expect(doc.paths['/api/v1/auth/password-reset/confirm'].post['x-access']).toBe('public');
    expect(doc.paths['/api/v1/users/{id}/invitation'].post['x-roles']).toEqual(['admin']);
    expect(doc.paths['/api/v1/users/{id}/password-reset'].post['x-roles']).toEqual(['admin']);
    expect(doc.paths['/api/v1/auth/me/preferences'].patch['x-roles']?.length).toBeGreaterThan(1);
  });
});
