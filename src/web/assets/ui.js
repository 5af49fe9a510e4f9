/* global document, navigator, window, URLSearchParams */
import { h, replace, uid } from './dom.js';
import { wordRefusal } from './error-wording.js';
import { catalogue, has, href, label, lang, t } from './i18n.js';

export const main = () => document.getElementById('main');

/** The page heading; also names the browser tab. */
export function heading(text, ...extra) {
  document.title = `${text} · ${t('app.name')}`;
  return h('div', { class: 'page-head' }, h('h1', { text }), ...extra);
}

export function link(text, path, params, attrs = {}) {
  return h('a', { href: href(path, params), ...attrs }, text);
}

/** A button whose async action disables it while running, so nothing is sent twice. */
export function button(text, action, { kind = 'primary', type = 'button', ...attrs } = {}) {
  const el = h('button', { type, class: `btn btn--${kind}`, ...attrs }, text);
  if (action) {
    el.addEventListener('click', async (event) => {
      if (el.getAttribute('aria-busy') === 'true') return;
      el.setAttribute('aria-busy', 'true');
      el.disabled = true;
      try {
        await action(event);
      } finally {
        el.removeAttribute('aria-busy');
        el.disabled = false;
      }
    });
  }
  return el;
}

/** A message in the page: errors are announced at once, successes politely. */
export function notice(kind, ...content) {
  return h(
    'div',
    { class: `notice notice--${kind}`, role: kind === 'error' ? 'alert' : 'status' },
    ...content,
  );
}

/** Shows a notice in a slot (an element kept for messages), replacing the previous one. */
export function say(slot, kind, ...content) {
  replace(slot, notice(kind, ...content));
  if (kind === 'error') slot.scrollIntoView?.({ block: 'nearest' });
}

export function empty(text) {
  return h('p', { class: 'empty' }, text);
}

export function loading() {
  return h('p', { class: 'loading', role: 'status' }, t('app.loading'));
}

/**
 * What went wrong, in the page's language: a refusal (an API error, or a reason the API listed
 * such as a session's `canEnrol.reasons`) worded from its code and details by the rule the
 * server words its answers with (error-wording.js); else the status's general sentence.
 */
export function errorMessage(err) {
  if (!err || typeof err !== 'object' || !('status' in err)) return t('error.unexpected');
  const worded = wordRefusal(lang, catalogue(), err.code, err.details || {});
  if (worded) return worded;
  const generic = has(`error.status.${err.status}`)
    ? `error.status.${err.status}`
    : 'error.unexpected';
  return t(generic);
}

/** The error as page content: the sentence, plus the API's detail when it adds something. */
export function errorContent(err) {
  const text = errorMessage(err);
  const known = err && has(`error.${err.code}`);
  const detail = err?.message && !known && err.status !== 0 ? err.message : null;
  return [
    h('strong', {}, text),
    detail && h('span', { class: 'notice__detail', lang: 'en' }, detail),
  ];
}

/** A status chip: colour plus the word, never colour alone. */
export function badge(prefix, value) {
  return h('span', { class: `badge badge--${value}` }, label(prefix, value));
}

/** A definition list of [label, value] pairs; empty values are left out. */
export function facts(pairs) {
  return h(
    'dl',
    { class: 'facts' },
    pairs
      .filter(([, v]) => v !== null && v !== undefined && v !== '')
      .map(([k, v]) => h('div', {}, h('dt', {}, k), h('dd', {}, v))),
  );
}

// A date (with its time, if any) or a code such as a serial is one value: a line break after
// one of its hyphens would split it ("2026-10-" above "05").
const WHOLE_VALUE =
  /\d{4}-\d{2}-\d{2}(?: \d{2}:\d{2}(?: UTC)?)?|\b[A-Z][A-Z0-9]*(?:-[A-Z0-9]+)+\b/g;

