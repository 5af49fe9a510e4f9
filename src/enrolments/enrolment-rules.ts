import { reachesAll } from '../access/access-policy.js';
import type { EntityManager } from 'typeorm';
import { currentOnSql, isCurrentOn } from '../certifications/certificate-status.js';
import type { Certificate } from '../certifications/certificate.entity.js';
import type { Actor } from '../common/actor.js';
import { addDays, addMonths } from '../common/calendar.js';
import { queryNamed } from '../database/named-statements.js';
import { conflict, ruleViolation, type DomainError } from '../common/errors.js';
import type { Course } from '../courses/course.entity.js';
import type { CourseSession } from '../courses/session.entity.js';
import { recognitionCountsOnSql } from '../recognitions/recognition-rule.js';
import type { Trainee } from '../trainees/trainee.entity.js';
import type { EnrolmentStatus } from './enrolment.entity.js';

/** The codes the enrol route refuses with, and `canEnrol.reasons` lists, in checking order. */
export const ENROLMENT_REFUSAL_CODES = [
  'SESSION_NOT_OPEN',
  'ALREADY_ENROLLED',
  'ALREADY_CERTIFIED',
  'PREREQUISITE_NOT_MET',
  'MEDICAL_CLEARANCE_REQUIRED',
] as const;
export type EnrolmentRefusalCode = (typeof ENROLMENT_REFUSAL_CODES)[number];

export interface EnrolmentRefusal {
  code: EnrolmentRefusalCode;
  message: string;
  details: Record<string, unknown>;
}

/**
 * A certificate may be renewed by a session that ends within its last six months: a refresher
 * (or the course again) taken then yields a new certificate that supersedes the old one before
 * it lapses, so the holder is never without a current certificate. Earlier than that, a
 * trainee enrolling themself is refused as already certified (see `enrolmentRefusals`).
 */
export const RENEWAL_WINDOW_MONTHS = 6;

/** A certificate the trainee holds that a certificate from the session would supersede. */
export type HeldCertificate = Pick<Certificate, 'id' | 'serial' | 'status' | 'validUntil'>;

/** The trainee's latest enrolment in a session, whatever its status. */
export interface OwnEnrolment {
  id: string;
  sessionId: string;
  traineeId: string;
  status: EnrolmentStatus;
  waitlistPosition: number | null;
}

/** Everything the enrolment preconditions look at, for one trainee and one session. */
export interface EnrolmentFacts {
  session: Pick<CourseSession, 'id' | 'status' | 'startsOn' | 'endsOn'>;
  course: Pick<Course, 'code' | 'requiresMedicalClearance'>;
  trainee: Pick<Trainee, 'id' | 'medicalClearanceUntil'>;
  /** Null if the trainee never enrolled in the session. */
  latest: OwnEnrolment | null;
  /** Codes of the prerequisite courses without a certificate current on the first day. */
  missingPrerequisites: string[];
  /**
   * The trainee's certificates, whatever their status, of the session's course and of the
   * course it renews: those a certificate from this session would supersede.
   */
  heldCertificates: HeldCertificate[];
}

/**
 * The refusal every enrolment into this session meets, whoever enrols whom: the session is not
 * open (the status decides, not the date). Null when the session takes enrolments. The session
 * page asks it once for a coordinator's nominations (`canNominate`), before any trainee is named.
 */
export function sessionClosedRefusal(
  session: Pick<CourseSession, 'status'>,
): EnrolmentRefusal | null {
  return session.status === 'open'
    ? null
    : {
        code: 'SESSION_NOT_OPEN',
        message: `The session is ${session.status}, not open for enrolment`,
        details: { status: session.status },
      };
}

/**
 * Who may enrol a trainee who is already certified and current: the registrar (admin), whose
 * decision a re-qualification is (coordinators nominating their people may join later). A
 * trainee enrolling themself may not.
 */
export function mayEnrolCertifiedTrainee(actor: Pick<Actor, 'roles'>): boolean {
  // Those whose enrolling reaches every trainee (the registrar), not the trainee themself.
  return reachesAll(actor, 'enrolments.enrol');
}

