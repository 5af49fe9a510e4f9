import { describe, expect, it } from '@jest/globals';
import { sessionChanges } from './session-changes.js';

const placing = { startsOn: '2026-12-07', endsOn: '2026-12-11', location: 'Goygol' };

describe('sessionChanges', () => {
  it('names new dates and a new venue', () => {
    expect(
      sessionChanges(placing, { startsOn: '2026-12-08', endsOn: '2026-12-11', location: 'Baku' }),
    ).toEqual([
      {
        kind: 'dates',
        before: { startsOn: '2026-12-07', endsOn: '2026-12-11' },
        after: { startsOn: '2026-12-08', endsOn: '2026-12-11' },
      },
      { kind: 'location', before: 'Goygol', after: 'Baku' },
    ]);
    expect(sessionChanges(placing, { ...placing, endsOn: '2026-12-12' })).toHaveLength(1);
  });

  it('is empty when neither moved', () => {
    expect(sessionChanges(placing, { ...placing })).toEqual([]);
  });
});
