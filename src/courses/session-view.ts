import type { EntityManager } from 'typeorm';
import { Course } from './course.entity.js';
import type { CourseSession } from './session.entity.js';
import type { SessionDto, SessionInstructorDto } from './dto/session.dto.js';
import type { InstructorRole } from './session-instructor.entity.js';

/** Session answers with their course summary and instructors, in three queries per page. */
export async function sessionDtos(
  manager: EntityManager,
  sessions: CourseSession[],
): Promise<SessionDto[]> {
  if (sessions.length === 0) return [];
  const courseIds = [...new Set(sessions.map((s) => s.courseId))];
  const courses = new Map(
    (
      await manager
        .getRepository(Course)
        .createQueryBuilder('c')
        .select(['c.id', 'c.code', 'c.title', 'c.level'])
        .where('c.id IN (:...ids)', { ids: courseIds })
        .getMany()
    ).map((c) => [c.id, c]),
  );
  const instructors = await instructorsBySession(
    manager,
    sessions.map((s) => s.id),
  );
  return sessions.map((s) => {
    const course = courses.get(s.courseId)!;
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
      seatsLeft: Math.max(0, s.capacity - s.seatsTaken),
      status: s.status,
      instructors: instructors.get(s.id) ?? [],
      version: s.version,
      createdAt: s.createdAt,
      updatedAt: s.updatedAt,
    };
  });
}

export async function sessionDto(
  manager: EntityManager,
  session: CourseSession,
): Promise<SessionDto> {
  const [dto] = await sessionDtos(manager, [session]);
  return dto;
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
