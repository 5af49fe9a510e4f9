import { get } from './api.js';
import { h } from './dom.js';
import { field } from './forms.js';
import { href, t } from './i18n.js';
import { pagedList, queryParams, setQueryParams, table } from './ui.js';

/**
 * The body of an admin list page (instructors, trainees, sessions): a search form whose values
 * are kept in the address, so a filtered list can be bookmarked, and the API's matching records
 * as a table, "Show more" following nextCursor. Appends both to root and returns the load
 * function, to be awaited once the page has added anything else it shows below the list.
 *
 * fields: the filters (forms.js specs without a value; each takes its value from the address),
 * label: the form's accessible name, clear: the path of the unfiltered list (a "Clear" link),
 * parse(values): tidies the trimmed values before they are sent, path: the API list,
 * columns: the table's (see ui.js table), caption: the table's, empty: the text for no rows.
 */
export function filteredList(
  root,
  { fields, label, clear, parse = (v) => v, path, columns, caption, empty },
) {
  const q = queryParams();
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': label },
    h(
      'div',
      { class: 'filters__grid' },
      fields.map((spec) => field({ ...spec, value: q[spec.name] })),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      clear && h('a', { class: 'btn btn--secondary', href: href(clear) }, t('filter.clear')),
    ),
  );
  const results = h('div', { 'aria-live': 'polite' });
  const load = async () => {
    const v = parse(
      Object.fromEntries(
        fields.map(({ name }) => [name, filters.elements.namedItem(name).value.trim()]),
      ),
    );
    setQueryParams(v);
    await pagedList(
      results,
      (cursor) => get(path, { ...v, cursor, limit: 50 }),
      (items) => table(columns, items, { caption }),
      empty,
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    void load();
  });
  root.append(filters, results);
  return load;
}

/** The free-text search filter of the people lists. */
export function searchField(labelKey = 'trainees.search') {
  return { name: 'q', label: t(labelKey), type: 'search', maxlength: 100 };
}

/** The "any" choice that heads a filter's options. */
export function anyOption() {
  return ['', t('filter.any')];
}
