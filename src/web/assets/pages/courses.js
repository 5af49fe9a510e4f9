/* global window */
import { post } from '../api.js';
import { h } from '../dom.js';
import { form } from '../forms.js';
import { href, label, t } from '../i18n.js';
import { courseBody, courseFields } from '../admin-forms.js';
import { courses as loadCourses } from '../lookups.js';
import { badge, empty, heading, link, section, table } from '../ui.js';

export default async function render(root, { may }) {
  const courses = (await loadCourses()).sort((a, b) => a.code.localeCompare(b.code));
  const byId = new Map(courses.map((c) => [c.id, c]));
  root.append(
    heading(t('courses.title')),
    section(
      t('courses.list'),
      courses.length
        ? table(
            [
              {
                label: t('course.code'),
                cell: (c) => link(c.code, `/app/courses/${c.id}`, {}, { class: 'mono' }),
              },
              { label: t('course.titleField'), cell: (c) => c.title },
              { label: t('course.level'), cell: (c) => c.level },
              {
                label: t('course.prerequisites'),
                cell: (c) =>
                  c.prerequisiteCourseIds.map((id) => byId.get(id)?.code ?? '?').join(', ') || '—',
              },
              {
                label: t('course.validityMonths'),
                cell: (c) => (c.validityMonths ? String(c.validityMonths) : t('course.noExpiry')),
              },
              { label: t('field.status'), cell: (c) => badge('courseStatus', c.status) },
            ],
            courses,
            { caption: t('courses.list') },
          )
        : empty(t('courses.empty')),
    ),
  );
  if (!may('courses.manage')) return;
  root.append(
    section(
      t('courses.create'),
      h(
        'p',
        { class: 'hint' },
        t('courses.createHint', { status: label('courseStatus', 'draft') }),
      ),
      form({
        fields: courseFields({}, courses),
        submitLabel: t('courses.createSubmit'),
        onSubmit: (v) => post('/api/v1/courses', courseBody(v)),
        onDone: (course) =>
          window.location.assign(href(`/app/courses/${course.id}`, { created: '1' })),
      }),
    ),
  );
}
