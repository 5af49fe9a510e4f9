/* global document, window, navigator, location, history, localStorage, crypto */
/**
 * The inspector's app (issue 19): checks a certificate's QR token with no connection, from
 * what the device synced (keys, status lists, course titles), keeps each check on the device
 * and sends it to the Center when signed in and online.
 *
 * Opened at /inspect (a token may follow as `#token`), or by the service worker for a scanned
 * /verify/{serial}#{token} address when there is no connection.
 */
import { signedInUser } from '../api.js';
import { h, replace, s } from '../dom.js';
import { lang, setMessages, t } from '../i18n.js';
import { decodeToken, parseQrUrl, verifyToken } from './qr-token.js';
import { startScanner } from './scanner.js';
import { addCheck, getList, lastSync, recentChecks } from './store.js';
import { bitAt, sync, SyncError, uploadChecks } from './sync.js';
import { judge, localDay } from './verdict.js';

const SITE_KEY = 'coe.inspect.site';
const DAY_MS = 86_400_000;

const state = { user: null, busy: false, stopScanner: null };
const els = {};

function boot() {
  setMessages(JSON.parse(document.getElementById('inspect-messages').textContent));
  if ('serviceWorker' in navigator) {
    navigator.serviceWorker.register('/inspect/sw.js', { scope: '/' }).catch(() => undefined);
  }
  render();
  window.addEventListener('online', () => void backOnline());
  window.addEventListener('offline', showConnection);
  // Chromium offers installation when the app qualifies; a button makes it one tap away.
  window.addEventListener('beforeinstallprompt', (event) => {
    event.preventDefault();
    els.install.hidden = false;
    els.install.onclick = async () => {
      els.install.hidden = true;
      await event.prompt();
    };
  });
  void start();
}

async function start() {
  await showSync();
  await showChecks();
  // A token in the address: a scanned /verify/{serial}#{token}, or /inspect#{token}.
  const fromAddress = tokenFromAddress();
  if (fromAddress) {
    history.replaceState(null, '', `/inspect?lang=${lang}`);
    await check(fromAddress.token, fromAddress.serial);
  }
  if (navigator.onLine) await syncAndUpload();
}

function tokenFromAddress() {
  const scanned = parseQrUrl(location.href);
  if (scanned?.token) return scanned;
  const fragment = location.hash.replace(/^#/, '');
  return location.pathname.startsWith('/inspect') && fragment
    ? { serial: null, token: fragment }
    : null;
}

// ——— the page ———

function render() {
  const main = document.getElementById('main');
  els.connection = h('p', { class: 'connection', role: 'status' });
  els.syncState = h('div', { class: 'sync-state' });
  els.syncButton = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => onSync() },
    t('inspect.sync'),
  );
  els.account = h('p', { class: 'account' });
  els.install = h(
    'button',
    { type: 'button', class: 'secondary', hidden: true },
    t('inspect.install'),
  );
  els.video = h('video', { class: 'scanner__video', muted: true, playsinline: true, hidden: true });
  els.scanButton = h(
    'button',
    { type: 'button', class: 'primary scan', onclick: () => toggleScan() },
    t('inspect.scan'),
  );
  els.scanHint = h('p', { class: 'muted', hidden: true }, t('inspect.scanHint'));
  els.scanError = h('p', { class: 'notice notice--error', hidden: true, role: 'alert' });
  els.input = h('textarea', {
    id: 'inspect-token',
    rows: 2,
    autocapitalize: 'none',
    autocomplete: 'off',
    spellcheck: 'false',
  });
  els.site = h('input', {
    id: 'inspect-site',
    type: 'text',
    maxlength: 200,
    value: localStorage.getItem(SITE_KEY) ?? '',
    // Remembered as typed: the inspector stays at one site for many checks.
    oninput: () => localStorage.setItem(SITE_KEY, els.site.value.trim()),
  });
  els.note = h('textarea', { id: 'inspect-note', rows: 2, maxlength: 1000 });
  els.result = h('section', { class: 'result-area', 'aria-live': 'polite' });
  els.checks = h('div', { class: 'checks' });
  els.uploadButton = h(
    'button',
    { type: 'button', class: 'secondary', onclick: () => onUpload() },
    t('inspect.upload'),
  );
  els.uploadState = h('p', { class: 'muted', role: 'status' });

  const form = h(
    'form',
    {
      class: 'card check-form',
      onsubmit: (event) => {
        event.preventDefault();
        const text = els.input.value.trim();
        if (!text) return;
        const scanned = parseQrUrl(text);
        if (scanned?.token) void check(scanned.token, scanned.serial);
        else void check(text.includes('#') ? text.slice(text.indexOf('#') + 1) : text, null);
      },
    },
    els.scanButton,
    els.scanHint,
    els.scanError,
    els.video,
    h('label', { for: 'inspect-token' }, t('inspect.pasteLabel')),
    els.input,
    h('label', { for: 'inspect-site' }, t('inspect.siteLabel')),
    els.site,
    h('label', { for: 'inspect-note' }, t('inspect.noteLabel')),
    els.note,
    h('button', { type: 'submit', class: 'primary' }, t('inspect.check')),
  );

  replace(
    main,
    h('h1', { class: 'sr-only' }, t('page.inspect')),
    h(
      'section',
      { class: 'card status-card' },
      els.connection,
      els.syncState,
      els.account,
      els.syncButton,
      els.install,
    ),
    els.result,
    form,
    h(
      'section',
      { class: 'card' },
      h('h2', {}, t('inspect.recent')),
      els.checks,
      els.uploadState,
      els.uploadButton,
    ),
  );
  showConnection();
}

