/* global document */
import { get, post } from './api.js';
import { h, replace } from './dom.js';
import { field, form } from './forms.js';
import { label, t } from './i18n.js';
import { anyOption } from './list-page.js';
import { organisations as loadOrgs } from './lookups.js';
import {
  badge,
  button,
  errorMessage,
  notice,
  pagedList,
  personName,
  section,
  table,
} from './ui.js';

/**
 * The registrar's part of a session's roster: enrolling people found in the register, and the
 * seats and the waiting line managed on someone's behalf, each change with a reason for the
 * record. Which controls show is what the account's permissions allow; whether a change is
 * allowed now (a seat free, the session open, the person's prerequisites) is the server's
 * answer, shown in its own words.
 */

const MAX_REASON = 500;

/**
 * Asks for the reason for a change in a modal dialog, then runs act(reason); the dialog stays
 * open with the server's refusal beside the reason or above the buttons, or closes and
 * onDone(result) runs.
 */
function askReason({ title, question, submitLabel, act, onDone }) {
  const dialog = h('dialog', { class: 'dialog', 'aria-label': title });
  const f = form({
    fields: [
      {
        name: 'reason',
        label: t('roster.reason'),
        type: 'textarea',
        required: true,
        maxlength: MAX_REASON,
        hint: t('roster.reasonHint'),
      },
    ],
    submitLabel,
    onSubmit: (v) => act(v.reason),
    onDone: async (result) => {
      dialog.close();
      await onDone(result);
    },
  });
  f.querySelector('.form-actions').append(
    h(
      'button',
      { type: 'button', class: 'btn btn--secondary', onclick: () => dialog.close() },
      t('roster.cancel'),
    ),
  );
  dialog.append(h('h2', {}, title), question ? h('p', {}, question) : null, f);
  dialog.addEventListener('close', () => dialog.remove());
  document.body.append(dialog);
  dialog.showModal();
  f.querySelector('textarea').focus();
}

/** The outcome of one enrolment as the server answered it, in a sentence. */
function outcome(name, enrolment) {
  return enrolment.status === 'waitlisted'
    ? t('roster.outcomeWaiting', { name, n: enrolment.waitlistPosition })
    : t('roster.outcomeSeat', { name });
}

/**
 * Find trainees (name, organisation, document number: whatever the register's search
 * matches), choose several across searches, and enrol them one by one in the order chosen,
 * each with its outcome: a seat, a place in line, or the refusal.
 */
export async function enrolPart(session, roster, redraw) {
  const orgs = (await loadOrgs()).sort((a, b) => a.name.localeCompare(b.name));
  const orgName = new Map(orgs.map((o) => [o.id, o.name]));
  const inSession = new Map(roster.map((e) => [e.traineeId, e]));
  /** Chosen trainees, id → trainee, in the order they were ticked. */
  const chosen = new Map();
  const chosenList = h('div', { class: 'chosen', 'aria-live': 'polite' });
  const enrol = button(t('roster.enrolChosen', { n: 0 }), async () => {
    const lines = [];
    let refused = 0;
    for (const p of chosen.values()) {
      const name = personName(p);
      try {
        const e = await post(`/api/v1/sessions/${session.id}/enrolments`, { traineeId: p.id });
        lines.push(h('li', {}, outcome(name, e)));
      } catch (err) {
        refused += 1;
        lines.push(h('li', {}, t('roster.outcomeRefused', { name, reason: errorMessage(err) })));
      }
    }
    await redraw(
      notice(
        refused ? 'error' : 'success',
        h('strong', {}, t('roster.enrolDone', { n: lines.length - refused, refused })),
        h('ul', { class: 'outcomes' }, lines),
      ),
    );
  });
  const showChosen = () => {
    enrol.textContent = t('roster.enrolChosen', { n: chosen.size });
    enrol.disabled = chosen.size === 0;
    replace(
      chosenList,
      chosen.size
        ? h('p', {}, t('roster.chosen'), ' ', [...chosen.values()].map(personName).join(', '))
        : null,
    );
  };
  showChosen();

  const choose = (p) => {
    const box = h('input', {
      type: 'checkbox',
      checked: chosen.has(p.id),
      'aria-label': t('roster.choose', { name: personName(p) }),
    });
    box.addEventListener('change', () => {
      if (box.checked) chosen.set(p.id, p);
      else chosen.delete(p.id);
      showChosen();
    });
    return box;
  };
  const columns = [
    { label: t('roster.chooseColumn'), cell: choose },
    { label: t('field.name'), cell: (p) => personName(p) },
    { label: t('field.dateOfBirth'), cell: (p) => p.dateOfBirth },
    { label: t('field.organisation'), cell: (p) => orgName.get(p.organisationId) ?? '—' },
    {
      label: t('roster.document'),
      cell: (p) =>
        p.identityDocument
          ? `${label('documentType', p.identityDocument.type)} ${p.identityDocument.number}`
          : '—',
    },
    {
      label: t('roster.inThisSession'),
      cell: (p) => {
        const e = inSession.get(p.id);
        if (!e) return '—';
        return [
          badge('enrolStatus', e.status),
          e.waitlistPosition ? ` ${t('roster.inLine', { n: e.waitlistPosition })}` : '',
        ];
      },
    },
  ];
  const results = h('div', { 'aria-live': 'polite' });
  const search = h(
    'form',
    { class: 'filters', role: 'search', 'aria-label': t('roster.findTrainees') },
    h(
      'div',
      { class: 'filters__grid' },
      field({
        name: 'q',
        label: t('roster.search'),
        type: 'search',
        maxlength: 100,
        hint: t('roster.searchHint'),
      }),
      field({
        name: 'organisationId',
        label: t('field.organisation'),
        type: 'select',
        options: [anyOption(), ...orgs.map((o) => [o.id, o.name])],
      }),
    ),
    h(
      'div',
      { class: 'form-actions' },
      h('button', { type: 'submit', class: 'btn btn--secondary' }, t('roster.find')),
    ),
  );
  search.addEventListener('submit', (event) => {
    event.preventDefault();
    const q = search.elements.namedItem('q').value.trim();
    const organisationId = search.elements.namedItem('organisationId').value;
    void pagedList(
      results,
      (cursor) => get('/api/v1/trainees', { q, organisationId, cursor, limit: 25 }),
      (items) => table(columns, items, { caption: t('roster.findTrainees') }),
      t('roster.noMatch'),
    );
  });
  return section(
    t('roster.enrolTitle'),
    h('p', { class: 'hint' }, t('roster.enrolHint')),
    search,
    results,
    chosenList,
    h('div', { class: 'form-actions' }, enrol),
  );
}

