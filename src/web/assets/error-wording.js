import { formatMessage, placeholders } from './message-format.js';

/**
 * How a refusal is worded from the message catalogue (`error.<CODE>` in
 * src/web/messages/*.ts): which sentence fits the code and its details, and the values its
 * placeholders take. One rule for the server (error answers, `canEnrol` reasons, a bulk
 * issue's skipped list; it imports this file as `#error-wording`, see package.json "imports")
 * and for the pages (refusals they receive as a code and details), so the two cannot word the
 * same refusal differently.
 */

/** The catalogue key for a code's details: one code may word several cases. */
export function refusalKey(code, details = {}) {
  if (code === 'INVALID_DATES' && details.reason === 'starts_in_past') {
    return 'error.SESSION_STARTS_IN_PAST';
  }
  // No clearance at all, rather than one that ends too soon.
  if (code === 'MEDICAL_CLEARANCE_REQUIRED' && !details.clearanceUntil) {
    return 'error.MEDICAL_CLEARANCE_MISSING';
  }
  // Refusing an enrolment, the details name the certificate held (expiring or not); otherwise
  // the code refuses changing results a certificate was issued on.
  if (code === 'ALREADY_CERTIFIED' && details.serial) {
    return details.validUntil
      ? 'error.ALREADY_CERTIFIED_CURRENT'
      : 'error.ALREADY_CERTIFIED_PERMANENT';
  }
  return `error.${code}`;
}

/** A detail as a placeholder's value: lists joined, numbers rounded up (seconds to wait). */
function placeholderValue(value) {
  if (Array.isArray(value)) return value.map(String).join(', ');
  if (typeof value === 'number') return String(Math.ceil(value));
  if (typeof value === 'string') return value;
  return undefined;
}

/**
 * The refusal in the catalogue's words for `lang`, its placeholders filled from the details
 * (counts in the language's plural forms); undefined when the catalogue has no sentence for it
 * or the details lack a value it names (a half-filled sentence would mislead more than the
 * status's general one).
 */
export function wordRefusal(lang, messages, code, details = {}) {
  const key = refusalKey(code, details);
  if (!Object.hasOwn(messages, key)) return undefined;
  const params = {};
  for (const { name } of placeholders(messages[key])) {
    const value = Object.hasOwn(details, name) ? placeholderValue(details[name]) : undefined;
    if (value === undefined) return undefined;
    params[name] = value;
  }
  const text = formatMessage(lang, messages[key], params);
  if (code !== 'NOT_ELIGIBLE') return text;
  // "Not eligible for a certificate:" is completed by the reason.
  const reason = `eligibility.${String(details.reason)}`;
  return Object.hasOwn(messages, reason) ? `${text} ${messages[reason]}` : undefined;
}
