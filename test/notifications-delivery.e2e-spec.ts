import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { simpleParser } from 'mailparser';
import { randomUUID } from 'node:crypto';
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { NotificationWorker } from '../src/notifications/notification-worker.js';
import type { NotificationRequest } from '../src/notifications/notification-types.js';
import { Notifier } from '../src/notifications/notifier.js';
import { startPeerApp, startTestApp, type TestApp } from './app.js';
import { startSmtpCapture, type SmtpCapture } from './smtp.js';

/** A password reset: a template every build has, with a link and a token in it. */
function resetRequest(over: Partial<NotificationRequest> = {}): NotificationRequest {
  const token = randomUUID();
  return {
    type: 'account.password_reset',
    to: { email: `person-${randomUUID().slice(0, 8)}@coe.test`, name: 'Aysel Mammadova' },
    language: 'en',
    params: {
      name: 'Aysel Mammadova',
      link: `http://coe.test/set-password#token=${token}`,
      expiresAt: '2026-03-14T09:30:00.000Z',
    },
    idempotencyKey: `test:${randomUUID()}`,
    ...over,
  };
}

function queue(t: TestApp, request: NotificationRequest): Promise<boolean> {
  const notifier = t.app.get(Notifier);
  return t.db.transaction((tx) => notifier.enqueue(tx, request));
}

const drain = (t: TestApp) => t.app.get(NotificationWorker).drain();

async function row(t: TestApp, idempotencyKey: string) {
  const [found] = (await t.db.query(
    'SELECT id, status, attempts, last_error, sent_at, message_id FROM notifications WHERE idempotency_key = $1',
    [idempotencyKey],
  )) as Array<{
    id: string;
    status: string;
    attempts: number;
    last_error: string | null;
    sent_at: Date | null;
    message_id: string;
  }>;
  return found;
}

