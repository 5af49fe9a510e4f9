import { In, type EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { toCertificateDto } from '../certifications/certificate-mapper.js';
import { Certificate } from '../certifications/certificate.entity.js';
import { certificationRefusal } from '../certifications/eligibility.js';
import type { Course } from '../courses/course.entity.js';
import type { CourseSession } from '../courses/session.entity.js';
import { AttendanceDay } from './attendance-day.entity.js';
import { EnrolmentDto, type AttendanceDayDto, type RosterEntryDto } from './dto/enrolment.dto.js';
import type { Enrolment } from './enrolment.entity.js';
import { ownTrainees } from './own-record.js';
import { resultOf } from './results-rule.js';

export interface RosterContext {
  actor: Actor;
  session: CourseSession;
  course: Course;
  /** Today in the Center's time zone. */
  today: string;
  baseUrl: string;
  timeZone: string;
}

const isParticipant = (e: Enrolment) =>
  e.status === 'enrolled' || e.status === 'completed' || e.status === 'failed';

/**
 * Roster rows for enrolments of one session (each with its trainee loaded): the days recorded,
 * attendance so far and the result by the results rule, whether the caller may certify it now
 * (the issuance rule) and the certificate issued from it. Three queries however many rows.
 */
export async function rosterRows(
  manager: EntityManager,
  ctx: RosterContext,
  enrolments: Enrolment[],
): Promise<RosterEntryDto[]> {
  const ids = enrolments.map((e) => e.id);
  const participants = enrolments.filter(isParticipant);
  // One after another: inside a transaction the three share one connection.
  const recorded = await attendanceByEnrolment(manager, ids);
  // By enrolment: certificates_enrolment_key finds them without reading the course's register.
  const certificates =
    ids.length === 0 ? [] : await manager.find(Certificate, { where: { enrolmentId: In(ids) } });
  const own = await ownTrainees(
    manager,
    ctx.actor,
    participants.map((e) => e.traineeId),
  );
  const issued = new Map(certificates.map((c) => [c.enrolmentId, c]));
  const dtoCtx = { baseUrl: ctx.baseUrl, timeZone: ctx.timeZone, actor: ctx.actor };
  return enrolments.map((e) => {
    const attendance = recorded.get(e.id) ?? [];
    const presentDays = attendance.filter((d) => d.present).map((d) => d.date);
    const result = isParticipant(e)
      ? resultOf(ctx.course, ctx.session, { ...e, presentDays }, ctx.today)
      : { attendancePercent: e.attendancePercent, passed: e.passed };
    const current = { ...e, ...result } as Enrolment;
    const certificate = issued.get(e.id) ?? null;
    const refusal = certificationRefusal(current, ctx.session, ctx.course, {
      ownRecord: own.has(e.traineeId),
      issued: certificate,
    });
    return {
      ...EnrolmentDto.from(current),
      trainee: {
        id: e.trainee!.id,
        givenName: e.trainee!.givenName,
        familyName: e.trainee!.familyName,
      },
      attendance,
      certification: { eligible: refusal === null, reason: refusal?.code ?? null },
      certificate: certificate ? toCertificateDto(certificate, dtoCtx) : null,
    };
  });
}

/** Every day recorded for the enrolments, present or not, in date order; one query. */
export async function attendanceByEnrolment(
  manager: EntityManager,
  enrolmentIds: string[],
): Promise<Map<string, AttendanceDayDto[]>> {
  if (enrolmentIds.length === 0) return new Map();
  const rows = await manager.find(AttendanceDay, {
    select: { enrolmentId: true, day: true, present: true },
    where: { enrolmentId: In(enrolmentIds) },
    order: { day: 'ASC' },
  });
  const byEnrolment = new Map<string, AttendanceDayDto[]>();
  for (const r of rows) {
    const days = byEnrolment.get(r.enrolmentId) ?? [];
    days.push({ date: r.day, present: r.present });
    byEnrolment.set(r.enrolmentId, days);
  }
  return byEnrolment;
}
