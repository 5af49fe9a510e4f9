/* global window */
import { get } from '../api.js';
import { h } from '../dom.js';
import { href, t } from '../i18n.js';
import { badge, empty, errorContent, heading, link, notice, section, table } from '../ui.js';

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
    const upcoming = transcript.enrolments.filter((e) =>
      ['enrolled', 'waitlisted'].includes(e.status),
    );
    box.append(
      upcoming.length
        ? table(
            [
              {
                label: t('field.course'),
                cell: (e) =>
                  link(`${e.course.code} · ${e.course.title}`, `/app/sessions/${e.sessionId}`),
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
    const current = page.items.filter((s) => !['completed', 'cancelled'].includes(s.status));
    box.append(
      current.length
        ? table(
            [
              { label: t('field.course'), cell: (s) => `${s.course.code} · ${s.course.title}` },
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
  if (may('sessions.manage')) parts.push(adminHome());
  if (may('audit.read')) parts.push(auditorHome());
  if (user.roles.includes('trainee') && !user.traineeId)
    parts.push(notice('info', t('home.noTraineeRecord')));
  for (const part of await Promise.all(parts)) root.append(part);
}
