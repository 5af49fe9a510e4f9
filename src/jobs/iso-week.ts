const DAY_MS = 86_400_000;

/** The Thursday of the ISO week holding `date` (weeks start on Monday). */
function thursdayOf(date: Date): Date {
  const weekday = (date.getUTCDay() + 6) % 7; // Monday 0 … Sunday 6
  return new Date(date.getTime() + (3 - weekday) * DAY_MS);
}

/**
 * The ISO 8601 week of a calendar day, e.g. `2026-W49`: weeks start on Monday and belong to
 * the year of their Thursday (so 2027-01-01, a Friday, is in 2026-W53). The organisations'
 * digest is keyed by it: once a week, whichever day of it the scan runs.
 */
export function isoWeek(day: string): string {
  const date = new Date(`${day}T00:00:00Z`);
  if (!/^\d{4}-\d{2}-\d{2}$/.test(day) || Number.isNaN(date.getTime())) {
    throw new Error(`Not a calendar date: ${day}`);
  }
  const thursday = thursdayOf(date);
  const year = thursday.getUTCFullYear();
  // Week 1 is the week holding 4 January.
  const firstThursday = thursdayOf(new Date(Date.UTC(year, 0, 4)));
  const week = 1 + Math.round((thursday.getTime() - firstThursday.getTime()) / (7 * DAY_MS));
  return `${year}-W${String(week).padStart(2, '0')}`;
}
