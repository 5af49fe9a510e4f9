import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager, In } from 'typeorm';
import { assertMayRecordForSession } from '../access/record-access.js';
import { recordMany } from '../audit/audit-bulk.js';
import { AuditService, type AuditInput } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import {
  conflict,
  forbidden,
  notFound,
  ruleViolation,
  type DomainError,
} from '../common/errors.js';
import { invalidField } from '../common/validation.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from '../courses/course.entity.js';
import { CourseSession } from '../courses/session.entity.js';
import { AttendanceDay } from './attendance-day.entity.js';
import {
  AssessmentDto,
  AttendanceDto,
  EnrolmentDto,
  type RecordAssessmentDto,
  type RecordAttendanceDto,
  type RecordSessionAssessmentsDto,
  type RecordSessionAttendanceDto,
  type RosterRowsDto,
} from './dto/enrolment.dto.js';
import { Enrolment } from './enrolment.entity.js';
import { assertNotOwnEnrolment, ownTrainees, SELF_CERTIFICATION } from './own-record.js';
import { attendanceByEnrolment, rosterRows } from './roster.js';
import { applyResult } from './results-rule.js';
import { assessmentEvent, presentDaysOf } from './results-settlement.js';

type Day = { date: string; present: boolean };
/** Where an entry sits in a whole-roster request, for error details. */
type At = { index: number } | undefined;

/** Rows per attendance upsert: 4 parameters a row, well under PostgreSQL's 65,535. */
const UPSERT_CHUNK = 5_000;

/**
 * Attendance and assessment, recorded by the session's assigned instructors, one enrolment at
 * a time or a whole roster in one transaction. Figures follow the results rule (results-rule.ts).
 */
