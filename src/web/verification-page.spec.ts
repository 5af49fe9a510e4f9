import { describe, expect, it } from '@jest/globals';
import { placeholders as placeholdersOf } from '#message-format';
import { escapeHtml, html, trustedHtml } from './html.js';
import {
  LANGUAGE_NAMES,
  LANGUAGES,
  type Lang,
  MESSAGES,
  type MessageKey,
  pickLanguage,
  t,
} from './i18n.js';
import {
  renderVerificationForm,
  renderVerificationPage,
  type VerificationStatus,
  type VerificationView,
} from './verification-page.js';

const STATUSES: VerificationStatus[] = [
  'active',
  'expired',
  'suspended',
  'revoked',
  'superseded',
  'not_found',
];
const REASONS = [
  'issued_in_error',
  'fraud_or_misconduct',
  'assessment_invalidated',
  'safety_breach',
  'qa_finding',
  'medical_unfit',
  'voluntary_surrender',
  'deceased',
  'other',
];

const found: VerificationView = {
  serial: 'COE-EOD2-2026-7KQ4M2',
  status: 'active',
  valid: true,
  holder: 'A. Mammadov',
  course: { code: 'EOD-2', title: 'Explosive Ordnance Disposal Level 2' },
  issuedAt: '2026-03-14T09:30:00.000Z',
  validUntil: '2028-03-13',
  issuer: 'Mine Action Center of Excellence',
  statusReason: null,
};

function viewFor(status: VerificationStatus): VerificationView {
  if (status === 'not_found') {
    return {
      ...found,
      status,
      valid: false,
      holder: null,
      course: null,
      issuedAt: null,
      validUntil: null,
    };
  }
  return { ...found, status, valid: status === 'active' };
}

const render = (view: VerificationView, lang: Lang = 'en', path = `/verify/${view.serial}`) =>
  renderVerificationPage(view, lang, { path });

const h1 = (page: string) => /<h1[^>]*>(.*?)<\/h1>/s.exec(page)?.[1];

/** What a reader sees: the text outside markup, CSS and icons, entities decoded. */
function visibleText(page: string): string {
  return page
    .replace(/<style>[\s\S]*?<\/style>/g, ' ')
    .replace(/<svg[\s\S]*?<\/svg>/g, ' ')
    .replace(/<[^>]+>/g, ' ')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&amp;/g, '&');
}

describe('pickLanguage', () => {
  it('lets a valid ?lang= win over the browser', () => {
    expect(pickLanguage('ru', 'az-AZ,az;q=0.9')).toBe('ru');
    expect(pickLanguage('AZ', 'en')).toBe('az');
  });

  it('falls back to Accept-Language when ?lang= is invalid or not a string', () => {
    expect(pickLanguage('de', 'ru-RU')).toBe('ru');
    expect(pickLanguage(['az'], 'ru')).toBe('ru');
    expect(pickLanguage('', 'az')).toBe('az');
  });

  it('matches region tags and honours q-values', () => {
    expect(pickLanguage(undefined, 'az-AZ,az;q=0.9,en;q=0.8')).toBe('az');
    expect(pickLanguage(undefined, 'ru-RU')).toBe('ru');
    expect(pickLanguage(undefined, 'az-Latn-AZ')).toBe('az');
    expect(pickLanguage(undefined, 'en;q=0.5, ru;q=0.9')).toBe('ru');
    expect(pickLanguage(undefined, 'de-DE, fr;q=0.9, az;q=0.3, en;q=0.2')).toBe('az');
    expect(pickLanguage(undefined, 'ru;q=0, az;q=0.1')).toBe('az');
  });

  it('answers English when nothing matches', () => {
    expect(pickLanguage(undefined, 'de')).toBe('en');
    expect(pickLanguage(undefined, '*')).toBe('en');
    expect(pickLanguage(undefined, undefined)).toBe('en');
    expect(pickLanguage('xx', 'ru;q=nonsense')).toBe('en');
  });
});