/** A small action button naming the person it acts on (for screen readers and tests). */
const act = (text, name, onClick, attrs = {}) =>
  button(text, onClick, {
    kind: 'secondary',
    class: 'btn btn--secondary btn--tiny',
    'aria-label': `${text}: ${name}`,
    ...attrs,
  });

/** Seat holders who may still be withdrawn, with "Withdraw…" asking the reason first. */
export function seatsPart(participants, redraw) {
  const holding = participants.filter((e) => e.status === 'enrolled');
  if (holding.length === 0) return null;
  const withdraw = (e) => {
    const name = personName(e.trainee);
    return act(t('roster.withdraw'), name, () =>
      askReason({
        title: t('roster.withdrawTitle', { name }),
        question: t('roster.withdrawQuestion'),
        submitLabel: t('roster.withdraw'),
        act: (reason) => post(`/api/v1/enrolments/${e.id}/withdraw`, { reason }),
        onDone: () => redraw(notice('success', t('roster.withdrawnOne', { name }))),
      }),
    );
  };
  return section(
    t('roster.seatHolders'),
    table(
      [
        { label: t('field.trainee'), cell: (e) => personName(e.trainee) },
        { label: t('field.status'), cell: (e) => badge('enrolStatus', e.status) },
        { label: t('roster.actions'), cell: withdraw },
      ],
      holding,
      { caption: t('roster.seatHolders') },
    ),
  );
}

/**
 * The waiting line in order. With waitlist.manage: give a seat now, move up or down one
 * place, or remove (a withdrawal); each asks the reason first.
 */
export function waitingPart(waiting, { mayManage, mayRemove }, redraw) {
  const last = waiting.length;
  const actions = (e) => {
    const name = personName(e.trainee);
    const pos = e.waitlistPosition;
    const move = (to, key) =>
      act(
        t(key),
        name,
        () =>
          askReason({
            title: t('roster.moveTitle', { name, n: to }),
            submitLabel: t(key),
            act: (reason) =>
              post(`/api/v1/enrolments/${e.id}/waitlist-position`, { position: to, reason }),
            onDone: (r) =>
              redraw(notice('success', t('roster.moved', { name, n: r.waitlistPosition }))),
          }),
        // The first cannot go up, nor the last down: the line has no such place.
        { disabled: to < 1 || to > last },
      );
    return h(
      'div',
      { class: 'actions' },
      mayManage
        ? [
            act(t('roster.promote'), name, () =>
              askReason({
                title: t('roster.promoteTitle', { name }),
                submitLabel: t('roster.promote'),
                act: (reason) => post(`/api/v1/enrolments/${e.id}/promote`, { reason }),
                onDone: () => redraw(notice('success', t('roster.promoted', { name }))),
              }),
            ),
            move(pos - 1, 'roster.moveUp'),
            move(pos + 1, 'roster.moveDown'),
          ]
        : null,
      mayRemove
        ? act(t('roster.remove'), name, () =>
            askReason({
              title: t('roster.removeTitle', { name }),
              submitLabel: t('roster.remove'),
              act: (reason) => post(`/api/v1/enrolments/${e.id}/withdraw`, { reason }),
              onDone: () => redraw(notice('success', t('roster.removed', { name }))),
            }),
          )
        : null,
    );
  };
  const columns = [
    { label: t('roster.place'), cell: (e) => String(e.waitlistPosition), class: 'num' },
    { label: t('field.trainee'), cell: (e) => personName(e.trainee) },
  ];
  if (mayManage || mayRemove) columns.push({ label: t('roster.actions'), cell: actions });
  return section(
    t('roster.waitingTitle'),
    mayManage ? h('p', { class: 'hint' }, t('roster.waitingHint')) : null,
    table(columns, waiting, { caption: t('roster.waitingTitle') }),
  );
}
