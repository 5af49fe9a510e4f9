import { describe, expect, it } from '@jest/globals';
import { conflict, ruleViolation } from '../common/errors.js';
import type { Role } from '../common/roles.js';
import {
  currentBeyondRenewalWindow,
  enrolmentRefusalError,
  enrolmentRefusals as refusalsBy,
  RENEWAL_WINDOW_MONTHS,
  type EnrolmentFacts,
  type HeldCertificate,
} from './enrolment-rules.js';

const trainee = { roles: ['trainee'] as Role[] };
const registrar = { roles: ['admin'] as Role[] };
/** The trainee enrolling themself, unless said otherwise. */
const enrolmentRefusals = (f: EnrolmentFacts, enroller = trainee) => refusalsBy(f, enroller);

const facts = (overrides: Partial<EnrolmentFacts> = {}): EnrolmentFacts => ({
  session: { id: 's1', status: 'open', startsOn: '2026-12-07', endsOn: '2026-12-11' },
  course: { code: 'EOD-2', requiresMedicalClearance: false },
  trainee: { id: 't1', medicalClearanceUntil: null },
  latest: null,
  missingPrerequisites: [],
  heldCertificates: [],
  ...overrides,
});
const held = (overrides: Partial<HeldCertificate> = {}): HeldCertificate => ({
  id: 'c1',
  serial: 'EOD2-0001',
  status: 'active',
  validUntil: '2028-12-11',
  ...overrides,
});
const codes = (f: EnrolmentFacts) => enrolmentRefusals(f).map((r) => r.code);
const enrolment = (status: 'enrolled' | 'waitlisted' | 'withdrawn' | 'cancelled') => ({
  id: 'e1',
  sessionId: 's1',
  traineeId: 't1',
  status,
  waitlistPosition: status === 'waitlisted' ? 1 : null,
});

