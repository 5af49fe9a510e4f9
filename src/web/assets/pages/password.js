/* global document */
import { ApiError, clearSession, get, patch, post } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { label, t } from '../i18n.js';
import { errorContent, heading, link, notice, section } from '../ui.js';
import { LANGUAGES } from '../vocabulary.js';

/** The account's mail preferences: the language of its mail, and whether reminders come. */
async function preferences(slot) {
  let current;
  try {
    current = await get('/api/v1/auth/me/preferences');
  } catch (err) {
    replace(slot, notice('error', ...errorContent(err)));
    return;
  }
  const status = h('div', { 'aria-live': 'polite' });
  const draw = (prefs) => {
    const f = form({
      fields: [
        {
          name: 'language',
          label: t('prefs.language'),
          type: 'select',
          value: prefs.language ?? '',
          emptyAs: null,
          hint: t('prefs.languageHint'),
          options: [
            ['', t('prefs.languageAuto', { language: label('language', prefs.mailLanguage) })],
            ...LANGUAGES.map((l) => [l, label('language', l)]),
          ],
        },
        {
          name: 'reminders',
          label: t('prefs.reminders'),
          type: 'checkbox',
          value: prefs.reminders,
          hint: t('prefs.remindersHint'),
        },
      ],
      submitLabel: t('prefs.submit'),
      onSubmit: (v) => patch('/api/v1/auth/me/preferences', v),
      onDone: (saved) => {
        draw(saved);
        replace(status, notice('success', t('prefs.saved')));
      },
    });
    replace(slot, h('p', { class: 'hint' }, t('prefs.intro')), status, f);
  };
  draw(current);
}

export default async function render(root) {
  const box = h('div', { class: 'card' });
  const prefs = h('div');
  const prefsSection = section(t('prefs.title'), prefs);
  root.append(heading(t('password.title')), box);
  const f = form({
    fields: [
      {
        name: 'currentPassword',
        label: t('password.current'),
        type: 'password',
        required: true,
        autocomplete: 'current-password',
        maxlength: 256,
      },
      {
        name: 'newPassword',
        label: t('password.new'),
        type: 'password',
        required: true,
        autocomplete: 'new-password',
        minlength: 12,
        maxlength: 128,
        hint: t('password.rules'),
      },
      {
        name: 'confirm',
        label: t('password.confirm'),
        type: 'password',
        required: true,
        autocomplete: 'new-password',
        maxlength: 128,
      },
    ],
    submitLabel: t('password.submit'),
    onSubmit: async (v) => {
      if (v.newPassword !== v.confirm) {
        throw new ApiError(400, {
          code: 'PASSWORD_MISMATCH',
          details: { fields: [{ field: 'confirm', messages: [t('password.mismatch')] }] },
        });
      }
      await post('/api/v1/auth/password', {
        currentPassword: v.currentPassword,
        newPassword: v.newPassword,
      });
    },
    onDone: () => {
      // Changing the password ends every session of the account, this one included.
      clearSession();
      prefsSection.remove();
      replace(
        box,
        notice('success', t('password.changed')),
        h('p', {}, link(t('password.signInAgain'), '/', {}, { class: 'btn btn--primary' })),
      );
      document.getElementById('account')?.replaceChildren();
      document.getElementById('sections')?.setAttribute('hidden', '');
    },
  });
  replace(box, h('p', { class: 'hint' }, t('password.intro')), f);
  root.append(prefsSection);
  await preferences(prefs);
}
