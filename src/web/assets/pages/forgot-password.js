import { raw } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { t } from '../i18n.js';
import { heading, link, notice, queryParams } from '../ui.js';

/**
 * "Forgot password?": asks for the account's address. The answer is the same whether or not
 * an account has it (the API answers 202 either way), so the page says so in those words.
 */
export default async function render(root) {
  const box = h('div', { class: 'card' });
  const back = h('p', { class: 'aside' }, link(t('forgot.backToSignIn'), '/'));
  root.append(heading(t('forgot.title')), box, back);
  const f = form({
    className: 'signin',
    fields: [
      {
        name: 'email',
        label: t('signin.email'),
        type: 'email',
        required: true,
        autocomplete: 'username',
        // The set-password page's "ask for a new link" passes the address along.
        value: queryParams().email,
        maxlength: 254,
        spellcheck: 'false',
        autocapitalize: 'none',
      },
    ],
    submitLabel: t('forgot.submit'),
    onSubmit: async (v) => {
      await raw('POST', '/api/v1/auth/password-reset', { body: { email: v.email } });
      return v.email;
    },
    onDone: (email) => {
      replace(box, notice('success', t('forgot.sent', { email })));
      box.querySelector('.notice')?.setAttribute('tabindex', '-1');
      box.querySelector('.notice')?.focus();
    },
  });
  replace(box, h('p', { class: 'lead' }, t('forgot.intro')), f);
  f.querySelector('input')?.focus();
}
