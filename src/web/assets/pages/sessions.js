/* global window */
import { post } from '../api.js';
import { form } from '../forms.js';
import { href, label, t } from '../i18n.js';
import { sessionFields } from '../admin-forms.js';
import { anyOption, filteredList } from '../list-page.js';
import { courses as loadCourses, organisations as loadOrganisations } from '../lookups.js';
import { reservationsEndOnField, reservedSeatsEditor } from '../reserved-seats.js';
import { badge, heading, link, personName, section, courseName } from '../ui.js';

const STATUSES = ['planned', 'open', 'in_progress', 'completed', 'cancelled'];

export default async function render(root, { may }) {
  const courses = (await loadCourses()).sort((a, b) => a.code.localeCompare(b.code));
  root.append(heading(t('sessions.title')));
  const load = filteredList(root, {
    fields: [
      {
        name: 'courseId',
        label: t('field.course'),
        type: 'select',
        options: [anyOption(), ...courses.map((c) => [c.id, `${c.code} · ${c.title}`])],
      },
      {
        name: 'status',
        label: t('field.status'),
        type: 'select',
        options: [anyOption(), ...STATUSES.map((s) => [s, label('sessionStatus', s)])],
      },
      { name: 'from', label: t('filter.startsFrom'), type: 'date' },
      { name: 'to', label: t('filter.startsTo'), type: 'date' },
    ],
    label: t('sessions.filters'),
    clear: '/app/sessions',
    path: '/api/v1/sessions',
    columns: [
      {
        label: t('field.course'),
        cell: (s) => link(courseName(s.course), `/app/sessions/${s.id}`),
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
    caption: t('sessions.title'),
    empty: t('sessions.empty'),
  });
  if (may('sessions.manage')) {
    const reserved = reservedSeatsEditor({}, await loadOrganisations());
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
            reserved.node,
            reservationsEndOnField({}),
          ],
          submitLabel: t('course.addSessionSubmit'),
          onSubmit: ({ courseId, ...v }) =>
            post(`/api/v1/courses/${courseId}/sessions`, { ...v, reservedSeats: reserved.value() }),
          onDone: (s) => window.location.assign(href(`/app/sessions/${s.id}`)),
        }),
      ),
    );
  }
  await load();
}
