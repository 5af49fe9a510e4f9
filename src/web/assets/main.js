/* global document, window */
import { currentUser, hasRole, login, logout, signedInUser, whenSignedOut } from './api.js';
import { h, replace } from './dom.js';
import { form } from './forms.js';
import { href, lang, setMessages, t } from './i18n.js';
import { errorContent, heading, link, main, notice, queryParams } from './ui.js';

/** Links for each role, in the order people use them. */
const SECTIONS = [
  { path: '/', key: 'nav.home', roles: ['admin', 'instructor', 'trainee', 'auditor'] },
  { path: '/app/catalogue', key: 'nav.catalogue', roles: ['trainee', 'instructor'] },
  { path: '/app/transcript', key: 'nav.transcript', roles: ['trainee'] },
  { path: '/app/my-sessions', key: 'nav.mySessions', roles: ['instructor'] },
  { path: '/app/verify', key: 'nav.verify', roles: ['auditor', 'admin'] },
  { path: '/app/courses', key: 'nav.courses', roles: ['admin'] },
  { path: '/app/sessions', key: 'nav.sessions', roles: ['admin', 'auditor'] },
  { path: '/app/organisations', key: 'nav.organisations', roles: ['admin'] },
  { path: '/app/trainees', key: 'nav.trainees', roles: ['admin', 'auditor'] },
  { path: '/app/instructors', key: 'nav.instructors', roles: ['admin', 'auditor'] },
  { path: '/app/users', key: 'nav.users', roles: ['admin'] },
  { path: '/app/certificates', key: 'nav.certificates', roles: ['admin', 'auditor'] },
  { path: '/app/audit', key: 'nav.audit', roles: ['admin', 'auditor'] },
  { path: '/app/reports', key: 'nav.reports', roles: ['admin', 'auditor'] },
];

function renderChrome(user) {
  const account = document.getElementById('account');
  replace(
    account,
    h('span', { class: 'account__email', title: user.email }, user.email),
    link(t('nav.password'), '/app/password', {}, { class: 'account__link' }),
    h(
      'button',
      {
        type: 'button',
        class: 'account__signout',
        onclick: async () => {
          await logout();
          window.location.assign(href('/'));
        },
      },
      t('nav.signOut'),
    ),
  );
  const nav = document.getElementById('sections');
  nav.setAttribute('aria-label', t('nav.sections'));
  const here = window.location.pathname;
  const links = SECTIONS.filter((s) => s.roles.some((r) => user.roles.includes(r))).map((s) => {
    const current =
      s.path === '/' ? here === '/' : here === s.path || here.startsWith(`${s.path}/`);
    return h(
      'li',
      {},
      h('a', { href: href(s.path), 'aria-current': current ? 'page' : undefined }, t(s.key)),
    );
  });
  replace(nav, h('ul', {}, links));
  nav.hidden = false;
  // The language links keep the page's other parameters (filters, search).
  for (const a of document.querySelectorAll('.langs a')) {
    const url = new URL(window.location.href);
    url.searchParams.set('lang', a.getAttribute('hreflang'));
    a.setAttribute('href', url.pathname + url.search);
  }
}

function signInPage(root) {
  const ended = queryParams().ended === '1';
  const f = form({
    className: 'signin',
    fields: [
      {
        name: 'email',
        label: t('signin.email'),
        type: 'email',
        required: true,
        autocomplete: 'username',
        maxlength: 254,
        spellcheck: 'false',
        autocapitalize: 'none',
      },
      {
        name: 'password',
        label: t('signin.password'),
        type: 'password',
        required: true,
        autocomplete: 'current-password',
        maxlength: 256,
      },
    ],
    submitLabel: t('signin.submit'),
    onSubmit: (v) => login(v.email, v.password),
    onDone: () => start(true),
  });
  replace(
    root,
    heading(t('signin.title')),
    ended && notice('info', t('signin.ended')),
    h('div', { class: 'card' }, h('p', { class: 'lead' }, t('signin.intro')), f),
    h(
      'p',
      { class: 'aside' },
      t('signin.verifyHint'),
      ' ',
      h('a', { href: `/verify?lang=${lang}` }, t('signin.verifyLink')),
    ),
  );
  f.querySelector('input')?.focus();
}

async function start(afterSignIn = false) {
  const root = main();
  // The session is in cookies shared by every tab: the server says who is signed in.
  const user = afterSignIn ? currentUser() : await signedInUser();
  if (!user) {
    signInPage(root);
    return;
  }
  renderChrome(user);
  const base = document.body.dataset.assets;
  const page = await import(`${base}pages/${document.body.dataset.module}`);
  replace(root);
  try {
    await page.default(root, { user, hasRole });
  } catch (err) {
    replace(root, heading(t('error.pageTitle')), notice('error', ...errorContent(err)));
  }
  // After a full page load focus starts at the top (the skip link first); after signing in,
  // the form that had focus is gone, so focus moves to the page that replaced it.
  if (afterSignIn) root.focus({ preventScroll: true });
}

async function boot() {
  const base = document.body.dataset.assets;
  const messages = await import(`${base}i18n/${lang}.js`);
  setMessages(messages.default);
  whenSignedOut(() => window.location.assign(href('/', { ended: '1' })));
  await start();
}

boot().catch(() => {
  replace(main(), notice('error', 'The page could not be loaded. Reload to try again.'));
});
