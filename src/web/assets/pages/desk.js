import { get } from '../api.js';
import { h } from '../dom.js';
import { t } from '../i18n.js';
import { badge, empty, heading, link, section, table, courseName } from '../ui.js';

/**
 * The registrar's desk: what needs doing now, as GET /api/v1/desk answers it. The server decides
 * every list (which sessions are upcoming, who may be certified, what is expiring, whether a
 * session is under-staffed); the page only shows them and links to where the work is done.
 */

const dates = (s) => `${s.startsOn} – ${s.endsOn}`;
const courseLink = (course) => link(courseName(course), `/app/courses/${course.id}`);
const sessionLink = (s, id = s.id) => link(dates(s), `/app/sessions/${id}`);

function staffingCell(staffing) {
  const count =
    staffing.needed === null
      ? t('desk.instructorsAssigned', { n: staffing.instructors })
      : t('desk.instructorsOfNeeded', { n: staffing.instructors, needed: staffing.needed });
  return h(
    'span',
    {},
    count,
    ' ',
    staffing.ok
      ? h('span', { class: 'badge badge--active' }, t('desk.staffed'))
      : h('span', { class: 'badge badge--warning' }, t('desk.understaffed')),
  );
}

function upcomingSection(upcoming) {
  return section(
    t('desk.upcoming'),
    h('p', { class: 'hint' }, t('desk.upcomingHint', { from: upcoming.from, to: upcoming.to })),
    upcoming.sessions.length
      ? table(
          [
            { label: t('field.dates'), cell: (s) => sessionLink(s) },
            { label: t('field.course'), cell: (s) => courseLink(s.course) },
            { label: t('field.location'), cell: (s) => s.location },
            { label: t('field.status'), cell: (s) => badge('sessionStatus', s.status) },
            {
              label: t('desk.seats'),
              cell: (s) => t('desk.seatsOf', { taken: s.seatsTaken, capacity: s.capacity }),
            },
            { label: t('desk.waiting'), cell: (s) => String(s.waitingCount) },
          ],
          upcoming.sessions,
          { caption: t('desk.upcoming') },
        )
      : empty(t('desk.upcomingEmpty')),
  );
}

function staffingSection(upcoming) {
  // Sessions whose course sets a maximum; the others have no ratio to keep.
  const rows = upcoming.sessions.filter((s) => s.staffing.maxTraineesPerInstructor !== null);
  return section(
    t('desk.staffing'),
    h('p', { class: 'hint' }, t('desk.staffingHint')),
    rows.length
      ? table(
          [
            { label: t('field.dates'), cell: (s) => sessionLink(s) },
            { label: t('field.course'), cell: (s) => courseLink(s.course) },
            {
              label: t('desk.ratio'),
              cell: (s) =>
                s.staffing.traineesPerInstructor === null
                  ? t('desk.noInstructor')
                  : t('desk.ratioOf', {
                      n: s.staffing.traineesPerInstructor,
                      max: s.staffing.maxTraineesPerInstructor,
                    }),
            },
            {
              label: t('desk.seats'),
              cell: (s) => t('desk.seatsOf', { taken: s.seatsTaken, capacity: s.capacity }),
            },
            { label: t('session.instructors'), cell: (s) => staffingCell(s.staffing) },
          ],
          rows,
          {
            caption: t('desk.staffing'),
            rowAttrs: (s) => (s.staffing.ok ? {} : { class: 'row--warning' }),
          },
        )
      : empty(t('desk.staffingEmpty')),
  );
}

function withoutLeadSection(sessions) {
  return section(
    t('desk.withoutLead'),
    sessions.length
      ? table(
          [
            { label: t('field.dates'), cell: (s) => sessionLink(s) },
            { label: t('field.course'), cell: (s) => courseLink(s.course) },
            { label: t('field.location'), cell: (s) => s.location },
            {
              label: t('desk.seats'),
              cell: (s) => t('desk.seatsOf', { taken: s.seatsTaken, capacity: s.capacity }),
            },
          ],
          sessions,
          { caption: t('desk.withoutLead') },
        )
      : empty(t('desk.withoutLeadEmpty')),
  );
}

function awaitingSection(rows) {
  return section(
    t('desk.awaiting'),
    rows.length
      ? table(
          [
            { label: t('field.dates'), cell: (r) => sessionLink(r, r.sessionId) },
            { label: t('field.course'), cell: (r) => courseLink(r.course) },
            { label: t('field.location'), cell: (r) => r.location },
            { label: t('desk.eligible'), cell: (r) => String(r.eligible) },
            {
              label: t('field.actions'),
              cell: (r) => link(t('session.openRoster'), `/app/sessions/${r.sessionId}/roster`),
            },
          ],
          rows,
          { caption: t('desk.awaiting') },
        )
      : empty(t('desk.awaitingEmpty')),
  );
}

function expiringSection(expiring) {
  return section(
    t('desk.expiring'),
    expiring.total > 0 &&
      h(
        'p',
        { class: 'hint' },
        t('desk.expiringHint', { n: expiring.total, days: expiring.withinDays, to: expiring.to }),
      ),
    expiring.organisations.length
      ? table(
          [
            {
              label: t('field.organisation'),
              cell: (o) =>
                o.organisationId
                  ? link(o.name, '/app/trainees', { organisationId: o.organisationId })
                  : t('desk.noOrganisation'),
            },
            { label: t('desk.certificates'), cell: (o) => String(o.certificates) },
          ],
          expiring.organisations,
          { caption: t('desk.expiring') },
        )
      : empty(t('desk.expiringEmpty')),
    expiring.total > 0 && h('p', {}, link(t('desk.expiringList'), '/app/reports')),
  );
}

export default async function render(root) {
  const desk = await get('/api/v1/desk');
  root.append(
    heading(t('desk.title')),
    h('p', { class: 'lead' }, t('desk.intro', { today: desk.today })),
    upcomingSection(desk.upcoming),
    staffingSection(desk.upcoming),
    withoutLeadSection(desk.withoutLead),
    awaitingSection(desk.awaitingCertificates),
    expiringSection(desk.expiring),
  );
}
