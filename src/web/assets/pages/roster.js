/* global sessionStorage, Event, window */
import { all, get, post, put } from '../api.js';
import { h, replace } from '../dom.js';
import { label, t } from '../i18n.js';
import { daysBetween, todayIso } from '../lookups.js';
import {
  badge,
  button,
  empty,
  errorContent,
  facts,
  heading,
  link,
  notice,
  pathId,
  personName,
  section,
  table,
} from '../ui.js';

const PARTICIPANTS = ['enrolled', 'completed', 'failed'];

/** Recorded days per enrolment, read from the API when the roster loads and kept for the tab. */
const cacheKey = (enrolmentId) => `coe.attendance.${enrolmentId}`;
function knownDays(enrolmentId) {
  try {
    return JSON.parse(sessionStorage.getItem(cacheKey(enrolmentId)) || '{}');
  } catch {
    return {};
  }
}
function rememberDays(enrolmentId, days) {
  const map = Object.fromEntries(days.map((d) => [d.date, d.present]));
  sessionStorage.setItem(cacheKey(enrolmentId), JSON.stringify(map));
}

/** Why the enrolment may not be certified now, as the server decides for the roster, or null. */
function ineligibility(e) {
  return e.certification?.eligible === false ? e.certification.reason : null;
}

function attendanceGrid(session, participants, canRecord, onSaved) {
  const last = session.endsOn < todayIso() ? session.endsOn : todayIso();
  const days = session.startsOn <= last ? daysBetween(session.startsOn, last) : [];
  if (days.length === 0)
    return [h('p', { class: 'muted' }, t('roster.attendanceNotYet', { date: session.startsOn }))];
  const changes = new Map();
  const percentCells = new Map();
  const boxes = [];
  const cell = (e, date) => {
    const known = knownDays(e.id);
    const recorded = Object.hasOwn(known, date);
    const box = h('input', {
      type: 'checkbox',
      class: 'att',
      checked: recorded && known[date],
      indeterminate: !recorded,
      disabled: !canRecord,
      'aria-label': t('roster.presentOn', { name: personName(e.trainee), date }),
      dataset: { enrolment: e.id, date },
    });
    box.addEventListener('change', () => {
      if (!changes.has(e.id)) changes.set(e.id, new Map());
      changes.get(e.id).set(date, box.checked);
      box.closest('td').classList.add('changed');
    });
    boxes.push(box);
    return h('td', { class: recorded ? '' : 'unrecorded' }, box);
  };
  const allPresent = (date) =>
    h(
      'button',
      {
        type: 'button',
        class: 'btn btn--tiny',
        disabled: !canRecord,
        'aria-label': t('roster.allPresentOn', { date }),
        onclick: () => {
          for (const box of boxes.filter((b) => b.dataset.date === date)) {
            box.indeterminate = false;
            box.checked = true;
            box.dispatchEvent(new Event('change'));
          }
        },
      },
      t('roster.allPresent'),
    );
  const grid = h(
    'div',
    { class: 'grid-wrap', tabindex: '0', role: 'region', 'aria-label': t('roster.attendance') },
    h(
      'table',
      { class: 'grid' },
      h(
        'thead',
        {},
        h(
          'tr',
          {},
          h('th', { scope: 'col', class: 'grid__name' }, t('field.trainee')),
          days.map((d) =>
            h(
              'th',
              { scope: 'col' },
              h('span', { class: 'grid__day' }, d.slice(5)),
              canRecord ? allPresent(d) : null,
            ),
          ),
          h('th', { scope: 'col' }, '%'),
        ),
      ),
      h(
        'tbody',
        {},
        participants.map((e) => {
          const pct = h(
            'td',
            { class: 'grid__pct' },
            e.attendancePercent === null ? '—' : `${e.attendancePercent}%`,
          );
          percentCells.set(e.id, pct);
          return h(
            'tr',
            {},
            h('th', { scope: 'row', class: 'grid__name' }, personName(e.trainee)),
            days.map((d) => cell(e, d)),
            pct,
          );
        }),
      ),
    ),
  );
  const status = h('div', { class: 'slot', 'aria-live': 'polite' });
  const save = button(t('roster.saveAttendance'), async () => {
    if (changes.size === 0) {
      replace(status, notice('info', t('roster.nothingChanged')));
      return;
    }
    const errors = [];
    let saved = 0;
    for (const [enrolmentId, dayMap] of [...changes]) {
      const e = participants.find((p) => p.id === enrolmentId);
      try {
        const result = await put(`/api/v1/enrolments/${enrolmentId}/attendance`, {
          days: [...dayMap].map(([date, present]) => ({ date, present })),
        });
        rememberDays(enrolmentId, result.days);
        Object.assign(e, result.enrolment);
        percentCells.get(enrolmentId).textContent = `${result.attendancePercent}%`;
        changes.delete(enrolmentId);
        saved += 1;
      } catch (err) {
        errors.push(h('li', {}, `${personName(e.trainee)}: `, ...errorContent(err)));
      }
    }
    for (const td of grid.querySelectorAll('td.changed'))
      td.classList.remove('changed', 'unrecorded');
    replace(
      status,
      errors.length
        ? notice('error', t('roster.someFailed'), h('ul', {}, errors))
        : notice('success', t('roster.attendanceSaved', { n: saved })),
    );
    void onSaved();
  });
  return [
    h('p', { class: 'hint' }, t('roster.attendanceHint')),
    h(
      'p',
      { class: 'legend' },
      h('span', { class: 'legend__unrecorded' }, '—'),
      ' ',
      t('roster.notRecorded'),
    ),
    grid,
    status,
    canRecord ? h('div', { class: 'form-actions' }, save) : null,
  ];
}

