/**
 * What never reaches a log line. Request lines carry only what the `req`/`res` serializers in
 * logging.ts pick (no headers, no bodies); this catches secrets in anything else logged: a
 * body, a record, an error's own properties.
 *
 * It replaces pino's `redact` option, which cost more than the rest of a request's log line
 * together (22 µs per line against 7 without; 4% of a verification's CPU, bench/README.md),
 * because it copied and walked every top-level value of every line. This walks only plain
 * objects, arrays and errors, copies only along the path to a secret it finds, and goes
 * deeper (MAX_DEPTH) than the `*.password` paths it replaces, which looked one level down.
 */

export const REDACTED = '[redacted]';

/** Keys whose values are secrets or personal data, at any depth up to MAX_DEPTH. */
export const SECRET_KEYS: ReadonlySet<string> = new Set([
  'authorization',
  'cookie',
  'set-cookie',
  'password',
  'currentPassword',
  'newPassword',
  'passwordHash',
  'refreshToken',
  'accessToken',
  // A mailed link's token (password reset, invitation).
  'token',
  'privateKey',
  // A trainee's identity document and phone (issue 17).
  'identityDocument',
  'identityDocumentNumber',
  'phone',
]);

/** Deep enough for a request body inside an error inside a log object; cycles stop here too. */
const MAX_DEPTH = 4;

function walkable(value: unknown): value is object {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value) || value instanceof Error) return true;
  const proto = Object.getPrototypeOf(value) as unknown;
  return proto === Object.prototype || proto === null;
}

/** `value` itself when it holds no secret; else a copy with each secret replaced. */
function redactValue(value: unknown, depth: number): unknown {
  // The line's own object is walked whatever its class; below it, only plain data and errors.
  const top = depth === 0 && value !== null && typeof value === 'object';
  if (depth > MAX_DEPTH || !(top || walkable(value))) return value;
  if (Array.isArray(value)) {
    let copy: unknown[] | undefined;
    value.forEach((item, i) => {
      const redacted = redactValue(item, depth + 1);
      if (redacted !== item) (copy ??= [...value])[i] = redacted;
    });
    return copy ?? value;
  }
  // Errors keep their prototype and their own non-enumerable message and stack, so pino's
  // error serializer still recognises and describes the copy.
  let changes: Record<string, unknown> | undefined;
  for (const key of Object.keys(value)) {
    const item = (value as Record<string, unknown>)[key];
    const redacted = SECRET_KEYS.has(key) ? REDACTED : redactValue(item, depth + 1);
    if (redacted !== item) (changes ??= {})[key] = redacted;
  }
  if (!changes) return value;
  const copy = Object.create(Object.getPrototypeOf(value) as object | null, {
    ...Object.getOwnPropertyDescriptors(value),
  }) as Record<string, unknown>;
  for (const [key, redacted] of Object.entries(changes)) {
    Object.defineProperty(copy, key, {
      value: redacted,
      enumerable: true,
      writable: true,
      configurable: true,
    });
  }
  return copy;
}

/** For pino's `formatters.log`: the line's object, with every secret it holds replaced. */
export function redactSecrets(object: Record<string, unknown>): Record<string, unknown> {
  return redactValue(object, 0) as Record<string, unknown>;
}
