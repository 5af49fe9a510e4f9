import { describe, expect, it } from '@jest/globals';
import { isoWeek } from './iso-week.js';
import { thresholdFor } from './reminder-scan.js';

describe('isoWeek', () => {
  it('numbers weeks from Monday, in the year of their Thursday', () => {
    expect(isoWeek('2026-12-07')).toBe('2026-W50'); // a Monday
    expect(isoWeek('2026-12-13')).toBe('2026-W50'); // its Sunday
    expect(isoWeek('2026-12-14')).toBe('2026-W51');
    expect(isoWeek('2027-01-01')).toBe('2026-W53'); // a Friday: still 2026's last week
    expect(isoWeek('2027-01-04')).toBe('2027-W01');
    expect(isoWeek('2024-12-30')).toBe('2025-W01'); // a Monday whose Thursday is in 2025
    expect(isoWeek('2026-01-01')).toBe('2026-W01'); // a Thursday
  });

  it('refuses what is not a date', () => {
    expect(() => isoWeek('2026-13-01')).toThrow();
    expect(() => isoWeek('yesterday')).toThrow();
  });
});

describe('thresholdFor', () => {
  it('is the smallest threshold the days left are within', () => {
    expect(thresholdFor(90, [90, 30])).toBe(90);
    expect(thresholdFor(50, [90, 30])).toBe(90);
    expect(thresholdFor(30, [90, 30])).toBe(30);
    expect(thresholdFor(0, [90, 30])).toBe(30);
    expect(thresholdFor(91, [90, 30])).toBeNull();
    expect(thresholdFor(7, [7, 1])).toBe(7);
    expect(thresholdFor(2, [7, 1])).toBe(7);
    expect(thresholdFor(1, [7, 1])).toBe(1);
  });
});
