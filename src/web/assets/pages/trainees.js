/* global window */
import { post } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { href, label, t } from '../i18n.js';
import { traineeBody, traineeFields } from '../admin-forms.js';
import { anyOption, filteredList, searchField } from '../list-page.js';
import { organisations as loadOrgs } from '../lookups.js';
import { heading, link, notice, personName, section } from '../ui.js';

export default async function render(root, { user, may }) {
  const orgs = (await loadOrgs()).sort((a, b) => a.name.localeCompare(b.name));
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  root.append(heading(t('trainees.title')));
  const load = filteredList(root, {
    fields: [
      // The server also finds a trainee by a whole identity document number.
      searchField('trainees.searchWithDocument'),
      {
        name: 'organisationId',
        label: t('field.organisation'),
        type: 'select',
        options: [anyOption(), ...orgs.map((o) => [o.id, o.name])],
      },
      {
        name: 'nationality',
        label: t('field.nationality'),
        maxlength: 2,
        hint: t('field.countryHint'),
      },
    ],
    label: t('trainees.filters'),
    clear: '/app/trainees',
    parse: (v) => ({ ...v, nationality: v.nationality.toUpperCase() }),
    path: '/api/v1/trainees',
    columns: [
      { label: t('field.name'), cell: (p) => link(personName(p), `/app/trainees/${p.id}`) },
      { label: t('field.dateOfBirth'), cell: (p) => p.dateOfBirth },
      { label: t('field.sex'), cell: (p) => label('sex', p.sex) },
      { label: t('field.nationality'), cell: (p) => p.nationality },
      { label: t('field.organisation'), cell: (p) => orgName.get(p.organisationId) ?? '—' },
      // Lists answer the last four characters only (••••1234); the record has the whole number.
      {
        label: t('field.identityDocument'),
        cell: (p) =>
          p.identityDocument
            ? `${label('documentType', p.identityDocument.type)} ${p.identityDocument.number}`
            : '—',
      },
    ],
    caption: t('trainees.title'),
    empty: t('trainees.empty'),
  });
  if (may('trainees.manage')) {
    const dup = h('div', { class: 'slot' });
    root.append(
      section(
        t('trainees.create'),
        dup,
        form({
          // A coordinator's people join their organisation (the server insists); the form says so.
          fields: traineeFields({ organisationId: user.organisationId ?? undefined }, orgs),
          submitLabel: t('trainees.createSubmit'),
          onSubmit: async (v) => {
            replace(dup);
            try {
              return await post('/api/v1/trainees', traineeBody(v));
            } catch (err) {
              const duplicate = ['DUPLICATE_TRAINEE', 'DUPLICATE_IDENTITY_DOCUMENT'].includes(
                err.code,
              );
              if (duplicate && err.details.existingId) {
                replace(
                  dup,
                  notice(
                    'error',
                    t(`error.${err.code}`),
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
