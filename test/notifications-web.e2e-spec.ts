import { afterAll, beforeAll, expect, it } from '@jest/globals';
import { randomUUID } from 'node:crypto';
import { NotificationWorker } from '../src/notifications/notification-worker.js';
import { Notifier } from '../src/notifications/notifier.js';
import { account, browserDescribe, BrowserHarness, m, PHONE, seen } from './browser.js';

/**
 * The Outbox page: admins and auditors list the mail the service queued, filter it, and an
 * admin reads a message and follows its link (on the embedded default, the outbox is the only
 * way an invitation reaches anyone); others do not see the section.
 */
browserDescribe('outbox page', () => {
  const harness = new BrowserHarness();
  let t: BrowserHarness['t'];
  const invited = `invited-${randomUUID().slice(0, 8)}@coe.example`;
  const bounced = `bounced-${randomUUID().slice(0, 8)}@coe.example`;
  let link: string;

  beforeAll(async () => {
    t = (await harness.start({ mailWorker: false })).t;
    link = `${t.baseUrl}/set-password#token=${randomUUID()}`;
    const notifier = t.app.get(Notifier);
    await t.db.transaction(async (tx) => {
      await notifier.enqueue(tx, {
        type: 'account.invitation',
        to: { email: invited, name: 'Nigar <b>Əliyeva</b>' },
        language: 'az',
        params: {
          name: 'Nigar <b>Əliyeva</b>',
          link,
          expiresAt: '2026-03-14T09:30:00.000Z',
          roles: ['trainee'],
        },
        idempotencyKey: `web:${randomUUID()}`,
      });
      await notifier.enqueue(tx, {
        type: 'certificate.issued',
        to: { email: bounced },
        language: 'ru',
        params: {},
        idempotencyKey: `web:${randomUUID()}`,
      });
    });
    await t.app.get(NotificationWorker).drain();
    await t.db.query(
      `UPDATE notifications SET status = 'failed', attempts = 5, sent_at = NULL,
              last_error = '550 5.1.1 mailbox unavailable' WHERE recipient = $1`,
      [bounced],
    );
  }, 120_000);
  afterAll(() => harness.close());

  it('lists, filters, and shows an admin the message with its link', async () => {
    const lang = 'az';
    const page = await harness.open(lang);
    await harness.signIn(page, lang, account('admin'));
    await page.getByRole('link', { name: m(lang, 'nav.outbox') }).click();
    await seen(page.getByRole('heading', { level: 1, name: m(lang, 'outbox.title') }));
    await seen(page.getByRole('cell', { name: invited }));
    await seen(page.getByText('550 5.1.1 mailbox unavailable'));
    await seen(page.locator('table').getByText(m(lang, 'notificationType.account.invitation')));

    await page
      .getByRole('button', { name: m(lang, 'outbox.readFor', { recipient: invited }) })
      .click();
    const view = page.locator('.mail-view');
    const [{ subject }] = (await t.db.query(
      'SELECT subject FROM notifications WHERE recipient = $1',
      [invited],
    )) as Array<{ subject: string }>;
    await seen(view.getByRole('heading', { level: 2, name: subject }));
    const follow = view.locator('.mail-text').getByRole('link', { name: link });
    await seen(follow);
    expect(await follow.getAttribute('href')).toBe(link);
    expect(await view.locator('.mail-text').innerText()).toContain('Nigar <b>Əliyeva</b>');
    // The HTML as the recipient sees it: the name as text, the link a link, no markup from data.
    await view.getByText(m(lang, 'outbox.htmlVersion')).click();
    const frame = page.frameLocator('iframe.mail-html');
    await seen(frame.getByText('Nigar <b>Əliyeva</b>', { exact: false }));
    expect(await frame.locator('b').count()).toBe(0);
    expect(await frame.locator(`a[href="${link}"]`).count()).toBeGreaterThan(0);
    await harness.shot(page, `outbox-admin-${lang}`);

    // Following the link opens the set-password page in a new tab.
    const [tab] = await Promise.all([page.context().waitForEvent('page'), follow.click()]);
    harness.watch(tab);
    await tab.waitForLoadState();
    expect(tab.url()).toBe(link);

    await page.getByLabel(m(lang, 'outbox.status')).selectOption('failed');
    await page.getByRole('button', { name: m(lang, 'filter.apply') }).click();
    await seen(page.getByRole('cell', { name: bounced }));
    expect(await page.getByRole('cell', { name: invited }).count()).toBe(0);
    expect(new URL(page.url()).searchParams.get('status')).toBe('failed');
    expect(harness.pageErrors).toEqual([]);
  });

  it('fits a phone, in Russian', async () => {
    const lang = 'ru';
    const page = await harness.open(lang, PHONE);
    await harness.signIn(page, lang, account('admin'));
    await harness.go(page, '/app/outbox', lang);
    await seen(page.getByText(bounced));
    await seen(page.locator('table').getByText(m(lang, 'notificationStatus.failed')));
    // A string, run in the page: the test's own compiler knows no DOM.
    const overflow = await page.evaluate<number>(
      'document.documentElement.scrollWidth - document.documentElement.clientWidth',
    );
    expect(overflow).toBeLessThanOrEqual(0);
    await harness.shot(page, `outbox-phone-${lang}`);
    expect(harness.pageErrors).toEqual([]);
  });

  it('lets an auditor list but not read messages, and shows trainees no outbox', async () => {
    const lang = 'en';
    const auditor = await harness.open(lang);
    await harness.signIn(auditor, lang, account('auditor'));
    await auditor.getByRole('link', { name: m(lang, 'nav.outbox') }).click();
    await seen(auditor.getByRole('cell', { name: invited }));
    expect(await auditor.getByRole('button', { name: m(lang, 'outbox.read') }).count()).toBe(0);

    const trainee = await harness.open(lang);
    await harness.signIn(trainee, lang, account('trainee'));
    expect(await trainee.getByRole('link', { name: m(lang, 'nav.outbox') }).count()).toBe(0);
    expect(harness.pageErrors).toEqual([]);
  });
});
