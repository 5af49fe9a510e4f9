/**
 * The seat rule: which seat of a session a trainee may take now, given the seats reserved for
 * organisations. Pure (no database): enrolment, the waiting list's promotions, the registrar's
 * promotion and the session answers' figures all ask it.
 *
 * - A session has `capacity` seats; some may be reserved for organisations until
 *   `reservationsEndOn` (inclusive, a calendar day in the Center's time zone).
 * - While reservations hold, a nominee of an organisation with unused reserved seats takes one
 *   of them first, else a general seat (one not reserved for anyone); a nominee of any other
 *   organisation (or of none) takes only a general seat, and waits in line when only other
 *   organisations' reserved seats remain.
 * - From the day after `reservationsEndOn`, any free seat is anyone's. A nominee of an
 *   organisation with unused reserved seats is still counted against them (so the session
 *   shows how its reservations were used), which changes nothing about who gets a seat.
 * - The organisation counted is the trainee's when they take the seat; the seat keeps it.
 */

export interface ReservationPicture {
  organisationId: string;
  /** Seats reserved for the organisation. */
  seats: number;
  /** Seat holders counted against the reservation. */
  taken: number;
}

export interface SeatPicture {
  capacity: number;
  /** Every seat held (enrolled, completed, failed), reserved or general. */
  seatsTaken: number;
  reservations: readonly ReservationPicture[];
  /** The last day reservations hold; null when the session has none. */
  reservationsEndOn: string | null;
}

/** A seat a trainee may take: one of an organisation's reserved seats, or a general one. */
export type Seat = { kind: 'reserved'; organisationId: string } | { kind: 'general' };

/** Whether reserved seats are kept for their organisations on `today`. */
export function reservationsHold(picture: SeatPicture, today: string): boolean {
  return (
    picture.reservationsEndOn !== null &&
    today <= picture.reservationsEndOn &&
    picture.reservations.length > 0
  );
}

/** Seats not reserved for anyone that nobody holds, while reservations hold. */
export function generalSeatsFree(picture: SeatPicture): number {
  const reserved = sum(picture.reservations.map((r) => r.seats));
  const takenReserved = sum(picture.reservations.map((r) => r.taken));
  const generalTaken = picture.seatsTaken - takenReserved;
  return Math.max(0, picture.capacity - reserved - generalTaken);
}

/**
 * The seat a trainee of `organisationId` (null: of no organisation) may take now, or null when
 * none is free for them (they wait in line).
 */
export function seatFor(
  picture: SeatPicture,
  organisationId: string | null,
  today: string,
): Seat | null {
  if (picture.seatsTaken >= picture.capacity) return null;
  const own = organisationId
    ? picture.reservations.find((r) => r.organisationId === organisationId)
    : undefined;
  if (own && own.taken < own.seats) return { kind: 'reserved', organisationId: own.organisationId };
  if (!reservationsHold(picture, today)) return { kind: 'general' };
  return generalSeatsFree(picture) > 0 ? { kind: 'general' } : null;
}

/**
 * Who among the people waiting may take a seat now: `anyone`, or only nominees of the listed
 * organisations (those with unused reserved seats), or nobody. The waiting list asks it to
 * find the first in line who may be promoted without reading the whole line.
 */
export type SeatsOpenTo = { anyone: true } | { anyone: false; organisationIds: string[] };

export function seatsOpenTo(picture: SeatPicture, today: string): SeatsOpenTo {
  const withUnused = picture.reservations
    .filter((r) => r.taken < r.seats)
    .map((r) => r.organisationId);
  if (picture.seatsTaken >= picture.capacity) return { anyone: false, organisationIds: [] };
  if (!reservationsHold(picture, today) || generalSeatsFree(picture) > 0) return { anyone: true };
  return { anyone: false, organisationIds: withUnused };
}

