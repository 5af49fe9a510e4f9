/* global document, fetch, location */
/**
 * The public verification page's check of a signed QR code (issue 19). A certificate's QR code
 * opens `/verify/{serial}#{token}`; the server, which never sees the fragment, has already shown
 * the register's answer. This checks the token here, with the Center's published keys, and says
 * whether it is genuine and matches that record, or warns that the code may be forged.
 *
 * The page hands over the record it shows and its words in a JSON data block (no inline script
 * under the CSP). The comparison below is pure and exported for tests.
 */
import { parseQrUrl, verifyToken } from './inspect/qr-token.js';

/**
 * The page's names of the claims that disagree with the record shown (`[]` when all agree).
 * The page shows a masked holder ("A. Family"), so the full name in the token must start with
 * that initial and end with that family name; a record that shows no holder compares none.
 * @param {import('./inspect/qr-token.js').QrClaims} claims
 * @param {{found: boolean, serial: string, issuer: string, holder?: string | null,
 *   documentLast4?: string | null, courseCode?: string | null, courseTitle?: string | null,
 *   issuedOn?: string | null, validUntil?: string | null}} record
 * @returns {string[]} message keys of the fields that differ
 */
export function disagreements(claims, record) {
  const differ = [];
  if (claims.sn.toUpperCase() !== record.serial.toUpperCase()) differ.push('field.serial');
  if (claims.iss !== record.issuer) differ.push('field.issuer');
  // Nothing is shown about an unknown serial: a genuine token for it still does not match.
  if (!record.found) return differ.length ? differ : ['field.serial'];
  if (record.holder && !holderMatches(claims.nm, record.holder)) differ.push('field.holder');
  if (record.documentLast4 && claims.doc && claims.doc !== record.documentLast4)
    differ.push('field.holderDocument');
  if (claims.cc !== record.courseCode || claims.ct !== record.courseTitle)
    differ.push('field.course');
  if (claims.iat !== record.issuedOn) differ.push('field.issuedAt');
  if ((claims.vu ?? null) !== (record.validUntil ?? null)) differ.push('field.validUntil');
  return differ;
}

/** Whether a full name masks to the page's "I. Family" (or "Family" without a given name). */
export function holderMatches(fullName, masked) {
  const name = fullName.trim().replace(/\s+/g, ' ');
  const shown = masked.trim().replace(/\s+/g, ' ');
  const m = /^(\S)\. (.+)$/u.exec(shown);
  if (!m) return name === shown;
  const initial = [...name][0] ?? '';
  return initial.toUpperCase() === m[1] && name.endsWith(` ${m[2]}`);
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  for (const child of children) node.append(child);
  return node;
}

async function check() {
  const slot = document.getElementById('qr-check');
  const dataNode = document.getElementById('qr-check-data');
  const scanned = parseQrUrl(location.href);
  if (!slot || !dataNode || !scanned || !scanned.token) return;
  const { jwksUrl, record, messages } = JSON.parse(dataNode.textContent);
  const say = (key) => messages[key] ?? key;
  // The language links drop the fragment: keep the token when the reader switches language.
  for (const a of document.querySelectorAll('a[hreflang]')) a.hash = location.hash;

  const show = (kind, title, ...body) => {
    slot.className = `qr-check${kind ? ` qr-check--${kind}` : ''}`;
    slot.replaceChildren(el('h2', {}, title), ...body);
    slot.hidden = false;
  };
  show('', say('qrCheck.heading'), el('p', {}, say('qrCheck.checking')));

  let jwks;
  try {
    const response = await fetch(jwksUrl, { headers: { Accept: 'application/json' } });
    if (!response.ok) throw new Error(`JWKS answered ${response.status}`);
    jwks = await response.json();
  } catch {
    show('', say('qrCheck.heading'), el('p', {}, say('qrCheck.unavailable')));
    return;
  }
  let result;
  try {
    result = await verifyToken(scanned.token, jwks);
  } catch {
    // No WebCrypto (an http address other than localhost is not a secure context).
    show('', say('qrCheck.heading'), el('p', {}, say('qrCheck.unavailable')));
    return;
  }
  const forged = (reason) =>
    show(
      'forged',
      say('qrCheck.forged'),
      el('p', { class: 'qr-check__reason' }, reason),
      el('p', {}, say('qrCheck.trustRegister')),
    );
  if (!result.ok) return forged(say(`qrCheck.${result.reason}`));
  const differ = disagreements(result.claims, record);
  if (differ.length)
    return forged(say('qrCheck.mismatch').replace('{fields}', differ.map(say).join(', ')));

  const rows = [[say('qrCheck.fullName'), result.claims.nm]];
  if (result.claims.doc) rows.push([say('qrCheck.documentLast4'), `••••${result.claims.doc}`]);
  show(
    'match',
    say('qrCheck.heading'),
    el('p', { class: 'qr-check__match' }, say('qrCheck.match')),
    el(
      'dl',
      { class: 'facts' },
      ...rows.map(([dt, dd]) => el('div', {}, el('dt', {}, dt), el('dd', {}, dd))),
    ),
  );
}

if (typeof document !== 'undefined') {
  check().catch(() => {
    // A failure here must never hide the register's answer, which the page already shows.
  });
}