describe('mail delivery through SMTP', () => {
  let smtp: SmtpCapture;
  let t: TestApp;
  beforeAll(async () => {
    smtp = await startSmtpCapture();
    t = await startTestApp({ smtpUrl: smtp.url, mailFrom: 'CoE Baku <noreply@coe.test>' });
  });
  afterAll(async () => {
    await t?.close();
    await smtp?.close();
  });

  it('sends a queued message with its From, To, Subject, text and HTML', async () => {
    const request = resetRequest();
    expect(await queue(t, request)).toBe(true);
    await drain(t);
    const stored = await row(t, request.idempotencyKey);
    const sent = smtp.messages.find((m) => m.messageId === stored.message_id)!;
    // drain() returns once the server took the message: it is here without waiting.
    expect(sent).toBeDefined();
    expect(sent.from?.value).toEqual([{ name: 'CoE Baku', address: 'noreply@coe.test' }]);
    expect(sent.to).toMatchObject({
      value: [{ name: 'Aysel Mammadova', address: request.to.email }],
    });
    expect(sent.subject).toBe('Reset your password');
    expect(sent.text).toContain('Hello Aysel Mammadova,');
    expect(sent.text).toContain(String(request.params.link));
    expect(sent.html).toContain(`href="${String(request.params.link)}"`);
    expect(sent.headers.get('auto-submitted')).toBe('auto-generated');
    expect(stored).toMatchObject({ status: 'sent', attempts: 1, last_error: null });
    expect(stored.sent_at).toBeInstanceOf(Date);
  });

  it('sends nothing for a transaction that rolls back', async () => {
    const request = resetRequest();
    const before = smtp.messages.length;
    await expect(
      t.db.transaction(async (tx) => {
        expect(await t.app.get(Notifier).enqueue(tx, request)).toBe(true);
        throw new Error('the change fails after queueing its mail');
      }),
    ).rejects.toThrow('the change fails');
    await drain(t);
    expect(await row(t, request.idempotencyKey)).toBeUndefined();
    expect(smtp.messages.length).toBe(before);
  });

  it('queues the same idempotency key once', async () => {
    const request = resetRequest();
    expect(await queue(t, request)).toBe(true);
    expect(await queue(t, { ...request, to: { email: 'someone-else@coe.test' } })).toBe(false);
    await drain(t);
    const [{ count }] = (await t.db.query(
      'SELECT count(*)::int AS count FROM notifications WHERE idempotency_key = $1',
      [request.idempotencyKey],
    )) as Array<{ count: number }>;
    expect(count).toBe(1);
    expect(smtp.envelopes.flatMap((e) => e.to)).not.toContain('someone-else@coe.test');
  });

  it('queues a batch in one go as one by one: each key once, a muted reminder and a bad address not sent', async () => {
    const [muted] = (await t.db.query(
      `INSERT INTO users (email, password_hash, roles, reminders)
       VALUES ($1, 'x', '{auditor}', false) RETURNING id`,
      [`muted-${randomUUID().slice(0, 8)}@coe.test`],
    )) as Array<{ id: string }>;
    const already = resetRequest();
    expect(await queue(t, already)).toBe(true);
    await drain(t);
    const fresh = resetRequest();
    const reminder: NotificationRequest = {
      type: 'certificate.expiring',
      to: { email: `r-${randomUUID().slice(0, 8)}@coe.test`, name: 'Muted' },
      language: 'az',
      params: {},
      idempotencyKey: `test:${randomUUID()}`,
      userId: muted.id,
    };
    const undeliverable = resetRequest({ to: { email: 'not an address', name: null } });
    const twice = resetRequest();
    const requests = [fresh, already, reminder, undeliverable, twice, { ...twice }];
    const before = smtp.messages.length;

    const answers = await t.db.transaction((tx) => t.app.get(Notifier).enqueueMany(tx, requests));

    expect(answers).toEqual([true, false, false, false, true, false]);
    await drain(t);
    expect(await row(t, fresh.idempotencyKey)).toMatchObject({ status: 'sent' });
    expect(await row(t, twice.idempotencyKey)).toMatchObject({ status: 'sent' });
    expect(await row(t, reminder.idempotencyKey)).toBeUndefined();
    expect(await row(t, undeliverable.idempotencyKey)).toMatchObject({
      status: 'failed',
      last_error: 'not a deliverable mail address',
    });
    // The one already queued was sent before; this batch sent only its two new messages.
    expect(smtp.messages.length).toBe(before + 2);
  });

  it('lets a name with line breaks and markup inject neither a header nor HTML', async () => {
    const name =
      'Eve\r\nBcc: victim@evil.test\r\nX-Injected: yes <script>alert(1)</script>, other@evil.test';
    const base = resetRequest();
    const request = resetRequest({
      to: { email: `target-${randomUUID().slice(0, 8)}@coe.test`, name },
      params: { ...base.params, name },
    });
    await queue(t, request);
    await drain(t);
    const stored = await row(t, request.idempotencyKey);
    const index = smtp.messages.findIndex((m) => m.messageId === stored.message_id);
    expect(index).toBeGreaterThanOrEqual(0);
    const sent = smtp.messages[index];
    expect(smtp.envelopes[index].to).toEqual([request.to.email]);
    expect(sent.headers.has('bcc')).toBe(false);
    expect(sent.headers.has('x-injected')).toBe(false);
    const to = Array.isArray(sent.to) ? sent.to : [sent.to!];
    expect(to.flatMap((a) => a.value.map((v) => v.address))).toEqual([request.to.email]);
    expect(sent.html).not.toContain('<script>');
    expect(sent.html).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
  });

  it('records an address no server would take as failed, without failing the change', async () => {
    const request = resetRequest({ to: { email: 'two words@coe.test', name: 'Old Record' } });
    const before = smtp.messages.length;
    // The change that asked for the mail commits: the message is not a reason to refuse it.
    await expect(queue(t, request)).resolves.toBe(false);
    await drain(t);
    expect(await row(t, request.idempotencyKey)).toMatchObject({
      status: 'failed',
      attempts: 0,
      last_error: 'not a deliverable mail address',
    });
    expect(smtp.messages.length).toBe(before);
  });

  it('masks tokens in links when an admin reads a message an SMTP server took', async () => {
    const request = resetRequest();
    await queue(t, request);
    await drain(t);
    const stored = await row(t, request.idempotencyKey);
    const service = await import('../src/notifications/notifications.service.js');
    const message = await t.app.get(service.NotificationsService).message(stored.id);
    expect(message.text).toContain('http://coe.test/set-password#token=…');
    expect(message.html).not.toContain(String(request.params.link));
  });
});

