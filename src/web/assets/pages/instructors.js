/* global window */
import { post } from '../api.js';
import { form } from '../forms.js';
import { href, t } from '../i18n.js';
import { instructorFields } from '../admin-forms.js';
import { filteredList, searchField } from '../list-page.js';
import { organisations as loadOrgs } from '../lookups.js';
import { heading, link, personName, section } from '../ui.js';

export default async function render(root, { may }) {
  const orgs = (await loadOrgs()).sort((a, b) => a.name.localeCompare(b.name));
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  root.append(heading(t('instructors.title')));
  const load = filteredList(root, {
    fields: [searchField()],
    label: t('instructors.filters'),
    path: '/api/v1/instructors',
    columns: [
      { label: t('field.name'), cell: (p) => link(personName(p), `/app/instructors/${p.id}`) },
      { label: t('field.email'), cell: (p) => p.email },
      { label: t('field.organisation'), cell: (p) => orgName.get(p.organisationId) ?? '—' },
      {
        label: t('instructors.qualified'),
        cell: (p) => p.qualifications.map((x) => x.courseCode).join(', ') || '—',
      },
    ],
    caption: t('instructors.title'),
    empty: t('instructors.empty'),
  });
  if (may('instructors.manage')) {
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
