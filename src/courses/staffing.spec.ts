import { describe, expect, it } from '@jest/globals';
import { staffingOf } from './staffing.js';

const open = { status: 'open' as const, capacity: 12, seatsTaken: 5 };

describe('staffing rule', () => {
  it('needs ceil(capacity / maximum) instructors', () => {
    expect(staffingOf(open, 6, 2)).toEqual({
      instructors: 2,
      needed: 2,
      maxTraineesPerInstructor: 6,
      traineesPerInstructor: 2.5,
      ok: true,
    });
    expect(staffingOf(open, 5, 2)).toMatchObject({ needed: 3, ok: false });
    expect(staffingOf({ ...open, capacity: 13 }, 6, 2)).toMatchObject({ needed: 3, ok: false });
  });

  it('counts the capacity, not the seats taken so far', () => {
    expect(staffingOf({ ...open, seatsTaken: 1 }, 4, 1)).toMatchObject({ needed: 3, ok: false });
  });

  it('is always ok without a course maximum, and warns with no instructor at all', () => {
    expect(staffingOf(open, null, 0)).toEqual({
      instructors: 0,
      needed: null,
      maxTraineesPerInstructor: null,
      traineesPerInstructor: null,
      ok: true,
    });
    expect(staffingOf(open, 20, 0)).toMatchObject({ needed: 1, ok: false });
  });

  it('is not asked of sessions that no longer run', () => {
    expect(staffingOf({ ...open, status: 'completed' }, 6, 0)).toBeNull();
    expect(staffingOf({ ...open, status: 'cancelled' }, 6, 0)).toBeNull();
    expect(staffingOf({ ...open, status: 'planned' }, 6, 0)).not.toBeNull();
    expect(staffingOf({ ...open, status: 'in_progress' }, 6, 0)).not.toBeNull();
  });
});
