import { describe, expect, it } from '@jest/globals';
import { ROLES, type Role } from '../common/roles.js';
import {
  can,
  PERMISSIONS,
  permissionsOf,
  reachesSession,
  reachOf,
  REACH,
  sessionActions,
  type Permission,
} from './access-policy.js';

const as = (...roles: Role[]) => ({ roles, instructorId: null });
const instructor = { roles: ['instructor'] as Role[], instructorId: 'i-1' };

describe('the access policy', () => {
  it('gives every role a reach, and names only known roles', () => {
    expect(Object.keys(REACH).sort()).toEqual([...ROLES].sort());
    for (const roles of Object.values(PERMISSIONS)) {
      for (const role of roles) expect(ROLES).toContain(role);
    }
  });

  it('lets auditors read and never write, except the checks they make in the field', () => {
    const writes = (Object.keys(PERMISSIONS) as Permission[]).filter(
      (p) => !/\.(read|readDrafts|list|verify|sync)$/.test(p),
    );
    // Field inspection is the auditor's job (issue 19): recording its checks is the one write.
    for (const p of writes)
      expect({ p, auditor: can(as('auditor'), p) }).toEqual({
        p,
        auditor: p === 'inspections.record',
      });
    expect(can(as('auditor'), 'audit.read')).toBe(true);
    expect(can(as('auditor'), 'registers.read')).toBe(true);
  });

  it('keeps duties apart: only instructors issue, only admins change a certificate or a session', () => {
    expect(ROLES.filter((r) => can(as(r), 'certificates.issue'))).toEqual(['instructor']);
    expect(ROLES.filter((r) => can(as(r), 'certificates.changeStatus'))).toEqual(['admin']);
    expect(ROLES.filter((r) => can(as(r), 'sessions.manage'))).toEqual(['admin']);
  });

  it("reaches by the widest of the caller's roles that hold the permission", () => {
    expect([...reachOf(as('trainee'), 'certificates.read')]).toEqual(['own']);
    expect([...reachOf(as('trainee', 'admin'), 'certificates.read')].sort()).toEqual([
      'all',
      'own',
    ]);
    // The instructor role does not grant enrolling, so it lends no reach to it.
    expect([...reachOf(as('instructor', 'trainee'), 'enrolments.enrol')]).toEqual(['own']);
    expect(reachOf(as('auditor'), 'results.record').size).toBe(0);
  });

  it('reaches a session for an instructor only when assigned to it', () => {
    expect(reachesSession(instructor, 'results.record', ['i-1'])).toBe(true);
    expect(reachesSession(instructor, 'results.record', ['i-2'])).toBe(false);
    expect(reachesSession(as('admin'), 'results.record', [])).toBe(true);
    expect(reachesSession(as('auditor'), 'results.record', [])).toBe(false);
  });

  it("lists a session's allowed actions per caller", () => {
    expect(sessionActions(as('admin'), [])).toEqual([
      'manage',
      'readRoster',
      'recordResults',
      'printAttendanceSheet',
    ]);
    expect(sessionActions(as('auditor'), [])).toEqual(['readRoster', 'printAttendanceSheet']);
    expect(sessionActions(instructor, ['i-1'])).toEqual([
      'readRoster',
      'recordResults',
      'issueCertificates',
      'printAttendanceSheet',
    ]);
    expect(sessionActions(instructor, [])).toEqual([]);
    expect(sessionActions(as('trainee'), [])).toEqual([]);
  });

  it("reaches a coordinator's organisation's people, and never issues, changes, records or audits", () => {
    const coordinator = { roles: ['coordinator'] as Role[], organisationId: 'o-1' };
    expect(REACH.coordinator).toBe('organisation');
    expect(permissionsOf(coordinator)).toEqual([
      'catalogue.read',
      'trainees.list',
      'trainees.read',
      'trainees.manage',
      'enrolments.enrol',
      'enrolments.read',
      'roster.read',
      'certificates.read',
      'expiringCertificates.read',
      'recognitions.read',
      'recognitions.present',
    ]);
    for (const p of permissionsOf(coordinator))
      expect({ p, reach: [...reachOf(coordinator, p)] }).toEqual({
        p,
        reach: ['organisation'],
      });
    for (const p of [
      'certificates.issue',
      'certificates.changeStatus',
      'results.record',
      'audit.read',
      'users.read',
      'notifications.read',
      'imports.run',
      'exports.read',
      'reports.read',
      'registers.read',
      'sessions.manage',
      'recognitions.decide',
      'trustedIssuers.manage',
    ] as const)
      expect({ p, coordinator: can(coordinator, p) }).toEqual({ p, coordinator: false });
    // An organisation's reach is its people's records in a session, never the session as a whole.
    expect(reachesSession(coordinator, 'roster.read', [])).toBe(false);
    expect(sessionActions(coordinator, [])).toEqual(['nominate']);
  });

  it("hands each account its permissions in the table's order", () => {
    expect(permissionsOf(as('trainee'))).toEqual([
      'catalogue.read',
      'trainees.read',
      'enrolments.enrol',
      'enrolments.read',
      'certificates.read',
      'recognitions.read',
      'recognitions.present',
    ]);
    expect(permissionsOf(as())).toEqual([]);
  });
});
