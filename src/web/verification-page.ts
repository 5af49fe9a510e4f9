import { html, SafeHtml, trustedHtml } from './html.js';
import { type Lang, type MessageKey, t } from './i18n.js';
import { renderPage } from './layout.js';
import { STATUS_REASONS, type StatusReason } from '../certifications/certificate-status.js';

export type VerificationStatus =
  'active' | 'expired' | 'suspended' | 'revoked' | 'superseded' | 'not_found';

export interface VerificationView {
  serial: string;
  status: VerificationStatus;
  valid: boolean;
  /** Already masked by the caller, e.g. "A. Mammadov". */
  holder: string | null;
  /** The last four characters of the holder's document, when the Center shows them. */
  holderDocument?: { type: string; last4: string } | null;
  /** `localizedTitle`: the title in the page's language, when the caller chose it. */
  course: { code: string; title: string; localizedTitle?: string } | null;
  /** ISO timestamp; the page shows the date only. */
  issuedAt: string | null;
  /** YYYY-MM-DD, or null when a found certificate never expires. */
  validUntil: string | null;
  /** The Center's name. */
  issuer: string;
  /** A revocation or suspension reason code, shown as a translated label. */
  statusReason: string | null;
}

/** `invalid` covers an "active" answer whose `valid` flag disagrees: never show green then. */
type Verdict = Exclude<VerificationStatus, 'active'> | 'active' | 'invalid';

/**
 * The signed QR code's check (issue 19): a certificate's QR code opens this page with a token in
 * the fragment, which never reaches the server. The page's script (assets/verify-qr.js) checks
 * it in the browser against the published keys and compares it with the record shown here.
 */
export interface QrCheckOptions {
  /** The versioned URL of assets/verify-qr.js. */
  script: string;
  jwksUrl: string;
  /** The issuer a genuine token names: `{base}/issuer`. */
  issuer: string;
}

/** What the script compares a token with, and the words it shows, in the page's language. */
const QR_CHECK_MESSAGES = [
  'qrCheck.heading',
  'qrCheck.checking',
  'qrCheck.match',
  'qrCheck.fullName',
  'qrCheck.documentLast4',
  'qrCheck.forged',
  'qrCheck.bad_signature',
  'qrCheck.unknown_key',
  'qrCheck.malformed',
  'qrCheck.mismatch',
  'qrCheck.trustRegister',
  'qrCheck.unavailable',
  'field.serial',
  'field.holder',
  'field.holderDocument',
  'field.course',
  'field.issuedAt',
  'field.validUntil',
  'field.issuer',
] as const satisfies readonly MessageKey[];

const EXAMPLE_SERIAL = 'COE-EOD2-2026-7KQ4M2';

const svg = (body: string) =>
  trustedHtml(
    `<svg class="verdict__icon" viewBox="0 0 24 24" width="48" height="48" aria-hidden="true" focusable="false" fill="none" stroke="currentColor" stroke-width="2.2" stroke-linecap="round" stroke-linejoin="round">${body}</svg>`,
  );
const CIRCLE = '<circle cx="12" cy="12" r="10"/>';
const CROSS = svg(`${CIRCLE}<path d="M8.5 8.5l7 7M15.5 8.5l-7 7"/>`);

// The icon repeats the verdict in shape, so colour is never the only signal.
const ICONS: Record<Verdict, SafeHtml> = {
  active: svg(`${CIRCLE}<path d="M7 12.5l3.2 3.2L17 9"/>`),
  expired: svg(`${CIRCLE}<path d="M12 6.5V12l3.5 2.2"/>`),
  suspended: svg(`${CIRCLE}<path d="M10 8.5v7M14 8.5v7"/>`),
  revoked: CROSS,
  invalid: CROSS,
  superseded: svg(
    '<path d="M20 4v5h-5"/><path d="M19.4 9A8 8 0 0 0 4.6 8"/><path d="M4 20v-5h5"/><path d="M4.6 15a8 8 0 0 0 14.8 1"/>',
  ),
  not_found: svg(
    `${CIRCLE}<path d="M9.1 9.2a3 3 0 0 1 5.8 1c0 2-2.9 2.6-2.9 4.3"/><path d="M12 17.8v.01"/>`,
  ),
};

