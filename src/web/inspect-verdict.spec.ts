import { describe, expect, it } from '@jest/globals';
import { judge, localDay, VERDICTS } from './assets/inspect/verdict.js';

const genuine = (claims: Record<string, unknown> = {}) => ({
  ok: true,
  reason: null,
  claims: { sn: 'COE-2026-000001', iat: '2025-01-10', ...claims },
});
const today = '2026-06-15';

describe("the inspector's verdict (src/web/assets/inspect/verdict.js)", () => {
  it('is valid for a genuine token, not revoked or suspended, within its dates or with none', () => {
    const facts = { revoked: false, suspended: false, today };
    expect(judge({ ...facts, verification: genuine({ vu: '2027-01-01' }) })).toBe('valid');
    expect(judge({ ...facts, verification: genuine() })).toBe('valid');
    // valid-until is the last valid day
    expect(judge({ ...facts, verification: genuine({ vu: today }) })).toBe('valid');
  });

  it('is expired from the day after valid-until', () => {
    const verification = genuine({ vu: '2026-06-14' });
    expect(judge({ verification, revoked: false, suspended: false, today })).toBe('expired');
  });

  it('is not genuine for a bad signature, an unknown key or a malformed token, whatever the status bits say', () => {
    for (const reason of ['bad_signature', 'unknown_key', 'malformed']) {
      for (const revoked of [false, true]) {
        const verification = { ok: false, reason, claims: null };
        expect(judge({ verification, revoked, suspended: revoked, today })).toBe('not_genuine');
      }
    }
    expect(judge({ verification: null, revoked: false, suspended: false, today })).toBe(
      'not_genuine',
    );
    // A signed token whose valid-until is not a date is not one the Center issues.
    const odd = genuine({ vu: '15.06.2027' });
    expect(judge({ verification: odd, revoked: false, suspended: false, today })).toBe(
      'not_genuine',
    );
  });

  it('puts revoked before suspended, and both before expired', () => {
    const old = genuine({ vu: '2020-01-01' });
    expect(judge({ verification: old, revoked: true, suspended: true, today })).toBe('revoked');
    expect(judge({ verification: old, revoked: true, suspended: false, today })).toBe('revoked');
    expect(judge({ verification: old, revoked: false, suspended: true, today })).toBe('suspended');
    expect(judge({ verification: old, revoked: false, suspended: false, today })).toBe('expired');
  });

  it('refuses to judge dates without a date for today', () => {
    expect(() =>
      judge({ verification: genuine(), revoked: false, suspended: false, today: '15/06/2026' }),
    ).toThrow(TypeError);
  });

  it('names exactly the five verdicts, and the local day in YYYY-MM-DD', () => {
    expect([...VERDICTS]).toEqual(['valid', 'expired', 'suspended', 'revoked', 'not_genuine']);
    expect(localDay(new Date(2026, 0, 5, 23, 59))).toBe('2026-01-05');
  });
});
