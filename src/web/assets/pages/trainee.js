import { get, patch } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { label, t } from '../i18n.js';
import { traineeChanges, traineeFields } from '../admin-forms.js';
import { renderTranscript } from '../certs.js';
import { organisations as loadOrgs } from '../lookups.js';
import { facts, heading, link, notice, pathId, personName, section } from '../ui.js';

export default async function render(root, { may }) {
  const id = pathId(1);
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const [transcript, orgs] = await Promise.all([
    get(`/api/v1/trainees/${id}/transcript`),
    loadOrgs().catch(() => []),
  ]);
  const p = transcript.trainee;
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  root.append(
    heading(personName(p)),
    flash,
    h(
      'div',
      { class: 'card' },
      facts([
        [t('field.dateOfBirth'), p.dateOfBirth],
        [t('field.sex'), label('sex', p.sex)],
        [t('field.nationality'), p.nationality],
        [t('field.organisation'), orgName.get(p.organisationId) ?? '—'],
        [t('field.email'), p.email],
        [t('field.medicalUntil'), p.medicalClearanceUntil ?? '—'],
        [t('field.phone'), p.phone ?? '—'],
        [
          t('field.identityDocument'),
          p.identityDocument
            ? `${label('documentType', p.identityDocument.type)} ${p.identityDocument.number}`
            : '—',
        ],
        [t('trainee.account'), p.userId ? t('trainee.hasAccount') : t('trainee.noAccount')],
      ]),
      h('p', {}, link(t('trainee.certificates'), '/app/certificates', { traineeId: p.id })),
    ),
    ...renderTranscript(transcript, { canWithdraw: may('enrolments.enrol') }),
  );
  if (!may('trainees.manage')) return;
  root.append(
    section(
      t('trainee.edit'),
      form({
        fields: traineeFields(
          p,
          orgs.sort((a, b) => a.name.localeCompare(b.name)),
        ),
        submitLabel: t('form.save'),
        onSubmit: (v) => patch(`/api/v1/trainees/${id}`, traineeChanges(p, v)),
        onDone: (updated) => {
          Object.assign(p, updated);
          replace(flash, notice('success', t('form.saved')));
          flash.focus();
        },
      }),
    ),
  );
}
