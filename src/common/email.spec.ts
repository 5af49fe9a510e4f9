import { describe, expect, it } from '@jest/globals';
import { accountEmailProblem, normaliseEmail } from './email.js';

const check = (input: string) => accountEmailProblem(normaliseEmail(input));

describe('account e-mail addresses', () => {
  it('normalises compatibility forms, case and surrounding space', () => {
    expect(normaliseEmail('  ＡＤＭＩＮ＠ｃｏｅ．ｔｅｓｔ ')).toBe('admin@coe.test');
    expect(normaliseEmail('İlham@COE.test')).toBe('ilham@coe.test');
    expect(normaliseEmail('\ufeffadmin@coe.test\u3000')).toBe('admin@coe.test');
    expect(normaliseEmail('Ayşe.Gül@coe.test')).toBe('ayşe.gül@coe.test');
    // Already-composed and decomposed accents end up the same.
    expect(normaliseEmail('gu\u0308l@coe.test')).toBe(normaliseEmail('g\u00fcl@coe.test'));
    expect(check('ＡＤＭＩＮ＠ｃｏｅ．ｔｅｓｔ')).toBeNull();
  });

  it('refuses invisible and control characters', () => {
    for (const email of [
      'ad\u200bmin@coe.test',
      'ad\u200dmin@coe.test',
      'admin\u00ad@coe.test',
      'ad\u202emin@coe.test',
      'ad\ufeffmin@coe.test',
      'admin@co\u2060e.test',
      'ad\u3164min@coe.test',
      'adm\ufe0fin@coe.test',
    ]) {
      expect([email, check(email)]).toEqual([email, expect.stringMatching(/invisible/)]);
    }
  });

  it('refuses mixed writing systems within the name or a domain label', () => {
    for (const email of [
      '\u0430dmin@coe.test',
      'admin@c\u043ee.test',
      'p\u03b1ypal@coe.test',
      'ivan\u043e\u0432@coe.test',
    ]) {
      expect([email, check(email)]).toEqual([email, expect.stringMatching(/mix writing systems/)]);
    }
  });

  it('refuses Latin letters that imitate others, and stray combining marks', () => {
    expect(check('adm\u0131n@coe.test')).toMatch(/U\+0131/);
    expect(check('p\u0251ypal@coe.test')).toMatch(/U\+0251/);
    expect(check('\u0261oogle@coe.test')).toMatch(/U\+0261/);
    expect(check('admi\u0307n@coe.test')).toMatch(/combining/);
    expect(check('o\u0338scar@coe.test')).toMatch(/combining/);
  });

  it('refuses Cyrillic or Greek written only with letters that look Latin', () => {
    expect(check('\u0430\u0441\u0435@coe.test')).toMatch(/look Latin/); // "ace"
    expect(check('admin@\u0440\u0430\u0443\u0440\u0430\u0455.com')).toMatch(/look Latin/);
  });

  it('accepts ordinary and single-script internationalised addresses', () => {
    for (const email of [
      'registrar@coe.example',
      'r.aliyev+courses@coe.example',
      'ayşe.gül@coe.test',
      'şəhla.məmmədova@example.az',
      'иван.петров@coe.test',
      'ivan@почта.рф',
      'δοκιμή@example.gr',
      '山田太郎@example.jp',
      'やまだ.タロウ@example.jp',
      'łukasz.żółć@example.pl',
      'søren@example.dk',
    ]) {
      expect([email, check(email)]).toEqual([email, null]);
    }
  });

  it('still checks the syntax and the length', () => {
    expect(check('not-an-address')).toBe('must be an email');
    expect(check(`${'a'.repeat(250)}@coe.test`)).toMatch(/254/);
    expect(accountEmailProblem(42)).toBe('must be a string');
  });
});
