/* global window */
import { all, get } from '../api.js';
import { h } from '../dom.js';
import { href, t } from '../i18n.js';
import {
  badge,
  empty,
  errorContent,
  heading,
  link,
  notice,
  personName,
  section,
  table,
  courseName,
} from '../ui.js';
import {
  AWAITING_SESSION,
  CLOSED_SESSION_STATUSES,
  RUNNING_SESSION_STATUSES,
} from '../vocabulary.js';

function tile(titleKey, textKey, path) {
  return h(
    'li',
    { class: 'tile' },
    h(
      'a',
      { href: href(path) },
      h('span', { class: 'tile__title' }, t(titleKey)),
      h('span', { class: 'tile__text' }, t(textKey)),
    ),
  );
}

async function traineeHome(user) {
  const box = h('div');
  try {
    const transcript = await get(`/api/v1/trainees/${user.traineeId}/transcript`);
    const upcoming = transcript.enrolments.filter((e) => AWAITING_SESSION.includes(e.status));
    box.append(
      upcoming.length
        ? table(
            [
              {
                label: t('field.course'),
                cell: (e) => link(courseName(e.course), `/app/sessions/${e.sessionId}`),
              },
              { label: t('field.dates'), cell: (e) => `${e.startsOn} – ${e.endsOn}` },
              {
                label: t('field.status'),
                cell: (e) => [
                  badge('enrolStatus', e.status),
                  e.waitlistPosition
                    ? h('div', { class: 'small' }, t('enrol.position', { n: e.waitlistPosition }))
                    : null,
                ],
              },
            ],
            upcoming,
          )
        : empty(t('home.noUpcoming')),
      h(
        'p',
        { class: 'small' },
        t('home.certificatesCount', {
          n: transcript.certificates.filter((c) => c.status === 'active').length,
        }),
      ),
    );
  } catch (err) {
    box.append(notice('error', ...errorContent(err)));
  }
  return section(
    t('home.myTraining'),
    box,
    h(
      'ul',
      { class: 'tiles' },
      tile('nav.catalogue', 'home.catalogueText', '/app/catalogue'),
      tile('nav.transcript', 'home.transcriptText', '/app/transcript'),
    ),
  );
}

async function instructorHome() {
  const box = h('div');
  try {
    const page = await get('/api/v1/sessions', { mine: 'true', limit: 50 });
    const current = page.items.filter((s) => !CLOSED_SESSION_STATUSES.includes(s.status));
    box.append(
      current.length
        ? table(
            [
              { label: t('field.course'), cell: (s) => courseName(s.course) },
              { label: t('field.dates'), cell: (s) => `${s.startsOn} – ${s.endsOn}` },
              { label: t('field.status'), cell: (s) => badge('sessionStatus', s.status) },
              {
                label: t('field.actions'),
                cell: (s) => link(t('session.openRoster'), `/app/sessions/${s.id}/roster`),
              },
            ],
            current,
          )
        : empty(t('home.noSessions')),
    );
  } catch (err) {
    box.append(notice('error', ...errorContent(err)));
  }
  return section(
    t('home.mySessions'),
    box,
    h('p', {}, link(t('home.allMySessions'), '/app/my-sessions')),
  );
}

/**
 * A coordinator's organisation at a glance: its people holding a seat or a place in line in
 * sessions not yet over, and their certificates expiring within 90 days. The server narrows
 * every list to the organisation; the page only gathers them.
 */