describe('messages', () => {
  const keys = Object.keys(MESSAGES.en).sort();
  // Names read by the shared formatter (a plural's forms are not placeholders of their own).
  const placeholders = (s: string) => [...new Set(placeholdersOf(s).map((p) => p.name))].sort();

  it.each(LANGUAGES)('%s has every key, non-empty, with the same placeholders', (lang) => {
    expect(Object.keys(MESSAGES[lang]).sort()).toEqual(keys);
    for (const key of keys as MessageKey[]) {
      expect(MESSAGES[lang][key].trim()).not.toBe('');
      expect(placeholders(MESSAGES[lang][key])).toEqual(placeholders(MESSAGES.en[key]));
    }
  });

  it('has a label for every revocation and suspension reason', () => {
    for (const reason of REASONS) expect(keys).toContain(`reason.${reason}`);
  });

  it('writes Azerbaijani in Latin script and Russian in Cyrillic', () => {
    const az = Object.values(MESSAGES.az).join(' ');
    const ru = Object.values(MESSAGES.ru).join(' ');
    for (const letter of ['ə', 'ğ', 'ı', 'ş', 'ö', 'ü', 'İ']) expect(az).toContain(letter);
    expect(az).not.toMatch(/[\u0400-\u04FF]/);
    expect(ru).toMatch(/[\u0400-\u04FF]/);
  });

  it('fills placeholders', () => {
    expect(t('en', 'verdict.expired.detail', { date: '2025-01-31' })).toContain('2025-01-31');
  });
});

describe('html', () => {
  it('escapes interpolated values but not trusted markup', () => {
    expect(escapeHtml(`"'&<>`)).toBe('&quot;&#39;&amp;&lt;&gt;');
    const value = '<b>';
    expect(html`<p title="${value}">${value}${trustedHtml('<br>')}</p>`.value).toBe(
      '<p title="&lt;b&gt;">&lt;b&gt;<br></p>',
    );
  });

  it('joins arrays and drops null, undefined and false', () => {
    expect(html`${['<', html`<i>x</i>`]}${null}${undefined}${false}${0}`.value).toBe(
      '&lt;<i>x</i>0',
    );
  });
});