/**
 * The held certificate that makes the trainee "already certified and current" for a session
 * ending on `sessionEndsOn`, or null: one still current on the day after the renewal window
 * closes (never expiring, or valid beyond the session's last day plus RENEWAL_WINDOW_MONTHS).
 * Suspended, revoked, superseded and expired certificates never count. Of several, the one
 * that lasts longest.
 */
export function currentBeyondRenewalWindow(
  held: readonly HeldCertificate[],
  sessionEndsOn: string,
): HeldCertificate | null {
  const windowClosed = addDays(addMonths(sessionEndsOn, RENEWAL_WINDOW_MONTHS), 1);
  const lasting = held.filter((cert) => isCurrentOn(cert, windowClosed));
  lasting.sort((a, b) => lastsLonger(b) - lastsLonger(a));
  return lasting[0] ?? null;

  function lastsLonger(cert: HeldCertificate): number {
    return cert.validUntil === null ? Infinity : Date.parse(cert.validUntil);
  }
}

/**
 * Every reason the trainee may not enrol in the session now, in checking order (empty: they
 * may). The one rule behind both the enrol route, which refuses with the first reason, and
 * the `canEnrol` of session answers, which lists them all.
 *
 * - The session must be open (the status decides, not the date).
 * - Not already in it: any enrolment but a withdrawn one counts (a withdrawn trainee may
 *   enrol again).
 * - Not already certified and current, when enrolling themself: a certificate of the course
 *   (or of the one it renews) still current after the renewal window refuses it
 *   (`currentBeyondRenewalWindow`); a renewal within the window is how a certificate is kept.
 *   The registrar may still enrol such a trainee (`mayEnrolCertifiedTrainee`).
 * - A prerequisite counts only when the trainee holds a certificate for it that is current on
 *   the session's first day, or a recognition of another centre's credential for it that counts
 *   then (src/recognitions/recognition-rule.ts; see `readEnrolmentFacts`).
 * - Field courses need the trainee medically fit for every day of the session.
 *
 * `enroller` is who enrols: the trainee themself, or the registrar on their behalf.
 */
export function enrolmentRefusals(
  facts: EnrolmentFacts,
  enroller: Pick<Actor, 'roles'>,
): EnrolmentRefusal[] {
  const { session, course, trainee, latest, missingPrerequisites } = facts;
  const refusals: EnrolmentRefusal[] = [];
  const closed = sessionClosedRefusal(session);
  if (closed) refusals.push(closed);
  if (latest && latest.status !== 'withdrawn') {
    refusals.push({
      code: 'ALREADY_ENROLLED',
      message: 'The trainee is already in this session',
      details: { enrolmentId: latest.id, status: latest.status },
    });
  }
  const certified = mayEnrolCertifiedTrainee(enroller)
    ? null
    : currentBeyondRenewalWindow(facts.heldCertificates, session.endsOn);
  if (certified) {
    refusals.push({
      code: 'ALREADY_CERTIFIED',
      message: certified.validUntil
        ? `The trainee already holds ${certified.serial} for ${course.code}, valid until ${certified.validUntil}: a renewal may be taken in a session ending within its last ${RENEWAL_WINDOW_MONTHS} months`
        : `The trainee already holds ${certified.serial} for ${course.code}, which does not expire`,
      details: {
        certificateId: certified.id,
        serial: certified.serial,
        validUntil: certified.validUntil,
        renewalWindowMonths: RENEWAL_WINDOW_MONTHS,
      },
    });
  }
  if (missingPrerequisites.length > 0) {
    refusals.push({
      code: 'PREREQUISITE_NOT_MET',
      message: `${course.code} requires a current certificate for ${missingPrerequisites.join(', ')} on ${session.startsOn}`,
      details: {
        missing: missingPrerequisites,
        courseCode: course.code,
        checkedOn: session.startsOn,
      },
    });
  }
  if (course.requiresMedicalClearance) {
    const until = trainee.medicalClearanceUntil;
    if (!until || until < session.endsOn) {
      refusals.push({
        code: 'MEDICAL_CLEARANCE_REQUIRED',
        message: until
          ? `${course.code} requires medical clearance until ${session.endsOn}; the trainee's ends ${until}`
          : `${course.code} requires medical clearance covering the session; none is recorded`,
        details: { requiredUntil: session.endsOn, clearanceUntil: until },
      });
    }
  }
  return refusals;
}

