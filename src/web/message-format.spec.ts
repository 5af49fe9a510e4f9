import { describe, expect, it } from '@jest/globals';
import { formatMessage, placeholders, pluralCategory } from '#message-format';
import { LANGUAGES, MESSAGES, t, type Lang } from './i18n.js';

const TRAINEES_RU =
  '{n, plural, one {# слушателя} few {# слушателей} many {# слушателей} other {# слушателя}}';

describe('message format (shared by the pages and the server)', () => {
  it('fills {name} placeholders and leaves a missing one visible', () => {
    expect(formatMessage('en', 'Edit {name}', { name: 'CoE' })).toBe('Edit CoE');
    expect(formatMessage('en', 'Edit {name}', {})).toBe('Edit {name}');
    expect(formatMessage('en', 'Edit {name}')).toBe('Edit {name}');
  });

  it('picks the English form for 1 and for 2', () => {
    const message = 'Results saved for {n, plural, one {# trainee} other {# trainees}}.';
    expect(formatMessage('en', message, { n: 1 })).toBe('Results saved for 1 trainee.');
    expect(formatMessage('en', message, { n: 2 })).toBe('Results saved for 2 trainees.');
    expect(formatMessage('en', message, { n: '1' })).toBe('Results saved for 1 trainee.');
    expect(formatMessage('en', message, { n: 0 })).toBe('Results saved for 0 trainees.');
  });

  it('picks the Russian one, few and many forms (1, 2, 5, 11, 21, 22, 25)', () => {
    const form = (n: number) => formatMessage('ru', `для ${TRAINEES_RU}`, { n });
    expect([1, 2, 5, 11, 21, 22, 25].map(form)).toEqual([
      'для 1 слушателя',
      'для 2 слушателей',
      'для 5 слушателей',
      'для 11 слушателей',
      'для 21 слушателя',
      'для 22 слушателей',
      'для 25 слушателей',
    ]);
    const seconds =
      '{s, plural, one {# секунду} few {# секунды} many {# секунд} other {# секунды}}';
    expect([1, 2, 5, 11, 21, 22, 25].map((s) => formatMessage('ru', seconds, { s }))).toEqual([
      '1 секунду',
      '2 секунды',
      '5 секунд',
      '11 секунд',
      '21 секунду',
      '22 секунды',
      '25 секунд',
    ]);
  });

  it('reads Azerbaijani, which keeps the noun singular after a number', () => {
    const message = '{n, plural, one {# kursant} other {# kursant}}';
    expect(formatMessage('az', message, { n: 1 })).toBe('1 kursant');
    expect(formatMessage('az', message, { n: 5 })).toBe('5 kursant');
    expect(pluralCategory('az', 5)).toBe('other');
  });

  it('fills placeholders inside a form, and matches an exact number first', () => {
    const message =
      '{n, plural, =0 {No seats left of {capacity}} one {# of {capacity} seat left} other {# of {capacity} seats left}}';
    expect(formatMessage('en', message, { n: 0, capacity: 8 })).toBe('No seats left of 8');
    expect(formatMessage('en', message, { n: 1, capacity: 8 })).toBe('1 of 8 seat left');
    expect(formatMessage('en', message, { n: 7, capacity: 8 })).toBe('7 of 8 seats left');
  });

  it('leaves a malformed plural and stray braces as written', () => {
    expect(formatMessage('en', '{n, plural, one {#}}', { n: 1 })).toBe('{n, plural, one {#}}');
    expect(formatMessage('en', 'a { b', { b: 1 })).toBe('a { b');
    expect(formatMessage('en', 'a } b #', { b: 1 })).toBe('a } b #');
  });

  it('lists the placeholders a message reads, those in plural forms too', () => {
    expect(
      placeholders('{n, plural, one {# of {capacity}} other {# of {capacity}}} at {place}'),
    ).toEqual([
      { name: 'n', selectors: ['one', 'other'] },
      { name: 'capacity', selectors: null },
      { name: 'capacity', selectors: null },
      { name: 'place', selectors: null },
    ]);
  });
});

describe('the messages', () => {
  const plurals = (lang: Lang) =>
    Object.entries(MESSAGES[lang]).flatMap(([key, message]) =>
      placeholders(message)
        .filter((p) => p.selectors)
        .map((p) => ({ key, name: p.name, selectors: p.selectors! })),
    );

  it.each(LANGUAGES)('every plural in %s words each plural category of the language', (lang) => {
    const needed = new Intl.PluralRules(lang).resolvedOptions().pluralCategories;
    const incomplete = plurals(lang)
      .filter((p) => !needed.every((category) => p.selectors.includes(category)))
      .map((p) => `${p.key}: ${p.selectors.join(' ')}`);
    expect(incomplete).toEqual([]);
  });

  it('uses plurals for counts (each language words its own)', () => {
    expect(plurals('en').length).toBeGreaterThan(5);
    expect(plurals('ru').length).toBeGreaterThan(5);
  });

  it('reads the same placeholder names in every language', () => {
    const names = (message: string) =>
      [...new Set(placeholders(message).map((p) => p.name))].sort();
    const differ = Object.keys(MESSAGES.en).flatMap((key) => {
      const en = names(MESSAGES.en[key as keyof (typeof MESSAGES)['en']]);
      return LANGUAGES.filter(
        (lang) =>
          JSON.stringify(names(MESSAGES[lang][key as keyof (typeof MESSAGES)['en']])) !==
          JSON.stringify(en),
      ).map((lang) => `${lang} ${key}`);
    });
    expect(differ).toEqual([]);
  });

  it('says "1 trainee", "21 слушателя" and "5 слушателей" when results are saved', () => {
    expect(t('en', 'roster.resultsSaved', { n: 1 })).toBe('Results saved for 1 trainee.');
    expect(t('en', 'roster.resultsSaved', { n: '2' })).toBe('Results saved for 2 trainees.');
    expect(t('ru', 'roster.resultsSaved', { n: 21 })).toContain('21 слушателя');
    expect(t('ru', 'roster.resultsSaved', { n: 5 })).toContain('5 слушателей');
    expect(t('ru', 'roster.resultsSaved', { n: 2 })).toContain('2 слушателей');
    expect(t('en', 'error.RATE_LIMITED', { retryAfterSeconds: 1 })).toBe(
      'Too many attempts. Try again in 1 second.',
    );
    expect(t('ru', 'error.RATE_LIMITED', { retryAfterSeconds: 2 })).toContain('2 секунды');
  });
});