function resultsTable(session, course, participants, canRecord, onSaved) {
  const status = h('div', { class: 'slot', 'aria-live': 'polite' });
  const inputs = new Map();
  const resultCells = new Map();
  const scoreInput = (e, key, name) => {
    const input = h('input', {
      type: 'number',
      class: 'score',
      min: 0,
      max: 100,
      step: 0.5,
      inputmode: 'decimal',
      value: e[key] ?? '',
      disabled: !canRecord,
      'aria-label': t(name, { name: personName(e.trainee) }),
    });
    if (!inputs.has(e.id)) inputs.set(e.id, {});
    inputs.get(e.id)[key] = input;
    return input;
  };
  const result = (e) =>
    e.passed === null
      ? h('span', { class: 'muted' }, t('roster.notAssessed'))
      : badge('passed', e.passed ? 'yes' : 'no');
  const rows = table(
    [
      { label: t('field.trainee'), cell: (e) => personName(e.trainee) },
      { label: t('roster.theory'), cell: (e) => scoreInput(e, 'theoryScore', 'roster.theoryFor') },
      {
        label: t('roster.practical'),
        cell: (e) => scoreInput(e, 'practicalScore', 'roster.practicalFor'),
      },
      {
        label: t('field.attendance'),
        cell: (e) => (e.attendancePercent === null ? '—' : `${e.attendancePercent}%`),
      },
      {
        label: t('roster.result'),
        cell: (e) => {
          const c = h('span', {}, result(e));
          resultCells.set(e.id, c);
          return c;
        },
      },
    ],
    participants,
    { caption: t('roster.results') },
  );
  const save = button(t('roster.saveResults'), async () => {
    const errors = [];
    let saved = 0;
    for (const e of participants) {
      const { theoryScore, practicalScore } = inputs.get(e.id);
      const tv = theoryScore.value.trim();
      const pv = practicalScore.value.trim();
      const unchanged = String(e.theoryScore ?? '') === tv && String(e.practicalScore ?? '') === pv;
      if (unchanged || (tv === '' && pv === '')) continue;
      if (tv === '' || pv === '') {
        errors.push(h('li', {}, `${personName(e.trainee)}: ${t('roster.bothScores')}`));
        continue;
      }
      try {
        const a = await put(`/api/v1/enrolments/${e.id}/assessment`, {
          theoryScore: Number(tv),
          practicalScore: Number(pv),
        });
        Object.assign(e, a);
        replace(resultCells.get(e.id), result(e));
        saved += 1;
      } catch (err) {
        errors.push(h('li', {}, `${personName(e.trainee)}: `, ...errorContent(err)));
      }
    }
    replace(
      status,
      errors.length
        ? notice('error', t('roster.someFailed'), h('ul', {}, errors))
        : saved
          ? notice('success', t('roster.resultsSaved', { n: saved }))
          : notice('info', t('roster.nothingChanged')),
    );
    void onSaved();
  });
  return [
    h(
      'p',
      { class: 'hint' },
      t('roster.resultsHint', { passMark: course.passMark, min: course.minAttendancePercent }),
    ),
    rows,
    status,
    canRecord ? h('div', { class: 'form-actions' }, save) : null,
  ];
}

