import type { EntityManager } from 'typeorm';
import { reachOf, sessionActions } from '../access/access-policy.js';
import type { Actor } from '../common/actor.js';
import { refusalMessage } from '../common/error-messages.js';
import {
  enrolmentRefusals,
  sessionClosedRefusal,
  readEnrolmentFacts,
  type EnrolmentFacts,
} from '../enrolments/enrolment-rules.js';
import { Trainee } from '../trainees/trainee.entity.js';
import type { Lang } from '../web/i18n.js';
import { localizedLevel, localizedTitle } from './course-translations.js';
import { Course } from './course.entity.js';
import type { CourseSession } from './session.entity.js';
import { SEAT_HOLDING } from '../enrolments/enrolment.entity.js';
import {
  generalSeatsFree,
  reservationsHold,
  seatFor,
  type SeatPicture,
} from '../enrolments/seat-rule.js';
import type {
  CanEnrolDto,
  CanNominateDto,
  ReservedSeatsDto,
  SessionDto,
  SessionInstructorDto,
  SessionRecordDto,
} from './dto/session.dto.js';
import type { InstructorRole } from './session-instructor.entity.js';
import { allowedSessionTransitions } from './session-lifecycle.js';
import { staffingOf } from './staffing.js';
import { resultsDecided } from '../enrolments/results-rule.js';

/** Who reads the answer, and today in the Center's time zone: what the caller may do next. */
export interface SessionViewer {
  actor: Actor;
  today: string;
  /** The Center's time zone, in which `today` and days of issue are counted. */
  timeZone: string;
}

type CourseFacts = Pick<
  Course,
  | 'id'
  | 'code'
  | 'title'
  | 'level'
  | 'status'
  | 'requiresMedicalClearance'
  | 'maxTraineesPerInstructor'
  | 'translations'
>;

/**
 * Session answers with their course summary, instructors and what the caller may do next: three
 * queries per page, and three more for a signed-in trainee (their record, their enrolments and
 * the missing prerequisites of the whole page), never one per session.
 */
export async function sessionDtos(
  manager: EntityManager,
  sessions: CourseSession[],
  viewer: SessionViewer,
): Promise<SessionDto[]> {
  if (sessions.length === 0) return [];
  const courseIds = [...new Set(sessions.map((s) => s.courseId))];
  const courses = new Map<string, CourseFacts>(
    (
      await manager
        .getRepository(Course)
        .createQueryBuilder('c')
        .select([
          'c.id',
          'c.code',
          'c.title',
          'c.level',
          'c.status',
          'c.requiresMedicalClearance',
          'c.maxTraineesPerInstructor',
          'c.translations',
        ])
        .where('c.id IN (:...ids)', { ids: courseIds })
        .getMany()
    ).map((c) => [c.id, c]),
  );
  const instructors = await instructorsBySession(
    manager,
    sessions.map((s) => s.id),
  );
  const seats = await seatsBySession(manager, sessions);
  const reader = await traineeFacts(manager, sessions, courses, viewer);
  return sessions.map((s) => {
    const course = courses.get(s.courseId)!;
    const facts = reader?.facts.get(s.id);
    const actions = sessionActions(
      viewer.actor,
      (instructors.get(s.id) ?? []).map((i) => i.instructorId),
    );
    return {
      ...sessionRecord(s, course, instructors.get(s.id) ?? [], seats.get(s.id), viewer.today),
      course: courseSummary(course, viewer.actor.language),
      allowedTransitions: allowedSessionTransitions(viewer.actor, s, {
        courseStatus: course.status,
        today: viewer.today,
      }),
      allowedActions: actions,
      enrolment: facts?.latest ?? null,
      canEnrol: facts
        ? canEnrol(
            facts,
            viewer.actor,
            seatFor(seatPicture(s, seats.get(s.id)), reader!.organisationId, viewer.today) !== null,
          )
        : null,
      canNominate: actions.includes('nominate') ? canNominate(s, viewer.actor) : null,
      staffing: staffingOf(
        s,
        course.maxTraineesPerInstructor,
        (instructors.get(s.id) ?? []).length,
      ),
      resultsDecided: resultsDecided(s),
    };
  });
}

export async function sessionDto(
  manager: EntityManager,
  session: CourseSession,
  viewer: SessionViewer,
): Promise<SessionDto> {
  const [dto] = await sessionDtos(manager, [session], viewer);
  return dto;
}

/** The session as a record, without what depends on who reads it: what audit events keep. */
export function sessionRecordOf(dto: SessionDto): SessionRecordDto {
  const {
    allowedTransitions: _t,
    allowedActions: _a,
    enrolment: _e,
    canEnrol: _c,
    canNominate: _n,
    staffing: _s,
    resultsDecided: _r,
    ...record
  } = dto;
  // The course as stored, not as this caller's language shows it.
  const { localizedTitle: _lt, localizedLevel: _ll, ...course } = record.course;
  return { ...record, course };
}

/** The trainee enrolling themself: the enrol route's rule, with the reader as the enroller. */
function canEnrol(facts: EnrolmentFacts, actor: Actor, seatAvailable: boolean): CanEnrolDto {
  const reasons = enrolmentRefusals(facts, actor).map((refusal) => ({
    code: refusal.code,
    details: refusal.details,
    message: refusalMessage(actor.language ?? 'en', refusal),
  }));
  return { allowed: reasons.length === 0, reasons, seatAvailable };
}

/** A coordinator nominating: the part of the enrol rule that refuses whoever is named. */
function canNominate(session: CourseSession, actor: Actor): CanNominateDto {
  const closed = sessionClosedRefusal(session);
  const reasons = closed
    ? [
        {
          code: closed.code,
          details: closed.details,
          message: refusalMessage(actor.language ?? 'en', closed),
        },
      ]
    : [];
  return { allowed: reasons.length === 0, reasons };
}

