/* global document */
import { ApiError, clearSession, post } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { t } from '../i18n.js';
import { heading, link, notice } from '../ui.js';

export default async function render(root) {
  const box = h('div', { class: 'card' });
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
}