@Injectable()
export class ResultsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async recordAttendance(
    actor: Actor,
    enrolmentId: string,
    input: RecordAttendanceDto,
  ): Promise<AttendanceDto> {
    return this.dataSource.transaction(async (tx) => {
      const { enrolment, session, course } = await this.loadForRecording(tx, actor, enrolmentId);
      const day = today(this.config.timeZone);
      assertAttendanceDays(input.days, session, day, undefined);
      const before = await attendanceOf(tx, enrolmentId);
      await upsertDays(tx, actor, [{ enrolmentId, days: input.days }]);
      const days = await attendanceOf(tx, enrolmentId);
      const statusBefore = enrolment.status;
      applyResult(enrolment, session, course, presentIn(days), day);
      await tx.save(enrolment);
      await this.audit.record(tx, actor, attendanceEvent(enrolment, before, days, statusBefore));
      return {
        enrolmentId,
        days,
        attendancePercent: enrolment.attendancePercent ?? 0,
        enrolment: EnrolmentDto.from(enrolment),
      };
    });
  }

  async recordAssessment(
    actor: Actor,
    enrolmentId: string,
    input: RecordAssessmentDto,
  ): Promise<AssessmentDto> {
    return this.dataSource.transaction(async (tx) => {
      const { enrolment, session, course } = await this.loadForRecording(tx, actor, enrolmentId);
      const before = EnrolmentDto.from(enrolment);
      enrolment.theoryScore = input.theoryScore;
      enrolment.practicalScore = input.practicalScore;
      enrolment.assessedAt = new Date();
      enrolment.assessedBy = actor.userId;
      applyResult(
        enrolment,
        session,
        course,
        presentIn(await attendanceOf(tx, enrolmentId)),
        today(this.config.timeZone),
      );
      await tx.save(enrolment);
      const after = EnrolmentDto.from(enrolment);
      await this.audit.record(tx, actor, assessmentEvent(before, after, course));
      return {
        ...after,
        passMark: course.passMark,
        minAttendancePercent: course.minAttendancePercent,
      };
    });
  }

  /**
   * A whole roster's attendance in one transaction: every entry is checked as the one-enrolment
   * route checks it, and any refusal writes nothing. Entries that change nothing write nothing;
   * each changed enrolment gets one audit event.
   */
  async recordSessionAttendance(
    actor: Actor,
    sessionId: string,
    input: RecordSessionAttendanceDto,
  ): Promise<RosterRowsDto> {
    return this.dataSource.transaction(async (tx) => {
      const ctx = await this.loadRosterForRecording(tx, actor, sessionId, input.entries);
      const day = today(this.config.timeZone);
      input.entries.forEach((entry, index) =>
        assertAttendanceDays(entry.days, ctx.session, day, { index }),
      );
      const recorded = await attendanceByEnrolment(
        tx,
        input.entries.map((e) => e.enrolmentId),
      );
      const changed = input.entries.filter((entry) => {
        const before = new Map(
          (recorded.get(entry.enrolmentId) ?? []).map((d) => [d.date, d.present]),
        );
        return entry.days.some((d) => before.get(d.date) !== d.present);
      });
      await upsertDays(tx, actor, changed);
      const events: AuditInput[] = [];
      const saved: Enrolment[] = [];
      for (const entry of changed) {
        const enrolment = ctx.enrolments.get(entry.enrolmentId)!;
        const before = recorded.get(entry.enrolmentId) ?? [];
        const days = mergeDays(before, entry.days);
        const statusBefore = enrolment.status;
        applyResult(enrolment, ctx.session, ctx.course, presentIn(days), day);
        saved.push(enrolment);
        events.push(attendanceEvent(enrolment, before, days, statusBefore));
      }
      await tx.save(saved);
      // Last: the audit chain's lock is held until commit.
      await recordMany(tx, actor, events);
      return { items: await this.rowsOf(tx, actor, ctx, day) };
    });
  }

  /** A whole roster's scores in one transaction, with the rules of `recordSessionAttendance`. */
  async recordSessionAssessments(
    actor: Actor,
    sessionId: string,
    input: RecordSessionAssessmentsDto,
  ): Promise<RosterRowsDto> {
    return this.dataSource.transaction(async (tx) => {
      const ctx = await this.loadRosterForRecording(tx, actor, sessionId, input.entries);
      const day = today(this.config.timeZone);
      const changed = input.entries.filter((entry) => {
        const e = ctx.enrolments.get(entry.enrolmentId)!;
        return e.theoryScore !== entry.theoryScore || e.practicalScore !== entry.practicalScore;
      });
      const present = await presentDaysOf(
        tx,
        changed.map((e) => e.enrolmentId),
      );
      const now = new Date();
      const events: AuditInput[] = [];
      const saved: Enrolment[] = [];
      for (const entry of changed) {
        const enrolment = ctx.enrolments.get(entry.enrolmentId)!;
        const before = EnrolmentDto.from(enrolment);
        enrolment.theoryScore = entry.theoryScore;
        enrolment.practicalScore = entry.practicalScore;
        enrolment.assessedAt = now;
        enrolment.assessedBy = actor.userId;
        applyResult(enrolment, ctx.session, ctx.course, present.get(entry.enrolmentId) ?? [], day);
        saved.push(enrolment);
        events.push(assessmentEvent(before, EnrolmentDto.from(enrolment), ctx.course));
      }
      await tx.save(saved);
      await recordMany(tx, actor, events);
      return { items: await this.rowsOf(tx, actor, ctx, day) };
    });
  }

  attendanceOf(enrolmentId: string): Promise<Day[]> {
    return attendanceOf(this.dataSource.manager, enrolmentId);
  }

  private async rowsOf(
    tx: EntityManager,
    actor: Actor,
    ctx: { session: CourseSession; course: Course; enrolments: Map<string, Enrolment> },
    day: string,
  ) {
    const ids = [...ctx.enrolments.keys()];
    const withTrainees = await tx.find(Enrolment, {
      where: { id: In(ids) },
      relations: { trainee: true },
    });
    const byId = new Map(withTrainees.map((e) => [e.id, e]));
    return rosterRows(
      tx,
      {
        actor,
        session: ctx.session,
        course: ctx.course,
        today: day,
        baseUrl: this.config.publicBaseUrl,
        timeZone: this.config.timeZone,
      },
      ids.map((id) => byId.get(id)!),
    );
  }

  private async loadForRecording(tx: EntityManager, actor: Actor, enrolmentId: string) {
    const enrolment = await tx.findOne(Enrolment, {
      where: { id: enrolmentId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!enrolment) throw notFound('Enrolment');
    await assertMayRecordForSession(tx, actor, enrolment.sessionId);
    await assertNotOwnEnrolment(tx, actor, enrolment.traineeId);
    assertRecordable(enrolment, undefined);
    const session = await tx.findOneByOrFail(CourseSession, { id: enrolment.sessionId });
    assertSessionStarted(session);
    const certified = await certificatesOf(tx, [enrolmentId]);
    assertNotCertified(certified, enrolment, undefined);
    const course = await tx.findOneByOrFail(Course, { id: session.courseId });
    return { enrolment, session, course };
  }

  /**
   * The session and the entries' enrolments, locked, after the checks of `loadForRecording`
   * for each entry, in a fixed number of queries. Refusals name the entry by its index.
   */
  private async loadRosterForRecording(
    tx: EntityManager,
    actor: Actor,
    sessionId: string,
    entries: { enrolmentId: string }[],
  ) {
    const session = await tx.findOneBy(CourseSession, { id: sessionId });
    if (!session) throw notFound('Session');
    await assertMayRecordForSession(tx, actor, sessionId);
    const seen = new Set<string>();
    entries.forEach((entry, index) => {
      if (seen.has(entry.enrolmentId)) {
        throw invalidField(`entries.${index}.enrolmentId`, 'enrolmentListedTwice');
      }
      seen.add(entry.enrolmentId);
    });
    const found = await tx.find(Enrolment, {
      where: { id: In([...seen]), sessionId },
      // One order for every writer, so two rosters saved at once cannot deadlock.
      order: { id: 'ASC' },
      lock: { mode: 'pessimistic_write' },
    });
    const byId = new Map(found.map((e) => [e.id, e]));
    entries.forEach((entry, index) => {
      if (!byId.has(entry.enrolmentId)) {
        throw invalidField(`entries.${index}.enrolmentId`, 'enrolmentNotInSession');
      }
    });
    // Nobody records for themself: one such entry refuses the whole request, as the
    // one-enrolment route refuses it, so a roster is never half recorded.
    const own = await ownTrainees(
      tx,
      actor,
      found.map((e) => e.traineeId),
    );
    const ownIndex = entries.findIndex((e) => own.has(byId.get(e.enrolmentId)!.traineeId));
    if (ownIndex >= 0) throw selfCertification();
    entries.forEach((entry, index) => assertRecordable(byId.get(entry.enrolmentId)!, { index }));
    assertSessionStarted(session);
    const certified = await certificatesOf(tx, [...seen]);
    entries.forEach((entry, index) =>
      assertNotCertified(certified, byId.get(entry.enrolmentId)!, { index }),
    );
    const course = await tx.findOneByOrFail(Course, { id: session.courseId });
    // The answer lists the entries in the request's order.
    const enrolments = new Map(entries.map((e) => [e.enrolmentId, byId.get(e.enrolmentId)!]));
    return { session, course, enrolments };
  }
}

const presentIn = (days: Day[]) => days.filter((d) => d.present).map((d) => d.date);

const detailsAt = (at: At, details: Record<string, unknown>) =>
  at ? { ...details, index: at.index } : details;

function assertAttendanceDays(days: Day[], session: CourseSession, day: string, at: At): void {
  const dates = days.map((d) => d.date);
  if (new Set(dates).size !== dates.length) {
    throw ruleViolation(
      'INVALID_ATTENDANCE_DATE',
      `${at ? `Entry ${at.index}: ` : ''}A day is listed twice`,
      detailsAt(at, { days: dates }),
    );
  }
  const outside = dates.filter((d) => d < session.startsOn || d > session.endsOn);
  const future = dates.filter((d) => d > day);
  if (outside.length > 0 || future.length > 0) {
    throw ruleViolation(
      'INVALID_ATTENDANCE_DATE',
      `${at ? `Entry ${at.index}: ` : ''}Attendance days must lie within the session (${session.startsOn} to ${session.endsOn}) and not after today (${day})`,
      detailsAt(at, { outsideSession: outside, inFuture: future }),
    );
  }
}

function assertRecordable(enrolment: Enrolment, at: At): void {
  if (!['enrolled', 'completed', 'failed'].includes(enrolment.status)) {
    throw conflict(
      'NOT_RECORDABLE',
      `Nothing can be recorded for a ${enrolment.status} enrolment`,
      detailsAt(at, { status: enrolment.status, enrolmentId: enrolment.id }),
    );
  }
}

function assertSessionStarted(session: CourseSession): void {
  if (session.status !== 'in_progress' && session.status !== 'completed') {
    throw ruleViolation(
      'SESSION_NOT_STARTED',
      `The session is ${session.status}; record once it is in progress`,
      { status: session.status },
    );
  }
}

function assertNotCertified(certified: Map<string, string>, enrolment: Enrolment, at: At): void {
  const certificateId = certified.get(enrolment.id);
  if (certificateId) {
    throw conflict(
      'ALREADY_CERTIFIED',
      'A certificate was issued on these results; revoke it before changing them',
      detailsAt(at, { certificateId, enrolmentId: enrolment.id }),
    );
  }
}

const selfCertification = (): DomainError =>
  forbidden(SELF_CERTIFICATION.message, SELF_CERTIFICATION.code);

/** Certificate id by enrolment, for the enrolments given. */
async function certificatesOf(manager: EntityManager, enrolmentIds: string[]) {
  const rows = (await manager.query(
    'SELECT id, enrolment_id FROM certificates WHERE enrolment_id = ANY($1::uuid[])',
    [enrolmentIds],
  )) as { id: string; enrolment_id: string }[];
  return new Map(rows.map((r) => [r.enrolment_id, r.id]));
}

async function attendanceOf(manager: EntityManager, enrolmentId: string): Promise<Day[]> {
  const rows = await manager.find(AttendanceDay, { where: { enrolmentId }, order: { day: 'ASC' } });
  return rows.map((r) => ({ date: r.day, present: r.present }));
}

/** What is recorded once `changes` are written over `recorded`, by date. */
function mergeDays(recorded: Day[], changes: Day[]): Day[] {
  const byDate = new Map(recorded.map((d) => [d.date, d.present]));
  for (const d of changes) byDate.set(d.date, d.present);
  return [...byDate.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([date, present]) => ({ date, present }));
}

async function upsertDays(
  tx: EntityManager,
  actor: Actor,
  entries: { enrolmentId: string; days: Day[] }[],
): Promise<void> {
  const rows = entries.flatMap((entry) =>
    entry.days.map((d) => ({
      enrolmentId: entry.enrolmentId,
      day: d.date,
      present: d.present,
      recordedBy: actor.userId,
    })),
  );
  for (let start = 0; start < rows.length; start += UPSERT_CHUNK) {
    await tx.upsert(AttendanceDay, rows.slice(start, start + UPSERT_CHUNK), ['enrolmentId', 'day']);
  }
}

function attendanceEvent(
  enrolment: Enrolment,
  before: Day[],
  days: Day[],
  statusBefore: string,
): AuditInput {
  return {
    action: 'enrolment.attendance_recorded',
    entityType: 'enrolment',
    entityId: enrolment.id,
    data: {
      before: { days: before },
      after: {
        days,
        attendancePercent: enrolment.attendancePercent,
        ...(statusBefore !== enrolment.status && { status: enrolment.status }),
      },
    },
  };
}
