/* global window */
import { get, post } from '../api.js';
import { h } from '../dom.js';
import { field, form } from '../forms.js';
import { href, t } from '../i18n.js';
import { instructorFields } from '../admin-forms.js';
import { organisations as loadOrgs } from '../lookups.js';
import {
  heading,
  link,
  pagedList,
  personName,
  queryParams,
  section,
  setQueryParams,
  table,
} from '../ui.js';

export default async function render(root, { user }) {
  const q = queryParams();
  const orgs = (await loadOrgs()).sort((a, b) => a.name.localeCompare(b.name));
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  root.append(heading(t('instructors.title')));
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('instructors.filters') },
    h(
      'div',
      { class: 'filters__grid' },
      field({ name: 'q', label: t('trainees.search'), type: 'search', value: q.q, maxlength: 100 }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
    ),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    const v = { q: filters.elements.namedItem('q').value.trim() };
    setQueryParams(v);
    await pagedList(
      results,
      (cursor) => get('/api/v1/instructors', { ...v, cursor, limit: 50 }),
      (items) =>
        table(
          [
            {
              label: t('field.name'),
              cell: (p) => link(personName(p), `/app/instructors/${p.id}`),
            },
            { label: t('field.email'), cell: (p) => p.email },
            { label: t('field.organisation'), cell: (p) => orgName.get(p.organisationId) ?? '—' },
            {
              label: t('instructors.qualified'),
              cell: (p) => p.qualifications.map((x) => x.courseCode).join(', ') || '—',
            },
          ],
          items,
          { caption: t('instructors.title') },
        ),
      t('instructors.empty'),
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  root.append(filters, results);
  if (user.roles.includes('admin')) {
    root.append(
      section(
        t('instructors.create'),
        form({
          fields: instructorFields({}, orgs),
          submitLabel: t('instructors.createSubmit'),
          onSubmit: (v) => post('/api/v1/instructors', v),
          onDone: (p) => window.location.assign(href(`/app/instructors/${p.id}`)),
        }),
      ),
    );
  }
  await load();
}
