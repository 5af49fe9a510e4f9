import { describe, expect, it } from '@jest/globals';
import type { Role } from '../common/roles.js';
import { CERTIFICATE_STATUSES } from './certificate.entity.js';
import {
  allowedActions,
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
