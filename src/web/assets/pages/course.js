/* global window */
import { all, get, patch, post } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { href, t } from '../i18n.js';
import { courseChanges, courseFields, sessionFields } from '../admin-forms.js';
import { courses as loadCourses, organisations as loadOrganisations } from '../lookups.js';
import { reservationsEndOnField, reservedSeatsEditor } from '../reserved-seats.js';
import { badge, empty, heading, link, notice, pathId, queryParams, section, table } from '../ui.js';

export default async function render(root, { may }) {
  const id = pathId(1);
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const [course, courses, sessions] = await Promise.all([
    get(`/api/v1/courses/${id}`),
    loadCourses(),
    all('/api/v1/sessions', { courseId: id }),
  ]);
  if (queryParams().created) replace(flash, notice('success', t('courses.created')));
  root.append(heading(`${course.code} · ${course.title}`), flash);
  const isAdmin = may('courses.manage');
  root.append(
    section(
      t('course.sessions'),
      sessions.length
        ? table(
            [
              {
                label: t('field.dates'),
                cell: (s) => link(`${s.startsOn} – ${s.endsOn}`, `/app/sessions/${s.id}`),
              },
              { label: t('field.location'), cell: (s) => s.location },
              { label: t('field.status'), cell: (s) => badge('sessionStatus', s.status) },
              { label: t('session.seats'), cell: (s) => `${s.seatsTaken} / ${s.capacity}` },
            ],
            sessions.sort((a, b) => b.startsOn.localeCompare(a.startsOn)),
          )
        : empty(t('course.noSessions')),
    ),
  );
  if (!isAdmin) return;
  const reserved = reservedSeatsEditor({}, await loadOrganisations());
  root.append(
    section(
      t('course.addSession'),
      form({
        fields: [...sessionFields({}), reserved.node, reservationsEndOnField({})],
        submitLabel: t('course.addSessionSubmit'),
        onSubmit: (v) =>
          post(`/api/v1/courses/${id}/sessions`, { ...v, reservedSeats: reserved.value() }),
        onDone: (s) => window.location.assign(href(`/app/sessions/${s.id}`)),
      }),
    ),
    section(
      t('course.edit'),
      form({
        fields: courseFields(course, courses),
        submitLabel: t('form.save'),
        onSubmit: (v) => patch(`/api/v1/courses/${id}`, courseChanges(course, v)),
        onDone: (updated) => {
          Object.assign(course, updated);
          replace(flash, notice('success', t('form.saved')));
          flash.focus();
        },
      }),
    ),
  );
}
