/* global window */
import { all, get, post, put } from '../api.js';
import { h, replace, uid } from '../dom.js';
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
  courseName,
} from '../ui.js';
import { enrolPart, seatsPart, waitingPart } from '../roster-registrar.js';
import { SEAT_HOLDING } from '../vocabulary.js';
import { attendanceSheetButton } from '../attendance-sheet.js';

/** Why the enrolment may not be certified now, as the server decides for the roster, or null. */
function ineligibility(e) {
  return e.certification?.eligible === false ? e.certification.reason : null;
}

const percent = (e) => (e.attendancePercent === null ? '—' : `${e.attendancePercent}%`);

/** A field problem's words without the API's path to the field (`entries.1.theoryScore`). */
function withoutPath(message, path) {
  const text = String(message);
  if (!text.startsWith(path)) return text;
  const rest = text.slice(path.length).replace(/^[\s:]+/, '');
  return rest.charAt(0).toUpperCase() + rest.slice(1);
}

/**
 * A refused whole-roster save. The server records a roster in one transaction, so nothing of
 * it was saved. A field problem names its entry (`entries.<i>.<field>`): place(row, field,
 * text) puts it beside that field when the page has one; the rest are listed with the
 * trainee's name, as is a refusal naming its entry by `details.index`.
 */
function refusal(err, rows, place) {
  if (!(err?.status >= 400 && err.status < 500)) return notice('error', ...errorContent(err));
  const problems = Array.isArray(err.details?.fields) ? err.details.fields : [];
  const unplaced = [];
  for (const p of problems) {
    const path = String(p.field);
    const at = /^entries\.(\d+)\.([^.]+)/.exec(path);
    const row = at ? rows[Number(at[1])] : undefined;
    const text = (p.messages || []).map((m) => withoutPath(m, path)).join(' ');
    if (row && place(row, at[2], text)) continue;
    unplaced.push(row ? `${personName(row.trainee)}: ${text}` : text);
  }
  const named = Number.isInteger(err.details?.index) ? rows[err.details.index] : undefined;
  const detail =
    problems.length === 0
      ? [named ? `${personName(named.trainee)}: ` : '', ...errorContent(err)]
      : unplaced.length === 0
        ? t('roster.fixMarked')
        : h(
            'ul',
            {},
            unplaced.map((u) => h('li', {}, u)),
          );
  return notice('error', h('strong', {}, t('roster.nothingSaved')), ' ', detail);
}

/**
 * The attendance grid: one box per participant and session day so far, as recorded on the
 * server (a day not recorded shows as such). Saving sends every changed box in one request;
 * onSaved(rows) takes the rows the server answers. Answers the nodes and refresh(), which
 * shows the rows again after any save.
 */
