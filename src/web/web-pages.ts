import type { MessageKey } from './i18n.js';

/**
 * The signed-in pages. Each is the same small HTML shell; the named script module renders it
 * from the API with the user's own token, so what a page can show or change is exactly what
 * the API allows that user. A path segment that is not in this table is a 404.
 */
export interface WebPage {
  /** The script module under assets/pages/. */
  module: string;
  title: MessageKey;
  /** Tables of records need more width than a form or a verdict. */
  wide?: boolean;
  /**
   * Shown to visitors who are not signed in (password recovery), at `/<id>` rather than under
   * /app; the script renders without asking who is signed in.
   */
  public?: boolean;
}

export const WEB_PAGES = {
  home: { module: 'home.js', title: 'page.home' },
  desk: { module: 'desk.js', title: 'page.desk', wide: true },
  catalogue: { module: 'catalogue.js', title: 'page.catalogue', wide: true },
  'sessions/:id': { module: 'session.js', title: 'page.session' },
  'sessions/:id/roster': { module: 'roster.js', title: 'page.roster', wide: true },
  transcript: { module: 'transcript.js', title: 'page.transcript', wide: true },
  password: { module: 'password.js', title: 'page.password' },
  'my-sessions': { module: 'my-sessions.js', title: 'page.mySessions', wide: true },
  verify: { module: 'verify.js', title: 'page.verify' },
  audit: { module: 'audit.js', title: 'page.audit', wide: true },
  outbox: { module: 'outbox.js', title: 'page.outbox', wide: true },
  data: { module: 'data.js', title: 'page.data', wide: true },
  reports: { module: 'reports.js', title: 'page.reports', wide: true },
  certificates: { module: 'certificates.js', title: 'page.certificates', wide: true },
  'certificates/:id': { module: 'certificate.js', title: 'page.certificate', wide: true },
  courses: { module: 'courses.js', title: 'page.courses', wide: true },
  'courses/:id': { module: 'course.js', title: 'page.course' },
  sessions: { module: 'sessions.js', title: 'page.sessions', wide: true },
  organisations: { module: 'organisations.js', title: 'page.organisations', wide: true },
  trainees: { module: 'trainees.js', title: 'page.trainees', wide: true },
  'trainees/:id': { module: 'trainee.js', title: 'page.trainee', wide: true },
  instructors: { module: 'instructors.js', title: 'page.instructors', wide: true },
  'instructors/:id': { module: 'instructor.js', title: 'page.instructor', wide: true },
  users: { module: 'users.js', title: 'page.users', wide: true },
  'forgot-password': { module: 'forgot-password.js', title: 'page.forgotPassword', public: true },
  'set-password': { module: 'set-password.js', title: 'page.setPassword', public: true },
} as const satisfies Record<string, WebPage>;

export type WebPageId = keyof typeof WEB_PAGES;

const ID = /^[0-9a-fA-F-]{1,64}$/;

/** The page a path under /app names (`sessions/<id>/roster` → `sessions/:id/roster`), or null. */
export function pageFor(segments: string[]): WebPageId | null {
  if (segments.length === 0 || segments.length > 3) return null;
  const [section, id, sub] = segments;
  if (id !== undefined && !ID.test(id)) return null;
  const key = [section, id === undefined ? undefined : ':id', sub].filter(Boolean).join('/');
  if (!Object.hasOwn(WEB_PAGES, key) || key === 'home') return null;
  const page: WebPage = WEB_PAGES[key as WebPageId];
  return page.public ? null : (key as WebPageId);
}