/** Puts each date or code in a cell's text in a span that does not wrap (`.nowrap`). */
function keepValuesWhole(cell) {
  const walker = document.createTreeWalker(cell, 4 /* NodeFilter.SHOW_TEXT */);
  const texts = [];
  for (let node = walker.nextNode(); node; node = walker.nextNode()) texts.push(node);
  for (const node of texts) {
    const text = node.data;
    const parts = [];
    let last = 0;
    for (const match of text.matchAll(WHOLE_VALUE)) {
      parts.push(text.slice(last, match.index), h('span', { class: 'nowrap' }, match[0]));
      last = match.index + match[0].length;
    }
    if (last === 0) continue;
    parts.push(text.slice(last));
    node.replaceWith(...parts.filter((part) => part !== ''));
  }
  return cell;
}

/**
 * A table that turns into labelled cards on a phone (each cell shows its column's name).
 * columns: [{label, cell(row) → node|string, class?}]
 */
export function table(columns, rows, { caption, rowAttrs, compact } = {}) {
  return h(
    'div',
    { class: 'table-wrap' },
    h(
      'table',
      { class: compact ? 'table table--compact' : 'table' },
      caption && h('caption', { class: 'sr-only' }, caption),
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          columns.map((c) => h('th', { scope: 'col', class: c.class }, c.label)),
        ),
      ),
      h(
        'tbody',
        {},
        rows.map((row) =>
          h(
            'tr',
            rowAttrs ? rowAttrs(row) : {},
            columns.map((c) =>
              keepValuesWhole(h('td', { 'data-label': c.label, class: c.class }, c.cell(row))),
            ),
          ),
        ),
      ),
    ),
  );
}

/**
 * A paginated list: loads the first page, then "Show more" follows nextCursor.
 * render(items) returns the nodes for a batch; container is filled in place.
 */
export async function pagedList(container, fetchPage, render, emptyText) {
  const slot = h('div');
  const more = h('div', { class: 'more' });
  replace(container, slot, more);
  let cursor;
  let total = 0;
  const load = async () => {
    try {
      const page = await fetchPage(cursor);
      total += page.items.length;
      if (total === 0) replace(slot, empty(emptyText));
      else slot.append(render(page.items));
      cursor = page.nextCursor;
      replace(more, cursor ? button(t('list.more'), load, { kind: 'secondary' }) : []);
    } catch (err) {
      replace(more, notice('error', ...errorContent(err)));
    }
  };
  replace(slot, loading());
  const first = await fetchPage(undefined).catch((err) => err);
  if (first instanceof Error || !first?.items) {
    replace(slot, notice('error', ...errorContent(first)));
    return;
  }
  slot.replaceChildren();
  total = first.items.length;
  if (total === 0) slot.append(empty(emptyText));
  else slot.append(render(first.items));
  cursor = first.nextCursor;
  replace(more, cursor ? button(t('list.more'), load, { kind: 'secondary' }) : []);
}

/** A section with its own heading level 2. */
export function section(title, ...content) {
  const id = uid('s');
  return h('section', { class: 'card', 'aria-labelledby': id }, h('h2', { id }, title), ...content);
}

/** Copies text, falling back to selecting it where the clipboard API is not allowed (plain http). */
export async function copy(text, input) {
  try {
    await navigator.clipboard.writeText(text);
    return true;
  } catch {
    input?.select?.();
    return false;
  }
}

/** The query string of the page, as an object. */
export function queryParams() {
  return Object.fromEntries(new URLSearchParams(window.location.search));
}

/** Puts filters in the address, so a filtered list can be bookmarked and reloaded. */
export function setQueryParams(values) {
  const url = new URL(window.location.href);
  for (const [k, v] of Object.entries(values)) {
    if (v === undefined || v === null || v === '') url.searchParams.delete(k);
    else url.searchParams.set(k, v);
  }
  window.history.replaceState(null, '', url.pathname + url.search);
}

/** The n-th path segment after /app/ (1 = the record's id). */
export function pathId(n = 1) {
  return decodeURIComponent(window.location.pathname.split('/').filter(Boolean)[n + 1] || '');
}

export function personName(p) {
  if (!p) return '';
  return `${p.givenName} ${p.familyName}`;
}

/**
 * A course as pages name it: code and title, the title in the page's language where the server
 * gave one (`localizedTitle` on session, desk and transcript answers), else as catalogued.
 */
export function courseName(course) {
  if (!course) return '';
  return `${course.code} · ${course.localizedTitle ?? course.title}`;
}