/** The session's seats as the seat rule reads them. */
function seatPicture(s: CourseSession, seats: SessionSeats | undefined): SeatPicture {
  return {
    capacity: s.capacity,
    seatsTaken: s.seatsTaken,
    reservations: seats?.reserved ?? [],
    reservationsEndOn: s.reservationsEndOn,
  };
}

/**
 * The enrolment facts of the caller's own trainee record, for callers who may enrol themself
 * (those whose `enrolments.enrol` reaches their own record); null for everyone else.
 */
async function traineeFacts(
  manager: EntityManager,
  sessions: CourseSession[],
  courses: ReadonlyMap<string, CourseFacts>,
  viewer: SessionViewer,
): Promise<{ facts: Map<string, EnrolmentFacts>; organisationId: string | null } | null> {
  const { actor } = viewer;
  if (!actor.traineeId || !reachOf(actor, 'enrolments.enrol').has('own')) return null;
  const trainee = await manager.findOne(Trainee, {
    where: { id: actor.traineeId },
    select: { id: true, medicalClearanceUntil: true, organisationId: true },
  });
  if (!trainee) return null;
  return {
    facts: await readEnrolmentFacts(manager, trainee, sessions, courses, viewer.timeZone),
    organisationId: trainee.organisationId ?? null,
  };
}

function sessionRecord(
  s: CourseSession,
  course: CourseFacts,
  instructors: SessionInstructorDto[],
  seats: SessionSeats = { waiting: 0, reserved: [] },
  today: string,
): SessionRecordDto {
  return {
    id: s.id,
    courseId: s.courseId,
    course: { id: course.id, code: course.code, title: course.title, level: course.level },
    startsOn: s.startsOn,
    endsOn: s.endsOn,
    location: s.location,
    language: s.language,
    capacity: s.capacity,
    seatsTaken: s.seatsTaken,
    // Seats anyone may take now: while reservations hold, those kept for organisations are
    // theirs, and counting them here would promise a trainee a seat they would not get.
    seatsLeft: reservationsHold(seatPicture(s, seats), today)
      ? generalSeatsFree(seatPicture(s, seats))
      : Math.max(0, s.capacity - s.seatsTaken),
    waitingCount: seats.waiting,
    reservedSeats: seats.reserved,
    reservationsEndOn: s.reservationsEndOn,
    reservationsHold: reservationsHold(
      {
        capacity: s.capacity,
        seatsTaken: s.seatsTaken,
        reservations: seats.reserved,
        reservationsEndOn: s.reservationsEndOn,
      },
      today,
    ),
    status: s.status,
    joiningInstructions: s.joiningInstructions,
    instructors,
    version: s.version,
    createdAt: s.createdAt,
    updatedAt: s.updatedAt,
  };
}

interface SessionSeats {
  waiting: number;
  reserved: ReservedSeatsDto[];
}

/**
 * Each session's waiting count and reserved seats (with the seats taken against each), in one
 * query for the page.
 */
async function seatsBySession(
  manager: EntityManager,
  sessions: CourseSession[],
): Promise<Map<string, SessionSeats>> {
  const rows = (await manager.query(
    `SELECT s.id AS session_id,
            (SELECT count(*)::int FROM enrolments e
              WHERE e.session_id = s.id AND e.status = 'waitlisted') AS waiting,
            COALESCE((
              SELECT json_agg(json_build_object(
                       'organisationId', r.organisation_id, 'organisationName', o.name,
                       'seats', r.seats,
                       'taken', (SELECT count(*)::int FROM enrolments e
                                  WHERE e.session_id = r.session_id
                                    AND e.reserved_organisation_id = r.organisation_id
                                    AND e.status = ANY ($2::text[])))
                     ORDER BY o.name, r.organisation_id)
                FROM session_reservations r
                JOIN organisations o ON o.id = r.organisation_id
               WHERE r.session_id = s.id), '[]'::json) AS reserved
       FROM unnest($1::uuid[]) AS s(id)`,
    [sessions.map((s) => s.id), SEAT_HOLDING],
  )) as { session_id: string; waiting: number; reserved: ReservedSeatsDto[] }[];
  return new Map(rows.map((r) => [r.session_id, { waiting: r.waiting, reserved: r.reserved }]));
}

async function instructorsBySession(
  manager: EntityManager,
  sessionIds: string[],
): Promise<Map<string, SessionInstructorDto[]>> {
  const rows = (await manager.query(
    `SELECT si.session_id, si.instructor_id, si.role, i.given_name, i.family_name
       FROM session_instructors si
       JOIN instructors i ON i.id = si.instructor_id
      WHERE si.session_id = ANY ($1::uuid[])
      ORDER BY (si.role = 'lead') DESC, i.family_name, i.given_name, si.instructor_id`,
    [sessionIds],
  )) as {
    session_id: string;
    instructor_id: string;
    role: InstructorRole;
    given_name: string;
    family_name: string;
  }[];
  const result = new Map<string, SessionInstructorDto[]>();
  for (const row of rows) {
    const list = result.get(row.session_id) ?? [];
    list.push({
      instructorId: row.instructor_id,
      role: row.role,
      givenName: row.given_name,
      familyName: row.family_name,
    });
    result.set(row.session_id, list);
  }
  return result;
}

/** The session's course as the caller reads it: the original title and level, and in their language. */
function courseSummary(course: CourseFacts, language: Lang | undefined) {
  return {
    id: course.id,
    code: course.code,
    title: course.title,
    level: course.level,
    localizedTitle: localizedTitle(course, language),
    localizedLevel: localizedLevel(course, language),
  };
}
