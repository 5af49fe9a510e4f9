import { describe, expect, it } from '@jest/globals';
import type { Role } from '../common/roles.js';
import { CERTIFICATE_STATUSES } from './certificate.entity.js';
import {
  allowedActions,
  currentOnSql,
  effectiveStatus,
  effectiveStatusSql,
  isCurrentOn,
  LIFECYCLE_ACTIONS,
  lifecycleDecision,
  nextStatus,
  reasonRequiresNote,
  STATUS_REASONS,
} from './certificate-status.js';

const as = (...roles: Role[]) => ({ roles });

describe('certificate status transitions', () => {
  it('revoked is final; only active suspends, only suspended reinstates; anything else may be revoked', () => {
    const table = Object.fromEntries(
      CERTIFICATE_STATUSES.map((s) => [s, LIFECYCLE_ACTIONS.map((a) => nextStatus(a, s))]),
    );
    expect(table).toEqual({
      active: ['suspended', null, 'revoked'],
      expired: [null, null, 'revoked'],
      suspended: [null, 'active', 'revoked'],
      revoked: [null, null, null],
      superseded: [null, null, 'revoked'],
    });
  });

  it('only admins are offered actions, and exactly the allowed transitions', () => {
    for (const status of CERTIFICATE_STATUSES) {
      expect(allowedActions(as('admin'), status)).toEqual(
        LIFECYCLE_ACTIONS.filter((a) => nextStatus(a, status) !== null),
      );
      for (const role of ['instructor', 'trainee', 'auditor'] as const) {
        expect(allowedActions(as(role), status)).toEqual([]);
      }
    }
    expect(allowedActions(as('instructor', 'admin'), 'active')).toEqual(['suspend', 'revoke']);
  });

  it('names why an action is refused', () => {
    expect(lifecycleDecision(as('auditor'), 'active', 'revoke')).toEqual({
      allowed: false,
      refusal: 'forbidden',
    });
    expect(lifecycleDecision(as('admin'), 'revoked', 'reinstate')).toEqual({
      allowed: false,
      refusal: 'revoked',
    });
    expect(lifecycleDecision(as('admin'), 'expired', 'suspend')).toEqual({
      allowed: false,
      refusal: 'illegal_transition',
    });
  });

  it('only the reason `other` needs a note', () => {
    expect(STATUS_REASONS.filter(reasonRequiresNote)).toEqual(['other']);
  });
});

describe('current or expired', () => {
  const cert = (
    status: 'active' | 'suspended' | 'revoked' | 'superseded',
    validUntil: string | null,
  ) => ({
    status,
    validUntil,
  });

  it('an active certificate is current through its last valid day and expired the day after', () => {
    expect(effectiveStatus(cert('active', '2026-12-07'), '2026-12-07')).toBe('active');
    expect(effectiveStatus(cert('active', '2026-12-07'), '2026-12-08')).toBe('expired');
    expect(isCurrentOn(cert('active', '2026-12-07'), '2026-12-07')).toBe(true);
    expect(isCurrentOn(cert('active', '2026-12-07'), '2026-12-08')).toBe(false);
    expect(isCurrentOn(cert('active', null), '2199-12-31')).toBe(true);
  });

  it('suspended, revoked and superseded are never current and keep their status past the date', () => {
    for (const status of ['suspended', 'revoked', 'superseded'] as const) {
      expect(isCurrentOn(cert(status, null), '2026-12-07')).toBe(false);
      expect(effectiveStatus(cert(status, '2026-01-01'), '2026-12-07')).toBe(status);
    }
  });

  it('writes the rule as SQL for a row alias and a date expression, and nothing else', () => {
    expect(currentOnSql('c', 's.starts_on')).toBe(
      "(c.status = 'active' AND (c.valid_until IS NULL OR c.valid_until >= s.starts_on))",
    );
    expect(effectiveStatusSql('ce', '$1::date')).toBe(
      "(CASE WHEN (ce.status = 'active' AND ce.valid_until < $1::date) THEN 'expired' ELSE ce.status END)",
    );
    expect(() => currentOnSql('c; DROP TABLE certificates; --', ':now')).toThrow(
      'Not an SQL alias',
    );
  });
});