async function coordinatorHome() {
  const upcoming = h('div');
  const expiring = h('div');
  try {
    const sessions = (
      await Promise.all(
        RUNNING_SESSION_STATUSES.map((status) => all('/api/v1/sessions', { status })),
      )
    ).flat();
    const rosters = await Promise.all(
      sessions.map((s) =>
        get(`/api/v1/sessions/${s.id}/enrolments`, { limit: 200 }).then((page) =>
          page.items
            .filter((e) => AWAITING_SESSION.includes(e.status))
            .map((e) => ({ ...e, session: s })),
        ),
      ),
    );
    const rows = rosters
      .flat()
      .sort((a, b) => a.session.startsOn.localeCompare(b.session.startsOn));
    upcoming.append(
      rows.length
        ? table(
            [
              { label: t('field.name'), cell: (e) => personName(e.trainee) },
              {
                label: t('field.course'),
                cell: (e) => link(courseName(e.session.course), `/app/sessions/${e.session.id}`),
              },
              {
                label: t('field.dates'),
                cell: (e) => `${e.session.startsOn} – ${e.session.endsOn}`,
              },
              { label: t('field.status'), cell: (e) => badge('enrolStatus', e.status) },
            ],
            rows,
            { caption: t('home.peopleUpcoming') },
          )
        : empty(t('home.noPeopleUpcoming')),
    );
  } catch (err) {
    upcoming.append(notice('error', ...errorContent(err)));
  }
  try {
    const report = await get('/api/v1/reports/expiring', { withinDays: 90, limit: 200 });
    expiring.append(
      report.items.length
        ? table(
            [
              {
                label: t('field.name'),
                cell: (c) => link(personName(c.holder), `/app/trainees/${c.holder.traineeId}`),
              },
              { label: t('field.course'), cell: (c) => courseName(c.course) },
              { label: t('field.validUntil'), cell: (c) => c.validUntil },
            ],
            report.items,
            { caption: t('home.expiringSoon') },
          )
        : empty(t('home.noExpiring')),
    );
  } catch (err) {
    expiring.append(notice('error', ...errorContent(err)));
  }
  return section(
    t('home.organisation'),
    h('h3', {}, t('home.peopleUpcoming')),
    upcoming,
    h('h3', {}, t('home.expiringSoon')),
    expiring,
    h(
      'ul',
      { class: 'tiles' },
      tile('nav.trainees', 'home.peopleText', '/app/trainees'),
      tile('nav.catalogue', 'home.nominateText', '/app/catalogue'),
    ),
  );
}

function auditorHome() {
  const input = h('input', {
    id: 'home-serial',
    name: 'serial',
    type: 'text',
    required: true,
    maxlength: 100,
    autocomplete: 'off',
    spellcheck: 'false',
    autocapitalize: 'characters',
  });
  const f = h(
    'form',
    {
      class: 'inline-form',
      onsubmit: (event) => {
        event.preventDefault();
        if (input.value.trim())
          window.location.assign(href('/app/verify', { serial: input.value.trim() }));
      },
    },
    h('label', { for: 'home-serial' }, t('verify.serialLabel')),
    h(
      'div',
      { class: 'row' },
      input,
      h('button', { type: 'submit', class: 'btn btn--primary' }, t('verify.check')),
    ),
  );
  return section(
    t('home.review'),
    f,
    h(
      'ul',
      { class: 'tiles' },
      tile('nav.certificates', 'home.certificatesText', '/app/certificates'),
      tile('nav.audit', 'home.auditText', '/app/audit'),
      tile('nav.reports', 'home.reportsText', '/app/reports'),
    ),
  );
}

function adminHome() {
  return section(
    t('home.manage'),
    h(
      'ul',
      { class: 'tiles' },
      tile('nav.desk', 'home.deskText', '/app/desk'),
      tile('nav.courses', 'home.coursesText', '/app/courses'),
      tile('nav.sessions', 'home.sessionsText', '/app/sessions'),
      tile('nav.organisations', 'home.organisationsText', '/app/organisations'),
      tile('nav.trainees', 'home.traineesText', '/app/trainees'),
      tile('nav.instructors', 'home.instructorsText', '/app/instructors'),
      tile('nav.users', 'home.usersText', '/app/users'),
    ),
  );
}

export default async function render(root, { user, may }) {
  root.append(
    heading(t('home.title')),
    h('p', { class: 'lead' }, t('home.signedInAs', { email: user.email })),
  );
  const parts = [];
  // Each part is what one kind of work needs; an account doing several kinds sees several.
  if (user.traineeId) parts.push(traineeHome(user));
  if (user.instructorId) parts.push(instructorHome());
  if (user.organisationId) parts.push(coordinatorHome());
  if (may('sessions.manage')) parts.push(adminHome());
  if (may('audit.read')) parts.push(auditorHome());
  if (user.roles.includes('trainee') && !user.traineeId)
    parts.push(notice('info', t('home.noTraineeRecord')));
  for (const part of await Promise.all(parts)) root.append(part);
}
