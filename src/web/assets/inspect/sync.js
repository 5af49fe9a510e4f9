/* global location */
/**
 * Brings what the app needs to judge offline (issue 19): the sync bundle (keys, issuer,
 * courses, which lists exist) and each revocation and suspension list. A list is trusted only
 * when its own signature verifies with the bundle's keys and it names the bundle's issuer, so
 * the lists are as good as the Center's signature, not merely as the connection that brought
 * them. Then uploads the checks made on the device.
 */
import { raw } from '../api.js';
import { readStatusList, SyncError } from './status-list.js';
import { markRefused, markUploaded, pendingChecks, saveSync } from './store.js';

export { bitAt, SyncError } from './status-list.js';

/** The lists a token's status is read from (the `suspended-or-revoked` one is not needed). */
const PURPOSES = new Set(['revocation', 'suspension']);
const BATCH = 200;

/**
 * The bundle of /inspect/bundle.json, at its address under /api/: the session's access cookie
 * is sent to /api/ only, and with INSPECT_PUBLIC=true both answer without one.
 */
const BUNDLE = '/api/v1/inspect/bundle.json';

export async function sync() {
  const bundle = await fetchJson(BUNDLE);
  if (!bundle || !Array.isArray(bundle.jwks?.keys) || !Array.isArray(bundle.statusLists))
    throw new SyncError('bad_data', 'The bundle is not one this app reads');
  const lists = [];
  for (const entry of bundle.statusLists) {
    if (!PURPOSES.has(entry.purpose)) continue;
    const number = Number(/-(\d+)$/.exec(entry.id)?.[1]);
    const jwt = await fetchText(sameOrigin(entry.url), 'application/vc+jwt');
    const bits = await readStatusList(jwt, bundle, entry.purpose);
    lists.push({ id: entry.id, purpose: entry.purpose, number, bits });
  }
  const syncedAt = typeof bundle.generatedAt === 'string' ? bundle.generatedAt : now();
  await saveSync(bundle, lists, syncedAt);
  return { bundle, syncedAt, lists: lists.length };
}

const now = () => new Date().toISOString();

/**
 * The lists are the app's own server's (the bundle names them by PUBLIC_BASE_URL, which may be
 * a name this device reaches differently): read them from the origin the app came from.
 */
function sameOrigin(url) {
  const u = new URL(url, location.origin);
  return `${u.pathname}${u.search}`;
}

async function get(path, accept) {
  let response;
  try {
    response = await raw('GET', path, { accept });
  } catch (error) {
    const status = error?.status;
    if (status === 0) throw new SyncError('network', 'No connection');
    if (status === 401) throw new SyncError('sign_in', 'Not signed in');
    if (status === 403) throw new SyncError('not_allowed', 'Not allowed');
    throw new SyncError('server', error?.message ?? 'Server error');
  }
  return response;
}

async function fetchJson(path) {
  const response = await get(path, 'application/json');
  return response.json().catch(() => {
    throw new SyncError('bad_data', 'Not JSON');
  });
}

async function fetchText(path, accept) {
  return (await get(path, accept)).text();
}

/** The server's limits (src/inspections/inspection.entity.ts): a check outside them is refused. */
const SERIAL_MAX = 100;
const SITE_MAX = 200;
const NOTE_MAX = 1000;
// eslint-disable-next-line no-control-regex -- what the server refuses in a serial or a site
const CONTROL = /[\u0000-\u001F\u007F]/g;
// eslint-disable-next-line no-control-regex -- a note may keep its line breaks and tabs
const NOTE_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F]/g;

/** A check as the API takes it, within its limits (a forged code may claim any serial). */
export function inspectionOf(check) {
  const serial = String(check.serial ?? '')
    .replace(CONTROL, '')
    .trim()
    .slice(0, SERIAL_MAX);
  const site = String(check.site ?? '')
    .replace(CONTROL, ' ')
    .trim()
    .slice(0, SITE_MAX);
  const note = String(check.note ?? '')
    .replace(NOTE_CONTROL, ' ')
    .trim()
    .slice(0, NOTE_MAX);
  return {
    clientId: check.clientId,
    serial: serial || 'UNKNOWN',
    checkedAt: check.checkedAt,
    verdict: check.verdict,
    ...(site ? { site } : {}),
    ...(note ? { note } : {}),
  };
}

async function post(batch) {
  try {
    const response = await raw('POST', '/api/v1/inspections', {
      body: { inspections: batch.map(inspectionOf) },
    });
    return await response.json();
  } catch (error) {
    const status = error?.status;
    if (status === 0) throw new SyncError('network', 'No connection');
    if (status === 401) throw new SyncError('sign_in', 'Not signed in');
    if (status === 403) throw new SyncError('not_allowed', 'Not allowed');
    // 400 (a device clock far ahead, say) or 409 (the id is another check): this batch's fault.
    if (status === 400 || status === 409) throw new RefusedError(error.message);
    throw new SyncError('server', error?.message ?? 'Server error');
  }
}

class RefusedError extends Error {}

/**
 * Sends the checks the server does not have yet, in batches; each is marked sent once the
 * server has answered for it (a repeat is harmless: the server keeps one record per clientId).
 * A batch the server refuses is sent again one check at a time, and a check refused alone is
 * marked so (with the server's words) rather than sent forever: one bad check never holds
 * back the others. Answers how many were sent.
 */
export async function uploadChecks() {
  const pending = await pendingChecks();
  let sent = 0;
  const send = async (batch) => {
    let answer;
    try {
      answer = await post(batch);
    } catch (error) {
      if (!(error instanceof RefusedError)) throw error;
      if (batch.length === 1) {
        await markRefused(batch[0].clientId, error.message, now());
        return;
      }
      for (const one of batch) await send([one]);
      return;
    }
    const received = new Set((answer.items ?? []).map((item) => item.clientId));
    const ids = batch.map((c) => c.clientId).filter((id) => received.has(id));
    await markUploaded(ids, now());
    sent += ids.length;
  };
  for (let i = 0; i < pending.length; i += BATCH) await send(pending.slice(i, i + BATCH));
  return sent;
}
