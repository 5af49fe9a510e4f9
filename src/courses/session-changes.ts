import type { SessionChange } from '../notifications/templates/enrolment.js';

type Placing = { startsOn: string; endsOn: string; location: string };

/**
 * What the people in a session are told changed by an edit: its dates and its venue. Capacity,
 * language of instruction and joining instructions are not worth a message of their own (the
 * instructions go out with the reminders).
 */
export function sessionChanges(before: Placing, after: Placing): SessionChange[] {
  const changes: SessionChange[] = [];
  if (before.startsOn !== after.startsOn || before.endsOn !== after.endsOn) {
    changes.push({
      kind: 'dates',
      before: { startsOn: before.startsOn, endsOn: before.endsOn },
      after: { startsOn: after.startsOn, endsOn: after.endsOn },
    });
  }
  if (before.location !== after.location) {
    changes.push({ kind: 'location', before: before.location, after: after.location });
  }
  return changes;
}
