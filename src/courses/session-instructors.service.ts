import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { isUniqueViolation } from '../common/database-errors.js';
import { conflict, notFound, referenceNotFound, ruleViolation } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { EnrolmentMail } from '../enrolments/enrolment-mail.js';
import { Instructor } from '../instructors/instructor.entity.js';
import { holdsQualification } from '../instructors/qualification-rule.js';
import { AssignInstructorDto, SessionDto } from './dto/session.dto.js';
import { isSessionClosed } from './session-lifecycle.js';
import { SessionInstructor } from './session-instructor.entity.js';
import { sessionDto } from './session-view.js';
import { CourseSession } from './session.entity.js';

const leadTaken = () =>
  conflict('LEAD_ALREADY_ASSIGNED', 'This session already has a lead instructor');

@Injectable()
export class SessionInstructorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly mail: EnrolmentMail,
  ) {}

  async assign(actor: Actor, sessionId: string, input: AssignInstructorDto): Promise<SessionDto> {
    return this.dataSource.transaction(async (tx) => {
      const session = await this.lockOpenSession(tx, sessionId);
      const { instructorId, role } = input;
      const instructor = await tx.findOneBy(Instructor, { id: instructorId });
      if (!instructor) throw referenceNotFound('instructorId', 'The instructor');
      const assigned = await tx.findOneBy(SessionInstructor, { sessionId, instructorId });
      if (assigned) {
        throw conflict('ALREADY_ASSIGNED', `The instructor is already the ${assigned.role}`, {
          role: assigned.role,
        });
      }
      if (role === 'lead' && (await tx.exists(SessionInstructor, { where: { sessionId, role } }))) {
        throw leadTaken();
      }
      // The qualification must cover every teaching day still to come, and be current today.
      const day = today(this.config.timeZone);
      const requiredUntil = session.endsOn > day ? session.endsOn : day;
      if (!(await holdsQualification(tx, instructorId, session.courseId, requiredUntil))) {
        throw ruleViolation(
          'INSTRUCTOR_NOT_QUALIFIED',
          `The instructor holds no qualification for this course valid until ${requiredUntil}`,
          { instructorId, courseId: session.courseId, requiredUntil },
        );
      }
      try {
        await tx.insert(SessionInstructor, { sessionId, instructorId, role });
      } catch (error) {
        if (isUniqueViolation(error, 'session_instructors_one_lead')) throw leadTaken();
        throw error;
      }
      const dto = await sessionDto(tx, session, {
        actor,
        today: today(this.config.timeZone),
        timeZone: this.config.timeZone,
      });
      const event = await this.audit.record(tx, actor, {
        action: 'session.instructor_assigned',
        entityType: 'session',
        entityId: sessionId,
        data: { after: { instructorId, role } },
      });
      await this.mail.sessionChanged(
        tx,
        sessionId,
        [{ kind: 'instructor', action: 'assigned', instructorName: nameOf(instructor), role }],
        event.id,
      );
      return dto;
    });
  }

  async unassign(actor: Actor, sessionId: string, instructorId: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      await this.lockOpenSession(tx, sessionId);
      const assigned = await tx.findOneBy(SessionInstructor, { sessionId, instructorId });
      if (!assigned) throw notFound('Assignment of this instructor to the session');
      await tx.delete(SessionInstructor, { sessionId, instructorId });
      const event = await this.audit.record(tx, actor, {
        action: 'session.instructor_unassigned',
        entityType: 'session',
        entityId: sessionId,
        data: { before: { instructorId, role: assigned.role } },
      });
      const instructor = await tx.findOneByOrFail(Instructor, { id: instructorId });
      await this.mail.sessionChanged(
        tx,
        sessionId,
        [
          {
            kind: 'instructor',
            action: 'removed',
            instructorName: nameOf(instructor),
            role: assigned.role,
          },
        ],
        event.id,
      );
    });
  }

  /** The row lock serialises assignments to one session (one lead, no double assignment). */
  private async lockOpenSession(tx: EntityManager, id: string): Promise<CourseSession> {
    const session = await tx.findOne(CourseSession, {
      where: { id },
      lock: { mode: 'pessimistic_write' },
    });
    if (!session) throw notFound('Session');
    if (isSessionClosed(session.status)) {
      throw conflict(
        'SESSION_CLOSED',
        `Instructors of a ${session.status} session are part of its record and cannot change`,
        { status: session.status },
      );
    }
    return session;
  }
}

const nameOf = (i: Instructor) => `${i.givenName} ${i.familyName}`;