describe('retries and failures', () => {
  let smtp: SmtpCapture | undefined;
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    await smtp?.close();
    t = undefined;
    smtp = undefined;
  });

  it('sends once after a server that fails the first two attempts: attempts = 3', async () => {
    smtp = await startSmtpCapture({ failFirst: 2 });
    t = await startTestApp({ smtpUrl: smtp.url });
    const request = resetRequest();
    await queue(t, request);
    await drain(t);
    expect(await row(t, request.idempotencyKey)).toMatchObject({
      status: 'sent',
      attempts: 3,
      last_error: null,
    });
    expect(smtp.attempts).toBe(3);
    expect(smtp.messages).toHaveLength(1);
  });

  it('ends failed, with the reason, when the attempts run out', async () => {
    smtp = await startSmtpCapture({ failFirst: 1_000 });
    t = await startTestApp({ smtpUrl: smtp.url, mailMaxAttempts: 3 });
    const request = resetRequest();
    await queue(t, request);
    await drain(t);
    const stored = await row(t, request.idempotencyKey);
    expect(stored).toMatchObject({ status: 'failed', attempts: 3, sent_at: null });
    expect(stored.last_error).toMatch(/451/);
    expect(smtp.messages).toHaveLength(0);
    // A failed message stays failed: later runs do not try again.
    await drain(t);
    expect(smtp.attempts).toBe(3);
  });

  it('waits before a retry (exponential backoff)', async () => {
    smtp = await startSmtpCapture({ failFirst: 1 });
    t = await startTestApp({ smtpUrl: smtp.url, mailRetryBaseMs: 60_000 });
    const request = resetRequest();
    await queue(t, request);
    await drain(t);
    const [due] = (await t.db.query(
      `SELECT status, attempts, next_attempt_at > now() + interval '50 seconds' AS later
         FROM notifications WHERE idempotency_key = $1`,
      [request.idempotencyKey],
    )) as Array<{ status: string; attempts: number; later: boolean }>;
    expect(due).toEqual({ status: 'queued', attempts: 1, later: true });
    expect(smtp.attempts).toBe(1);
  });
});

describe('several instances and restarts', () => {
  let smtp: SmtpCapture;
  let first: TestApp;
  const peers: TestApp[] = [];
  beforeAll(async () => {
    smtp = await startSmtpCapture();
    // The first instance never sends on its own: only what a test drains or a peer sends.
    first = await startTestApp({ smtpUrl: smtp.url, mailWorker: false });
  });
  afterAll(async () => {
    for (const peer of peers) await peer.close();
    await first?.close();
    await smtp?.close();
  });

  it('sends, from a new instance, what was queued while no worker ran', async () => {
    const stopped = await startPeerApp(first, { mailWorker: false });
    const request = resetRequest();
    await queue(stopped, request);
    await stopped.close();
    expect(smtp.messages).toHaveLength(0);

    // A new instance (a restart) with its worker on sends it without being asked.
    const restarted = await startPeerApp(first, { mailWorker: true });
    peers.push(restarted);
    const stored = await row(first, request.idempotencyKey);
    await smtp.waitFor((m) => m.messageId === stored.message_id, 10_000);
    await restarted.close();
    peers.pop();
    expect(await row(first, request.idempotencyKey)).toMatchObject({ status: 'sent', attempts: 1 });
  });

  it('sends each message exactly once when two instances drain at once', async () => {
    const second = await startPeerApp(first, { mailWorker: false });
    peers.push(second);
    const before = smtp.messages.length;
    const requests = Array.from({ length: 24 }, () => resetRequest());
    for (const request of requests) await queue(first, request);
    const [a, b] = await Promise.all([drain(first), drain(second)]);
    expect(a + b).toBe(requests.length);
    const sent = smtp.messages.slice(before).map((m) => m.messageId);
    expect(sent).toHaveLength(requests.length);
    expect(new Set(sent).size).toBe(requests.length);
    const rows = (await first.db.query(
      `SELECT status, attempts FROM notifications WHERE idempotency_key = ANY($1)`,
      [requests.map((r) => r.idempotencyKey)],
    )) as Array<{ status: string; attempts: number }>;
    expect(rows.every((r) => r.status === 'sent' && r.attempts === 1)).toBe(true);
  });
});

describe('without SMTP_URL', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp();
  });
  afterAll(() => t?.close());

  it('writes each message as an .eml file to DATA_DIR/outbox', async () => {
    const request = resetRequest();
    await queue(t, request);
    await drain(t);
    const stored = await row(t, request.idempotencyKey);
    expect(stored.status).toBe('sent');
    const outbox = join(t.config.dataDir, 'outbox');
    expect(await readdir(outbox)).toContain(`${stored.id}.eml`);
    const eml = await simpleParser(await readFile(join(outbox, `${stored.id}.eml`)));
    expect(eml.messageId).toBe(stored.message_id);
    expect(eml.subject).toBe('Reset your password');
    expect(eml.to).toMatchObject({ value: [{ address: request.to.email }] });
    expect(eml.text).toContain(String(request.params.link));
    expect(eml.html).toContain(String(request.params.link));
  });
});
