import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { field } from '../forms.js';
import { dateTime, href, label, t } from '../i18n.js';
import {
  badge,
  button,
  errorContent,
  facts,
  heading,
  notice,
  pagedList,
  queryParams,
  section,
  setQueryParams,
  table,
} from '../ui.js';
import { NOTIFICATION_STATUSES, NOTIFICATION_TYPES } from '../vocabulary.js';

const FILTERS = ['recipient', 'type', 'status'];

/** Web links in a message's text, made clickable (only http and https; the rest stays text). */
const URL_IN_TEXT = /https?:\/\/[^\s<>"']+/g;

function linkedText(text) {
  const parts = [];
  let last = 0;
  for (const match of text.matchAll(URL_IN_TEXT)) {
    // A sentence's full stop or closing bracket after a link is not part of it.
    const url = match[0].replace(/[.,;:!?)\]]+$/, '');
    parts.push(
      text.slice(last, match.index),
      h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url),
    );
    last = match.index + url.length;
  }
  parts.push(text.slice(last));
  return parts;
}

/**
 * The HTML version in a sandboxed frame: no scripts, no access to this page; links open in a
 * new tab (the <base target>), so a developer can follow an invitation from the outbox.
 */
function htmlFrame(html, title) {
  const frame = h('iframe', {
    class: 'mail-html',
    title,
    sandbox: 'allow-popups allow-popups-to-escape-sandbox',
    referrerpolicy: 'no-referrer',
  });
  frame.srcdoc = html.replace(/<head>/i, '<head><base target="_blank">');
  return frame;
}

function messageView(item, message, onClose) {
  const close = button(t('outbox.close'), onClose, { kind: 'secondary' });
  const view = section(
    message.subject,
    facts([
      [t('outbox.from'), message.from],
      [
        t('outbox.to'),
        message.recipientName
          ? `${message.recipientName} <${message.recipient}>`
          : message.recipient,
      ],
      [t('outbox.type'), label('notificationType', item.type)],
      [t('outbox.language'), label('language', item.language)],
      [t('outbox.status'), badge('notificationStatus', item.status)],
      [t('outbox.sentAt'), item.sentAt ? dateTime(item.sentAt) : null],
      [
        t('outbox.attachments'),
        message.attachments.length
          ? message.attachments.map((a) => `${a.filename} (${a.contentType})`).join(', ')
          : null,
      ],
    ]),
    h('h3', {}, t('outbox.textVersion')),
    h('div', { class: 'mail-text' }, linkedText(message.text)),
    h(
      'details',
      {},
      h('summary', {}, t('outbox.htmlVersion')),
      htmlFrame(message.html, t('outbox.htmlVersion')),
    ),
    h('div', { class: 'form-actions' }, close),
  );
  view.classList.add('mail-view');
  return view;
}

export default async function render(root, { may }) {
  const q = queryParams();
  const canRead = may('notifications.readMessage');
  root.append(heading(t('outbox.title')), h('p', { class: 'lead' }, t('outbox.intro')));
  const viewer = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const results = h('div', { 'aria-live': 'polite' });
  const any = ['', t('filter.any')];

  const show = async (item, opener) => {
    try {
      const message = await get(`/api/v1/notifications/${item.id}/message`);
      replace(
        viewer,
        messageView(item, message, () => {
          replace(viewer);
          opener.focus();
        }),
      );
    } catch (err) {
      replace(viewer, notice('error', ...errorContent(err)));
    }
    viewer.scrollIntoView?.({ block: 'start' });
    viewer.focus({ preventScroll: true });
  };

  const columns = [
    {
      label: t('outbox.when'),
      cell: (n) => h('time', { datetime: n.createdAt }, dateTime(n.createdAt)),
    },
    {
      label: t('outbox.recipient'),
      cell: (n) => h('a', { href: href('/app/outbox', { recipient: n.recipient }) }, n.recipient),
    },
    {
      label: t('outbox.type'),
      cell: (n) => [label('notificationType', n.type), h('div', { class: 'small mono' }, n.type)],
    },
    { label: t('outbox.language'), cell: (n) => label('language', n.language) },
    {
      label: t('outbox.status'),
      cell: (n) => [
        badge('notificationStatus', n.status),
        h('div', { class: 'small' }, t('outbox.attempts', { n: n.attempts })),
        n.sentAt ? h('div', { class: 'small' }, dateTime(n.sentAt)) : null,
        n.lastError ? h('div', { class: 'small ineligible', lang: 'en' }, n.lastError) : null,
      ],
    },
    canRead && {
      label: t('outbox.message'),
      cell: (n) => {
        const read = button(t('outbox.read'), () => show(n, read), {
          kind: 'secondary',
          'aria-label': t('outbox.readFor', { recipient: n.recipient }),
        });
        return read;
      },
    },
  ].filter(Boolean);

  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('outbox.filters') },
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'recipient',
        label: t('outbox.recipient'),
        type: 'email',
        value: q.recipient,
        maxlength: 254,
        spellcheck: 'false',
        autocapitalize: 'none',
        autocomplete: 'off',
      }),
      field({
        name: 'type',
        label: t('outbox.type'),
        type: 'select',
        value: q.type,
        options: [
          any,
          ...NOTIFICATION_TYPES.map((type) => [type, label('notificationType', type)]),
        ],
      }),
      field({
        name: 'status',
        label: t('outbox.status'),
        type: 'select',
        value: q.status,
        options: [any, ...NOTIFICATION_STATUSES.map((s) => [s, label('notificationStatus', s)])],
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      h('a', { class: 'btn btn--secondary', href: href('/app/outbox') }, t('filter.clear')),
    ),
  );
  const load = async () => {
    const v = Object.fromEntries(
      FILTERS.map((k) => [k, filters.elements.namedItem(k).value.trim()]),
    );
    setQueryParams(v);
    replace(viewer);
    await pagedList(
      results,
      (cursor) => get('/api/v1/notifications', { ...v, cursor, limit: 50 }),
      (items) => table(columns, items, { caption: t('outbox.title') }),
      t('outbox.empty'),
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  root.append(filters, viewer, results);
  await load();
}
