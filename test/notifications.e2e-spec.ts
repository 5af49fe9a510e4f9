import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NotificationWorker } from '../src/notifications/notification-worker.js';
import type {
  NotificationRequest,
  NotificationType,
} from '../src/notifications/notification-types.js';
import { Notifier } from '../src/notifications/notifier.js';
import { Recipients } from '../src/notifications/recipients.js';
import { startTestApp, type TestApp } from './app.js';
import { createUser, expectError, type SignedInUser } from './factories.js';
import { makeInstructor, makeOrganisation, makeTrainee } from './fixtures.js';

function request(
  type: NotificationType,
  email: string,
  over: Partial<NotificationRequest> = {},
): NotificationRequest {
  return {
    type,
    to: { email, name: 'Leyla Huseynova' },
    language: 'en',
    params: {
      name: 'Leyla Huseynova',
      link: `http://coe.test/set-password#token=${randomUUID()}`,
      expiresAt: '2026-03-14T09:30:00.000Z',
    },
    idempotencyKey: `test:${randomUUID()}`,
    ...over,
  };
}

interface Item {
  id: string;
  type: string;
  recipient: string;
  language: string;
  status: string;
  attempts: number;
  lastError: string | null;
  createdAt: string;
  sentAt: string | null;
}

describe('GET /api/v1/notifications', () => {
  let t: TestApp;
  let admin: SignedInUser;
  let auditor: SignedInUser;
  let trainee: SignedInUser;
  let instructor: SignedInUser;
  const queue = (r: NotificationRequest) =>
    t.db.transaction((tx) => t.app.get(Notifier).enqueue(tx, r));
  const alice = `alice-${randomUUID().slice(0, 8)}@coe.test`;
  const bob = `bob-${randomUUID().slice(0, 8)}@coe.test`;
  let failedId: string;

  beforeAll(async () => {
    // No background worker: what is queued stays queued until the test drains it.
    t = await startTestApp({ mailWorker: false });
    admin = await createUser(t, ['admin']);
    auditor = await createUser(t, ['auditor']);
    trainee = await createUser(t, ['trainee']);
    instructor = await createUser(t, ['instructor']);
    await queue(request('account.invitation', alice));
    await queue(request('certificate.issued', alice, { language: 'az' }));
    await t.app.get(NotificationWorker).drain();
    // Queued after the drain: stays queued. Bob's first message is marked failed by hand.
    await queue(request('account.password_reset', alice));
    await queue(request('certificate.issued', bob, { language: 'ru' }));
    await queue(request('enrolment.confirmed', bob));
    // TypeORM answers an UPDATE with [rows, count].
    [[{ id: failedId }]] = (await t.db.query(
      `UPDATE notifications SET status = 'failed', attempts = 5, last_error = '550 mailbox unavailable'
        WHERE recipient = $1 AND type = 'certificate.issued' RETURNING id`,
      [bob],
    )) as [Array<{ id: string }>, number];
  });
  afterAll(() => t?.close());

  const list = (query: string, who: SignedInUser = admin) =>
    t.http.get(`/api/v1/notifications${query}`).set(who.auth);

  it('lists what was queued, newest first, in the api.md shape', async () => {
    const res = await list('');
    expect(res.status).toBe(200);
    const items = res.body.items as Item[];
    expect(items.map((i) => [i.type, i.recipient])).toEqual([
      ['enrolment.confirmed', bob],
      ['certificate.issued', bob],
      ['account.password_reset', alice],
      ['certificate.issued', alice],
      ['account.invitation', alice],
    ]);
    expect(Object.keys(items[0]).sort()).toEqual(
      [
        'id',
        'type',
        'recipient',
        'language',
        'status',
        'attempts',
        'lastError',
        'createdAt',
        'sentAt',
      ].sort(),
    );
    expect(items[3]).toMatchObject({
      language: 'az',
      status: 'sent',
      attempts: 1,
      lastError: null,
    });
    expect(items[3].sentAt).toEqual(expect.any(String));
    expect(items[2]).toMatchObject({ status: 'queued', attempts: 0, sentAt: null });
    expect(items[1]).toMatchObject({
      id: failedId,
      language: 'ru',
      status: 'failed',
      attempts: 5,
      lastError: '550 mailbox unavailable',
    });
    expect(res.body.nextCursor).toBeNull();
  });

  it('filters by recipient (any case), type and status, combined', async () => {
    const byRecipient = await list(`?recipient=${encodeURIComponent(bob.toUpperCase())}`);
    expect(byRecipient.status).toBe(200);
    expect((byRecipient.body.items as Item[]).map((i) => i.recipient)).toEqual([bob, bob]);

    const byType = await list('?type=certificate.issued');
    expect((byType.body.items as Item[]).map((i) => i.recipient)).toEqual([bob, alice]);

    const byStatus = await list('?status=queued');
    expect((byStatus.body.items as Item[]).map((i) => i.type)).toEqual([
      'enrolment.confirmed',
      'account.password_reset',
    ]);

    const combined = await list(
      `?recipient=${encodeURIComponent(alice)}&type=certificate.issued&status=sent`,
    );
    expect((combined.body.items as Item[]).map((i) => i.language)).toEqual(['az']);

    const failed = await list('?status=failed');
    expect((failed.body.items as Item[]).map((i) => i.id)).toEqual([failedId]);
  });

  it('pages with limit and cursor', async () => {
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=2${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.status).toBe(200);
      expect((res.body.items as Item[]).length).toBeLessThanOrEqual(2);
      seen.push(...(res.body.items as Item[]).map((i) => i.id));
      cursor = res.body.nextCursor as string | null;
    } while (cursor);
    const all = ((await list('')).body.items as Item[]).map((i) => i.id);
    expect(seen).toEqual(all);
  });

  it.each([
    ['?type=certificate.bogus'],
    ['?status=delivered'],
    ['?recipient=not-an-address'],
    ['?limit=0'],
    ['?limit=1000'],
    ['?cursor=garbage'],
    ['?colour=red'],
  ])('refuses %s with 400', async (query) => {
    const res = await list(query);
    expectError(res, 400);
  });

  it('is for admins and auditors', async () => {
    expect((await list('', auditor)).status).toBe(200);
    expectError(await list('', trainee), 403);
    expectError(await list('', instructor), 403);
    expectError(await t.http.get('/api/v1/notifications'), 401);
  });

  describe('GET /api/v1/notifications/:id/message', () => {
    it('shows an admin the message as it was written, links whole without SMTP', async () => {
      const [{ id, link }] = (await t.db.query(
        `SELECT id, substring(body_text from 'http://coe.test/set-password#token=[0-9a-f-]+') AS link
           FROM notifications WHERE recipient = $1 AND type = 'account.password_reset'`,
        [alice],
      )) as Array<{ id: string; link: string }>;
      const res = await t.http.get(`/api/v1/notifications/${id}/message`).set(admin.auth);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({
        id,
        recipient: alice,
        recipientName: 'Leyla Huseynova',
        from: t.config.mailFrom,
        subject: 'Reset your password',
        attachments: [],
      });
      expect(res.body.text).toContain(link);
      expect(res.body.html).toContain(`href="${link}"`);
      expect(res.body.messageId).toMatch(new RegExp(`^<${id}@`));
    });

    it('is for admins only', async () => {
      const path = `/api/v1/notifications/${failedId}/message`;
      expectError(await t.http.get(path).set(auditor.auth), 403);
      expectError(await t.http.get(path).set(trainee.auth), 403);
      expectError(await t.http.get(path), 401);
    });

    it('answers 404 for an unknown id and 400 for a malformed one', async () => {
      expectError(
        await t.http.get(`/api/v1/notifications/${randomUUID()}/message`).set(admin.auth),
        404,
        'NOT_FOUND',
      );
      expectError(
        await t.http.get('/api/v1/notifications/nope/message').set(admin.auth),
        400,
        'INVALID_ID',
      );
    });
  });
});

