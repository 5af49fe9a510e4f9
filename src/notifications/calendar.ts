import { addDays, isCalendarDate } from '../common/calendar.js';
import type { MailAttachment } from './notification-types.js';

/**
 * iCalendar (RFC 5545) for a session, attached to the mails about it so a trainee can put it
 * in their calendar. A session is whole days in the Center's time zone, so the event is an
 * all-day one (`VALUE=DATE`): no time zone to get wrong, and DTEND is the day after the last
 * day (exclusive, RFC 5545 3.6.1). The UID is the session's, so a later mail (the dates moved,
 * the session cancelled) updates the same entry; SEQUENCE is the session's version, which only
 * grows, so calendars apply the newer one.
 */
export interface CalendarEvent {
  /** The session id; with the host of PUBLIC_BASE_URL it makes the stable UID. */
  sessionId: string;
  /** The session's version: every change of the session raises it. */
  sequence: number;
  /** First and last day, both included (YYYY-MM-DD). */
  startsOn: string;
  endsOn: string;
  summary: string;
  location: string;
  description?: string | null;
  url?: string | null;
  cancelled?: boolean;
  /** When the file is produced (DTSTAMP). */
  stamp: Date;
}

const CRLF = '\r\n';
/** RFC 5545 3.1: lines SHOULD NOT be longer than 75 octets, excluding the line break. */
const MAX_LINE_OCTETS = 75;

/** RFC 5545 3.3.11: backslash, semicolon and comma escaped; line breaks as `\n`. */
export function escapeText(value: string): string {
  return (
    value
      .replace(/\\/g, '\\\\')
      .replace(/;/g, '\\;')
      .replace(/,/g, '\\,')
      .replace(/\r\n|\r|\n/g, '\\n')
      // Other control characters have no place in a calendar value (and no escape in RFC 5545).
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u0008\u000b-\u001f\u007f]/g, '')
  );
}

/**
 * Folds a content line into pieces of at most 75 octets, each continuation starting with a
 * space (RFC 5545 3.1), never splitting a UTF-8 character: Azerbaijani and Russian letters
 * take two bytes.
 */
export function foldLine(line: string): string {
  const pieces: string[] = [];
  let current = '';
  let octets = 0;
  // The first line holds 75 octets; a continuation's leading space takes one of them.
  let limit = MAX_LINE_OCTETS;
  for (const char of line) {
    const size = Buffer.byteLength(char, 'utf8');
    if (octets + size > limit) {
      pieces.push(current);
      current = '';
      octets = 0;
      limit = MAX_LINE_OCTETS - 1;
    }
    current += char;
    octets += size;
  }
  pieces.push(current);
  return pieces.join(`${CRLF} `);
}

function basicDate(date: string): string {
  if (!isCalendarDate(date)) throw new Error(`Not a calendar date: ${date}`);
  return date.replace(/-/g, '');
}

/** UTC date-time in the basic format, e.g. 20261207T093000Z. */
function utcStamp(at: Date): string {
  return at
    .toISOString()
    .replace(/[-:]/g, '')
    .replace(/\.\d{3}/, '');
}

/** The session's UID: the same in every file about it, whatever else changes. */
export function sessionUid(sessionId: string, publicBaseUrl: string): string {
  return `session-${sessionId}@${new URL(publicBaseUrl).hostname}`;
}

/** The whole VCALENDAR text with CRLF line ends, folded and escaped. */
export function sessionCalendar(event: CalendarEvent, publicBaseUrl: string): string {
  if (event.endsOn < event.startsOn) throw new Error('A session ends on or after its start');
  const lines = [
    'BEGIN:VCALENDAR',
    'VERSION:2.0',
    'PRODID:-//Mine Action Center of Excellence//Training sessions//EN',
    'CALSCALE:GREGORIAN',
    'METHOD:PUBLISH',
    'BEGIN:VEVENT',
    `UID:${sessionUid(event.sessionId, publicBaseUrl)}`,
    `DTSTAMP:${utcStamp(event.stamp)}`,
    `SEQUENCE:${Math.max(0, Math.trunc(event.sequence))}`,
    `DTSTART;VALUE=DATE:${basicDate(event.startsOn)}`,
    `DTEND;VALUE=DATE:${basicDate(addDays(event.endsOn, 1))}`,
    `SUMMARY:${escapeText(event.summary)}`,
    `LOCATION:${escapeText(event.location)}`,
    ...(event.description ? [`DESCRIPTION:${escapeText(event.description)}`] : []),
    ...(event.url ? [`URL:${event.url.replace(/[\r\n]/g, '')}`] : []),
    `STATUS:${event.cancelled ? 'CANCELLED' : 'CONFIRMED'}`,
    // A training day blocks the day: show the trainee as busy.
    'TRANSP:OPAQUE',
    'END:VEVENT',
    'END:VCALENDAR',
  ];
  return lines.map(foldLine).join(CRLF) + CRLF;
}

/** The session's calendar file as a mail attachment. */
export function sessionCalendarAttachment(
  event: CalendarEvent,
  publicBaseUrl: string,
): MailAttachment {
  return {
    filename: 'session.ics',
    contentType: 'text/calendar; charset=utf-8; method=PUBLISH',
    content: sessionCalendar(event, publicBaseUrl),
  };
}
