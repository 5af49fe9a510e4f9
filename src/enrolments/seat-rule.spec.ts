import { describe, expect, it } from '@jest/globals';
import {
  generalSeatsFree,
  reservationRefusal,
  reservationsHold,
  seatFor,
  seatsOpenTo,
  withSeatTaken,
  type ReservationPlan,
  type SeatPicture,
} from './seat-rule.js';

const A = 'org-a';
const B = 'org-b';
const C = 'org-c';

/** 10 seats: 3 kept for A, 2 for B, until 2026-12-01. */
const picture = (over: Partial<SeatPicture> = {}): SeatPicture => ({
  capacity: 10,
  seatsTaken: 0,
  reservationsEndOn: '2026-12-01',
  reservations: [
    { organisationId: A, seats: 3, taken: 0 },
    { organisationId: B, seats: 2, taken: 0 },
  ],
  ...over,
});

describe('seat rule', () => {
  it('reservations hold until their last day, inclusive', () => {
    expect(reservationsHold(picture(), '2026-11-30')).toBe(true);
    expect(reservationsHold(picture(), '2026-12-01')).toBe(true);
    expect(reservationsHold(picture(), '2026-12-02')).toBe(false);
    expect(reservationsHold(picture({ reservationsEndOn: null }), '2026-11-30')).toBe(false);
    expect(reservationsHold(picture({ reservations: [] }), '2026-11-30')).toBe(false);
  });

  it('a nominee of an organisation with unused reserved seats takes one of them first', () => {
    expect(seatFor(picture(), A, '2026-11-30')).toEqual({ kind: 'reserved', organisationId: A });
    expect(seatFor(picture(), B, '2026-11-30')).toEqual({ kind: 'reserved', organisationId: B });
  });

  it('then a general seat; others take only general seats', () => {
    const aFull = picture({
      seatsTaken: 3,
      reservations: [
        { organisationId: A, seats: 3, taken: 3 },
        { organisationId: B, seats: 2, taken: 0 },
      ],
    });
    expect(seatFor(aFull, A, '2026-11-30')).toEqual({ kind: 'general' });
    expect(seatFor(aFull, C, '2026-11-30')).toEqual({ kind: 'general' });
    expect(seatFor(aFull, null, '2026-11-30')).toEqual({ kind: 'general' });
  });

  it('while only other organisations’ reserved seats remain, a nominee waits', () => {
    // 5 general seats all held, A's 3 unused, B's 2 unused: 5 seats free, none general.
    const generalsGone = picture({ seatsTaken: 5 });
    expect(generalSeatsFree(generalsGone)).toBe(0);
    expect(seatFor(generalsGone, C, '2026-11-30')).toBeNull();
    expect(seatFor(generalsGone, null, '2026-11-30')).toBeNull();
    expect(seatFor(generalsGone, A, '2026-11-30')).toEqual({ kind: 'reserved', organisationId: A });
    expect(seatsOpenTo(generalsGone, '2026-11-30')).toEqual({
      anyone: false,
      organisationIds: [A, B],
    });
    // From the day after the reservations' last day, any free seat is anyone's.
    expect(seatFor(generalsGone, C, '2026-12-02')).toEqual({ kind: 'general' });
    expect(seatsOpenTo(generalsGone, '2026-12-02')).toEqual({ anyone: true });
    // An organisation's own unused seats still count for it (the session shows their use).
    expect(seatFor(generalsGone, A, '2026-12-02')).toEqual({ kind: 'reserved', organisationId: A });
  });

  it('a full session has no seat for anyone, reserved or not', () => {
    const full = picture({ seatsTaken: 10 });
    for (const org of [A, B, C, null]) {
      expect(seatFor(full, org, '2026-11-30')).toBeNull();
      expect(seatFor(full, org, '2026-12-05')).toBeNull();
    }
    expect(seatsOpenTo(full, '2026-12-05')).toEqual({ anyone: false, organisationIds: [] });
  });

  it('never gives more seats than capacity or a reservation, whoever asks in whatever order', () => {
    const orgs = [A, B, C, null, A, A, A, B, B, B, C, C, A, null, B, A, C, A, B, C];
    let p = picture();
    const given: string[] = [];
    for (const org of orgs) {
      const seat = seatFor(p, org, '2026-11-30');
      if (!seat) continue;
      given.push(seat.kind === 'reserved' ? seat.organisationId : 'general');
      p = withSeatTaken(p, seat);
    }
    expect(p.seatsTaken).toBe(10);
    expect(given.filter((g) => g === A)).toHaveLength(3);
    expect(given.filter((g) => g === B)).toHaveLength(2);
    expect(given.filter((g) => g === 'general')).toHaveLength(5);
  });
});

describe('reservation refusals', () => {
  const plan = (over: Partial<ReservationPlan> = {}): ReservationPlan => ({
    capacity: 10,
    seatsTaken: 0,
    startsOn: '2026-12-07',
    endsOn: '2026-12-11',
    reservations: [
      { organisationId: A, seats: 3 },
      { organisationId: B, seats: 2 },
    ],
    reservationsEndOn: '2026-12-01',
    takenByOrganisation: new Map(),
    ...over,
  });
  const code = (p: ReservationPlan) => reservationRefusal(p, '2026-11-20')?.code ?? null;

  it('accepts reservations within capacity ending on or before the last day', () => {
    expect(code(plan())).toBeNull();
    expect(code(plan({ reservationsEndOn: '2026-12-11' }))).toBeNull();
    expect(code(plan({ reservations: [], reservationsEndOn: null }))).toBeNull();
  });

  it('refuses an organisation twice, a missing or late last day, too many seats', () => {
    expect(
      code(
        plan({
          reservations: [
            { organisationId: A, seats: 1 },
            { organisationId: A, seats: 2 },
          ],
        }),
      ),
    ).toBe('DUPLICATE_RESERVATION');
    expect(code(plan({ reservationsEndOn: null }))).toBe('RESERVATIONS_END_REQUIRED');
    expect(code(plan({ reservationsEndOn: '2026-12-12' }))).toBe('RESERVATIONS_END_AFTER_SESSION');
    expect(code(plan({ capacity: 4 }))).toBe('RESERVATIONS_EXCEED_CAPACITY');
  });

  it('refuses a reservation below the seats its organisation holds', () => {
    const held = new Map([[A, 3]]);
    expect(
      code(
        plan({
          seatsTaken: 3,
          takenByOrganisation: held,
          reservations: [{ organisationId: A, seats: 2 }],
        }),
      ),
    ).toBe('RESERVATION_BELOW_TAKEN');
    // Dropping the reservation altogether turns the seats it held into general seats.
    expect(code(plan({ seatsTaken: 3, takenByOrganisation: held, reservations: [] }))).toBeNull();
  });

  it('while reservations hold, never turns people in general seats out', () => {
    // 7 in general seats: 10 - 5 reserved leaves only 5 general seats.
    expect(code(plan({ seatsTaken: 7 }))).toBe('RESERVATIONS_EXCEED_FREE_SEATS');
    expect(code(plan({ seatsTaken: 5 }))).toBeNull();
    // Reservations that have already ended promise nothing.
    expect(reservationRefusal(plan({ seatsTaken: 7 }), '2026-12-02')).toBeNull();
  });
});
