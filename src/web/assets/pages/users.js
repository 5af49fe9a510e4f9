/* global window */
import { get, patch, post } from '../api.js';
import { h, replace } from '../dom.js';
import { field, form } from '../forms.js';
import { dateTime, href, label, t } from '../i18n.js';
import {
  instructors as loadInstructors,
  organisations as loadOrganisations,
  trainees as loadTrainees,
} from '../lookups.js';
import {
  badge,
  button,
  errorContent,
  heading,
  notice,
  pagedList,
  personName,
  queryParams,
  section,
  setQueryParams,
  table,
} from '../ui.js';
import { LANGUAGES, ROLES } from '../vocabulary.js';

export default async function render(root, { may }) {
  const q = queryParams();
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const [people, teachers, orgs] = await Promise.all([
    loadTrainees().catch(() => []),
    loadInstructors().catch(() => []),
    loadOrganisations().catch(() => []),
  ]);
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  // A coordinator's organisation: the server requires one for the role and says so if missing.
  const organisationField = (value) => ({
    name: 'organisationId',
    label: t('field.organisation'),
    type: 'select',
    value: value ?? '',
    hint: t('users.organisationHint'),
    emptyAs: null,
    options: [
      ['', t('users.none')],
      ...[...orgs].sort((a, b) => a.name.localeCompare(b.name)).map((o) => [o.id, o.name]),
    ],
  });
  const traineeName = new Map(people.map((p) => [p.id, personName(p)]));
  const instructorName = new Map(teachers.map((p) => [p.id, personName(p)]));
  root.append(heading(t('users.title')), flash);
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('users.filters') },
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'email',
        label: t('field.email'),
        type: 'search',
        value: q.email,
        maxlength: 254,
      }),
      field({
        name: 'role',
        label: t('users.role'),
        type: 'select',
        value: q.role,
        options: [['', t('filter.any')], ...ROLES.map((r) => [r, label('role', r)])],
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      h('a', { class: 'btn btn--secondary', href: href('/app/users') }, t('filter.clear')),
    ),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const editBox = h('div');
  const edit = (u) => {
    replace(
      editBox,
      section(
        t('users.edit', { email: u.email }),
        form({
          fields: [
            {
              name: 'roles',
              label: t('users.roles'),
              type: 'checkboxes',
              value: u.roles,
              required: true,
              options: ROLES.map((r) => [r, label('role', r)]),
            },
            {
              name: 'disabled',
              label: t('users.disabled'),
              type: 'checkbox',
              value: u.disabled,
              hint: t('users.disabledHint'),
            },
            organisationField(u.organisationId),
          ],
          submitLabel: t('form.save'),
          onSubmit: (v) => patch(`/api/v1/users/${u.id}`, v),
          onDone: async () => {
            replace(editBox);
            replace(flash, notice('success', t('form.saved')));
            await load();
            flash.focus();
          },
        }),
        button(t('form.cancel'), () => replace(editBox), { kind: 'secondary' }),
      ),
    );
    editBox.querySelector('input')?.focus();
  };
  /** Mails the account a new invitation or a reset link, and says where it went until when. */
  const mailLink = async (u, kind) => {
    if (kind === 'password-reset' && !window.confirm(t('users.confirmReset', { email: u.email })))
      return;
    try {
      const sent = await post(`/api/v1/users/${u.id}/${kind}`);
      const key = kind === 'invitation' ? 'users.invitationSent' : 'users.resetSent';
      replace(
        flash,
        notice('success', t(key, { email: sent.email, expiresAt: dateTime(sent.expiresAt) })),
      );
    } catch (err) {
      replace(flash, notice('error', ...errorContent(err)));
    }
    flash.focus();
  };
  const actions = (u) =>
    h(
      'div',
      { class: 'actions' },
      button(t('form.edit'), () => edit(u), {
        kind: 'secondary',
        'aria-label': `${t('form.edit')}: ${u.email}`,
      }),
      !u.disabled &&
        (u.invitationPending
          ? button(t('users.sendInvitation'), () => mailLink(u, 'invitation'), {
              kind: 'secondary',
              'aria-label': `${t('users.sendInvitation')}: ${u.email}`,
            })
          : button(t('users.sendReset'), () => mailLink(u, 'password-reset'), {
              kind: 'secondary',
              'aria-label': `${t('users.sendReset')}: ${u.email}`,
            })),
    );
  const load = async () => {
    const v = {
      email: filters.elements.namedItem('email').value.trim(),
      role: filters.elements.namedItem('role').value,
    };
    setQueryParams(v);
    await pagedList(
      results,
      (cursor) => get('/api/v1/users', { ...v, cursor, limit: 50 }),
      (items) =>
        table(
          [
            { label: t('field.email'), cell: (u) => u.email },
            {
              label: t('users.roles'),
              cell: (u) => u.roles.map((r) => label('role', r)).join(', '),
            },
            {
              label: t('users.linked'),
              cell: (u) =>
                u.traineeId
                  ? (traineeName.get(u.traineeId) ?? t('role.trainee'))
                  : u.instructorId
                    ? (instructorName.get(u.instructorId) ?? t('role.instructor'))
                    : u.organisationId
                      ? (orgName.get(u.organisationId) ?? t('field.organisation'))
                      : '—',
            },
            {
              label: t('field.status'),
              cell: (u) =>
                badge(
                  'account',
                  u.disabled ? 'disabled' : u.invitationPending ? 'invited' : 'enabled',
                ),
            },
            may('users.manage') && {
              label: t('field.actions'),
              cell: actions,
            },
          ].filter(Boolean),
          items,
          { caption: t('users.title') },
        ),
      t('users.empty'),
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  root.append(editBox, filters, results);
  if (may('users.manage')) {
    const unlinked = (list) => list.filter((p) => !p.userId);
    root.append(
      section(
        t('users.create'),
        form({
          fields: [
            {
              name: 'email',
              label: t('field.email'),
              type: 'email',
              required: true,
              maxlength: 254,
              autocomplete: 'off',
            },
            {
              name: 'password',
              label: t('users.initialPassword'),
              type: 'password',
              minlength: 12,
              maxlength: 128,
              autocomplete: 'new-password',
              hint: t('users.initialPasswordHint'),
            },
            {
              name: 'language',
              label: t('users.language'),
              type: 'select',
              options: [
                ['', t('users.languageAuto')],
                ...LANGUAGES.map((l) => [l, label('language', l)]),
              ],
            },
            {
              name: 'roles',
              label: t('users.roles'),
              type: 'checkboxes',
              required: true,
              options: ROLES.map((r) => [r, label('role', r)]),
            },
            {
              name: 'traineeId',
              label: t('users.traineeRecord'),
              type: 'select',
              hint: t('users.traineeHint'),
              options: [
                ['', t('users.none')],
                ...unlinked(people).map((p) => [p.id, `${personName(p)} (${p.dateOfBirth})`]),
              ],
            },
            {
              name: 'instructorId',
              label: t('users.instructorRecord'),
              type: 'select',
              hint: t('users.instructorHint'),
              options: [
                ['', t('users.none')],
                ...unlinked(teachers).map((p) => [p.id, `${personName(p)} (${p.email})`]),
              ],
            },
            { ...organisationField(null), emptyAs: undefined },
          ],
          submitLabel: t('users.createSubmit'),
          onSubmit: (v) => post('/api/v1/users', v),
          onDone: async (u, el) => {
            el.reset();
            const key = u.invitationPending ? 'users.invited' : 'users.created';
            replace(flash, notice('success', t(key, { email: u.email })));
            await load();
            flash.focus();
          },
        }),
      ),
    );
  }
  await load();
}
