/* global setTimeout, window */
import { all, get } from '../api.js';
import { h, replace } from '../dom.js';
import { field } from '../forms.js';
import { label, t } from '../i18n.js';
import { courses as loadCourses } from '../lookups.js';
import {
  badge,
  empty,
  errorContent,
  heading,
  link,
  loading,
  notice,
  queryParams,
  setQueryParams,
} from '../ui.js';
import { LANGUAGES } from '../vocabulary.js';

function seats(s) {
  if (s.seatsLeft > 0) return t('session.seatsLeft', { n: s.seatsLeft, capacity: s.capacity });
  return t('session.full');
}

/** The course in the page's language, as the server chose it (each field falls back to the original). */
const shown = (course) => course.localized ?? course;

function courseCard(course, sessions, byId, mine) {
  const prereqs = course.prerequisiteCourseIds.map((id) => byId.get(id)?.code).filter(Boolean);
  return h(
    'article',
    { class: 'card course' },
    h(
      'h2',
      { class: 'course__title' },
      h('span', { class: 'course__code' }, course.code),
      ' ',
      shown(course).title,
    ),
    h(
      'p',
      { class: 'course__meta' },
      h('span', {}, `${t('course.level')}: ${shown(course).level}`),
      course.imasReferences.length ? h('span', {}, course.imasReferences.join(', ')) : null,
      h('span', {}, t('course.days', { n: course.durationDays })),
      h(
        'span',
        {},
        course.validityMonths
          ? t('course.validity', { n: course.validityMonths })
          : t('course.noExpiry'),
      ),
    ),
    shown(course).description && h('p', {}, shown(course).description),
    prereqs.length
      ? h('p', { class: 'course__prereq' }, t('course.requires', { codes: prereqs.join(', ') }))
      : null,
    course.requiresMedicalClearance
      ? h('p', { class: 'course__prereq' }, t('course.medical'))
      : null,
    sessions.length
      ? h(
          'ul',
          { class: 'sessions-list' },
          sessions.map((s) =>
            h(
              'li',
              {},
              h(
                'div',
                { class: 'sessions-list__main' },
                h('strong', {}, `${s.startsOn} – ${s.endsOn}`),
                h('span', {}, s.location),
                h('span', {}, `${t('field.language')}: ${label('language', s.language)}`),
                h('span', { class: s.seatsLeft > 0 ? 'seats' : 'seats seats--full' }, seats(s)),
                mine.get(s.id) ? badge('enrolStatus', mine.get(s.id)) : null,
              ),
              link(
                t('catalogue.details'),
                `/app/sessions/${s.id}`,
                {},
                {
                  class: 'btn btn--secondary',
                  'aria-label': `${t('catalogue.details')}: ${course.code} ${s.startsOn}`,
                },
              ),
            ),
          ),
        )
      : h('p', { class: 'muted' }, t('catalogue.noSessions')),
  );
}

