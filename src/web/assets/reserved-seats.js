import { h } from './dom.js';
import { t } from './i18n.js';
import { button } from './ui.js';

/**
 * The reserved seats of a session in its create and edit forms: one row per organisation (the
 * organisation and its seats), rows added and removed freely. Whether the seats fit, the
 * organisations are distinct and the last day is right is the server's to say (seat-rule.ts);
 * its refusal is shown by the form. Answers the fieldset (a form field named `reservedSeats`,
 * so a refusal naming `reservedSeats.<i>.<field>` lands beside it) and `value()`, the rows as
 * the API takes them.
 */
export function reservedSeatsEditor(session = {}, organisations = []) {
  const rows = h('div', { class: 'reserved-rows' });
  const options = [...organisations].sort((a, b) => a.name.localeCompare(b.name));

  function addRow(reservation = {}) {
    const organisation = h(
      'select',
      { 'aria-label': t('field.organisation'), dataset: { part: 'organisation' } },
      h('option', { value: '' }, t('filter.choose')),
      options.map((o) =>
        h('option', { value: o.id, selected: o.id === reservation.organisationId }, o.name),
      ),
    );
    const seats = h('input', {
      type: 'number',
      min: 1,
      max: 1000,
      step: 1,
      inputmode: 'numeric',
      value: reservation.seats ?? '',
      'aria-label': t('session.reservedSeatsCount'),
      dataset: { part: 'seats' },
    });
    const row = h('div', { class: 'reserved-row', dataset: { reservation: '' } }, organisation);
    row.append(
      seats,
      button(t('session.removeReservation'), () => row.remove(), { kind: 'secondary' }),
    );
    rows.append(row);
    return organisation;
  }

  for (const reservation of session.reservedSeats ?? []) addRow(reservation);
  const node = h(
    'fieldset',
    { class: 'field reserved-seats', dataset: { field: 'reservedSeats' } },
    h('legend', {}, t('session.reservedSeats')),
    h('p', { class: 'hint' }, t('session.reservedSeatsHint')),
    rows,
    button(t('session.addReservation'), () => addRow().focus(), { kind: 'secondary' }),
    h('p', { class: 'field-error' }),
  );

  /** The rows with an organisation chosen; a seat count left empty is sent as given (0). */
  function value() {
    return [...rows.querySelectorAll('[data-reservation]')]
      .map((row) => ({
        organisationId: row.querySelector('[data-part="organisation"]').value,
        seats: Number(row.querySelector('[data-part="seats"]').value || 0),
      }))
      .filter((r) => r.organisationId !== '');
  }
  return { node, value };
}

/** The last day the reserved seats are kept (empty: none). */
export function reservationsEndOnField(s = {}) {
  return {
    name: 'reservationsEndOn',
    label: t('session.reservationsEndOn'),
    type: 'date',
    value: s.reservationsEndOn,
    emptyAs: null,
    hint: t('session.reservationsEndOnHint'),
  };
}

/** The session page's account of its reserved seats: taken of reserved per organisation. */
export function reservedSeatsSummary(session) {
  if (!session.reservedSeats?.length) return null;
  return [
    h(
      'ul',
      { class: 'reserved-summary' },
      session.reservedSeats.map((r) =>
        h(
          'li',
          {},
          t('session.reservedTaken', {
            organisation: r.organisationName,
            taken: r.taken,
            seats: r.seats,
          }),
        ),
      ),
    ),
    h(
      'p',
      { class: 'hint' },
      t(session.reservationsHold ? 'session.reservationsHoldUntil' : 'session.reservationsEnded', {
        date: session.reservationsEndOn,
      }),
    ),
  ];
}
