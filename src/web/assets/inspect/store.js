/* global indexedDB */
/**
 * What the inspector's app keeps on the device, in IndexedDB (it outlives the page, the
 * browser and the connection): the last synced bundle (keys, issuer, courses, when), each
 * status list's bits, and the checks made here with whether the server has them yet.
 */
const DB = 'coe-inspect';
const VERSION = 1;

let opening = null;

function open() {
  opening ??= new Promise((resolve, reject) => {
    const request = indexedDB.open(DB, VERSION);
    request.onupgradeneeded = () => {
      const db = request.result;
      db.createObjectStore('meta');
      db.createObjectStore('lists', { keyPath: 'id' });
      const checks = db.createObjectStore('checks', { keyPath: 'clientId' });
      checks.createIndex('checkedAt', 'checkedAt');
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
  return opening;
}

function done(tx) {
  return new Promise((resolve, reject) => {
    tx.oncomplete = () => resolve();
    tx.onerror = () => reject(tx.error);
    tx.onabort = () => reject(tx.error);
  });
}

function result(request) {
  return new Promise((resolve, reject) => {
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error);
  });
}

export async function getMeta(key) {
  const db = await open();
  return result(db.transaction('meta').objectStore('meta').get(key));
}

export async function setMeta(key, value) {
  const db = await open();
  const tx = db.transaction('meta', 'readwrite');
  tx.objectStore('meta').put(value, key);
  return done(tx);
}

/**
 * Replaces the synced data in one transaction: the keys and the lists always come from the
 * same sync, so a device never judges with new keys and old lists or the other way round.
 * `lists`: [{id, purpose, number, bits: Uint8Array}].
 */
export async function saveSync(bundle, lists, syncedAt) {
  const db = await open();
  const tx = db.transaction(['meta', 'lists'], 'readwrite');
  tx.objectStore('meta').put({ bundle, syncedAt }, 'sync');
  const store = tx.objectStore('lists');
  store.clear();
  for (const list of lists) store.put(list);
  return done(tx);
}

/** {bundle, syncedAt} of the last sync, or null. */
export async function lastSync() {
  return (await getMeta('sync')) ?? null;
}

export async function getList(id) {
  const db = await open();
  return (await result(db.transaction('lists').objectStore('lists').get(id))) ?? null;
}

export async function addCheck(check) {
  const db = await open();
  const tx = db.transaction('checks', 'readwrite');
  tx.objectStore('checks').put(check);
  return done(tx);
}

/** The most recent checks first. */
export async function recentChecks(limit = 20) {
  const db = await open();
  const index = db.transaction('checks').objectStore('checks').index('checkedAt');
  const out = [];
  return new Promise((resolve, reject) => {
    const cursor = index.openCursor(null, 'prev');
    cursor.onsuccess = () => {
      const c = cursor.result;
      if (!c || out.length >= limit) return resolve(out);
      out.push(c.value);
      c.continue();
    };
    cursor.onerror = () => reject(cursor.error);
  });
}

export async function pendingChecks() {
  const db = await open();
  const all = await result(db.transaction('checks').objectStore('checks').getAll());
  return all
    .filter((c) => !c.uploadedAt && !c.refusedAt)
    .sort((a, b) => a.checkedAt.localeCompare(b.checkedAt));
}

/** Marks these checks as received by the server (by clientId). */
export async function markUploaded(clientIds, uploadedAt) {
  const db = await open();
  const tx = db.transaction('checks', 'readwrite');
  const store = tx.objectStore('checks');
  for (const id of clientIds) {
    const request = store.get(id);
    request.onsuccess = () => {
      if (request.result) store.put({ ...request.result, uploadedAt });
    };
  }
  return done(tx);
}

/** A check the server refused (its words kept): not offered again, shown as refused. */
export async function markRefused(clientId, reason, refusedAt) {
  const db = await open();
  const tx = db.transaction('checks', 'readwrite');
  const store = tx.objectStore('checks');
  const request = store.get(clientId);
  request.onsuccess = () => {
    if (request.result) store.put({ ...request.result, refusedAt, refusedReason: reason });
  };
  return done(tx);
}
