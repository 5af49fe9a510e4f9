import { all, get, patch, post } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { t } from '../i18n.js';
import { changes, instructorFields } from '../admin-forms.js';
import { courses as loadCourses, organisations as loadOrgs } from '../lookups.js';
import { badge, empty, facts, heading, notice, pathId, personName, section, table } from '../ui.js';

export default async function render(root, { may }) {
  const id = pathId(1);
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const [p, orgs, courses] = await Promise.all([
    get(`/api/v1/instructors/${id}`),
    loadOrgs().catch(() => []),
    loadCourses().catch(() => []),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const qualBox = h('div');
  const drawQualifications = async () => {
    const quals = await all(`/api/v1/instructors/${id}/qualifications`);
    replace(
      qualBox,
      quals.length
        ? table(
            [
              { label: t('field.course'), cell: (q) => `${q.courseCode} · ${q.courseTitle}` },
              { label: t('instructor.validUntil'), cell: (q) => q.validUntil },
              { label: t('field.status'), cell: (q) => badge('current', q.current ? 'yes' : 'no') },
            ],
            quals,
            { caption: t('instructor.qualifications') },
          )
        : empty(t('instructor.noQualifications')),
    );
  };
  await drawQualifications();
  root.append(
    heading(personName(p)),
    flash,
    h(
      'div',
      { class: 'card' },
      facts([
        [t('field.email'), p.email],
        [t('field.organisation'), orgName.get(p.organisationId) ?? '—'],
        [t('trainee.account'), p.userId ? t('trainee.hasAccount') : t('trainee.noAccount')],
      ]),
    ),
    section(t('instructor.qualifications'), qualBox),
  );
  if (!may('instructors.manage')) return;
  root.append(
    section(
      t('instructor.grant'),
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
                .sort((a, b) => a.code.localeCompare(b.code))
                .map((c) => [c.id, `${c.code} · ${c.title}`]),
            ],
          },
          { name: 'validUntil', label: t('instructor.validUntil'), type: 'date', required: true },
        ],
        submitLabel: t('instructor.grantSubmit'),
        onSubmit: (v) => post(`/api/v1/instructors/${id}/qualifications`, v),
        onDone: async (q, el) => {
          el.reset();
          await drawQualifications();
          replace(flash, notice('success', t('instructor.granted', { course: q.courseCode })));
          flash.focus();
        },
      }),
    ),
    section(
      t('instructor.edit'),
      form({
        fields: instructorFields(
          p,
          orgs.sort((a, b) => a.name.localeCompare(b.name)),
        ),
        submitLabel: t('form.save'),
        onSubmit: (v) => patch(`/api/v1/instructors/${id}`, changes(p, v)),
        onDone: (updated) => {
          Object.assign(p, updated);
          replace(flash, notice('success', t('form.saved')));
          flash.focus();
        },
      }),
    ),
  );
}