export default async function render(root, { user }) {
  root.append(heading(t('catalogue.title')), h('p', { class: 'lead' }, t('catalogue.intro')));
  const q = queryParams();
  const results = h('div', { id: 'results', 'aria-live': 'polite' }, loading());
  let allCourses;
  let openSessions;
  let mine = new Map();
  try {
    [allCourses, openSessions] = await Promise.all([
      loadCourses({ status: 'active' }),
      all('/api/v1/sessions', { status: 'open' }),
    ]);
    if (user.traineeId) {
      const transcript = await get(`/api/v1/trainees/${user.traineeId}/transcript`);
      mine = new Map(
        transcript.enrolments
          .filter((e) => e.status !== 'withdrawn')
          .map((e) => [e.sessionId, e.status]),
      );
    }
  } catch (err) {
    root.append(notice('error', ...errorContent(err)));
    return;
  }
  const byId = new Map(allCourses.map((c) => [c.id, c]));
  const levels = [...new Set(allCourses.map((c) => c.level))].sort();
  // The filter keeps the original level as its value; the reader sees it in their language.
  const levelName = new Map(allCourses.map((c) => [c.level, shown(c).level]));
  const imas = [...new Set(allCourses.flatMap((c) => c.imasReferences))].sort();
  const languages = [...new Set([...LANGUAGES, ...openSessions.map((s) => s.language)])];
  const any = ['', t('filter.any')];

  // The search stays in view; the other filters fold away on a phone, where open they would
  // fill the first screen, and their summary says how many are in force.
  const more = h(
    'details',
    { class: 'filters__more', open: window.matchMedia('(min-width: 641px)').matches },
    h('summary', {}, t('catalogue.moreFilters')),
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'level',
        label: t('course.level'),
        type: 'select',
        value: q.level,
        options: [any, ...levels.map((l) => [l, levelName.get(l) ?? l])],
      }),
      field({
        name: 'imas',
        label: t('course.imas'),
        type: 'select',
        value: q.imas,
        options: [any, ...imas.map((r) => [r, r])],
      }),
      field({ name: 'from', label: t('filter.from'), type: 'date', value: q.from }),
      field({ name: 'to', label: t('filter.to'), type: 'date', value: q.to }),
      field({
        name: 'language',
        label: t('field.language'),
        type: 'select',
        value: q.language,
        options: [any, ...languages.map((l) => [l, label('language', l)])],
      }),
    ),
  );
  const clear = h('button', { type: 'reset', class: 'btn btn--secondary' }, t('filter.clear'));
  const filters = h(
    'form',
    { class: 'card filters', role: 'search', 'aria-label': t('catalogue.filters') },
    field({
      name: 'q',
      label: t('catalogue.search'),
      type: 'search',
      value: q.q,
      maxlength: 100,
      hint: t('catalogue.searchHint'),
    }),
    more,
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('filter.apply')),
      clear,
    ),
  );
  const MORE = ['level', 'imas', 'from', 'to', 'language'];
  const showInUse = (values) => {
    const n = MORE.filter((k) => values[k]).length;
    more.querySelector('summary').textContent = n
      ? `${t('catalogue.moreFilters')} · ${t('catalogue.filtersInUse', { n })}`
      : t('catalogue.moreFilters');
    // Nothing to clear, nothing to offer: a line less above the courses on a phone.
    clear.hidden = n === 0 && !values.q;
  };

  const apply = () => {
    const v = Object.fromEntries(
      ['q', 'level', 'imas', 'from', 'to', 'language'].map((k) => [
        k,
        filters.elements.namedItem(k).value.trim(),
      ]),
    );
    setQueryParams(v);
    showInUse(v);
    const text = v.q.toLowerCase();
    const dateOrLang = v.from || v.to || v.language;
    const cards = [];
    for (const course of allCourses) {
      if (v.level && course.level !== v.level) continue;
      if (v.imas && !course.imasReferences.includes(v.imas)) continue;
      if (
        text &&
        !`${course.code} ${course.title} ${shown(course).title} ${shown(course).description}`
          .toLowerCase()
          .includes(text)
      )
        continue;
      const sessions = openSessions
        .filter((s) => s.courseId === course.id)
        .filter(
          (s) =>
            (!v.from || s.startsOn >= v.from) &&
            (!v.to || s.startsOn <= v.to) &&
            (!v.language || s.language === v.language),
        )
        .sort((a, b) => a.startsOn.localeCompare(b.startsOn));
      if (dateOrLang && sessions.length === 0) continue;
      cards.push([course, sessions]);
    }
    // Courses that can be joined now come first.
    cards.sort(
      (a, b) => (b[1].length > 0) - (a[1].length > 0) || a[0].code.localeCompare(b[0].code),
    );
    replace(
      results,
      h('p', { class: 'count', role: 'status' }, t('catalogue.count', { n: cards.length })),
      cards.length
        ? cards.map(([c, s]) => courseCard(c, s, byId, mine))
        : empty(t('catalogue.none')),
    );
  };
  filters.addEventListener('submit', (event) => {
    event.preventDefault();
    apply();
  });
  filters.addEventListener('reset', () =>
    setTimeout(() => {
      apply();
      // The button just pressed is hidden now: keep the keyboard in the form.
      filters.elements.namedItem('q').focus();
    }, 0),
  );
  root.append(filters, results);
  apply();
}