describe('enrolment preconditions', () => {
  it('allow an open session with nothing missing', () => {
    expect(enrolmentRefusals(facts())).toEqual([]);
  });

  it('need the session open, whatever the date', () => {
    for (const status of ['planned', 'in_progress', 'completed', 'cancelled'] as const) {
      expect(enrolmentRefusals(facts({ session: { ...facts().session, status } }))).toEqual([
        {
          code: 'SESSION_NOT_OPEN',
          message: `The session is ${status}, not open for enrolment`,
          details: { status },
        },
      ]);
    }
  });

  it('refuse a trainee already in the session, but not one who withdrew', () => {
    for (const status of ['enrolled', 'waitlisted'] as const) {
      expect(enrolmentRefusals(facts({ latest: enrolment(status) }))).toMatchObject([
        { code: 'ALREADY_ENROLLED', details: { enrolmentId: 'e1', status } },
      ]);
    }
    expect(codes(facts({ latest: enrolment('withdrawn') }))).toEqual([]);
  });

  it('list the missing prerequisite course codes', () => {
    expect(enrolmentRefusals(facts({ missingPrerequisites: ['EOD-1', 'FA-1'] }))).toEqual([
      {
        code: 'PREREQUISITE_NOT_MET',
        message: 'EOD-2 requires a current certificate for EOD-1, FA-1 on 2026-12-07',
        details: { missing: ['EOD-1', 'FA-1'], courseCode: 'EOD-2', checkedOn: '2026-12-07' },
      },
    ]);
  });

  describe('already certified and current', () => {
    // The session ends on 2026-12-11: the renewal window reaches 2027-06-11.
    it('refuse a trainee whose certificate stays current beyond the renewal window', () => {
      expect(RENEWAL_WINDOW_MONTHS).toBe(6);
      const cert = held({ validUntil: '2027-06-12' });
      expect(enrolmentRefusals(facts({ heldCertificates: [cert] }))).toEqual([
        {
          code: 'ALREADY_CERTIFIED',
          message:
            'The trainee already holds EOD2-0001 for EOD-2, valid until 2027-06-12: a renewal may be taken in a session ending within its last 6 months',
          details: {
            certificateId: 'c1',
            serial: 'EOD2-0001',
            validUntil: '2027-06-12',
            renewalWindowMonths: 6,
          },
        },
      ]);
      expect(enrolmentRefusals(facts({ heldCertificates: [held({ validUntil: null })] }))).toEqual([
        expect.objectContaining({
          code: 'ALREADY_CERTIFIED',
          message: 'The trainee already holds EOD2-0001 for EOD-2, which does not expire',
          details: expect.objectContaining({ validUntil: null }),
        }),
      ]);
    });

    it('allow a renewal: a certificate expiring within the window, on its last day or before', () => {
      for (const validUntil of ['2027-06-11', '2027-03-01', '2026-12-11', '2026-01-01'])
        expect(codes(facts({ heldCertificates: [held({ validUntil })] }))).toEqual([]);
    });

    it('count no certificate that is not current', () => {
      for (const status of ['suspended', 'revoked', 'superseded'] as const)
        expect(codes(facts({ heldCertificates: [held({ status, validUntil: null })] }))).toEqual(
          [],
        );
    });

    it('let the registrar enrol a certified trainee (a re-qualification is their decision)', () => {
      const f = facts({ heldCertificates: [held({ validUntil: null })] });
      expect(codes(f)).toEqual(['ALREADY_CERTIFIED']);
      expect(enrolmentRefusals(f, registrar)).toEqual([]);
    });

    it('name the certificate that lasts longest', () => {
      const soon = held({ id: 'soon', validUntil: '2027-08-01' });
      const later = held({ id: 'later', validUntil: '2028-08-01' });
      const never = held({ id: 'never', validUntil: null });
      const revoked = held({ id: 'revoked', status: 'revoked', validUntil: null });
      expect(currentBeyondRenewalWindow([soon, later], '2026-12-11')?.id).toBe('later');
      expect(currentBeyondRenewalWindow([soon, never, later], '2026-12-11')?.id).toBe('never');
      expect(currentBeyondRenewalWindow([revoked, soon], '2026-12-11')?.id).toBe('soon');
      expect(currentBeyondRenewalWindow([soon], '2027-02-01')).toBeNull();
    });

    it('count months as the calendar does (31 August + 6 months = 28 February)', () => {
      expect(currentBeyondRenewalWindow([held({ validUntil: '2027-02-28' })], '2026-08-31')).toBe(
        null,
      );
      expect(
        currentBeyondRenewalWindow([held({ validUntil: '2027-03-01' })], '2026-08-31'),
      ).not.toBeNull();
    });
  });

  it('need medical clearance through the last day when the course requires it', () => {
    const field = { code: 'EOD-2', requiresMedicalClearance: true };
    const cleared = (until: string | null) =>
      facts({ course: field, trainee: { id: 't1', medicalClearanceUntil: until } });
    expect(enrolmentRefusals(cleared(null))).toMatchObject([
      {
        code: 'MEDICAL_CLEARANCE_REQUIRED',
        details: { requiredUntil: '2026-12-11', clearanceUntil: null },
      },
    ]);
    expect(codes(cleared('2026-12-10'))).toEqual(['MEDICAL_CLEARANCE_REQUIRED']);
    expect(codes(cleared('2026-12-11'))).toEqual([]);
    // Courses that do not require it ignore the clearance.
    expect(codes(facts({ trainee: { id: 't1', medicalClearanceUntil: '2000-01-01' } }))).toEqual(
      [],
    );
  });

  it('list every reason in checking order (the enrol route answers the first)', () => {
    expect(
      codes(
        facts({
          session: { ...facts().session, status: 'cancelled' },
          latest: enrolment('cancelled'),
          missingPrerequisites: ['EOD-1'],
          heldCertificates: [held({ validUntil: null })],
          course: { code: 'EOD-2', requiresMedicalClearance: true },
        }),
      ),
    ).toEqual([
      'SESSION_NOT_OPEN',
      'ALREADY_ENROLLED',
      'ALREADY_CERTIFIED',
      'PREREQUISITE_NOT_MET',
      'MEDICAL_CLEARANCE_REQUIRED',
    ]);
  });

  it('answer a duplicate with 409 and a broken rule with 422', () => {
    const [duplicate] = enrolmentRefusals(facts({ latest: enrolment('enrolled') }));
    expect(enrolmentRefusalError(duplicate)).toEqual(
      conflict('ALREADY_ENROLLED', duplicate.message, duplicate.details),
    );
    const [missing] = enrolmentRefusals(facts({ missingPrerequisites: ['EOD-1'] }));
    const error = enrolmentRefusalError(missing);
    expect(error).toEqual(ruleViolation('PREREQUISITE_NOT_MET', missing.message, missing.details));
    expect(error.status).toBe(422);
  });
});