describe('recipients and preferences', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp({ mailWorker: false });
  });
  afterAll(() => t?.close());

  const recipients = () => t.app.get(Recipients);

  it("writes to a trainee in their account's language, else their organisation's", async () => {
    const baku = await makeOrganisation(t.db, { country: 'AZ' });
    const almaty = await makeOrganisation(t.db, { country: 'KZ' });
    const kyiv = await makeOrganisation(t.db, { country: 'UA' });
    const a = await makeTrainee(t.db, { organisationId: baku.id, email: 'Leyla@Coe.test' });
    const b = await makeTrainee(t.db, { organisationId: almaty.id, email: null });
    const c = await makeTrainee(t.db, { organisationId: kyiv.id, email: 'c@coe.test' });
    const none = await makeTrainee(t.db, { email: null });
    const account = await createUser(t, ['trainee'], { traineeId: b.id });

    const m = t.db.manager;
    expect(await recipients().ofTrainee(m, a.id)).toEqual({
      email: 'Leyla@Coe.test',
      name: `${a.givenName} ${a.familyName}`,
      language: 'az',
      userId: null,
    });
    // No address on the trainee record: the linked account's.
    expect(await recipients().ofTrainee(m, b.id)).toMatchObject({
      email: account.email,
      language: 'ru',
      userId: account.id,
    });
    expect((await recipients().ofTrainee(m, c.id))?.language).toBe('en');
    expect(await recipients().ofTrainee(m, none.id)).toBeNull();

    // The account's own choice wins over the organisation's country.
    await t.db.query(`UPDATE users SET language = 'en' WHERE id = $1`, [account.id]);
    expect((await recipients().ofTrainee(m, b.id))?.language).toBe('en');
    expect(await recipients().ofUser(m, account.id)).toMatchObject({
      email: account.email,
      language: 'en',
      name: `${b.givenName} ${b.familyName}`,
    });

    // A disabled account receives nothing through itself.
    await t.db.query('UPDATE users SET disabled = true WHERE id = $1', [account.id]);
    expect(await recipients().ofUser(m, account.id)).toBeNull();
    expect(await recipients().ofTrainee(m, b.id)).toBeNull();
  });

  it("writes to an instructor at the instructor's address", async () => {
    const minsk = await makeOrganisation(t.db, { country: 'BY' });
    const instructor = await makeInstructor(t.db, { organisationId: minsk.id });
    expect(await recipients().ofInstructor(t.db.manager, instructor.id)).toEqual({
      email: instructor.email,
      name: `${instructor.givenName} ${instructor.familyName}`,
      language: 'ru',
      userId: null,
    });
    expect(await recipients().ofInstructor(t.db.manager, randomUUID())).toBeNull();
  });

  it('skips reminders for an account that turned them off, never other mail', async () => {
    const person = await createUser(t, ['trainee']);
    await t.db.query('UPDATE users SET reminders = false WHERE id = $1', [person.id]);
    const queue = (type: NotificationType) =>
      t.db.transaction((tx) =>
        t.app.get(Notifier).enqueue(tx, request(type, person.email, { userId: person.id })),
      );
    expect(await queue('certificate.expiring')).toBe(false);
    expect(await queue('session.reminder')).toBe(false);
    expect(await queue('certificate.issued')).toBe(true);
    expect(await queue('account.password_reset')).toBe(true);
    const rows = (await t.db.query(
      'SELECT type, user_id FROM notifications WHERE recipient = $1 ORDER BY type',
      [person.email],
    )) as Array<{ type: string; user_id: string }>;
    expect(rows).toEqual([
      { type: 'account.password_reset', user_id: person.id },
      { type: 'certificate.issued', user_id: person.id },
    ]);

    await t.db.query('UPDATE users SET reminders = true WHERE id = $1', [person.id]);
    expect(await queue('certificate.expiring')).toBe(true);
  });
});
