/* global window, URLSearchParams */
import { ApiError, login, raw } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { href, t } from '../i18n.js';
import { heading, link, notice } from '../ui.js';

/**
 * Choosing a password from a mailed link (a password reset or an invitation). The link carries
 * the token in the fragment (`#token=…&email=…`), which the browser never sends to a server; the
 * page takes it out of the address bar at once, so it stays out of history and screenshots.
 * Once the password is saved, the page signs the person in with it.
 */
export default async function render(root) {
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const token = fragment.get('token') || '';
  const email = fragment.get('email') || '';
  if (window.location.hash) {
    window.history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  const box = h('div', { class: 'card' });
  root.append(heading(t('setPassword.title')), box);
  const askAgain = () =>
    h(
      'p',
      {},
      link(t('setPassword.askAgain'), '/forgot-password', { email }, { class: 'btn btn--primary' }),
    );
  if (!token) {
    replace(box, notice('error', t('setPassword.missing')), askAgain());
    return;
  }
  const unusable = () => {
    replace(box, notice('error', t('setPassword.invalid')), askAgain());
    box.querySelector('.notice')?.setAttribute('tabindex', '-1');
    box.querySelector('.notice')?.focus();
  };
  const f = form({
    className: 'signin',
    fields: [
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
    submitLabel: t('setPassword.submit'),
    onSubmit: async (v) => {
      if (v.newPassword !== v.confirm) {
        throw new ApiError(400, {
          code: 'PASSWORD_MISMATCH',
          details: { fields: [{ field: 'confirm', messages: [t('password.mismatch')] }] },
        });
      }
      try {
        await raw('POST', '/api/v1/auth/password-reset/confirm', {
          body: { token, newPassword: v.newPassword },
        });
      } catch (err) {
        if (err instanceof ApiError && err.code === 'INVALID_TOKEN') return 'unusable';
        throw err;
      }
      return v.newPassword;
    },
    onDone: async (outcome) => {
      if (outcome === 'unusable') {
        unusable();
        return;
      }
      // The link named the account: sign in with the new password, straight to the home page.
      if (email) {
        const signedIn = await login(email, outcome).then(
          () => true,
          () => false,
        );
        if (signedIn) {
          window.location.assign(href('/'));
          return;
        }
      }
      replace(
        box,
        notice('success', t('setPassword.done')),
        h('p', {}, link(t('setPassword.signIn'), '/', {}, { class: 'btn btn--primary' })),
      );
    },
  });
  replace(
    box,
    h('p', { class: 'lead' }, t('setPassword.intro')),
    email && h('p', { class: 'hint' }, t('setPassword.account', { email })),
    f,
  );
  f.querySelector('input')?.focus();
}
