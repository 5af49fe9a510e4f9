import { describe, expect, it } from '@jest/globals';
import {
  escapeText,
  foldLine,
  sessionCalendar,
  sessionCalendarAttachment,
  sessionUid,
  type CalendarEvent,
} from './calendar.js';

const BASE = 'https://coe.example.az';

const event = (over: Partial<CalendarEvent> = {}): CalendarEvent => ({
  sessionId: '3f0c8a52-6a0e-4c1f-9d8e-0d6a4b1c2e11',
  sequence: 4,
  startsOn: '2026-12-07',
  endsOn: '2026-12-11',
  summary: 'EOD-1 Explosive Ordnance Disposal Level 1',
  location: 'Goygol field training area',
  description: null,
  url: null,
  stamp: new Date('2026-11-30T06:15:00.123Z'),
  ...over,
});

/** RFC 5545 3.1 unfolding: a CRLF followed by one space or tab is removed. */
function unfold(text: string): string[] {
  return text.replace(/\r\n[ \t]/g, '').split('\r\n');
}

function property(text: string, name: string): string | undefined {
  const line = unfold(text).find((l) => l.startsWith(`${name}:`) || l.startsWith(`${name};`));
  return line?.slice(line.indexOf(':') + 1);
}

describe('session calendar (RFC 5545)', () => {
  it('is one VEVENT in a VCALENDAR, every line ended by CRLF', () => {
    const text = sessionCalendar(event(), BASE);
    expect(text.endsWith('\r\n')).toBe(true);
    // No bare LF or CR anywhere.
    expect(text.replace(/\r\n/g, '')).not.toMatch(/[\r\n]/);
    const lines = unfold(text).filter(Boolean);
    expect(lines[0]).toBe('BEGIN:VCALENDAR');
    expect(lines.at(-1)).toBe('END:VCALENDAR');
    expect(lines).toContain('VERSION:2.0');
    expect(lines.filter((l) => l === 'BEGIN:VEVENT')).toHaveLength(1);
    expect(lines).toContain('END:VEVENT');
    expect(lines.find((l) => l.startsWith('PRODID:'))).toBeDefined();
  });

  it('makes an all-day event whose DTEND is the day after the last day', () => {
    const text = sessionCalendar(event(), BASE);
    expect(unfold(text)).toContain('DTSTART;VALUE=DATE:20261207');
    expect(unfold(text)).toContain('DTEND;VALUE=DATE:20261212');
    // Across a month and a year end.
    const dec = sessionCalendar(event({ startsOn: '2026-12-31', endsOn: '2026-12-31' }), BASE);
    expect(unfold(dec)).toContain('DTSTART;VALUE=DATE:20261231');
    expect(unfold(dec)).toContain('DTEND;VALUE=DATE:20270101');
  });

  it('keeps the UID per session and carries the version as SEQUENCE', () => {
    const a = sessionCalendar(event({ sequence: 1 }), BASE);
    const b = sessionCalendar(
      event({ sequence: 7, startsOn: '2027-01-11', endsOn: '2027-01-15' }),
      BASE,
    );
    expect(property(a, 'UID')).toBe(property(b, 'UID'));
    expect(property(a, 'UID')).toBe('session-3f0c8a52-6a0e-4c1f-9d8e-0d6a4b1c2e11@coe.example.az');
    expect(sessionUid('x', 'http://127.0.0.1:3000')).toBe('session-x@127.0.0.1');
    expect(property(a, 'SEQUENCE')).toBe('1');
    expect(property(b, 'SEQUENCE')).toBe('7');
    expect(property(a, 'DTSTAMP')).toBe('20261130T061500Z');
  });

  it('escapes text values and folds long lines without splitting a letter', () => {
    const text = sessionCalendar(
      event({
        location: 'Göygöl, sahə təlim meydançası; darvaza 2\\B',
        description:
          'Şəxsiyyət vəsiqəsini, qoruyucu geyimi və çəkmələri gətirin.\nСбор у ворот в 08:30, с документами; не опаздывайте.',
      }),
      BASE,
    );
    expect(property(text, 'LOCATION')).toBe('Göygöl\\, sahə təlim meydançası\\; darvaza 2\\\\B');
    expect(property(text, 'DESCRIPTION')).toBe(
      'Şəxsiyyət vəsiqəsini\\, qoruyucu geyimi və çəkmələri gətirin.\\nСбор у ворот в 08:30\\, с документами\\; не опаздывайте.',
    );
    for (const physical of text.split('\r\n')) {
      expect(Buffer.byteLength(physical, 'utf8')).toBeLessThanOrEqual(75);
      // Every octet sequence is whole UTF-8: no replacement character after a round trip.
      expect(Buffer.from(physical, 'utf8').toString('utf8')).not.toContain('\uFFFD');
    }
    // The description was long enough to be folded.
    expect(text).toMatch(/\r\n /);
  });

  it('folds at 75 octets, continuation lines starting with one space', () => {
    const folded = foldLine(`DESCRIPTION:${'a'.repeat(200)}`);
    const parts = folded.split('\r\n');
    expect(Buffer.byteLength(parts[0])).toBe(75);
    for (const p of parts.slice(1)) {
      expect(p.startsWith(' ')).toBe(true);
      expect(Buffer.byteLength(p)).toBeLessThanOrEqual(75);
    }
    expect(folded.replace(/\r\n /g, '')).toBe(`DESCRIPTION:${'a'.repeat(200)}`);
    // Two-byte letters: never split.
    const cyr = foldLine(`SUMMARY:${'Ж'.repeat(100)}`);
    for (const p of cyr.split('\r\n')) expect(p).not.toContain('\uFFFD');
    expect(cyr.replace(/\r\n /g, '')).toBe(`SUMMARY:${'Ж'.repeat(100)}`);
  });

  it('drops control characters and cannot be given extra properties through a value', () => {
    expect(escapeText('a\u0000b\u0007c')).toBe('abc');
    const text = sessionCalendar(
      event({ summary: 'EOD-1\r\nATTENDEE:mailto:x@evil.test', url: 'https://x.test/\r\nX:1' }),
      BASE,
    );
    expect(unfold(text).some((l) => l.startsWith('ATTENDEE'))).toBe(false);
    expect(unfold(text).some((l) => l.startsWith('X:'))).toBe(false);
  });

  it('marks a cancelled session', () => {
    expect(property(sessionCalendar(event(), BASE), 'STATUS')).toBe('CONFIRMED');
    expect(property(sessionCalendar(event({ cancelled: true }), BASE), 'STATUS')).toBe('CANCELLED');
  });

  it('refuses impossible dates rather than writing a broken file', () => {
    expect(() =>
      sessionCalendar(event({ startsOn: '2026-12-08', endsOn: '2026-12-07' }), BASE),
    ).toThrow();
    expect(() => sessionCalendar(event({ startsOn: '2026-02-30' }), BASE)).toThrow();
  });

  it('is attached as text/calendar', () => {
    const a = sessionCalendarAttachment(event(), BASE);
    expect(a.filename).toMatch(/\.ics$/);
    expect(a.contentType).toMatch(/^text\/calendar/);
    expect(a.content).toContain('BEGIN:VCALENDAR');
  });
});
