import { describe, expect, it } from '@jest/globals';
import { DEMO_PASSWORD } from '../database/seed.js';
import { passwordProblem } from './password-policy.js';

describe('password policy', () => {
  it('refuses breached passwords with the usual changes around them', () => {
    for (const password of [
      'password1234',
      'qwerty123456',
      'Password12345',
      'P@ssw0rd2026',
      'P4ssw0rd!!2026',
      'Welcome2026!',
      'Welcome123456',
      '!!Dragon1987!!',
      'iloveyou2026',
      '@dmin12345678',
      'Admin12345678',
      'Pass-word-2026',
      'PasswordPassword1',
      'drowssap12345',
      'ＰＡＳＳＷＯＲＤ２０２６',
      '1qaz2wsx3edc',
    ]) {
      expect([password, passwordProblem(password)]).toEqual([
        password,
        expect.stringContaining('common password'),
      ]);
    }
  });

  it('refuses passwords made of the service name, the demo password or the e-mail address', () => {
    for (const password of [
      DEMO_PASSWORD,
      'D3m1n1ng-D3mo-2026',
      'Mine-Action-2026!',
      'CoE-Demining-77!',
      'Minefield-2026-Baku',
      'ANAMA-Demining-1',
    ]) {
      expect([password, passwordProblem(password)]).toEqual([
        password,
        expect.stringContaining('built from the service name'),
      ]);
    }
    const email = 'leyla.huseynova@example.az';
    for (const password of ['Leyla.Huseynova1!', 'huseynova-2026-!!', 'LeylaExample2026']) {
      expect([password, passwordProblem(password, { email })]).toEqual([
        password,
        expect.stringContaining('e-mail address'),
      ]);
      // Only this account's address counts.
      expect(passwordProblem(password, { email: 'r.aliyev@coe.example' })).toBeNull();
    }
  });

  it('refuses short, over-long, one-character and plain-run passwords', () => {
    expect(passwordProblem('short-pw')).toMatch(/at least 12/);
    expect(passwordProblem('x'.repeat(129))).toMatch(/at most 128/);
    expect(passwordProblem('ççççççççççççç')).toMatch(/single character/);
    expect(passwordProblem('abcdefghijklm')).toMatch(/plain run/);
    expect(passwordProblem(42)).toBe('must be a string');
  });

  it('accepts passphrases, including ones that merely contain a short word of the service', () => {
    for (const password of [
      'Field-Training-Area-7',
      'Long-Enough-Password-1',
      'Brand-New-Passphrase-2026',
      'Goygol-Field-Range-9',
      'correct horse battery staple',
      'şəğıöçüŞƏĞIÖ',
      'Xk9#mQ2$vL7p',
      'Determined-Lighthouse-42',
      'Mine-Clearance-Quarry-Lantern',
    ]) {
      expect([
        password,
        passwordProblem(password, { email: 'leyla.huseynova@example.az' }),
      ]).toEqual([password, null]);
    }
  });

  it('checks a 128-character password quickly', () => {
    const started = performance.now();
    for (let i = 0; i < 100; i++) passwordProblem(`${'Ab1!'.repeat(31)}xy${i}`.slice(0, 128));
    expect((performance.now() - started) / 100).toBeLessThan(5);
  });
});
