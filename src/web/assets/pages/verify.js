/* global fetch */
import { ApiError, post } from '../api.js';
import { h, replace } from '../dom.js';
import { form } from '../forms.js';
import { day, label, lang, t } from '../i18n.js';
import { errorContent, facts, heading, notice, queryParams, section } from '../ui.js';

function detail(status, result) {
  if (status !== 'expired') return t(`verdict.${status}.detail`);
  return result.validUntil
    ? t('verdict.expired.detail', { date: day(result.validUntil) })
    : t('verdict.expired.detailNoDate');
}

/** The register's record of a certificate: the Center's facts, never a credential's claims. */
function recordRows(result) {
  return [
    [t('cert.serial'), h('span', { class: 'mono' }, result.serial)],
    [t('field.holder'), result.holder],
    [t('field.course'), result.course ? `${result.course.code} · ${result.course.title}` : null],
    [t('cert.issuedAt'), result.issuedAt ? day(result.issuedAt) : null],
    [t('cert.validUntil'), result.validUntil ? day(result.validUntil) : t('cert.neverExpires')],
    [t('verify.issuer'), result.issuer],
    [t('field.reason'), result.statusReason ? label('reason', result.statusReason) : null],
  ];
}

/**
 * The verdict, in words and colour: valid only when the API says valid. What is shown as fact
 * is what the server vouches for: the register's record of a serial it found, or nothing about
 * a certificate when the serial is unknown or a credential's signature fails (the server sends
 * none of such a credential's claims, and the page adds none, not even "does not expire").
 */
function verdict(result, { credential } = {}) {
  const status = result.status === 'active' && !result.valid ? 'invalid' : result.status;
  const forged = credential && !result.signatureValid;
  const rows =
    forged || result.status === 'not_found'
      ? [[t('cert.serial'), result.serial ? h('span', { class: 'mono' }, result.serial) : null]]
      : recordRows(result);
  if (credential) {
    rows.push([
      t('verify.signature'),
      result.signatureValid ? t('verify.signatureValid') : t('verify.signatureInvalid'),
    ]);
    if (forged && result.checks) {
      // Why it failed, without the dates and status checks that were never reached.
      rows.push([t('field.reason'), label('checkResult', result.checks.signature)]);
    } else if (result.checks) {
      rows.push([
        t('verify.checks'),
        Object.entries(result.checks)
          .map(([k, v]) => `${label('check', k)}: ${label('checkResult', v)}`)
          .join(' · '),
      ]);
    }
  }
  return h(
    'div',
    { class: 'result', tabindex: '-1' },
    h(
      'div',
      { class: `verdict-box verdict-box--${status}`, role: 'status' },
      h('strong', { class: 'verdict-box__word' }, label('verdict', status)),
      h('span', {}, detail(status, result)),
    ),
    facts(rows),
    forged
      ? h('p', { class: 'muted' }, t('verify.claimsNotShown'))
      : credential && result.serial && result.status !== 'not_found'
        ? h('p', { class: 'muted' }, t('verify.factsFromRegister'))
        : null,
    result.serial && result.status !== 'not_found'
      ? h(
          'p',
          {},
          h(
            'a',
            { href: `/verify/${encodeURIComponent(result.serial)}?lang=${lang}` },
            t('verify.publicPage'),
          ),
        )
      : null,
  );
}

async function bySerial(serial) {
  const response = await fetch(`/verify/${encodeURIComponent(serial)}`, {
    headers: { Accept: 'application/json' },
  });
  const body = await response.json().catch(() => null);
  if (response.status === 404 && body?.status === 'not_found') return { ...body, serial };
  if (!response.ok) throw new ApiError(response.status, body);
  return body;
}

export default async function render(root) {
  root.append(heading(t('verify.title')), h('p', { class: 'lead' }, t('verify.intro')));
  const serialResult = h('div', { class: 'slot', 'aria-live': 'polite' });
  const serialForm = form({
    fields: [
      {
        name: 'serial',
        label: t('verify.serialLabel'),
        required: true,
        maxlength: 100,
        value: queryParams().serial,
        hint: t('verify.serialHint'),
        spellcheck: 'false',
        autocapitalize: 'characters',
        autocomplete: 'off',
      },
    ],
    submitLabel: t('verify.check'),
    onSubmit: (v) => bySerial(v.serial),
    onDone: (result) => {
      replace(serialResult, verdict(result));
      serialResult.firstChild.focus();
    },
  });
  const credentialResult = h('div', { class: 'slot', 'aria-live': 'polite' });
  const credentialForm = form({
    fields: [
      {
        name: 'credential',
        label: t('verify.credentialLabel'),
        type: 'textarea',
        rows: 6,
        required: true,
        maxlength: 100000,
        hint: t('verify.credentialHint'),
      },
    ],
    submitLabel: t('verify.checkCredential'),
    onSubmit: (v) => {
      let credential = v.credential;
      if (credential.startsWith('{')) {
        try {
          credential = JSON.parse(credential);
        } catch {
          // Not JSON after all: the API will say it is not a credential.
        }
      }
      return post('/verify', { credential });
    },
    onDone: (result) => {
      replace(credentialResult, verdict(result, { credential: true }));
      credentialResult.firstChild.focus();
    },
  });
  root.append(
    section(t('verify.bySerial'), serialForm, serialResult),
    section(t('verify.byCredential'), credentialForm, credentialResult),
  );
  if (queryParams().serial) {
    try {
      replace(serialResult, verdict(await bySerial(queryParams().serial)));
    } catch (err) {
      replace(serialResult, notice('error', ...errorContent(err)));
    }
  }
}