/** Takes a seat in the picture (after it was given), so the next decision sees it. */
export function withSeatTaken(picture: SeatPicture, seat: Seat): SeatPicture {
  return {
    ...picture,
    seatsTaken: picture.seatsTaken + 1,
    reservations: picture.reservations.map((r) =>
      seat.kind === 'reserved' && r.organisationId === seat.organisationId
        ? { ...r, taken: r.taken + 1 }
        : r,
    ),
  };
}

/** A proposed set of reservations for a session, and what already holds seats in it. */
export interface ReservationPlan {
  capacity: number;
  seatsTaken: number;
  startsOn: string;
  endsOn: string;
  reservations: readonly { organisationId: string; seats: number }[];
  reservationsEndOn: string | null;
  /** Seat holders counted against each organisation's reservation now. */
  takenByOrganisation: ReadonlyMap<string, number>;
}

export type ReservationRefusal =
  | { code: 'DUPLICATE_RESERVATION'; details: { organisationId: string; index: number } }
  | { code: 'RESERVATIONS_END_REQUIRED'; details: Record<string, never> }
  | {
      code: 'RESERVATIONS_END_AFTER_SESSION';
      details: { reservationsEndOn: string; endsOn: string };
    }
  | { code: 'RESERVATIONS_EXCEED_CAPACITY'; details: { capacity: number; reserved: number } }
  | {
      code: 'RESERVATION_BELOW_TAKEN';
      details: { organisationId: string; seats: number; taken: number };
    }
  | {
      code: 'RESERVATIONS_EXCEED_FREE_SEATS';
      details: { capacity: number; seatsTaken: number; generalTaken: number; reserved: number };
    };

/**
 * Why a set of reservations may not be kept, or null. Each organisation once; a last day
 * (`reservationsEndOn`) whenever there are reservations, on or before the session's last day;
 * the reservations within capacity; none below the seats its organisation already holds in it;
 * and, while they hold, no fewer general seats than the general seats already held (people in
 * general seats are never turned out to make room for a reservation).
 */
export function reservationRefusal(
  plan: ReservationPlan,
  today: string,
): ReservationRefusal | null {
  const seen = new Set<string>();
  for (const [index, r] of plan.reservations.entries()) {
    if (seen.has(r.organisationId)) {
      return {
        code: 'DUPLICATE_RESERVATION',
        details: { organisationId: r.organisationId, index },
      };
    }
    seen.add(r.organisationId);
  }
  const reserved = sum(plan.reservations.map((r) => r.seats));
  if (plan.reservations.length > 0 && plan.reservationsEndOn === null) {
    return { code: 'RESERVATIONS_END_REQUIRED', details: {} };
  }
  if (plan.reservationsEndOn !== null && plan.reservationsEndOn > plan.endsOn) {
    return {
      code: 'RESERVATIONS_END_AFTER_SESSION',
      details: { reservationsEndOn: plan.reservationsEndOn, endsOn: plan.endsOn },
    };
  }
  if (reserved > plan.capacity) {
    return { code: 'RESERVATIONS_EXCEED_CAPACITY', details: { capacity: plan.capacity, reserved } };
  }
  for (const r of plan.reservations) {
    const taken = plan.takenByOrganisation.get(r.organisationId) ?? 0;
    if (r.seats < taken) {
      return {
        code: 'RESERVATION_BELOW_TAKEN',
        details: { organisationId: r.organisationId, seats: r.seats, taken },
      };
    }
  }
  const kept = new Set(plan.reservations.map((r) => r.organisationId));
  // Seats counted against a reservation that is no longer listed become general seats.
  let takenReserved = 0;
  for (const [organisationId, taken] of plan.takenByOrganisation) {
    if (kept.has(organisationId)) takenReserved += taken;
  }
  const generalTaken = plan.seatsTaken - takenReserved;
  const holds = plan.reservationsEndOn !== null && today <= plan.reservationsEndOn;
  if (holds && plan.reservations.length > 0 && plan.capacity - reserved < generalTaken) {
    return {
      code: 'RESERVATIONS_EXCEED_FREE_SEATS',
      details: { capacity: plan.capacity, seatsTaken: plan.seatsTaken, generalTaken, reserved },
    };
  }
  return null;
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
