/* global self, caches, fetch, Response, SHELL */
/**
 * The inspector's service worker (issue 19), registered with scope `/` (the server sends
 * `Service-Worker-Allowed: /`). The server writes `SHELL` in front of this file: the app's
 * pages (one per language), its manifests, icons and modules, in this version.
 *
 * - Keeps the app: on install every file of SHELL; `/inspect` and those files are answered from
 *   the cache at once and refreshed in the background.
 * - A scanned `/verify/{serial}#{token}` opened as a page goes to the network as always; with no
 *   connection it gets the app, which reads the serial and the fragment and judges them from
 *   the data synced on the device.
 * - Everything else passes untouched: the API, the sync bundle and the status lists (the app
 *   stores what it synced in IndexedDB itself, so no answer with personal data sits in a cache).
 */
const PREFIX = 'coe-inspect-';
const CACHE = `${PREFIX}${SHELL.version}`;
const KEPT = new Set(SHELL.files);
const VERIFY_PAGE = /^\/verify\/[^/]+\/?$/;

self.addEventListener('install', (event) => {
  event.waitUntil(
    caches
      .open(CACHE)
      .then((cache) => cache.addAll([...SHELL.pages, ...SHELL.files]))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  event.waitUntil(
    caches
      .keys()
      .then((names) =>
        Promise.all(
          names.filter((n) => n.startsWith(PREFIX) && n !== CACHE).map((n) => caches.delete(n)),
        ),
      )
      .then(() => self.clients.claim()),
  );
});

self.addEventListener('fetch', (event) => {
  const { request } = event;
  if (request.method !== 'GET') return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin) return;
  if (request.mode === 'navigate' && VERIFY_PAGE.test(url.pathname)) {
    event.respondWith(networkFirst(request, url));
  } else if (url.pathname === '/inspect' || url.pathname === '/inspect/') {
    event.respondWith(cacheFirst(event, pageKey(url)));
  } else if (KEPT.has(url.pathname + url.search)) {
    event.respondWith(cacheFirst(event, url.pathname + url.search));
  }
});

/** The page in the language asked (`?lang=`), else the device's, else English. */
function pageKey(url) {
  return `/inspect?lang=${language(url)}`;
}

function language(url) {
  const asked = url.searchParams.get('lang');
  if (SHELL.languages.includes(asked)) return asked;
  for (const tag of self.navigator.languages ?? []) {
    const primary = String(tag).toLowerCase().split('-')[0];
    if (SHELL.languages.includes(primary)) return primary;
  }
  return 'en';
}

async function cacheFirst(event, key) {
  const cache = await caches.open(CACHE);
  const cached = await cache.match(key);
  const refresh = fetch(key, { cache: 'no-cache', credentials: 'same-origin' })
    .then((response) => {
      if (response.ok) return cache.put(key, response.clone()).then(() => response);
      return response;
    })
    .catch(() => null);
  if (cached) {
    event.waitUntil(refresh);
    return cached;
  }
  return (await refresh) ?? Response.error();
}

async function networkFirst(request, url) {
  try {
    return await fetch(request);
  } catch {
    const cache = await caches.open(CACHE);
    return (await cache.match(pageKey(url))) ?? Response.error();
  }
}