describe('renderVerificationPage', () => {
  it.each(STATUSES.flatMap((status) => LANGUAGES.map((lang) => [status, lang] as const)))(
    'shows the %s verdict first, in %s',
    (status, lang) => {
      const page = render(viewFor(status), lang);
      const word = t(lang, `verdict.${status}`);
      expect(h1(page)).toBe(word);
      expect(page).toContain(`<html lang="${lang}">`);
      expect(page).toMatch(new RegExp(`<title>${word} · `));
      expect(page).toContain(`class="verdict verdict--${status}"`);
      // The verdict comes before every other fact on the page.
      expect(page.indexOf('<h1')).toBeLessThan(page.indexOf('<dl'));
    },
  );

  it('never shows green when an active answer is not valid', () => {
    const page = render({ ...found, valid: false });
    expect(page).not.toContain('class="verdict verdict--active"');
    expect(h1(page)).toBe(t('en', 'verdict.invalid'));
  });

  it('states no certificate facts under a "not valid" verdict, since the answer vouches for none', () => {
    const text = visibleText(render({ ...found, valid: false, validUntil: null }));
    expect(text).toContain(found.serial);
    for (const claim of [
      found.holder!,
      found.course!.title,
      found.issuer,
      '2026-03-14',
      t('en', 'value.neverExpires'),
      t('en', 'field.issuer'),
    ])
      expect(text).not.toContain(claim);
  });

  it('links an icon the app serves, so browsers do not ask for a missing /favicon.ico', () => {
    for (const page of [render(found), renderVerificationForm('az', { path: '/verify' })])
      expect(page).toMatch(/<link rel="icon" href="\/favicon\.svg" type="image\/svg\+xml"/);
  });

  it('is a complete document: viewport, noindex, no script', () => {
    const page = render(found);
    expect(page.startsWith('<!doctype html>')).toBe(true);
    expect(page).toMatch(/<meta name="viewport" content="width=device-width, initial-scale=1"/);
    expect(page).toContain('<meta name="robots" content="noindex">');
    expect(page).not.toMatch(/<script/i);
    expect(page).not.toMatch(/\son\w+\s*=/i);
  });

  it('shows the dates as YYYY-MM-DD, and "does not expire" without a date', () => {
    expect(visibleText(render(found))).toContain('2026-03-14');
    expect(render(found)).not.toContain('09:30');
    expect(visibleText(render({ ...found, validUntil: null }, 'az'))).toContain('Müddətsiz');
  });

  it('says until when an expired certificate was valid', () => {
    const page = render({ ...viewFor('expired'), validUntil: '2025-01-31' }, 'ru');
    expect(visibleText(page)).toContain(t('ru', 'verdict.expired.detail', { date: '2025-01-31' }));
  });

  it.each(REASONS)('labels the reason %s in every language', (reason) => {
    for (const lang of LANGUAGES) {
      const page = render({ ...viewFor('revoked'), statusReason: reason }, lang);
      const shown = /<p class="verdict__reason">.*?<strong>(.*?)<\/strong>/.exec(page)?.[1];
      expect(shown).toBe(escapeHtml(t(lang, `reason.${reason}` as MessageKey)));
    }
  });

  it('labels an unknown reason as "other" without echoing it', () => {
    const page = render({ ...viewFor('suspended'), statusReason: 'internal_code_7' });
    expect(page).toContain(t('en', 'reason.other'));
    expect(page).not.toContain('internal_code_7');
  });

  it('escapes every interpolated value', () => {
    const page = render({
      ...viewFor('revoked'),
      serial: '<script>alert(1)</script>',
      holder: '<img src=x>',
      course: { code: 'X<y>', title: `"'&<>` },
      issuer: 'A & B "Center"',
    });
    expect(page).not.toContain('<script>');
    expect(page).not.toContain('<img');
    expect(page).toContain('&lt;script&gt;alert(1)&lt;/script&gt;');
    expect(page).toContain('&quot;&#39;&amp;&lt;&gt;');
    expect(page).toContain('A &amp; B &quot;Center&quot;');
  });

  it('keeps the current path in the language links, and only a local one', () => {
    const page = render(found, 'az', '/verify/COE-1?lang=ru');
    for (const lang of LANGUAGES) expect(page).toContain(`href="/verify/COE-1?lang=${lang}"`);
    expect(page).toMatch(new RegExp(`lang="az"\\s+aria-current="true"\\s*>${LANGUAGE_NAMES.az}<`));
    const offsite = render(found, 'en', '//evil.example/x');
    expect(offsite).not.toContain('evil.example');
    expect(offsite).toContain('href="/?lang=az"');
  });

  it('offers a GET form to /verify?serial= that keeps the language', () => {
    const page = render(viewFor('not_found'), 'ru');
    expect(page).toContain('<form class="card check" method="get" action="/verify">');
    expect(page).toMatch(/<input type="hidden" name="lang" value="ru"/);
    expect(page).toMatch(
      /<input\s+type="text"\s+id="serial"\s+name="serial"\s+value="COE-EOD2-2026-7KQ4M2"/,
    );
    expect(render(found)).toMatch(/name="serial"\s+value=""/);
  });

  it('shows nothing but what it was given, and no personal data beyond the masked name', () => {
    const leaky = {
      ...found,
      id: '0d1e7c1a-7a5e-4d53-9f1b-3c0e2a1b9f00',
      traineeId: 'b7a9d2f4-1c3e-4a5b-8d6f-0e1f2a3b4c5d',
      dateOfBirth: '1990-05-17',
      email: 'aydin.mammadov@example.org',
      statusNote: 'internal investigation file 42',
      givenName: 'Aydın',
    } as VerificationView;
    for (const lang of LANGUAGES) {
      const page = render(leaky, lang);
      for (const secret of ['0d1e7c1a', 'b7a9d2f4', '1990-05-17', '@', 'investigation', 'Aydın']) {
        expect(page).not.toContain(secret);
      }
      let rest = visibleText(page);
      const allowed = [
        ...Object.values(MESSAGES[lang]),
        ...Object.values(LANGUAGE_NAMES),
        found.serial,
        found.holder!,
        found.course!.code,
        found.course!.title,
        found.issuer,
        '2026-03-14',
        '2028-03-13',
      ].sort((a, b) => b.length - a.length);
      for (const text of allowed) rest = rest.split(text).join(' ');
      expect(rest.replace(/[\s·:]/g, '')).toBe('');
    }
  });

  it('shows only the number checked when nothing was found, whatever else it is given', () => {
    const page = render({ ...found, status: 'not_found', valid: false });
    const text = visibleText(page);
    expect(text).toContain(found.serial);
    for (const given of [found.holder!, found.course!.title, '2026-03-14', '2028-03-13']) {
      expect(text).not.toContain(given);
    }
  });
});
