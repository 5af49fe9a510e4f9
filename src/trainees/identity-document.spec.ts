import { describe, expect, it } from '@jest/globals';
import {
  documentLast4,
  isDocumentNumber,
  isPhone,
  maskDocumentNumber,
  normaliseDocumentNumber,
  normalisePhone,
} from './identity-document.js';

describe('identity document numbers', () => {
  it('fold the ways one card is typed into one form', () => {
    for (const typed of [
      'AA1234567',
      'aa 123 45 67',
      ' AA-1234567 ',
      'aa.123/4567',
      'ＡＡ１２３４５６７',
    ]) {
      expect(normaliseDocumentNumber(typed)).toBe('AA1234567');
    }
    // Cyrillic series stay Cyrillic (upper-cased), not mapped to look-alike Latin letters.
    expect(normaliseDocumentNumber('аб 123456')).toBe('АБ123456');
  });

  it('accept 5 to 30 letters and digits with at least one digit', () => {
    expect(isDocumentNumber('A1234')).toBe(true);
    expect(isDocumentNumber('1'.repeat(30))).toBe(true);
    for (const bad of ['A123', '1'.repeat(31), 'ABCDEFG', 'AB12#45', 'AB 12345', '', 12345678]) {
      expect(isDocumentNumber(bad)).toBe(false);
    }
  });

  it('are masked to their last four characters', () => {
    expect(documentLast4('AZE14628059')).toBe('8059');
    expect(maskDocumentNumber('AZE14628059')).toBe('••••8059');
  });
});

describe('phone numbers', () => {
  it('are kept in international form', () => {
    expect(normalisePhone('+994 (50) 123-45-67')).toBe('+994501234567');
    expect(normalisePhone('00380 44 123 4567')).toBe('+380441234567');
    expect(normalisePhone(' +44 20.7946.0958 ')).toBe('+442079460958');
  });

  it('need the country code and 8 to 15 digits', () => {
    expect(isPhone('+994501234567')).toBe(true);
    for (const bad of [
      '0501234567',
      '+0501234567',
      '+9945',
      '+1234567890123456',
      '+99450123456x',
    ]) {
      expect(isPhone(bad)).toBe(false);
    }
  });
});
