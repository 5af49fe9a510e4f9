/* global document, window */
import { currentUser, login, logout, signedInUser, whenSignedOut } from './api.js';
import { h, replace } from './dom.js';
import { form } from './forms.js';
import { href, lang, setMessages, t } from './i18n.js';
import { errorContent, heading, link, main, notice, queryParams } from './ui.js';

/**
 * The sections, in the order people use them, each shown when the account's permissions
 * (decided by the server's access policy, sent with the user) include what the section needs,
 * or when the account has the record the section is about (a trainee's or instructor's own).
 */
const SECTIONS = [
  { path: '/', key: 'nav.home' },
  // The registrar's first stop: what needs doing today.
  { path: '/app/desk', key: 'nav.desk', needs: 'desk.read' },
  // The public catalogue, for those who do not see the full course register.
  { path: '/app/catalogue', key: 'nav.catalogue', unless: 'courses.readDrafts' },
  { path: '/app/transcript', key: 'nav.transcript', own: 'traineeId' },
  { path: '/app/my-sessions', key: 'nav.mySessions', own: 'instructorId' },
  { path: '/app/verify', key: 'nav.verify', needs: 'certificates.verify' },
  // The inspector's offline app (issue 19): for those who record field inspections.
  { path: '/inspect', key: 'nav.inspect', needs: 'inspections.record' },
  { path: '/app/courses', key: 'nav.courses', needs: 'courses.manage' },
  { path: '/app/sessions', key: 'nav.sessions', needs: 'registers.read' },
  { path: '/app/organisations', key: 'nav.organisations', needs: 'organisations.manage' },
  // The register, or a coordinator's organisation's people (the server narrows the list).
  { path: '/app/trainees', key: 'nav.trainees', needs: 'trainees.list' },
  { path: '/app/instructors', key: 'nav.instructors', needs: 'registers.read' },
  { path: '/app/users', key: 'nav.users', needs: 'users.manage' },
  { path: '/app/certificates', key: 'nav.certificates', needs: 'registers.read' },
  { path: '/app/audit', key: 'nav.audit', needs: 'audit.read' },
  { path: '/app/outbox', key: 'nav.outbox', needs: 'notifications.read' },
  { path: '/app/data', key: 'nav.data', needsAny: ['imports.run', 'exports.read'] },
  { path: '/app/reports', key: 'nav.reports', needs: 'reports.read' },
];

/** Pages for visitors who are not signed in (password recovery, opened from mailed links). */
const PUBLIC_PAGES = new Set(['forgot-password', 'set-password']);

/** Whether the account's permissions (from the server) include this one. */
const mayFor = (user) => (permission) => (user.permissions ?? []).includes(permission);

function shows(section, user) {
  const may = mayFor(user);
  if (section.needs && !may(section.needs)) return false;
  if (section.needsAny && !section.needsAny.some(may)) return false;
  if (section.unless && may(section.unless)) return false;
  if (section.own && !user[section.own]) return false;
  return true;
}

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
  const links = SECTIONS.filter((s) => shows(s, user)).map((s) => {
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
    h(
      'div',
      { class: 'card' },
      h('p', { class: 'lead' }, t('signin.intro')),
      f,
      h('p', { class: 'signin__forgot' }, link(t('signin.forgot'), '/forgot-password')),
    ),
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

async function startPublic() {
  const root = main();
  const base = document.body.dataset.assets;
  const page = await import(`${base}pages/${document.body.dataset.module}`);
  replace(root);
  try {
    await page.default(root, { user: null, may: () => false });
  } catch (err) {
    replace(root, heading(t('error.pageTitle')), notice('error', ...errorContent(err)));
  }
}

async function start(afterSignIn = false) {
  if (PUBLIC_PAGES.has(document.body.dataset.page)) {
    await startPublic();
    return;
  }
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
    await page.default(root, { user, may: mayFor(user) });
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