/** The enrol route's answer to a refusal: 409 for a duplicate, 422 for a broken rule. */
export function enrolmentRefusalError(refusal: EnrolmentRefusal): DomainError {
  return refusal.code === 'ALREADY_ENROLLED'
    ? conflict(refusal.code, refusal.message, refusal.details)
    : ruleViolation(refusal.code, refusal.message, refusal.details);
}

/**
 * The facts `enrolmentRefusals` needs for one trainee and a page of sessions, in one statement
 * whatever the number of sessions: the trainee's latest enrolment in each, the missing
 * prerequisites of each (a certificate counts when the trainee held it by the session's first
 * day and it is current then, by the rule of certificate-status.ts; a refresher's certificate
 * counts as the course it renews; an accepted recognition of another centre's credential counts
 * by the rule of recognition-rule.ts), and the certificates a certificate from each would supersede.
 */
export async function readEnrolmentFacts(
  manager: EntityManager,
  trainee: Pick<Trainee, 'id' | 'medicalClearanceUntil'>,
  sessions: Pick<CourseSession, 'id' | 'courseId' | 'status' | 'startsOn' | 'endsOn'>[],
  courses: ReadonlyMap<string, Pick<Course, 'code' | 'requiresMedicalClearance'>>,
  /** The Center's time zone: a certificate counts from its day of issue there. */
  timeZone: string,
): Promise<Map<string, EnrolmentFacts>> {
  if (sessions.length === 0) return new Map();
  const sessionIds = sessions.map((s) => s.id);
  // One statement (a round trip and, being named, planned once per connection), three answers.
  const [rows] = await queryNamed<EnrolmentFactRows>(
    manager,
    sessionIds.length === 1 ? FACTS_OF_ONE_SESSION : FACTS_OF_SESSIONS,
    [trainee.id, sessionIds.length === 1 ? sessionIds[0] : sessionIds, timeZone],
  );
  return enrolmentFactsFrom(rows, trainee, sessions, courses);
}

/** What the facts statement answered, as the rows of its three parts. */
export interface EnrolmentFactRows {
  latest: LatestRow[];
  missing: MissingRow[];
  held: HeldRow[];
}

/** The three parts of a row that holds the facts statement's columns (among others). */
export function enrolmentFactRowsOf(row: EnrolmentFactRows): EnrolmentFactRows {
  return { latest: row.latest, missing: row.missing, held: row.held };
}

/** The facts per session from what the facts statement answered. */
export function enrolmentFactsFrom(
  { latest, missing, held }: EnrolmentFactRows,
  trainee: Pick<Trainee, 'id' | 'medicalClearanceUntil'>,
  sessions: Pick<CourseSession, 'id' | 'courseId' | 'status' | 'startsOn' | 'endsOn'>[],
  courses: ReadonlyMap<string, Pick<Course, 'code' | 'requiresMedicalClearance'>>,
): Map<string, EnrolmentFacts> {
  const facts = new Map<string, EnrolmentFacts>();
  const latestBySession = new Map(latest.map((row) => [row.session_id, row]));
  const missingBySession = groupBy(missing, (row) => row.code);
  const heldBySession = groupBy(held, (row) => ({
    id: row.id,
    serial: row.serial,
    status: row.status,
    validUntil: row.valid_until,
  }));
  for (const session of sessions) {
    const course = courses.get(session.courseId);
    if (!course) throw new Error(`Course ${session.courseId} of session ${session.id} not given`);
    const own = latestBySession.get(session.id);
    facts.set(session.id, {
      session,
      course,
      trainee,
      latest: own
        ? {
            id: own.id,
            sessionId: session.id,
            traineeId: trainee.id,
            status: own.status,
            waitlistPosition: own.waitlist_position,
          }
        : null,
      missingPrerequisites: missingBySession.get(session.id) ?? [],
      heldCertificates: heldBySession.get(session.id) ?? [],
    });
  }
  return facts;
}

/** The trainee's latest enrolment in each session. */
const LATEST_ENROLMENT = (sessionIn: SessionPredicate) => `
  SELECT DISTINCT ON (session_id) id, session_id, status, waitlist_position
    FROM enrolments
   WHERE trainee_id = $1 AND ${sessionIn('session_id')}
   ORDER BY session_id, created_at DESC, id DESC`;