function showConnection() {
  const online = navigator.onLine;
  els.connection.className = `connection connection--${online ? 'online' : 'offline'}`;
  els.connection.textContent = online ? t('inspect.online') : t('inspect.offline');
}

async function showSync(message) {
  const last = await lastSync();
  const parts = [];
  if (!last) {
    parts.push(h('p', { class: 'notice notice--warning' }, t('inspect.neverSynced')));
  } else {
    parts.push(h('p', { class: 'as-of' }, t('inspect.statusAsOf', { time: when(last.syncedAt) })));
    const days = Number(last.bundle.staleAfterDays) || 7;
    if (Date.now() - Date.parse(last.syncedAt) > days * DAY_MS)
      parts.push(
        h('p', { class: 'notice notice--warning', role: 'alert' }, t('inspect.stale', { n: days })),
      );
  }
  if (message) parts.push(message);
  replace(els.syncState, parts);
}

function showAccount() {
  if (state.user) {
    replace(els.account, t('inspect.signedInAs', { email: state.user.email }));
  } else {
    replace(
      els.account,
      t('inspect.syncNeedsSignIn'),
      ' ',
      h('a', { href: `/?lang=${lang}` }, t('inspect.signIn')),
    );
  }
}

/** `2026-12-04T09:41:07Z` → `2026-12-04 13:41` in the device's time zone (what the inspector's watch says). */
function when(iso) {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return String(iso ?? '');
  const pad = (n) => String(n).padStart(2, '0');
  return `${localDay(d)} ${pad(d.getHours())}:${pad(d.getMinutes())}`;
}

// ——— syncing and sending ———

function reasonOf(error) {
  if (error instanceof SyncError) {
    if (error.code === 'network') return t('inspect.noConnection');
    if (error.code === 'not_allowed' || error.code === 'sign_in') return t('inspect.notAllowed');
    if (error.code === 'bad_data') return t('inspect.badData');
  }
  return error?.message ?? String(error);
}

async function whoIsSignedIn() {
  try {
    state.user = await signedInUser();
  } catch {
    // Offline: the session may still be good; the upload will tell.
  }
  showAccount();
}

/** Whether the checks went (or there was nothing to send for this device's account). */
async function syncAndUpload() {
  await whoIsSignedIn();
  await onSync();
  return state.user ? onUpload() : true;
}

const sleep = (ms) => new Promise((resolve) => window.setTimeout(resolve, ms));
/**
 * A phone says it is online a moment before the network carries anything (and a weak signal
 * comes and goes), so the checks are sent again a few times until they go.
 */
const BACK_ONLINE_RETRIES_MS = [0, 2_000, 5_000, 15_000, 30_000];
let reconnecting = false;

async function backOnline() {
  showConnection();
  if (reconnecting) return;
  reconnecting = true;
  try {
    for (const wait of BACK_ONLINE_RETRIES_MS) {
      await sleep(wait);
      if (!navigator.onLine) return;
      if (await syncAndUpload()) return;
    }
  } finally {
    reconnecting = false;
  }
}

