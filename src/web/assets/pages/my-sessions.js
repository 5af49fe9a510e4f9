import { get } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { badge, heading, link, pagedList, table, courseName } from '../ui.js';

export default async function render(root) {
  const list = h('div');
  root.append(
    heading(t('mySessions.title')),
    h('p', { class: 'lead' }, t('mySessions.intro')),
    list,
  );
  await pagedList(
    list,
    (cursor) => get('/api/v1/sessions', { mine: 'true', cursor, limit: 50 }),
    (items) =>
      table(
        [
          { label: t('field.course'), cell: (s) => courseName(s.course) },
          { label: t('field.dates'), cell: (s) => `${s.startsOn} – ${s.endsOn}` },
          { label: t('field.location'), cell: (s) => s.location },
          { label: t('field.status'), cell: (s) => badge('sessionStatus', s.status) },
          { label: t('session.seats'), cell: (s) => `${s.seatsTaken} / ${s.capacity}` },
          {
            label: t('field.actions'),
            cell: (s) =>
              link(
                t('session.openRoster'),
                `/app/sessions/${s.id}/roster`,
                {},
                { 'aria-label': `${t('session.openRoster')}: ${s.course.code} ${s.startsOn}` },
              ),
          },
        ],
        items,
      ),
    t('mySessions.empty'),
  );
}