function attendanceGrid(session, participants, canRecord, onSaved) {
  const last = session.endsOn < todayIso() ? session.endsOn : todayIso();
  const days = session.startsOn <= last ? daysBetween(session.startsOn, last) : [];
  if (days.length === 0)
    return {
      nodes: [h('p', { class: 'muted' }, t('roster.attendanceNotYet', { date: session.startsOn }))],
      refresh: () => undefined,
    };
  const byId = new Map(participants.map((e) => [e.id, e]));
  /** Changed boxes not yet saved: enrolment id → date → present. */
  const changes = new Map();
  const percentCells = new Map();
  const boxes = [];
  const show = (box) => {
    const { enrolment, date } = box.dataset;
    if (changes.get(enrolment)?.has(date)) return;
    const recorded = (byId.get(enrolment).attendance || []).find((d) => d.date === date);
    box.indeterminate = !recorded;
    box.checked = recorded?.present === true;
    box.closest('td').className = recorded ? '' : 'unrecorded';
  };
  const cell = (e, date) => {
    const box = h('input', {
      type: 'checkbox',
      class: 'att',
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
    return h('td', {}, box);
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
            box.dispatchEvent(new window.Event('change'));
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
          const pct = h('td', { class: 'grid__pct' }, percent(e));
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
  const refresh = () => {
    for (const box of boxes) show(box);
    for (const [id, pct] of percentCells) pct.textContent = percent(byId.get(id));
  };
  refresh();
  const status = h('div', { class: 'slot', 'aria-live': 'polite' });
  const save = button(t('roster.saveAttendance'), async () => {
    const entries = [...changes].map(([enrolmentId, dayMap]) => ({
      enrolmentId,
      days: [...dayMap].map(([date, present]) => ({ date, present })),
    }));
    if (entries.length === 0) {
      replace(status, notice('info', t('roster.nothingChanged')));
      return;
    }
    try {
      const saved = await put(`/api/v1/sessions/${session.id}/attendance`, { entries });
      // What was sent is saved; a box changed again meanwhile stays marked.
      for (const entry of entries) {
        const pending = changes.get(entry.enrolmentId);
        for (const d of entry.days) if (pending?.get(d.date) === d.present) pending.delete(d.date);
        if (pending?.size === 0) changes.delete(entry.enrolmentId);
      }
      onSaved(saved.items);
      replace(status, notice('success', t('roster.attendanceSaved', { n: entries.length })));
    } catch (err) {
      replace(
        status,
        refusal(
          err,
          entries.map((entry) => byId.get(entry.enrolmentId)),
          () => false,
        ),
      );
    }
  });
  return {
    nodes: [
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
    ],
    refresh,
  };
}

/**
 * Scores, attendance and result per participant. Saving sends every changed row in one
 * request; a refused score is shown beside its field. Answers the nodes and
 * refresh({ scores }), which shows the rows again after any save (the scores too when they
 * were what was saved, so scores typed meanwhile elsewhere survive an attendance save).
 */
function resultsTable(session, course, participants, canRecord, onSaved) {
  const status = h('div', { class: 'slot', 'aria-live': 'polite' });
  const inputs = new Map();
  const attendanceCells = new Map();
  const resultCells = new Map();
  const scoreField = (e, key, name) => {
    const errorId = uid('score-error');
    const input = h('input', {
      type: 'number',
      class: 'score',
      min: 0,
      max: 100,
      step: 'any',
      inputmode: 'decimal',
      value: e[key] ?? '',
      disabled: !canRecord,
      'aria-label': t(name, { name: personName(e.trainee) }),
      'aria-describedby': errorId,
    });
    if (!inputs.has(e.id)) inputs.set(e.id, {});
    inputs.get(e.id)[key] = input;
    return h('div', { class: 'score-field' }, input, h('p', { class: 'field-error', id: errorId }));
  };
  const showError = (input, text) => {
    input.setAttribute('aria-invalid', 'true');
    input.parentElement.classList.add('field--invalid');
    input.nextElementSibling.textContent = text;
  };
  const clearErrors = () => {
    for (const pair of inputs.values())
      for (const input of Object.values(pair)) {
        input.removeAttribute('aria-invalid');
        input.parentElement.classList.remove('field--invalid');
        input.nextElementSibling.textContent = '';
      }
  };
  // The server says when pass/fail is decided (resultsDecided): until then scores await it.
  const result = (e) => {
    if (e.passed !== null) return badge('passed', e.passed ? 'yes' : 'no');
    const scored = e.theoryScore !== null && e.practicalScore !== null;
    const awaiting = scored && !session.resultsDecided;
    return h(
      'span',
      { class: 'muted' },
      t(awaiting ? 'roster.resultAtCompletion' : 'roster.notAssessed'),
    );
  };
  const rows = table(
    [
      { label: t('field.trainee'), cell: (e) => personName(e.trainee) },
      { label: t('roster.theory'), cell: (e) => scoreField(e, 'theoryScore', 'roster.theoryFor') },
      {
        label: t('roster.practical'),
        cell: (e) => scoreField(e, 'practicalScore', 'roster.practicalFor'),
      },
      {
        label: t('field.attendance'),
        cell: (e) => {
          const c = h('span', {}, percent(e));
          attendanceCells.set(e.id, c);
          return c;
        },
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
  const refresh = ({ scores = false } = {}) => {
    for (const e of participants) {
      replace(attendanceCells.get(e.id), percent(e));
      replace(resultCells.get(e.id), result(e));
      if (!scores) continue;
      for (const [key, input] of Object.entries(inputs.get(e.id)))
        input.value = String(e[key] ?? '');
    }
  };
  const save = button(t('roster.saveResults'), async () => {
    clearErrors();
    replace(status);
    const entries = [];
    const sent = [];
    let unreadable = false;
    for (const e of participants) {
      const pair = inputs.get(e.id);
      // Text the browser cannot read as a number has no value to send: say so here.
      for (const input of Object.values(pair).filter((i) => i.validity.badInput)) {
        showError(input, t('form.number'));
        unreadable = true;
      }
      const tv = pair.theoryScore.value.trim();
      const pv = pair.practicalScore.value.trim();
      const unchanged = String(e.theoryScore ?? '') === tv && String(e.practicalScore ?? '') === pv;
      if (unchanged || (tv === '' && pv === '')) continue;
      // A missing score is left out, and the server names it beside its field.
      const entry = { enrolmentId: e.id };
      if (tv !== '') entry.theoryScore = Number(tv);
      if (pv !== '') entry.practicalScore = Number(pv);
      entries.push(entry);
      sent.push(e);
    }
    if (unreadable) {
      replace(status, notice('error', t('form.fixErrors')));
      return;
    }
    if (entries.length === 0) {
      replace(status, notice('info', t('roster.nothingChanged')));
      return;
    }
    try {
      const saved = await put(`/api/v1/sessions/${session.id}/assessments`, { entries });
      onSaved(saved.items, { scores: true });
      replace(status, notice('success', t('roster.resultsSaved', { n: entries.length })));
    } catch (err) {
      replace(
        status,
        refusal(err, sent, (row, field, text) => {
          const input = inputs.get(row.id)?.[field];
          if (!input) return false;
          showError(input, text);
          return true;
        }),
      );
      status.closest('section')?.querySelector('[aria-invalid="true"]')?.focus();
    }
  });
  return {
    nodes: [
      h(
        'p',
        { class: 'hint' },
        t('roster.resultsHint', { passMark: course.passMark, min: course.minAttendancePercent }),
      ),
      !session.resultsDecided
        ? h('p', { class: 'hint' }, t('roster.resultsDecidedAtCompletion'))
        : null,
      rows,
      status,
      canRecord ? h('div', { class: 'form-actions' }, save) : null,
    ],
    refresh,
  };
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
    !session.resultsDecided ? h('p', { class: 'hint' }, t('roster.certifyWhenCompleted')) : null,
    rows,
    status,
    canIssue ? h('div', { class: 'form-actions' }, issueAll) : null,
  ];
}

/** Seats of the session: capacity, taken, and those reserved for organisations while kept. */
function seatFacts(session) {
  const reserved = session.reservedSeats ?? [];
  return [
    [t('roster.seats'), t('roster.seatsTaken', { taken: session.seatsTaken, n: session.capacity })],
    [
      t('roster.reserved'),
      reserved.length
        ? h(
            'ul',
            { class: 'plain' },
            reserved.map((r) =>
              h(
                'li',
                {},
                t('roster.reservedFor', { name: r.organisationName, taken: r.taken, n: r.seats }),
              ),
            ),
            h(
              'li',
              { class: 'muted' },
              t(session.reservationsHold ? 'roster.reservedUntil' : 'roster.reservedEnded', {
                date: session.reservationsEndOn,
              }),
            ),
          )
        : null,
    ],
  ];
}

export default async function render(root, { may }) {
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
    // The access policy answers what this caller may do here (an instructor only when assigned).
    const canRecord = session.allowedActions.includes('recordResults');
    const canIssue = session.allowedActions.includes('issueCertificates');
    const byName = (a, b) => personName(a.trainee).localeCompare(personName(b.trainee));
    // Those holding a seat are the participants; the waiting list and withdrawals follow.
    const participants = roster.filter((e) => SEAT_HOLDING.includes(e.status)).sort(byName);
    // The registrar's controls: enrolling, withdrawing and the line, as permissions allow.
    const mayEnrol = may('enrolments.enrol');
    const mayManageLine = may('waitlist.manage');
    const waiting = roster
      .filter((e) => e.status === 'waitlisted')
      .sort((a, b) => a.waitlistPosition - b.waitlistPosition);
    const others = roster.filter((e) => !SEAT_HOLDING.includes(e.status) && !waiting.includes(e));
    replace(flash, message || []);
    root.append(
      heading(`${t('roster.title')}: ${session.course.code}`),
      h(
        'div',
        { class: 'card' },
        facts([
          [t('field.course'), courseName(session.course)],
          [t('field.dates'), `${session.startsOn} – ${session.endsOn}`],
          [t('field.location'), session.location],
          [t('field.status'), badge('sessionStatus', session.status)],
          [t('roster.participants'), String(participants.length)],
          ...seatFacts(session),
        ]),
        h(
          'p',
          { class: 'actions' },
          link(t('roster.sessionDetails'), `/app/sessions/${session.id}`),
          attendanceSheetButton(session),
        ),
      ),
      flash,
    );
    if (mayEnrol) root.append(await enrolPart(session, roster, redraw));
    if (mayEnrol) root.append(seatsPart(participants, redraw) ?? []);
    if (waiting.length)
      root.append(waitingPart(waiting, { mayManage: mayManageLine, mayRemove: mayEnrol }, redraw));
    if (!canRecord && !mayEnrol) root.append(notice('info', t('roster.readOnly')));
    if (participants.length === 0) {
      root.append(section(t('roster.attendance'), empty(t('roster.empty'))));
    } else {
      const certBox = h('div');
      const showCerts = () =>
        replace(
          certBox,
          section(
            t('roster.certificates'),
            ...certificatesPart(session, participants, canIssue, redraw),
          ),
        );
      // Every save answers the rows it changed as the server now has them (attendance, result,
      // eligibility, certificate): each part shows them, so nothing on the page goes stale.
      const saved = (rows, { scores = false } = {}) => {
        const byId = new Map(participants.map((e) => [e.id, e]));
        for (const row of rows) if (byId.has(row.id)) Object.assign(byId.get(row.id), row);
        grid.refresh();
        results.refresh({ scores });
        showCerts();
      };
      const grid = attendanceGrid(session, participants, canRecord, saved);
      const results = resultsTable(session, course, participants, canRecord, saved);
      showCerts();
      root.append(
        section(t('roster.attendance'), ...grid.nodes),
        section(t('roster.results'), ...results.nodes),
        certBox,
      );
    }
    if (others.length) {
      root.append(
        section(
          t('roster.withdrawals'),
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