async function onSync() {
  if (state.busy) return;
  state.busy = true;
  els.syncButton.disabled = true;
  els.syncButton.textContent = t('inspect.syncing');
  try {
    await sync();
    await showSync(h('p', { class: 'notice notice--ok', role: 'status' }, t('inspect.synced')));
  } catch (error) {
    const words =
      error instanceof SyncError && error.code === 'sign_in' && !state.user
        ? t('inspect.syncNeedsSignIn')
        : t('inspect.syncFailed', { reason: reasonOf(error) });
    await showSync(h('p', { class: 'notice notice--error', role: 'alert' }, words));
  } finally {
    state.busy = false;
    els.syncButton.disabled = false;
    els.syncButton.textContent = t('inspect.sync');
  }
}

let uploading = null;
/** Sends the checks not sent yet; answers whether that worked (false: try again later). */
function onUpload() {
  uploading ??= (async () => {
    try {
      const sent = await uploadChecks();
      if (sent > 0) els.uploadState.textContent = t('inspect.uploaded', { n: sent });
      return true;
    } catch (error) {
      els.uploadState.textContent = t('inspect.uploadFailed', { reason: reasonOf(error) });
      return false;
    } finally {
      uploading = null;
      await showChecks();
    }
  })();
  return uploading;
}

// ——— checking ———

async function toggleScan() {
  if (state.stopScanner) return stopScan();
  els.scanError.hidden = true;
  try {
    els.video.hidden = false;
    state.stopScanner = await startScanner(els.video, (text) => {
      stopScan();
      const scanned = parseQrUrl(text);
      if (scanned?.token) void check(scanned.token, scanned.serial);
      else void check(text, null);
    });
    els.scanHint.hidden = false;
    els.scanButton.textContent = t('inspect.stopScan');
  } catch {
    els.video.hidden = true;
    els.scanError.textContent = t('inspect.cameraFailed');
    els.scanError.hidden = false;
  }
}

function stopScan() {
  state.stopScanner?.();
  state.stopScanner = null;
  els.video.hidden = true;
  els.scanHint.hidden = true;
  els.scanButton.textContent = t('inspect.scan');
}

/** Judges a token from the synced data, shows the verdict, and keeps the check. */
async function check(token, serialFromUrl) {
  const last = await lastSync();
  const jwks = last?.bundle?.jwks ?? { keys: [] };
  const verification = await verifyToken(token, jwks);
  const claims = verification.ok ? verification.claims : null;
  let revoked = false;
  let suspended = false;
  let statusKnown = false;
  if (claims) {
    const [number, index] = claims.sl;
    const revocation = await getList(`revocation-${number}`);
    const suspension = await getList(`suspension-${number}`);
    const r = revocation && bitAt(revocation.bits, index);
    const sp = suspension && bitAt(suspension.bits, index);
    revoked = r === true;
    suspended = sp === true;
    statusKnown = r !== null && r !== undefined && sp !== null && sp !== undefined;
  }
  const verdict = judge({ verification, revoked, suspended, today: localDay() });
  const site = els.site.value.trim();
  const note = els.note.value.trim();
  localStorage.setItem(SITE_KEY, site);
  const record = {
    clientId: crypto.randomUUID(),
    checkedAt: new Date().toISOString(),
    serial: claims?.sn ?? serialFromUrl ?? claimedSerial(token) ?? 'UNKNOWN',
    verdict,
    site: site || null,
    note: note || null,
    uploadedAt: null,
  };
  await addCheck(record);
  els.note.value = '';
  els.input.value = '';
  showResult({ verdict, verification, claims, statusKnown, serialFromUrl, last, record });
  await showChecks();
  if (navigator.onLine) void onUpload();
}

/** What a token that does not verify claims as its serial (recorded, never shown as fact). */
function claimedSerial(token) {
  try {
    return decodeToken(token).claims.sn;
  } catch {
    return null;
  }
}

const ICONS = {
  valid: 'M5 13l4 4L19 7',
  expired: 'M12 7v5l3 3',
  suspended: 'M9 6v12M15 6v12',
  revoked: 'M6 6l12 12M18 6L6 18',
  not_genuine: 'M12 6v7M12 17v.5',
};

function icon(verdict) {
  return s(
    'svg',
    { class: 'verdict__icon', viewBox: '0 0 24 24', 'aria-hidden': 'true', focusable: 'false' },
    s('circle', {
      cx: 12,
      cy: 12,
      r: 10.5,
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2,
    }),
    s('path', {
      d: ICONS[verdict],
      fill: 'none',
      stroke: 'currentColor',
      'stroke-width': 2.6,
      'stroke-linecap': 'round',
      'stroke-linejoin': 'round',
    }),
  );
}

