import { download } from './api.js';
import { h, replace } from './dom.js';
import { t } from './i18n.js';
import { button, errorContent, notice } from './ui.js';

/**
 * "Print attendance sheet": the session's PDF, for a field site without a connection. Offered
 * when the server lists `printAttendanceSheet` among the session's allowed actions; the route
 * needs the session, so the file is fetched and saved rather than linked.
 */
export function attendanceSheetButton(session) {
  if (!session.allowedActions.includes('printAttendanceSheet')) return null;
  const slot = h('span', { class: 'slot', 'aria-live': 'polite' });
  return h(
    'span',
    {},
    button(
      t('session.printSheet'),
      async () => {
        try {
          replace(slot);
          await download(
            `/api/v1/sessions/${session.id}/attendance-sheet`,
            'application/pdf',
            `attendance-${session.course.code}-${session.startsOn}.pdf`,
          );
        } catch (err) {
          replace(slot, notice('error', ...errorContent(err)));
        }
      },
      { kind: 'secondary' },
    ),
    slot,
  );
}

/**
 * The staffing rule's warning (session answers' `staffing`): fewer instructors than the course
 * asks for a full session is allowed, so it is said, not refused.
 */
export function staffingWarning(session) {
  const staffing = session.staffing;
  if (!staffing || staffing.ok) return null;
  return notice(
    'warning',
    t('session.staffingWarning', {
      instructors: staffing.instructors,
      needed: staffing.needed,
      max: staffing.maxTraineesPerInstructor,
      capacity: session.capacity,
    }),
  );
}