function certificatesPart(session, participants, canIssue, redraw) {
  const status = h('div', { class: 'slot', 'aria-live': 'polite' });
  // Each roster row carries the certificate issued from it (or null) and its eligibility.
  const certOf = (e) => e.certificate;
  const eligibleCount = participants.filter((e) => !certOf(e) && !ineligibility(e)).length;
  const issueOne = (e) =>
    button(
      t('roster.issue'),
      async () => {
        if (!window.confirm(t('roster.confirmIssue', { name: personName(e.trainee) }))) return;
        try {
          const c = await post(`/api/v1/enrolments/${e.id}/certificate`);
          await redraw(
            notice(
              'success',
              t('roster.issuedOne', { name: personName(e.trainee), serial: c.serial }),
            ),
          );
        } catch (err) {
          replace(status, notice('error', `${personName(e.trainee)}: `, ...errorContent(err)));
        }
      },
      { 'aria-label': `${t('roster.issue')}: ${personName(e.trainee)}` },
    );
  const rows = table(
    [
      { label: t('field.trainee'), cell: (e) => personName(e.trainee) },
      {
        label: t('roster.eligibility'),
        cell: (e) => {
          if (certOf(e)) return badge('eligible', 'issued');
          const why = ineligibility(e);
          return why
            ? h('span', { class: 'ineligible' }, label('eligibility', why))
            : badge('eligible', 'yes');
        },
      },
      {
        label: t('roster.certificate'),
        cell: (e) => {
          const c = certOf(e);
          if (c)
            return [
              link(c.serial, `/app/certificates/${c.id}`, {}, { class: 'mono' }),
              ' ',
              badge('certStatus', c.status),
            ];
          return canIssue && !ineligibility(e) ? issueOne(e) : '—';
        },
      },
    ],
    participants,
    { caption: t('roster.certificates') },
  );
  const issueAll = button(
    t('roster.issueAll', { n: eligibleCount }),
    async () => {
      if (!window.confirm(t('roster.confirmIssueAll', { n: eligibleCount }))) return;
      try {
        const result = await post(`/api/v1/sessions/${session.id}/certificates`);
        const skipped = result.skipped.filter((s) => s.code !== 'ALREADY_ISSUED');
        await redraw(
          notice(
            skipped.length ? 'info' : 'success',
            t('roster.issuedMany', { n: result.issued.length }),
            skipped.length
              ? h(
                  'ul',
                  {},
                  skipped.map((s) => {
                    const e = participants.find((p) => p.id === s.enrolmentId);
                    return h(
                      'li',
                      {},
                      `${e ? personName(e.trainee) : s.enrolmentId}: ${label('eligibility', s.code)}`,
                    );
                  }),
                )
              : null,
          ),
        );
      } catch (err) {
        replace(status, notice('error', ...errorContent(err)));
      }
    },
    { disabled: eligibleCount === 0 },
  );
  return [
    session.status !== 'completed'
      ? h('p', { class: 'hint' }, t('roster.certifyWhenCompleted'))
      : null,
    rows,
    status,
    canIssue ? h('div', { class: 'form-actions' }, issueAll) : null,
  ];
}