const VERDICT_CSS = `
.verdict{border-radius:12px;padding:20px 16px;margin:0 0 16px;border:3px solid transparent}
/* A verdict word too wide beside the icon wraps below it instead of breaking mid-word. */
.verdict__head{display:flex;flex-wrap:wrap;align-items:center;gap:8px 12px}
.verdict__icon{flex:none;width:48px;height:48px}
.verdict h1{margin:0;font-size:clamp(1.5rem,7.4vw,2.4rem);line-height:1.1;font-weight:800;letter-spacing:.01em}
.verdict__detail{margin:14px 0 0;font-size:1.15rem;font-weight:600}
.verdict__reason{margin:10px 0 0;font-size:1.05rem}
.verdict--active{background:#166534;color:#fff}
.verdict--revoked,.verdict--invalid{background:#b91c1c;color:#fff}
.verdict--not_found{background:#991b1b;color:#fff}
.verdict--suspended{background:#fbbf24;color:#111827;border-color:#92400e}
.verdict--expired{background:#4b5563;color:#fff}
.verdict--superseded{background:#1e3a8a;color:#fff}
.facts{margin:0}
.facts div{padding:10px 0;border-bottom:1px solid #e5e7eb}
.facts div:first-child{padding-top:0}
.facts div:last-child{border-bottom:0;padding-bottom:0}
.facts dt{font-size:.85rem;font-weight:600;color:#4b5563;text-transform:uppercase;letter-spacing:.03em}
.facts dd{margin:2px 0 0;font-size:1.1rem;overflow-wrap:anywhere}
.course-code{font-weight:700}
.serial{font-family:ui-monospace,"SFMono-Regular",Menlo,Consolas,"DejaVu Sans Mono",monospace;font-weight:700;letter-spacing:.03em}
.identity-hint{margin:12px 0 0}
.check h2{margin:0 0 8px;font-size:1.15rem}
.check__row{display:flex;flex-wrap:wrap;gap:8px}
.check__row input{flex:1 1 14rem;min-width:0}
.check__row button{flex:1 1 auto}
.nowrap{white-space:nowrap}
.check .muted{margin:6px 0 0}
.qr-check{border-radius:12px;padding:14px 16px;margin:0 0 16px;border:3px solid #d1d5db;background:#fff}
.qr-check h2{margin:0 0 6px;font-size:1.15rem}
.qr-check p{margin:6px 0 0}
.qr-check--match{border-color:#166534}
.qr-check--forged{border-color:#b91c1c;background:#fef2f2}
.qr-check--forged h2{color:#991b1b;font-size:1.3rem}
`;

export function renderVerificationPage(
  view: VerificationView,
  lang: Lang,
  opts: { path: string; qrCheck?: QrCheckOptions },
): string {
  const verdict = verdictOf(view);
  const word = t(lang, `verdict.${verdict}`);
  return renderPage({
    lang,
    title: `${word} · ${view.serial} · ${t(lang, 'verify.title')}`,
    path: opts.path,
    caption: t(lang, 'verify.title'),
    css: VERDICT_CSS,
    noindex: true,
    main: html`${verdictBanner(view, verdict, word, lang)}
    ${opts.qrCheck ? qrCheckSlot(view, verdict, lang, opts.qrCheck) : ''}
    ${facts(view, verdict, lang)} ${checkAnotherForm(view, verdict, lang)}`,
  });
}

/**
 * Hidden until the script finds a token in the fragment (a typed-in serial has none). The
 * record it compares with is only what the page already shows: nothing about a person on a
 * miss or under "not valid" (then any token is reported as not matching the register).
 */
function qrCheckSlot(
  view: VerificationView,
  verdict: Verdict,
  lang: Lang,
  qr: QrCheckOptions,
): SafeHtml {
  const shown = verdict !== 'not_found' && verdict !== 'invalid';
  const data = {
    jwksUrl: qr.jwksUrl,
    record: {
      found: shown,
      serial: view.serial,
      issuer: qr.issuer,
      ...(shown
        ? {
            holder: view.holder,
            documentLast4: view.holderDocument?.last4 ?? null,
            courseCode: view.course?.code ?? null,
            courseTitle: view.course?.title ?? null,
            issuedOn: calendarDate(view.issuedAt),
            validUntil: calendarDate(view.validUntil),
          }
        : {}),
    },
    messages: Object.fromEntries(QR_CHECK_MESSAGES.map((key) => [key, t(lang, key)])),
  };
  // JSON in a script element: "<" escaped so no value can close the element.
  const json = JSON.stringify(data).replace(/</g, '\\u003c');
  return html`<section id="qr-check" class="qr-check" aria-live="polite" hidden></section>
    <script type="application/json" id="qr-check-data">
      ${trustedHtml(json)}
    </script>
    <script type="module" src="${qr.script}"></script>`;
}

/**
 * `/verify` with no serial (the "verify a certificate" link on the sign-in page): the form
 * alone, with no verdict, since nothing has been asked yet.
 */
export function renderVerificationForm(lang: Lang, opts: { path: string }): string {
  return renderPage({
    lang,
    title: t(lang, 'verify.title'),
    path: opts.path,
    caption: t(lang, 'verify.title'),
    css: VERDICT_CSS,
    noindex: true,
    main: html`<h1>${t(lang, 'verify.title')}</h1>
      ${serialForm('', t(lang, 'verify.serialLabel'), lang)}`,
  });
}

function verdictOf(view: VerificationView): Verdict {
  if (view.status === 'active') return view.valid ? 'active' : 'invalid';
  return view.status;
}

