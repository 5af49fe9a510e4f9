/**
 * Every `code` the API answers with, in one typed list. `DomainError` takes only these, so a
 * code that is not listed here fails the type check; adding one is one line here plus its
 * message in src/web/messages/{en,az,ru}.ts (`error.<CODE>`), which a unit test demands.
 * Codes never change with the caller's language; only `message` does.
 */
export const ERROR_CODES = [
  // Generic answers by status (the filter's fallbacks for errors raised outside the services).
  'BAD_REQUEST',
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'NOT_ACCEPTABLE',
  'CONFLICT',
  'PAYLOAD_TOO_LARGE',
  'UNSUPPORTED_MEDIA_TYPE',
  'UNPROCESSABLE',
  'RATE_LIMITED',
  'CLIENT_CLOSED_REQUEST',
  'INTERNAL_ERROR',
  'SERVICE_UNAVAILABLE',
  'ERROR',
  // Requests that cannot be read.
  'MALFORMED_BODY',
  'VALIDATION_FAILED',
  'INVALID_VALUE',
  'INVALID_ID',
  'INVALID_CURSOR',
  'INVALID_PERIOD',
  'TOO_MANY',
  'FILE_MISSING',
  'INVALID_FILE',
  'INVALID_ROWS',
  'IMPORT_CONFLICT',
  'UNSUPPORTED_CREDENTIAL',
  // Accounts and sign-in.
  'INVALID_CREDENTIALS',
  'ACCOUNT_DISABLED',
  'INVALID_TOKEN',
  'INVALID_REFRESH_TOKEN',
  'CSRF_TOKEN_INVALID',
  'INVALID_CURRENT_PASSWORD',
  'PASSWORD_UNCHANGED',
  'EMAIL_TAKEN',
  'ACCOUNT_ALREADY_LINKED',
  'SELF_LOCKOUT',
  'PASSWORD_ALREADY_SET',
  'ACCOUNT_NOT_ENABLED',
  // Coordinators and their organisation.
  'COORDINATOR_NEEDS_ORGANISATION',
  'NOT_YOUR_ORGANISATION',
  // Records and references.
  'REFERENCE_NOT_FOUND',
  'RULE_VIOLATION',
  'CONCURRENT_UPDATE',
  'STALE_VERSION',
  'DUPLICATE_TRAINEE',
  'DUPLICATE_IDENTITY_DOCUMENT',
  'INSTRUCTOR_EMAIL_TAKEN',
  'COURSE_CODE_TAKEN',
  'PREREQUISITE_CYCLE',
  'COURSE_RENEWS_ITSELF',
  'COURSE_NOT_ACTIVE',
  // Sessions and instructors.
  'INVALID_DATES',
  'ILLEGAL_TRANSITION',
  'SESSION_NOT_EDITABLE',
  'SESSION_NOT_STARTED',
  'SESSION_NOT_FINISHED',
  'SESSION_CLOSED',
  'CAPACITY_BELOW_SEATS_TAKEN',
  'INSTRUCTOR_NOT_QUALIFIED',
  'ALREADY_ASSIGNED',
  'LEAD_ALREADY_ASSIGNED',
  // Enrolment, attendance, results.
  'SESSION_NOT_OPEN',
  'ALREADY_ENROLLED',
  'PREREQUISITE_NOT_MET',
  'MEDICAL_CLEARANCE_REQUIRED',
  'NOT_WITHDRAWABLE',
  'NOT_RECORDABLE',
  'INVALID_ATTENDANCE_DATE',
  'ALREADY_CERTIFIED',
  'SELF_CERTIFICATION',
  // Reserved seats and the waiting list (src/enrolments/seat-rule.ts).
  'NOT_WAITLISTED',
  'NO_SEAT_AVAILABLE',
  'WAITLIST_POSITION_OUT_OF_RANGE',
  'DUPLICATE_RESERVATION',
  'RESERVATIONS_END_REQUIRED',
  'RESERVATIONS_END_AFTER_SESSION',
  'RESERVATIONS_EXCEED_CAPACITY',
  'RESERVATION_BELOW_TAKEN',
  'RESERVATIONS_EXCEED_FREE_SEATS',
  // Certificates.
  'NOT_ELIGIBLE',
  'ALREADY_ISSUED',
  'CERTIFICATE_REVOKED',
  // Credentials from other centres (src/trusted-issuers, src/recognitions).
  'TRUSTED_ISSUER_EXISTS',
  'JWKS_UNAVAILABLE',
  'ISSUER_NOT_TRUSTED',
  'CREDENTIAL_NOT_VERIFIED',
  'CREDENTIAL_EXPIRED',
  'CREDENTIAL_REVOKED',
  'CREDENTIAL_SUSPENDED',
  'ALREADY_RECOGNISED',
  // Field inspections (src/inspections).
  'INSPECTION_CONFLICT',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

export function isErrorCode(value: unknown): value is ErrorCode {
  return typeof value === 'string' && (ERROR_CODES as readonly string[]).includes(value);
}

/** One field's problems in a 400 VALIDATION_FAILED. */
export interface FieldProblem {
  field: string;
  messages: string[];
}

/**
 * The `details` of the codes whose messages (or clients) read them. A code not named here
 * carries free-form details. Messages fill their `{placeholders}` from these keys by name.
 */
export interface ErrorDetailsByCode {
  VALIDATION_FAILED: { fields: FieldProblem[]; fieldCount?: number };
  RATE_LIMITED: { retryAfterSeconds: number };
  PREREQUISITE_NOT_MET: { missing: string[]; courseCode: string; checkedOn: string };
  MEDICAL_CLEARANCE_REQUIRED: { requiredUntil: string; clearanceUntil: string | null };
  NOT_ELIGIBLE: { reason: string; enrolmentId?: string };
  ALREADY_ISSUED: { certificateId: string | null };
  /**
   * Results already certified (409, with enrolmentId), or an enrolment refused (422): the
   * certificate held, current beyond the renewal window (validUntil null: never expires).
   */
  ALREADY_CERTIFIED: {
    certificateId: string;
    enrolmentId?: string;
    serial?: string;
    validUntil?: string | null;
    renewalWindowMonths?: number;
  };
  DUPLICATE_TRAINEE: { existingId: string | null };
  DUPLICATE_IDENTITY_DOCUMENT: { existingId: string | null };
  REFERENCE_NOT_FOUND: { field?: string };
  /** The device-made ids the upload could not store (src/inspections). */
  INSPECTION_CONFLICT: { clientIds: string[] };
}

type IsUnion<T, U = T> = T extends unknown ? ([U] extends [T] ? false : true) : never;

/**
 * The details the error helpers (badRequest, conflict, ruleViolation) take for a code: a
 * listed key must have its listed type when given, more keys may be added; free-form for a
 * code chosen at run time (a union), whose producer types its own details. Messages read
 * them defensively, as an absent key must never break an error answer.
 */
export type ErrorDetails<C extends ErrorCode> =
  IsUnion<C> extends true
    ? Record<string, unknown>
    : C extends keyof ErrorDetailsByCode
      ? Partial<ErrorDetailsByCode[C]> & Record<string, unknown>
      : Record<string, unknown>;
