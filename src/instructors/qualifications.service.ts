import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { assertMayReach } from '../access/record-access.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { notFound, referenceNotFound } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from '../courses/course.entity.js';
import {
  GrantQualificationDto,
  ListQualificationsQueryDto,
  QualificationDto,
} from './dto/qualification.dto.js';
import { Instructor } from './instructor.entity.js';
import { isQualificationCurrentOn } from './qualification-rule.js';
import { Qualification } from './qualification.entity.js';

/** Which courses an instructor may teach, until when; renewals add rows and keep the history. */
@Injectable()
export class QualificationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  grant(
    actor: Actor,
    instructorId: string,
    input: GrantQualificationDto,
  ): Promise<QualificationDto> {
    return this.dataSource.transaction(async (tx) => {
      if (!(await tx.exists(Instructor, { where: { id: instructorId } }))) {
        throw notFound('Instructor');
      }
      const course = await tx.findOneBy(Course, { id: input.courseId });
      if (!course) throw referenceNotFound('courseId', 'The course');
      const qualification = tx.create(Qualification, {
        instructorId,
        courseId: course.id,
        validUntil: input.validUntil,
      });
      await tx.save(qualification);
      qualification.course = course;
      const dto = this.toDto(qualification, today(this.config.timeZone));
      await this.audit.record(tx, actor, {
        action: 'qualification.granted',
        entityType: 'qualification',
        entityId: qualification.id,
        data: {
          instructorId,
          courseId: course.id,
          courseCode: course.code,
          validUntil: input.validUntil,
          after: dto,
        },
      });
      return dto;
    });
  }

  /** The whole history, newest first: admins, auditors and the instructor themself. */
  async list(
    actor: Actor,
    instructorId: string,
    query: ListQualificationsQueryDto,
  ): Promise<Page<QualificationDto>> {
    await assertMayReach(
      this.dataSource.manager,
      actor,
      'instructors.read',
      { kind: 'instructor', instructorId },
      'Only admins, auditors and the instructor see this history',
    );
    const exists = await this.dataSource
      .getRepository(Instructor)
      .exists({ where: { id: instructorId } });
    if (!exists) throw notFound('Instructor');
    const qb = this.dataSource
      .getRepository(Qualification)
      .createQueryBuilder('q')
      .innerJoinAndSelect('q.course', 'c')
      .where('q.instructorId = :instructorId', { instructorId });
    const day = today(this.config.timeZone);
    return keysetPage(qb, {
      alias: 'q',
      sortColumn: 'createdAt',
      sortValue: (q) => q.createdAt,
      direction: 'DESC',
      query,
      map: (q) => this.toDto(q, day),
    });
  }

  private toDto(q: Qualification, day: string): QualificationDto {
    return {
      id: q.id,
      instructorId: q.instructorId,
      courseId: q.courseId,
      courseCode: q.course!.code,
      courseTitle: q.course!.title,
      validUntil: q.validUntil,
      current: isQualificationCurrentOn(q.validUntil, day),
      createdAt: q.createdAt.toISOString(),
    };
  }
}