function verdictBanner(view: VerificationView, verdict: Verdict, word: string, lang: Lang) {
  const reason = showsReason(verdict) ? reasonLabel(view.statusReason, lang) : null;
  return html`<section class="verdict verdict--${verdict}" aria-labelledby="verdict">
    <div class="verdict__head">
      ${ICONS[verdict]}
      <h1 id="verdict">${word}</h1>
    </div>
    <p class="verdict__detail">${verdictDetail(view, verdict, lang)}</p>
    ${reason && html`<p class="verdict__reason">${t(lang, 'field.reason')}: <strong>${reason}</strong></p>`}
  </section>`;
}

function verdictDetail(view: VerificationView, verdict: Verdict, lang: Lang): string {
  if (verdict !== 'expired') return t(lang, `verdict.${verdict}.detail`);
  const date = calendarDate(view.validUntil);
  return date
    ? t(lang, 'verdict.expired.detail', { date })
    : t(lang, 'verdict.expired.detailNoDate');
}

function showsReason(verdict: Verdict): boolean {
  return verdict === 'revoked' || verdict === 'suspended';
}

function reasonLabel(reason: string | null, lang: Lang): string | null {
  if (reason === null) return null;
  // An unknown code is still a reason: say so without echoing an internal identifier.
  const known = (STATUS_REASONS as readonly string[]).includes(reason);
  return t(lang, `reason.${known ? (reason as StatusReason) : 'other'}`);
}

function facts(view: VerificationView, verdict: Verdict, lang: Lang): SafeHtml {
  const row = (label: MessageKey, value: unknown) =>
    html`<div>
      <dt>${t(lang, label)}</dt>
      <dd>${value}</dd>
    </div>`;
  const serial = row('field.serial', html`<span class="serial">${view.serial}</span>`);
  // Nothing about a person or a course on a miss, whatever the caller passed; nor under "not
  // valid", an answer that vouches for nothing it carries (it would read "does not expire").
  if (verdict === 'not_found' || verdict === 'invalid')
    return html`<div class="card"><dl class="facts">${serial}</dl></div>`;

  const issuedOn = calendarDate(view.issuedAt);
  // A missing date means "never expires", except on an expired certificate, where it cannot.
  const validUntil =
    calendarDate(view.validUntil) ?? (verdict === 'expired' ? null : t(lang, 'value.neverExpires'));
  return html`<div class="card">
    <dl class="facts">
      ${view.course && row('field.course', html`<span class="course-code">${view.course.code}</span><br />${view.course.localizedTitle ?? view.course.title}`)}
      ${view.holder && row('field.holder', view.holder)}
      ${view.holder && view.holderDocument && row('field.holderDocument', documentText(view.holderDocument, lang))}
      ${issuedOn && row('field.issuedAt', issuedOn)}
      ${validUntil && row('field.validUntil', validUntil)} ${row('field.issuer', view.issuer)}
      ${serial}
    </dl>
    ${view.holder && html`<p class="muted identity-hint">${t(lang, 'hint.identity')}</p>`}
    ${view.holder && view.holderDocument && html`<p class="muted identity-hint">${t(lang, 'hint.holderDocument')}</p>`}
  </div>`;
}

const DOCUMENT_TYPES = ['passport', 'national_id', 'military_id'] as const;

/** "Passport ••••4567": the type in the page's language, never more of the number. */
function documentText(document: { type: string; last4: string }, lang: Lang): string {
  const type = (DOCUMENT_TYPES as readonly string[]).includes(document.type)
    ? t(lang, `documentType.${document.type as (typeof DOCUMENT_TYPES)[number]}`)
    : t(lang, 'field.holderDocument');
  return `${type} ••••${document.last4}`;
}

function checkAnotherForm(view: VerificationView, verdict: Verdict, lang: Lang): SafeHtml {
  return serialForm(verdict === 'not_found' ? view.serial : '', t(lang, 'check.heading'), lang);
}

function serialForm(prefill: string, heading: string, lang: Lang): SafeHtml {
  // Without JavaScript a form cannot build /verify/<serial>: it asks /verify?serial=, which redirects.
  return html`<form class="card check" method="get" action="/verify">
    <h2><label for="serial">${heading}</label></h2>
    <input type="hidden" name="lang" value="${lang}" />
    <div class="check__row">
      <input
        type="text"
        id="serial"
        name="serial"
        value="${prefill}"
        required
        maxlength="100"
        autocomplete="off"
        autocapitalize="characters"
        spellcheck="false"
        placeholder="${EXAMPLE_SERIAL}"
        aria-describedby="serial-hint"
      />
      <button type="submit">${t(lang, 'check.submit')}</button>
    </div>
    <p class="muted" id="serial-hint">
      ${t(lang, 'check.hint')} <span class="nowrap">${EXAMPLE_SERIAL}</span>
    </p>
  </form>`;
}

/** `YYYY-MM-DD` from a date or an ISO timestamp; anything else is not shown. */
function calendarDate(value: string | null): string | null {
  if (value === null) return null;
  const m = /^(\d{4}-\d{2}-\d{2})(?:$|T)/.exec(value);
  return m ? m[1] : null;
}
