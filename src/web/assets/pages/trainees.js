/* global window */
import { get, post } from '../api.js';
import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import { href, label, t } from '../i18n.js';
import { traineeFields } from '../admin-forms.js';
import { organisations as loadOrgs } from '../lookups.js';
import {
  heading,
  link,
  notice,
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
  root.append(heading(t('trainees.title')));
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('trainees.filters') },
    h(
      'div',
      { class: 'filters__grid' },
      field({ name: 'q', label: t('trainees.search'), type: 'search', value: q.q, maxlength: 100 }),
      field({
        name: 'organisationId',
        label: t('field.organisation'),
        type: 'select',
        value: q.organisationId,
        options: [['', t('filter.any')], ...orgs.map((o) => [o.id, o.name])],
      }),
      field({
        name: 'nationality',
        label: t('field.nationality'),
        value: q.nationality,
        maxlength: 2,
        hint: t('field.countryHint'),
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      h('a', { class: 'btn btn--secondary', href: href('/app/trainees') }, t('filter.clear')),
    ),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    const v = Object.fromEntries(
      ['q', 'organisationId', 'nationality'].map((k) => [
        k,
        filters.elements.namedItem(k).value.trim(),
      ]),
    );
    if (v.nationality) v.nationality = v.nationality.toUpperCase();
    setQueryParams(v);
    await pagedList(
      results,
      (cursor) => get('/api/v1/trainees', { ...v, cursor, limit: 50 }),
      (items) =>
        table(
          [
            { label: t('field.name'), cell: (p) => link(personName(p), `/app/trainees/${p.id}`) },
            { label: t('field.dateOfBirth'), cell: (p) => p.dateOfBirth },
            { label: t('field.sex'), cell: (p) => label('sex', p.sex) },
            { label: t('field.nationality'), cell: (p) => p.nationality },
            { label: t('field.organisation'), cell: (p) => orgName.get(p.organisationId) ?? '—' },
          ],
          items,
          { caption: t('trainees.title') },
        ),
      t('trainees.empty'),
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  root.append(filters, results);
  if (user.roles.includes('admin')) {
    const dup = h('div', { class: 'slot' });
    root.append(
      section(
        t('trainees.create'),
        dup,
        form({
          fields: traineeFields({}, orgs),
          submitLabel: t('trainees.createSubmit'),
          onSubmit: async (v) => {
            replace(dup);
            try {
              return await post('/api/v1/trainees', v);
            } catch (err) {
              if (err.code === 'DUPLICATE_TRAINEE' && err.details.existingId) {
                replace(
                  dup,
                  notice(
                    'error',
                    t('error.DUPLICATE_TRAINEE'),
                    ' ',
                    link(t('trainees.openExisting'), `/app/trainees/${err.details.existingId}`),
                  ),
                );
              }
              throw err;
            }
          },
          onDone: (p) => window.location.assign(href(`/app/trainees/${p.id}`)),
        }),
      ),
    );
  }
  await load();
}
