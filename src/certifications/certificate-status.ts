import { can } from '../access/access-policy.js';
import type { Actor } from '../common/actor.js';
import type { Certificate, CertificateStatus } from './certificate.entity.js';

export const STATUS_REASONS = [
  'issued_in_error',
  'fraud_or_misconduct',
  'assessment_invalidated',
  'safety_breach',
  'qa_finding',
  'medical_unfit',
  'voluntary_surrender',
  'deceased',
  'other',
] as const;
export type StatusReason = (typeof STATUS_REASONS)[number];

/** A reason that says nothing by itself: the change must then say what happened. */
export function reasonRequiresNote(reason: unknown): boolean {
  return reason === 'other';
}

/** What a person may do to a certificate's status, in the order the pages offer them. */
export const LIFECYCLE_ACTIONS = ['suspend', 'reinstate', 'revoke'] as const;
export type LifecycleAction = (typeof LIFECYCLE_ACTIONS)[number];

export const LIFECYCLE_PAST_TENSE = {
  suspend: 'suspended',
  reinstate: 'reinstated',
  revoke: 'revoked',
} as const satisfies Record<LifecycleAction, string>;

/** The stored status each action leads to. */
type NextStatus = 'active' | 'suspended' | 'revoked';

/**
 * The status transitions, from the effective status (expired counts as expired, not active).
 * Revoked is final; suspension is reversible; an expired or superseded certificate can still
 * be revoked, but only an active one suspended and only a suspended one reinstated.
 */
export function nextStatus(action: LifecycleAction, current: CertificateStatus): NextStatus | null {
  if (current === 'revoked') return null;
  switch (action) {
    case 'suspend':
      return current === 'active' ? 'suspended' : null;
    case 'reinstate':
      return current === 'suspended' ? 'active' : null;
    case 'revoke':
      return 'revoked';
  }
}

/** Who may change a certificate's status at all: the access policy's `certificates.changeStatus`. */
export function mayChangeCertificateStatus(actor: Pick<Actor, 'roles'>): boolean {
  return can(actor, 'certificates.changeStatus');
}

export type LifecycleDecision =
  | { allowed: true; next: NextStatus }
  | { allowed: false; refusal: 'forbidden' | 'revoked' | 'illegal_transition' };

/**
 * The one decision behind both the `allowedActions` a certificate answer lists and the
 * suspend/reinstate/revoke routes, so a page never offers what the server then refuses.
 */
export function lifecycleDecision(
  actor: Pick<Actor, 'roles'>,
  current: CertificateStatus,
  action: LifecycleAction,
): LifecycleDecision {
  if (!mayChangeCertificateStatus(actor)) return { allowed: false, refusal: 'forbidden' };
  if (current === 'revoked') return { allowed: false, refusal: 'revoked' };
  const next = nextStatus(action, current);
  return next ? { allowed: true, next } : { allowed: false, refusal: 'illegal_transition' };
}

/** The actions `actor` may take on a certificate whose effective status is `current`. */
export function allowedActions(
  actor: Pick<Actor, 'roles'>,
  current: CertificateStatus,
): LifecycleAction[] {
  return LIFECYCLE_ACTIONS.filter((action) => lifecycleDecision(actor, current, action).allowed);
}

/**
 * `expired` is derived from the date, so no job has to run for a certificate to lapse: an
 * active certificate is expired from the day after its `validUntil`, which is its last valid
 * day; null never expires. `effectiveStatusSql` and `currentOnSql` are this rule for queries.
 */
export function effectiveStatus(
  cert: Pick<Certificate, 'status' | 'validUntil'>,
  today: string,
): CertificateStatus {
  if (cert.status === 'active' && cert.validUntil !== null && cert.validUntil < today)
    return 'expired';
  return cert.status;
}

/**
 * Current on `day`: active (not suspended, revoked or superseded) and not expired by then.
 * What a prerequisite, and holding a course already, ask of a certificate.
 */
export function isCurrentOn(
  cert: Pick<Certificate, 'status' | 'validUntil'>,
  day: string,
): boolean {
  return effectiveStatus(cert, day) === 'active';
}

/*
 * The same rule as SQL conditions, for queries that filter or label by it. `alias` names a row
 * of `certificates`; `day` is an SQL date expression the caller writes (a bound parameter such
 * as `:now` or `$1::date`, or a column such as `s.starts_on`), never a value pasted in.
 * test/certificate-currency.e2e-spec.ts checks on PostgreSQL that they agree with
 * `effectiveStatus` case by case.
 */

const SQL_ALIAS = /^[a-z_][a-z0-9_]*$/i;

function column(alias: string, name: 'status' | 'valid_until'): string {
  if (!SQL_ALIAS.test(alias)) throw new Error(`Not an SQL alias: ${alias}`);
  return `${alias}.${name}`;
}

/** SQL: the certificate `alias` is current on `day` (`isCurrentOn`). */
export function currentOnSql(alias: string, day: string): string {
  const validUntil = column(alias, 'valid_until');
  return `(${column(alias, 'status')} = 'active' AND (${validUntil} IS NULL OR ${validUntil} >= ${day}))`;
}

/** SQL: the certificate `alias` is expired on `day` (active, its last valid day before it). */
export function expiredOnSql(alias: string, day: string): string {
  return `(${column(alias, 'status')} = 'active' AND ${column(alias, 'valid_until')} < ${day})`;
}

/**
 * SQL: the certificate `alias` is current on `from` and its last valid day is on or before
 * `to`: it expires within that window (certificates that never expire do not).
 */
export function expiringWithinSql(alias: string, from: string, to: string): string {
  return `(${currentOnSql(alias, from)} AND ${column(alias, 'valid_until')} <= ${to})`;
}

/** SQL: the certificate's status as `effectiveStatus` gives it on `day`. */
export function effectiveStatusSql(alias: string, day: string): string {
  return `(CASE WHEN ${expiredOnSql(alias, day)} THEN 'expired' ELSE ${column(alias, 'status')} END)`;
}

/** "Aynur Məmmədova" → "A. Məmmədova": enough to recognise the holder, no more. */
export function maskedHolderName(givenName: string, familyName: string): string {
  const initial = [...givenName.trim()][0] ?? '';
  return initial ? `${initial.toUpperCase()}. ${familyName.trim()}` : familyName.trim();
}
