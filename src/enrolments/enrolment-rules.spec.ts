import { describe, expect, it } from '@jest/globals';
import { conflict, ruleViolation } from '../common/errors.js';
import {
  enrolmentRefusalError,
  enrolmentRefusals,
  type EnrolmentFacts,
} from './enrolment-rules.js';

const facts = (overrides: Partial<EnrolmentFacts> = {}): EnrolmentFacts => ({
  session: { id: 's1', status: 'open', startsOn: '2026-12-07', endsOn: '2026-12-11' },
  course: { code: 'EOD-2', requiresMedicalClearance: false },
  trainee: { id: 't1', medicalClearanceUntil: null },
  latest: null,
  missingPrerequisites: [],
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
          course: { code: 'EOD-2', requiresMedicalClearance: true },
        }),
      ),
    ).toEqual([
      'SESSION_NOT_OPEN',
      'ALREADY_ENROLLED',
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
