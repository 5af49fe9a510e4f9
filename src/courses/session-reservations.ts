import type { EntityManager } from 'typeorm';
import { referenceNotFound, ruleViolation, type DomainError } from '../common/errors.js';
import { SEAT_HOLDING } from '../enrolments/enrolment.entity.js';
import {
  reservationRefusal,
  type ReservationPlan,
  type ReservationRefusal,
} from '../enrolments/seat-rule.js';
import { SessionReservation } from './session-reservation.entity.js';

/** One organisation's reserved seats, as stored and as audit events keep them. */
export interface Reservation {
  organisationId: string;
  seats: number;
}

/** A session's reservations, by organisation id (a stable order for comparing and auditing). */
export async function readReservations(
  manager: EntityManager,
  sessionId: string,
): Promise<Reservation[]> {
  const rows = await manager.find(SessionReservation, {
    where: { sessionId },
    order: { organisationId: 'ASC' },
  });
  return rows.map((r) => ({ organisationId: r.organisationId, seats: r.seats }));
}

/**
 * Checks a session's reservations as they would be after a create or change, by the seat rule
 * (seat-rule.ts, `reservationRefusal`): every organisation exists (422 REFERENCE_NOT_FOUND
 * naming the entry), then the rule's refusals (422 with the rule's code). The caller holds the
 * session row lock, so the seats held cannot change meanwhile.
 */
export async function assertReservationsAllowed(
  manager: EntityManager,
  sessionId: string | null,
  plan: Omit<ReservationPlan, 'takenByOrganisation'>,
  today: string,
): Promise<void> {
  const ids = plan.reservations.map((r) => r.organisationId);
  if (ids.length > 0) {
    const found = (await manager.query('SELECT id FROM organisations WHERE id = ANY ($1::uuid[])', [
      ids,
    ])) as { id: string }[];
    const known = new Set(found.map((r) => r.id));
    const missing = ids.findIndex((id) => !known.has(id));
    if (missing >= 0) {
      throw referenceNotFound(`reservedSeats.${missing}.organisationId`, 'The organisation');
    }
  }
  const taken = new Map<string, number>();
  if (sessionId) {
    const rows = (await manager.query(
      `SELECT reserved_organisation_id AS organisation_id, count(*)::int AS taken
         FROM enrolments
        WHERE session_id = $1 AND reserved_organisation_id IS NOT NULL
          AND status = ANY ($2::text[])
        GROUP BY reserved_organisation_id`,
      [sessionId, SEAT_HOLDING],
    )) as { organisation_id: string; taken: number }[];
    for (const row of rows) taken.set(row.organisation_id, row.taken);
  }
  const refusal = reservationRefusal({ ...plan, takenByOrganisation: taken }, today);
  if (refusal) throw reservationError(refusal);
}

/** Replaces a session's reservations with the given ones. */
export async function writeReservations(
  manager: EntityManager,
  sessionId: string,
  reservations: readonly Reservation[],
): Promise<void> {
  await manager.delete(SessionReservation, { sessionId });
  if (reservations.length === 0) return;
  await manager.insert(
    SessionReservation,
    reservations.map((r) => ({ sessionId, organisationId: r.organisationId, seats: r.seats })),
  );
}

/** Reservations in the stored order, for comparing a change with what is stored. */
export function sortedReservations(reservations: readonly Reservation[]): Reservation[] {
  return [...reservations]
    .map((r) => ({ organisationId: r.organisationId, seats: r.seats }))
    .sort((a, b) => (a.organisationId < b.organisationId ? -1 : 1));
}

function reservationError(refusal: ReservationRefusal): DomainError {
  switch (refusal.code) {
    case 'DUPLICATE_RESERVATION':
      return ruleViolation(
        refusal.code,
        `The organisation ${refusal.details.organisationId} is listed more than once`,
        { ...refusal.details, field: `reservedSeats.${refusal.details.index}.organisationId` },
      );
    case 'RESERVATIONS_END_REQUIRED':
      return ruleViolation(
        refusal.code,
        'reservationsEndOn is required when seats are reserved',
        refusal.details,
      );
    case 'RESERVATIONS_END_AFTER_SESSION':
      return ruleViolation(
        refusal.code,
        `Reservations must end on or before the session's last day, ${refusal.details.endsOn}`,
        refusal.details,
      );
    case 'RESERVATIONS_EXCEED_CAPACITY':
      return ruleViolation(
        refusal.code,
        `${refusal.details.reserved} seats reserved, more than the capacity of ${refusal.details.capacity}`,
        refusal.details,
      );
    case 'RESERVATION_BELOW_TAKEN':
      return ruleViolation(
        refusal.code,
        `The organisation already holds ${refusal.details.taken} of its reserved seats`,
        refusal.details,
      );
    case 'RESERVATIONS_EXCEED_FREE_SEATS':
      return ruleViolation(
        refusal.code,
        `${refusal.details.generalTaken} people hold general seats: only ${refusal.details.capacity - refusal.details.generalTaken} seats can be reserved while reservations hold`,
        refusal.details,
      );
  }
}
