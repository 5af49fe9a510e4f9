import { get } from '../api.js';
import { h } from '../dom.js';
import { field } from '../forms.js';
import { day, href, t } from '../i18n.js';
import { validUntil } from '../certs.js';
import { courses as loadCourses, limited, record } from '../lookups.js';
import {
  badge,
  errorContent,
  heading,
  link,
  notice,
  pagedList,
  personName,
  queryParams,
  setQueryParams,
  table,
} from '../ui.js';

const STATUSES = ['active', 'expired', 'suspended', 'revoked', 'superseded'];

export default async function render(root) {
  const q = queryParams();
  root.append(heading(t('certificates.title')));
  let allCourses = [];
  try {
    allCourses = await loadCourses();
  } catch (err) {
    root.append(notice('error', ...errorContent(err)));
  }
  const courseById = new Map(allCourses.map((c) => [c.id, c]));
  const any = ['', t('filter.any')];
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('certificates.filters') },
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'status',
        label: t('field.status'),
        type: 'select',
        value: q.status,
        options: [any, ...STATUSES.map((s) => [s, t(`certStatus.${s}`)])],
      }),
      field({
        name: 'courseId',
        label: t('field.course'),
        type: 'select',
        value: q.courseId,
        options: [any, ...allCourses.map((c) => [c.id, `${c.code} · ${c.title}`])],
      }),
      field({
        name: 'expiringBefore',
        label: t('certificates.expiringBefore'),
        type: 'date',
        value: q.expiringBefore,
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      h('a', { class: 'btn btn--secondary', href: href('/app/certificates') }, t('filter.clear')),
    ),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    const v = Object.fromEntries(
      ['status', 'courseId', 'expiringBefore'].map((k) => [k, filters.elements.namedItem(k).value]),
    );
    setQueryParams(v);
    await pagedList(
      results,
      async (cursor) => {
        const page = await get('/api/v1/certificates', {
          ...v,
          traineeId: q.traineeId,
          cursor,
          limit: 50,
        });
        // Holders' names, one request per person, a few at a time.
        const ids = [...new Set(page.items.map((c) => c.traineeId))];
        const people = await limited(ids, 4, (id) => record(`/api/v1/trainees/${id}`));
        const names = new Map(ids.map((id, i) => [id, people[i] ? personName(people[i]) : '—']));
        return {
          ...page,
          items: page.items.map((c) => ({ ...c, holder: names.get(c.traineeId) })),
        };
      },
      (items) =>
        table(
          [
            {
              label: t('cert.serial'),
              cell: (c) => link(c.serial, `/app/certificates/${c.id}`, {}, { class: 'mono' }),
            },
            { label: t('field.holder'), cell: (c) => c.holder },
            { label: t('field.course'), cell: (c) => courseById.get(c.courseId)?.code ?? '—' },
            { label: t('cert.issuedAt'), cell: (c) => day(c.issuedAt) },
            { label: t('cert.validUntil'), cell: (c) => validUntil(c.validUntil) },
            { label: t('field.status'), cell: (c) => badge('certStatus', c.status) },
          ],
          items,
          { caption: t('certificates.title') },
        ),
      t('certificates.empty'),
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  root.append(filters, results);
  await load();
}
