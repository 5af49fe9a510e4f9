import type { Role } from '../common/roles.js';

/**
 * The access policy: who may do what, written once. The guard asks it for every route (through
 * `@Allow(permission)`), services ask it for the records a permission reaches, and
 * `GET /api/v1/auth/me` hands each user their permissions so the pages show only what the
 * server will allow. A new role (or a new duty for one) is a change to these two tables.
 */
const ALL_ROLES = [
  'admin',
  'instructor',
  'trainee',
  'auditor',
  'coordinator',
] as const satisfies readonly Role[];
const STAFF_READERS = ['admin', 'auditor'] as const satisfies readonly Role[];

export const PERMISSIONS = {
  /** Courses, sessions and organisations as a catalogue: every signed-in user. */
  'catalogue.read': ALL_ROLES,
  /** Draft and retired courses, not only active ones. */
  'courses.readDrafts': STAFF_READERS,
  'courses.manage': ['admin'],
  /** Create, change, move along the lifecycle and staff sessions. */
  'sessions.manage': ['admin'],
  'organisations.manage': ['admin'],
  /** The Center's registers as a whole: every session, trainee, instructor and certificate. */
  'registers.read': STAFF_READERS,
  /** The register of trainees as a list (search); a coordinator's lists only their organisation. */
  'trainees.list': ['admin', 'auditor', 'coordinator'],
  /** One trainee's record and transcript, within the reader's reach. */
  'trainees.read': ['admin', 'auditor', 'trainee', 'instructor', 'coordinator'],
  /** Register and correct trainees: coordinators those of their own organisation only. */
  'trainees.manage': ['admin', 'coordinator'],
  'instructors.read': ['admin', 'auditor', 'instructor'],
  'instructors.manage': ['admin'],
  'users.read': STAFF_READERS,
  'users.manage': ['admin'],
  /**
   * Take a seat (or a place in line) in a session; withdraw from it. Coordinators nominate
   * (and withdraw) their organisation's people.
   */
  'enrolments.enrol': ['admin', 'trainee', 'coordinator'],
  'enrolments.read': ['admin', 'auditor', 'instructor', 'trainee', 'coordinator'],
  /** A session's list of participants: a coordinator's lists only their organisation's. */
  'roster.read': ['admin', 'auditor', 'instructor', 'coordinator'],
  /** Attendance and assessment results. */
  'results.record': ['admin', 'instructor'],
  /** Only instructors sign certificates, and never their own (see own-record.ts). */
  'certificates.issue': ['instructor'],
  'certificates.read': ['admin', 'auditor', 'instructor', 'trainee', 'coordinator'],
  'certificates.changeStatus': ['admin'],
  /** The verification desk: serials and pasted credentials checked by staff. */
  'certificates.verify': STAFF_READERS,
  'audit.read': STAFF_READERS,
  'reports.read': STAFF_READERS,
  /** Certificates expiring soon (`GET /api/v1/reports/expiring`): a coordinator's, their organisation's. */
  'expiringCertificates.read': ['admin', 'auditor', 'coordinator'],
  'exports.read': STAFF_READERS,
  'imports.run': ['admin'],
  'signingKeys.read': STAFF_READERS,
  'signingKeys.rotate': ['admin'],
  /** What was mailed, to whom and its delivery state (`GET /api/v1/notifications`). */
  'notifications.read': STAFF_READERS,
  /** A queued or sent message itself (the development outbox page shows it): admins only. */
  'notifications.readMessage': ['admin'],
  /** The registrar's waiting list: promote someone into a free seat, move them in the line. */
  'waitlist.manage': ['admin'],
  /** Run a scheduled job now (`POST /api/v1/jobs/expiry-reminders`). */
  'jobs.run': ['admin'],
  /** The registrar's desk (`GET /api/v1/desk`); auditors read it as they read the registers. */
  'desk.read': STAFF_READERS,
  /**
   * A session's printable attendance sheet: instructors theirs (assigned reach). Not coordinators:
   * it names every organisation's people in the session.
   */
  'attendanceSheet.read': ['admin', 'auditor', 'instructor'],
  /** The other centres whose credentials the Center accepts (`/api/v1/trusted-issuers`). */
  'trustedIssuers.read': STAFF_READERS,
  'trustedIssuers.manage': ['admin'],
  /** A trainee's recognised credentials from other centres: within the reader's reach. */
  'recognitions.read': ['admin', 'auditor', 'trainee', 'coordinator'],
  /**
   * Present a credential from another centre for a trainee: the registrar's counts at once; a
   * trainee's own, or a coordinator's for their organisation's people, waits for a registrar.
   */
  'recognitions.present': ['admin', 'trainee', 'coordinator'],
  /** Accept or reject a presented credential, and re-check recognitions' status now. */
  'recognitions.decide': ['admin'],
  /**
   * Upload checks made with the inspector's app (`POST /api/v1/inspections`): the one thing
   * auditors write, as field inspection is their job.
   */
  'inspections.record': STAFF_READERS,
  'inspections.read': STAFF_READERS,
  /**
   * Sync the inspector's app (`GET /inspect/bundle.json`): keys, status list addresses, course
   * names. Also open to anyone when the Center sets INSPECT_PUBLIC=true (the route says so).
   */
  'inspections.sync': STAFF_READERS,
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof PERMISSIONS;

/**
 * Which records a role's permissions reach. `all`: every record. `own`: the trainee's own
 * (enrolments, certificates, transcript). `assigned`: an instructor's own record and the
 * records of the sessions they are assigned to (their trainees, enrolments, certificates).
 * `organisation`: a coordinator's organisation's people and their records (enrolments,
 * certificates, transcripts); the records of anyone else answer as if they did not exist (404),
 * so an employer cannot learn who else trains at the Center.
 */
export type Reach = 'all' | 'own' | 'assigned' | 'organisation';

export const REACH: Record<Role, Reach> = {
  admin: 'all',
  auditor: 'all',
  trainee: 'own',
  instructor: 'assigned',
  coordinator: 'organisation',
};

export interface Caller {
  roles: readonly Role[];
  instructorId?: string | null;
  organisationId?: string | null;
}

export function rolesFor(permission: Permission): readonly Role[] {
  return PERMISSIONS[permission];
}

/** Whether the caller holds the permission through any of their roles. */
export function can(caller: Caller, permission: Permission): boolean {
  return PERMISSIONS[permission].some((role) => caller.roles.includes(role));
}

/** Every permission the caller holds, in the table's order (for `GET /auth/me`). */
export function permissionsOf(caller: Caller): Permission[] {
  return (Object.keys(PERMISSIONS) as Permission[]).filter((p) => can(caller, p));
}

/**
 * How far the permission reaches for this caller: the widest reach among the roles that grant
 * it (an admin who is also a trainee reaches every record), or null when none grants it.
 */
export function reachOf(caller: Caller, permission: Permission): Set<Reach> {
  const reach = new Set<Reach>();
  for (const role of PERMISSIONS[permission]) {
    if (caller.roles.includes(role)) reach.add(REACH[role]);
  }
  return reach;
}

/** Whether the caller may use the permission on any record, not only the ones in their reach. */
export function reachesAll(caller: Caller, permission: Permission): boolean {
  return reachOf(caller, permission).has('all');
}

/**
 * Whether the permission reaches a session for the caller, given who is assigned to teach it:
 * every session for a role that reaches all, an instructor's assigned ones for `assigned`. An
 * organisation's reach never covers a session as a whole, only its people's records in it.
 */
export function reachesSession(
  caller: Caller,
  permission: Permission,
  assignedInstructorIds: readonly string[],
): boolean {
  const reach = reachOf(caller, permission);
  if (reach.has('all')) return true;
  return (
    reach.has('assigned') &&
    !!caller.instructorId &&
    assignedInstructorIds.includes(caller.instructorId)
  );
}

/** What a caller may do with a session, as its answer's `allowedActions` lists it. */
export const SESSION_ACTIONS = {
  manage: 'sessions.manage',
  readRoster: 'roster.read',
  recordResults: 'results.record',
  issueCertificates: 'certificates.issue',
  /** Nominate one's organisation's people from the session page (coordinators). */
  nominate: 'enrolments.enrol',
  /** Print the session's attendance sheet (GET /sessions/:id/attendance-sheet). */
  printAttendanceSheet: 'attendanceSheet.read',
} as const satisfies Record<string, Permission>;

export type SessionAction = keyof typeof SESSION_ACTIONS;

export function sessionActions(
  caller: Caller,
  assignedInstructorIds: readonly string[],
): SessionAction[] {
  return (Object.keys(SESSION_ACTIONS) as SessionAction[]).filter((action) =>
    // The registrar enrols from the roster and a trainee themself through `canEnrol`; the
    // session page offers nominating to those whose enrolling reaches an organisation's people.
    action === 'nominate'
      ? reachOf(caller, SESSION_ACTIONS[action]).has('organisation')
      : reachesSession(caller, SESSION_ACTIONS[action], assignedInstructorIds),
  );
}
