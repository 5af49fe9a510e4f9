import { describe, expect, it } from '@jest/globals';
import {
  attendancePercent,
  countedDays,
  passed,
  resultOf,
  statusForResult,
} from './results-rule.js';

const course = { passMark: 70, minAttendancePercent: 80 };
/** Twelve days, 1 to 12 December. */
const running = { startsOn: '2026-12-01', endsOn: '2026-12-12', status: 'in_progress' as const };
const completed = { ...running, status: 'completed' as const };
const days = (from: number, to: number) =>
  Array.from({ length: to - from + 1 }, (_, i) => `2026-12-${String(from + i).padStart(2, '0')}`);

describe('results rule', () => {
  it('mid-course, a trainee present every day so far has 100%, not 41%, and no result yet', () => {
    const result = resultOf(
      course,
      running,
      { presentDays: days(1, 5), theoryScore: 90, practicalScore: 90 },
      '2026-12-05',
    );
    expect(result).toEqual({ attendancePercent: 100, passed: null });
  });

  it('counts the days up to today while the session runs, all of them once completed', () => {
    expect(countedDays(running, '2026-12-05')).toEqual({
      from: '2026-12-01',
      to: '2026-12-05',
      count: 5,
    });
    expect(countedDays(running, '2027-01-20')?.count).toBe(12);
    expect(countedDays(completed, '2026-12-05')?.count).toBe(12);
    expect(countedDays(running, '2026-11-30')).toBeNull();
    expect(attendancePercent(days(1, 5), running, '2026-11-30')).toBeNull();
    expect(attendancePercent(days(1, 5), completed, '2026-12-12')).toBe(41.67);
    expect(attendancePercent(['2026-12-01', '2026-12-03'], running, '2026-12-03')).toBe(66.67);
  });

  it('decides pass/fail only once completed: both scores at the pass mark and enough attendance', () => {
    const scores = (theoryScore: number | null, practicalScore: number | null) => ({
      theoryScore,
      practicalScore,
    });
    expect(passed(course, running, scores(100, 100), 100)).toBeNull();
    expect(passed(course, completed, scores(70, 70), 80)).toBe(true);
    expect(passed(course, completed, scores(69.99, 100), 100)).toBe(false);
    expect(passed(course, completed, scores(100, 69.99), 100)).toBe(false);
    expect(passed(course, completed, scores(100, 100), 79.99)).toBe(false);
    expect(passed(course, completed, scores(100, null), 100)).toBeNull();
    expect(
      resultOf(
        course,
        completed,
        { presentDays: days(1, 10), theoryScore: 80, practicalScore: 80 },
        '2026-12-20',
      ),
    ).toEqual({ attendancePercent: 83.33, passed: true });
  });

  it('moves participants between enrolled, completed and failed; leaves the others', () => {
    expect(statusForResult('enrolled', true)).toBe('completed');
    expect(statusForResult('enrolled', false)).toBe('failed');
    expect(statusForResult('completed', null)).toBe('enrolled');
    expect(statusForResult('failed', true)).toBe('completed');
    expect(statusForResult('withdrawn', true)).toBe('withdrawn');
    expect(statusForResult('waitlisted', null)).toBe('waitlisted');
  });
});
