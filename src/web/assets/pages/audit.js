import { get } from '../api.js';
import { h, replace } from '../dom.js';
import { field } from '../forms.js';
import { dateTime, href, label, t } from '../i18n.js';
import {
  button,
  errorContent,
  heading,
  notice,
  pagedList,
  queryParams,
  section,
  setQueryParams,
  table,
} from '../ui.js';
import { AUDIT_ACTIONS, AUDIT_ENTITY_TYPES } from '../vocabulary.js';

const FILTERS = ['entityType', 'entityId', 'actorId', 'action', 'from', 'to', 'order'];

/** Where the record an event is about can be seen in the web interface, if anywhere. */
function entityPath(type, id) {
  const paths = {
    certificate: 'certificates',
    session: 'sessions',
    course: 'courses',
    trainee: 'trainees',
    instructor: 'instructors',
  };
  return paths[type] && id ? `/app/${paths[type]}/${id}` : null;
}

const short = (id) => (id ? `${id.slice(0, 8)}…` : '—');

export function eventsTable(items, { showEntity = true } = {}) {
  return table(
    [
      {
        label: t('audit.when'),
        cell: (e) => h('time', { datetime: e.occurredAt }, dateTime(e.occurredAt)),
      },
      {
        label: t('audit.action'),
        cell: (e) => [
          h('span', { class: 'mono' }, e.action),
          h('div', { class: 'small' }, label('action', e.action)),
        ],
      },
      showEntity && {
        label: t('audit.entity'),
        cell: (e) => {
          const path = entityPath(e.entityType, e.entityId);
          return [
            label('entity', e.entityType),
            ' ',
            // The server's label (a name, a serial, a course code and dates), else the id.
            e.entityLabel
              ? h('span', { title: e.entityId || '' }, e.entityLabel)
              : h('span', { class: 'mono', title: e.entityId || '' }, short(e.entityId)),
            e.entityId
              ? h(
                  'div',
                  { class: 'small' },
                  h(
                    'a',
                    {
                      href: href('/app/audit', {
                        entityType: e.entityType,
                        entityId: e.entityId,
                        order: 'asc',
                      }),
                    },
                    t('audit.history'),
                  ),
                  path ? [' · ', h('a', { href: href(path) }, t('audit.open'))] : null,
                )
              : null,
          ];
        },
      },
      {
        label: t('audit.actor'),
        cell: (e) => [
          e.actorId
            ? h(
                'a',
                {
                  class: e.actorName ? null : 'mono',
                  title: e.actorId,
                  href: href('/app/audit', { actorId: e.actorId }),
                },
                e.actorName ?? short(e.actorId),
              )
            : t('audit.system'),
          e.actorRoles?.length
            ? h('div', { class: 'small' }, e.actorRoles.map((r) => label('role', r)).join(', '))
            : null,
        ],
      },
      {
        label: t('audit.why'),
        cell: (e) => [
          e.reason ? label('reason', e.reason) : '',
          e.note ? h('div', { class: 'small' }, e.note) : '',
        ],
      },
      {
        label: t('audit.data'),
        cell: (e) =>
          e.data && Object.keys(e.data).length
            ? h(
                'details',
                {},
                h('summary', {}, t('audit.showData')),
                h('pre', { class: 'json' }, JSON.stringify(e.data, null, 2)),
              )
            : '—',
      },
    ].filter(Boolean),
    items,
    { caption: t('audit.title') },
  );
}

export default async function render(root) {
  const q = queryParams();
  root.append(heading(t('audit.title')), h('p', { class: 'lead' }, t('audit.intro')));
  const results = h('div', { 'aria-live': 'polite' });
  const any = ['', t('filter.any')];
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('audit.filters') },
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'entityType',
        label: t('audit.entityType'),
        type: 'select',
        value: q.entityType,
        options: [any, ...AUDIT_ENTITY_TYPES.map((e) => [e, label('entity', e)])],
      }),
      field({
        name: 'entityId',
        label: t('audit.entityId'),
        value: q.entityId,
        maxlength: 36,
        spellcheck: 'false',
        autocomplete: 'off',
      }),
      field({
        name: 'actorId',
        label: t('audit.actorId'),
        value: q.actorId,
        maxlength: 36,
        spellcheck: 'false',
        autocomplete: 'off',
      }),
      field({
        name: 'action',
        label: t('audit.action'),
        type: 'select',
        value: q.action,
        // The server's list, each in the page's words, in the order of its record type.
        options: [any, ...AUDIT_ACTIONS.map((a) => [a, label('action', a)])],
      }),
      field({ name: 'from', label: t('filter.from'), type: 'date', value: q.from }),
      field({ name: 'to', label: t('filter.to'), type: 'date', value: q.to }),
      field({
        name: 'order',
        label: t('audit.order'),
        type: 'select',
        value: q.order,
        options: [
          ['desc', t('audit.newest')],
          ['asc', t('audit.oldest')],
        ],
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      h('a', { class: 'btn btn--secondary', href: href('/app/audit') }, t('filter.clear')),
    ),
  );
  const load = async () => {
    const v = Object.fromEntries(
      FILTERS.map((k) => [k, filters.elements.namedItem(k).value.trim()]),
    );
    setQueryParams(v);
    await pagedList(
      results,
      (cursor) => get('/api/v1/audit-events', { ...v, cursor, limit: 50 }),
      (items) => eventsTable(items),
      t('audit.empty'),
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  const chainSlot = h('div', { class: 'slot', 'aria-live': 'polite' });
  const chain = section(
    t('audit.chainTitle'),
    h('p', { class: 'hint' }, t('audit.chainHint')),
    chainSlot,
    button(
      t('audit.chainCheck'),
      async () => {
        try {
          const r = await get('/api/v1/audit-events/verification');
          replace(
            chainSlot,
            r.intact
              ? notice('success', t('audit.chainIntact', { n: r.checked }))
              : notice('error', t('audit.chainBroken', { n: r.checked, id: r.firstBrokenId })),
          );
        } catch (err) {
          replace(chainSlot, notice('error', ...errorContent(err)));
        }
      },
      { kind: 'secondary' },
    ),
  );
  if (q.entityType && q.entityId) {
    root.append(
      h(
        'p',
        { class: 'lead' },
        t('audit.historyOf', { type: label('entity', q.entityType), id: q.entityId }),
      ),
    );
  }
  root.append(filters, results, chain);
  await load();
}
