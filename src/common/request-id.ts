import { randomUUID } from 'node:crypto';

/** Longest client request id kept; longer ones are cut. */
const MAX_CLIENT_REQUEST_ID = 100;
/** Characters a client request id may keep: enough for UUIDs, ULIDs and trace ids. */
const UNSAFE = /[^A-Za-z0-9._:-]/g;

/**
 * The server's id for a request: always its own, whatever the client sends. The audit trail and
 * the logs file events under it, so a client must not be able to make two requests share one.
 */
export function serverRequestId(): string {
  return randomUUID();
}

/**
 * The client's X-Request-Id, kept beside the server's id so both sides' logs can be joined:
 * characters outside `A-Za-z0-9._:-` dropped, cut to 100; null when nothing usable is left.
 */
export function clientRequestId(headers: Record<string, unknown> | undefined): string | null {
  const value = headers?.['x-request-id'];
  const raw = Array.isArray(value) ? value[0] : value;
  if (typeof raw !== 'string') return null;
  const clean = raw
    .slice(0, MAX_CLIENT_REQUEST_ID * 4)
    .replace(UNSAFE, '')
    .slice(0, MAX_CLIENT_REQUEST_ID);
  return clean === '' ? null : clean;
}
