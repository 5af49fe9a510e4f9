import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { daysBetween, today } from '../common/calendar.js';
import { conflict, notFound, ruleViolation } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from '../courses/course.entity.js';
import { assertCanRecordForSession } from '../courses/session-access.js';
import { CourseSession } from '../courses/session.entity.js';
import { AttendanceDay } from './attendance-day.entity.js';
import {
  AssessmentDto,
  AttendanceDto,
  EnrolmentDto,
  type RecordAssessmentDto,
  type RecordAttendanceDto,
} from './dto/enrolment.dto.js';
import { Enrolment } from './enrolment.entity.js';
import { assessmentResult } from './enrolment-rules.js';
import { assertNotOwnEnrolment } from './own-record.js';

/** Attendance and assessment, recorded by the session's assigned instructors. */
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
      const dates = input.days.map((d) => d.date);
      if (new Set(dates).size !== dates.length) {
        throw ruleViolation('INVALID_ATTENDANCE_DATE', 'A day is listed twice', { days: dates });
      }
      const now = today(this.config.timeZone);
      const outside = dates.filter((d) => d < session.startsOn || d > session.endsOn);
      const future = dates.filter((d) => d > now);
      if (outside.length > 0 || future.length > 0) {
        throw ruleViolation(
          'INVALID_ATTENDANCE_DATE',
          `Attendance days must lie within the session (${session.startsOn} to ${session.endsOn}) and not after today (${now})`,
          { outsideSession: outside, inFuture: future },
        );
      }
      const before = await attendanceOf(tx, enrolmentId);
      await tx.upsert(
        AttendanceDay,
        input.days.map((d) => ({
          enrolmentId,
          day: d.date,
          present: d.present,
          recordedBy: actor.userId,
        })),
        ['enrolmentId', 'day'],
      );
      const days = await attendanceOf(tx, enrolmentId);
      enrolment.attendancePercent = attendancePercent(days, session);
      // Results already entered follow the attendance they depend on.
      if (enrolment.theoryScore !== null && enrolment.practicalScore !== null) {
        applyResult(enrolment, course);
      }
      await tx.save(enrolment);
      await this.audit.record(tx, actor, {
        action: 'enrolment.attendance_recorded',
        entityType: 'enrolment',
        entityId: enrolmentId,
        data: {
          before: { days: before },
          after: { days, attendancePercent: enrolment.attendancePercent },
        },
      });
      return {
        enrolmentId,
        days,
        attendancePercent: enrolment.attendancePercent,
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
      if (enrolment.attendancePercent === null) {
        enrolment.attendancePercent = attendancePercent(
          await attendanceOf(tx, enrolmentId),
          session,
        );
      }
      enrolment.theoryScore = input.theoryScore;
      enrolment.practicalScore = input.practicalScore;
      enrolment.assessedAt = new Date();
      enrolment.assessedBy = actor.userId;
      applyResult(enrolment, course);
      await tx.save(enrolment);
      const after = EnrolmentDto.from(enrolment);
      await this.audit.record(tx, actor, {
        action: 'enrolment.assessed',
        entityType: 'enrolment',
        entityId: enrolmentId,
        data: { before: pickResult(before), after: pickResult(after), passMark: course.passMark },
      });
      return {
        ...after,
        passMark: course.passMark,
        minAttendancePercent: course.minAttendancePercent,
      };
    });
  }

  attendanceOf(enrolmentId: string): Promise<{ date: string; present: boolean }[]> {
    return attendanceOf(this.dataSource.manager, enrolmentId);
  }

  private async loadForRecording(tx: EntityManager, actor: Actor, enrolmentId: string) {
    const enrolment = await tx.findOne(Enrolment, {
      where: { id: enrolmentId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!enrolment) throw notFound('Enrolment');
    await assertCanRecordForSession(tx, actor, enrolment.sessionId);
    await assertNotOwnEnrolment(tx, actor, enrolment.traineeId);
    if (!['enrolled', 'completed', 'failed'].includes(enrolment.status)) {
      throw conflict(
        'NOT_RECORDABLE',
        `Nothing can be recorded for a ${enrolment.status} enrolment`,
        {
          status: enrolment.status,
        },
      );
    }
    const session = await tx.findOneByOrFail(CourseSession, { id: enrolment.sessionId });
    if (session.status !== 'in_progress' && session.status !== 'completed') {
      throw ruleViolation(
        'SESSION_NOT_STARTED',
        `The session is ${session.status}; record once it is in progress`,
        {
          status: session.status,
        },
      );
    }
    const certified = (await tx.query('SELECT id FROM certificates WHERE enrolment_id = $1', [
      enrolmentId,
    ])) as {
      id: string;
    }[];
    if (certified.length > 0) {
      throw conflict(
        'ALREADY_CERTIFIED',
        'A certificate was issued on these results; revoke it before changing them',
        {
          certificateId: certified[0].id,
        },
      );
    }
    const course = await tx.findOneByOrFail(Course, { id: session.courseId });
    return { enrolment, session, course };
  }
}

async function attendanceOf(manager: EntityManager, enrolmentId: string) {
  const rows = await manager.find(AttendanceDay, { where: { enrolmentId }, order: { day: 'ASC' } });
  return rows.map((r) => ({ date: r.day, present: r.present }));
}

/** Present days over every calendar day of the session; a day not recorded counts as absent. */
function attendancePercent(days: { present: boolean }[], session: CourseSession): number {
  const total = daysBetween(session.startsOn, session.endsOn).length;
  const present = days.filter((d) => d.present).length;
  return Math.round((present / total) * 10_000) / 100;
}

function applyResult(enrolment: Enrolment, course: Course): void {
  const passed = assessmentResult(
    course,
    { theoryScore: enrolment.theoryScore!, practicalScore: enrolment.practicalScore! },
    enrolment.attendancePercent ?? 0,
  );
  enrolment.passed = passed;
  enrolment.status = passed ? 'completed' : 'failed';
}

function pickResult(dto: EnrolmentDto) {
  return {
    status: dto.status,
    theoryScore: dto.theoryScore,
    practicalScore: dto.practicalScore,
    attendancePercent: dto.attendancePercent,
    passed: dto.passed,
  };
}