export default async function render(root, { user }) {
  const id = pathId(1);
  const flash = h('div', { class: 'slot', tabindex: '-1', 'aria-live': 'polite' });
  const redraw = async (message) => {
    replace(root);
    await draw(message);
    flash.focus();
  };
  const draw = async (message) => {
    const session = await get(`/api/v1/sessions/${id}`);
    const [course, roster] = await Promise.all([
      get(`/api/v1/courses/${session.courseId}`),
      all(`/api/v1/sessions/${id}/enrolments`),
    ]);
    const assigned = session.instructors.some((i) => i.instructorId === user.instructorId);
    const canRecord =
      user.roles.includes('admin') || (user.roles.includes('instructor') && assigned);
    const canIssue = user.roles.includes('instructor') && assigned;
    const byName = (a, b) => personName(a.trainee).localeCompare(personName(b.trainee));
    const participants = roster.filter((e) => PARTICIPANTS.includes(e.status)).sort(byName);
    await Promise.all(
      participants.map(async (e) =>
        rememberDays(e.id, (await get(`/api/v1/enrolments/${e.id}/attendance`)).days),
      ),
    );
    const others = roster
      .filter((e) => !PARTICIPANTS.includes(e.status))
      .sort((a, b) => (a.waitlistPosition ?? 1e9) - (b.waitlistPosition ?? 1e9));
    replace(flash, message || []);
    root.append(
      heading(`${t('roster.title')}: ${session.course.code}`),
      h(
        'div',
        { class: 'card' },
        facts([
          [t('field.course'), `${session.course.code} · ${session.course.title}`],
          [t('field.dates'), `${session.startsOn} – ${session.endsOn}`],
          [t('field.location'), session.location],
          [t('field.status'), badge('sessionStatus', session.status)],
          [t('roster.participants'), String(participants.length)],
        ]),
        h('p', {}, link(t('roster.sessionDetails'), `/app/sessions/${session.id}`)),
      ),
      flash,
    );
    if (!canRecord) root.append(notice('info', t('roster.readOnly')));
    if (participants.length === 0) {
      root.append(section(t('roster.attendance'), empty(t('roster.empty'))));
    } else {
      // Eligibility follows the results just saved, without reloading the page: the roster
      // rows are read again, since the server decides eligibility.
      const certBox = h('div');
      const showCerts = () =>
        replace(
          certBox,
          section(
            t('roster.certificates'),
            ...certificatesPart(session, participants, canIssue, redraw),
          ),
        );
      const drawCerts = async () => {
        try {
          const fresh = new Map(
            (await all(`/api/v1/sessions/${id}/enrolments`)).map((row) => [row.id, row]),
          );
          for (const e of participants) {
            const row = fresh.get(e.id);
            if (row)
              Object.assign(e, { certification: row.certification, certificate: row.certificate });
          }
        } catch {
          // The old rows stay; the page shows them until the next load.
        }
        showCerts();
      };
      showCerts();
      root.append(
        section(
          t('roster.attendance'),
          ...attendanceGrid(session, participants, canRecord, drawCerts),
        ),
        section(
          t('roster.results'),
          ...resultsTable(session, course, participants, canRecord, drawCerts),
        ),
        certBox,
      );
    }
    if (others.length) {
      root.append(
        section(
          t('roster.others'),
          table(
            [
              { label: t('field.trainee'), cell: (e) => personName(e.trainee) },
              {
                label: t('field.status'),
                cell: (e) => [
                  badge('enrolStatus', e.status),
                  e.waitlistPosition ? ` ${t('enrol.position', { n: e.waitlistPosition })}` : '',
                ],
              },
            ],
            others,
          ),
        ),
      );
    }
  };
  await draw();
}