function courseTitle(claims, bundle) {
  const course = (bundle?.courses ?? []).find((c) => c.code === claims.cc);
  return {
    title: course?.title?.[lang] || claims.ct,
    level: course?.level?.[lang] || claims.cl,
  };
}

function showResult({ verdict, verification, claims, statusKnown, serialFromUrl, last, record }) {
  const detail =
    verdict === 'expired'
      ? t('inspect.verdict.expired.detail', { date: claims.vu })
      : t(`inspect.verdict.${verdict}.detail`);
  const rows = [];
  const row = (label, value) => value && rows.push(h('dt', {}, label), h('dd', {}, value));
  if (claims) {
    const course = courseTitle(claims, last?.bundle);
    row(t('inspect.holder'), claims.nm);
    row(t('inspect.document'), claims.doc);
    row(t('inspect.course'), `${course.title} (${claims.cc}, ${course.level})`);
    row(t('inspect.serial'), claims.sn);
    row(t('inspect.issued'), claims.iat);
    row(t('inspect.validUntil'), claims.vu ?? t('inspect.noExpiry'));
  }
  row(t('inspect.checkedAt'), when(record.checkedAt));
  const warnings = [];
  if (claims && !statusKnown)
    warnings.push(
      h('p', { class: 'notice notice--warning', role: 'alert' }, t('inspect.statusUnknown')),
    );
  if (claims && serialFromUrl && serialFromUrl !== String(claims.sn).toUpperCase())
    warnings.push(
      h(
        'p',
        { class: 'notice notice--warning' },
        t('inspect.serialMismatch', { serial: serialFromUrl }),
      ),
    );
  replace(
    els.result,
    h(
      'div',
      { class: `verdict verdict--${verdict}`, 'data-verdict': verdict, role: 'alert' },
      icon(verdict),
      h('p', { class: 'verdict__word' }, t(`inspect.verdict.${verdict}`)),
      h('p', { class: 'verdict__detail' }, detail),
      !verification.ok &&
        verification.reason &&
        h('p', { class: 'verdict__reason' }, t(`inspect.reason.${verification.reason}`)),
      // The lists' age matters only to a genuine certificate's status.
      claims &&
        last &&
        h('p', { class: 'verdict__as-of' }, t('inspect.statusAsOf', { time: when(last.syncedAt) })),
    ),
    warnings,
    rows.length > 0 && h('dl', { class: 'card facts' }, rows),
    h(
      'button',
      {
        type: 'button',
        class: 'secondary',
        onclick: () => {
          replace(els.result);
          els.input.focus();
        },
      },
      t('inspect.newCheck'),
    ),
  );
  fitWord(els.result.querySelector('.verdict__word'));
  els.result.scrollIntoView({ block: 'start' });
}

/**
 * The verdict is as large as the screen allows, but a word is never broken (ETİBARLIDIR,
 * ДЕЙСТВИТЕЛЬНО are long on a narrow phone): smaller type until the longest word fits.
 */
function fitWord(el) {
  let size = parseFloat(window.getComputedStyle(el).fontSize);
  while (el.scrollWidth > el.clientWidth && size > 24) {
    size -= 2;
    el.style.fontSize = `${size}px`;
  }
}

function sentState(check) {
  if (check.uploadedAt) return 'yes';
  return check.refusedAt ? 'refused' : 'no';
}

async function showChecks() {
  const checks = await recentChecks(20);
  if (checks.length === 0) {
    replace(els.checks, h('p', { class: 'muted' }, t('inspect.noChecks')));
    return;
  }
  replace(
    els.checks,
    h(
      'ul',
      { class: 'check-list' },
      checks.map((c) =>
        h(
          'li',
          { class: `check-item check-item--${c.verdict}`, 'data-client-id': c.clientId },
          h('span', { class: 'check-item__verdict' }, t(`inspect.verdict.${c.verdict}`)),
          h('span', { class: 'check-item__serial' }, c.serial),
          h('span', { class: 'check-item__time' }, when(c.checkedAt)),
          c.site && h('span', { class: 'check-item__site' }, c.site),
          h(
            'span',
            { class: `check-item__sent check-item__sent--${sentState(c)}` },
            c.uploadedAt
              ? t('inspect.sent')
              : c.refusedAt
                ? t('inspect.refused', { reason: c.refusedReason ?? '' })
                : t('inspect.notSent'),
          ),
        ),
      ),
    ),
  );
}

boot();
