/* global window */
import { get, post } from '../api.js';
import { h } from '../dom.js';
import { field, form } from '../forms.js';
import { href, label, t } from '../i18n.js';
import { sessionFields } from '../admin-forms.js';
import { courses as loadCourses } from '../lookups.js';
import {
  badge,
  heading,
  link,
  pagedList,
  personName,
  queryParams,
  section,
  setQueryParams,
  table,
} from '../ui.js';

const STATUSES = ['planned', 'open', 'in_progress', 'completed', 'cancelled'];

export default async function render(root, { user }) {
  const q = queryParams();
  const courses = (await loadCourses()).sort((a, b) => a.code.localeCompare(b.code));
  const any = ['', t('filter.any')];
  root.append(heading(t('sessions.title')));
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('sessions.filters') },
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'courseId',
        label: t('field.course'),
        type: 'select',
        value: q.courseId,
        options: [any, ...courses.map((c) => [c.id, `${c.code} · ${c.title}`])],
      }),
      field({
        name: 'status',
        label: t('field.status'),
        type: 'select',
        value: q.status,
        options: [any, ...STATUSES.map((s) => [s, label('sessionStatus', s)])],
      }),
      field({ name: 'from', label: t('filter.startsFrom'), type: 'date', value: q.from }),
      field({ name: 'to', label: t('filter.startsTo'), type: 'date', value: q.to }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      h('a', { class: 'btn btn--secondary', href: href('/app/sessions') }, t('filter.clear')),
    ),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    const v = Object.fromEntries(
      ['courseId', 'status', 'from', 'to'].map((k) => [k, filters.elements.namedItem(k).value]),
    );
    setQueryParams(v);
    await pagedList(
      results,
      (cursor) => get('/api/v1/sessions', { ...v, cursor, limit: 50 }),
      (items) =>
        table(
          [
            {
              label: t('field.course'),
              cell: (s) => link(`${s.course.code} · ${s.course.title}`, `/app/sessions/${s.id}`),
            },
            { label: t('field.dates'), cell: (s) => `${s.startsOn} – ${s.endsOn}` },
            { label: t('field.location'), cell: (s) => s.location },
            { label: t('field.status'), cell: (s) => badge('sessionStatus', s.status) },
            { label: t('session.seats'), cell: (s) => `${s.seatsTaken} / ${s.capacity}` },
            {
              label: t('session.instructors'),
              cell: (s) => s.instructors.map(personName).join(', ') || '—',
            },
          ],
          items,
          { caption: t('sessions.title') },
        ),
      t('sessions.empty'),
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
        t('sessions.create'),
        form({
          fields: [
            {
              name: 'courseId',
              label: t('field.course'),
              type: 'select',
              required: true,
              options: [
                ['', t('filter.choose')],
                ...courses
                  .filter((c) => c.status !== 'retired')
                  .map((c) => [c.id, `${c.code} · ${c.title}`]),
              ],
            },
            ...sessionFields({}),
          ],
          submitLabel: t('course.addSessionSubmit'),
          onSubmit: ({ courseId, ...v }) => post(`/api/v1/courses/${courseId}/sessions`, v),
          onDone: (s) => window.location.assign(href(`/app/sessions/${s.id}`)),
        }),
      ),
    );
  }
  await load();
}
