import { describe, expect, it } from '@jest/globals';
import { languageOfCountry } from './recipients.js';

describe('languageOfCountry', () => {
  it('is Azerbaijani for Azerbaijan', () => {
    expect(languageOfCountry('AZ')).toBe('az');
    expect(languageOfCountry(' az ')).toBe('az');
  });

  it('is Russian where Russian has official standing', () => {
    for (const country of ['RU', 'BY', 'KZ', 'KG', 'TJ']) {
      expect(languageOfCountry(country)).toBe('ru');
    }
  });

  it('is English elsewhere and when unknown', () => {
    for (const country of ['UA', 'UZ', 'GE', 'TR', 'GB', 'XX', '', null, undefined]) {
      expect(languageOfCountry(country)).toBe('en');
    }
  });
});