/** The codes of each session's prerequisites the trainee has no current certificate for. */
const MISSING_PREREQUISITES = (sessionIn: SessionPredicate) => `
  SELECT s.id AS session_id, p.code
    FROM course_sessions s
    JOIN course_prerequisites cp ON cp.course_id = s.course_id
    JOIN courses p ON p.id = cp.prerequisite_course_id
   WHERE ${sessionIn('s.id')}
     AND NOT EXISTS (
       SELECT 1 FROM certificates c
         JOIN courses cc ON cc.id = c.course_id
        WHERE c.trainee_id = $1
          AND (c.course_id = p.id OR cc.renews_course_id = p.id)
          AND (c.issued_at AT TIME ZONE $3::text)::date <= s.starts_on
          AND ${currentOnSql('c', 's.starts_on')})
     AND NOT EXISTS (
       SELECT 1 FROM recognitions r
        WHERE r.trainee_id = $1 AND r.course_id = p.id
          AND ${recognitionCountsOnSql('r', 's.starts_on', '$3::text')})
   ORDER BY s.id, p.code`;

/** Every status: which of them count is the rule's to say, not the query's. */
const HELD_CERTIFICATES = (sessionIn: SessionPredicate) => `
  SELECT s.id AS session_id, c.id, c.serial, c.status, c.valid_until::text AS valid_until
    FROM course_sessions s
    JOIN courses sc ON sc.id = s.course_id
    JOIN certificates c
      ON c.trainee_id = $1 AND (c.course_id = s.course_id OR c.course_id = sc.renews_course_id)
   WHERE ${sessionIn('s.id')}
   ORDER BY s.id, c.issued_at, c.id`;

/** `$2` names the sessions: one (a uuid) or several (an array). */
type SessionPredicate = (column: string) => string;

/** The three as JSON arrays of one row, each in its own order (a sorted subquery's). */
const enrolmentFacts = (sessionIn: SessionPredicate) => `
  SELECT (SELECT COALESCE(json_agg(l), '[]') FROM (${LATEST_ENROLMENT(sessionIn)}) l) AS latest,
         (SELECT COALESCE(json_agg(m ORDER BY m.session_id, m.code), '[]')
            FROM (${MISSING_PREREQUISITES(sessionIn)}) m) AS missing,
         (SELECT COALESCE(json_agg(h), '[]') FROM (${HELD_CERTIFICATES(sessionIn)}) h) AS held`;

/**
 * For one session (an enrolment) `= $2`, not `= ANY ($2)`: PostgreSQL then finds a generic
 * plan of the named statement as good as the custom ones and stops planning it on every call
 * (1.4 ms each at a million certificates, more than running it). With an array of unknown
 * length it never does.
 */
export const FACTS_OF_ONE_SESSION = enrolmentFacts((column) => `${column} = $2::uuid`);
const FACTS_OF_SESSIONS = enrolmentFacts((column) => `${column} = ANY ($2::uuid[])`);

interface LatestRow {
  id: string;
  session_id: string;
  status: EnrolmentStatus;
  waitlist_position: number | null;
}
interface MissingRow {
  session_id: string;
  code: string;
}
type HeldRow = Pick<Certificate, 'id' | 'serial' | 'status'> & {
  session_id: string;
  valid_until: string | null;
};

/** Rows by their session, in the order read. */
function groupBy<R extends { session_id: string }, T>(
  rows: readonly R[],
  value: (row: R) => T,
): Map<string, T[]> {
  const bySession = new Map<string, T[]>();
  for (const row of rows) {
    const list = bySession.get(row.session_id) ?? [];
    list.push(value(row));
    bySession.set(row.session_id, list);
  }
  return bySession;
}

/** Passed = both scores reach the pass mark and attendance reaches the course minimum. */
export function assessmentResult(
  course: Pick<Course, 'passMark' | 'minAttendancePercent'>,
  scores: { theoryScore: number; practicalScore: number },
  attendancePercent: number,
): boolean {
  return (
    scores.theoryScore >= course.passMark &&
    scores.practicalScore >= course.passMark &&
    attendancePercent >= course.minAttendancePercent
  );
}
