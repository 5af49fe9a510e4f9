import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { isUniqueViolation, pgConstraint, pgErrorCode } from '../common/database-errors.js';
import { badRequest, conflict, notFound, referenceNotFound } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { Organisation } from '../organisations/organisation.entity.js';
import {
  CreateInstructorDto,
  CurrentQualificationDto,
  InstructorDto,
  ListInstructorsQueryDto,
  UpdateInstructorDto,
} from './dto/instructor.dto.js';
import { holdsQualification, qualificationCurrentOnSql } from './qualification-rule.js';
import { Instructor } from './instructor.entity.js';

const EDITABLE = [
  'givenName',
  'familyName',
  'email',
  'organisationId',
] as const satisfies readonly (keyof UpdateInstructorDto & keyof Instructor)[];

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class InstructorsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  create(actor: Actor, input: CreateInstructorDto): Promise<InstructorDto> {
    return this.translatingConstraints(() =>
      this.dataSource.transaction(async (tx) => {
        const organisationId = input.organisationId ?? null;
        await assertOrganisationExists(tx, organisationId);
        await assertEmailFree(tx, input.email, null);
        const instructor = tx.create(Instructor, {
          givenName: input.givenName,
          familyName: input.familyName,
          email: input.email,
          organisationId,
        });
        await tx.save(instructor);
        const dto = InstructorDto.from(instructor, null, []);
        await this.audit.record(tx, actor, {
          action: 'instructor.created',
          entityType: 'instructor',
          entityId: instructor.id,
          data: { after: dto },
        });
        return dto;
      }),
    );
  }

  async list(query: ListInstructorsQueryDto): Promise<Page<InstructorDto>> {
    const qb = this.dataSource.getRepository(Instructor).createQueryBuilder('i');
    if (query.organisationId) {
      qb.andWhere('i.organisationId = :organisationId', { organisationId: query.organisationId });
    }
    if (query.q) {
      qb.andWhere(
        `((i.givenName || ' ' || i.familyName) ILIKE :q ESCAPE '\\'
          OR (i.familyName || ' ' || i.givenName) ILIKE :q ESCAPE '\\'
          OR i.email LIKE :email ESCAPE '\\')`,
        { q: `%${escapeLike(query.q)}%`, email: `%${escapeLike(query.q.toLowerCase())}%` },
      );
    }
    const page = await keysetPage(qb, {
      alias: 'i',
      sortColumn: 'createdAt',
      sortValue: (i) => i.createdAt,
      query,
      map: (i) => i,
    });
    return {
      items: await this.toDtos(this.dataSource.manager, page.items),
      nextCursor: page.nextCursor,
    };
  }

  async get(id: string): Promise<InstructorDto> {
    const instructor = await this.dataSource.getRepository(Instructor).findOneBy({ id });
    if (!instructor) throw notFound('Instructor');
    const [dto] = await this.toDtos(this.dataSource.manager, [instructor]);
    return dto;
  }

  update(actor: Actor, id: string, input: UpdateInstructorDto): Promise<InstructorDto> {
    if (EDITABLE.every((field) => input[field] === undefined)) {
      throw badRequest(
        'VALIDATION_FAILED',
        `Nothing to change: give one of ${EDITABLE.join(', ')}`,
        {
          fields: [],
        },
      );
    }
    return this.translatingConstraints(() =>
      this.dataSource.transaction(async (tx) => {
        const instructor = await tx.findOne(Instructor, {
          where: { id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!instructor) throw notFound('Instructor');
        if (input.version !== undefined && input.version !== instructor.version) {
          throw conflict('STALE_VERSION', 'The instructor was changed since you read it', {
            currentVersion: instructor.version,
          });
        }
        const [before] = await this.toDtos(tx, [instructor]);
        const changed = EDITABLE.filter(
          (field) => input[field] !== undefined && input[field] !== instructor[field],
        );
        if (changed.length === 0) return before;
        Object.assign(instructor, Object.fromEntries(changed.map((f) => [f, input[f]])));
        if (changed.includes('organisationId')) {
          await assertOrganisationExists(tx, instructor.organisationId);
        }
        if (changed.includes('email')) await assertEmailFree(tx, instructor.email, id);
        await tx.save(instructor);
        const after = InstructorDto.from(instructor, before.userId, before.qualifications);
        await this.audit.record(tx, actor, {
          action: 'instructor.updated',
          entityType: 'instructor',
          entityId: id,
          data: { before, after },
        });
        return after;
      }),
    );
  }

  /**
   * For session assignment and certificate issuance: whether the instructor's qualification
   * for the course runs to `onDate` (YYYY-MM-DD) or later. Renewals add rows, so any row will do.
   */
  hasCurrentQualification(
    manager: EntityManager,
    instructorId: string,
    courseId: string,
    onDate: string,
  ): Promise<boolean> {
    return holdsQualification(manager, instructorId, courseId, onDate);
  }

  private async toDtos(
    manager: EntityManager,
    instructors: Instructor[],
  ): Promise<InstructorDto[]> {
    if (instructors.length === 0) return [];
    const ids = instructors.map((i) => i.id);
    const accounts = (await manager.query(
      'SELECT id, instructor_id FROM users WHERE instructor_id = ANY($1::uuid[])',
      [ids],
    )) as { id: string; instructor_id: string }[];
    const accountOf = new Map(accounts.map((a) => [a.instructor_id, a.id]));
    const qualifications = (await manager.query(
      `SELECT q.instructor_id, c.id AS course_id, c.code, c.title,
              max(q.valid_until)::text AS valid_until
         FROM qualifications q
         JOIN courses c ON c.id = q.course_id
        WHERE q.instructor_id = ANY($1::uuid[]) AND ${qualificationCurrentOnSql('q', '$2::date')}
        GROUP BY q.instructor_id, c.id, c.code, c.title
        ORDER BY c.code`,
      [ids, today(this.config.timeZone)],
    )) as {
      instructor_id: string;
      course_id: string;
      code: string;
      title: string;
      valid_until: string;
    }[];
    const current = new Map<string, CurrentQualificationDto[]>();
    for (const q of qualifications) {
      const list = current.get(q.instructor_id) ?? [];
      list.push({
        courseId: q.course_id,
        courseCode: q.code,
        courseTitle: q.title,
        validUntil: q.valid_until,
      });
      current.set(q.instructor_id, list);
    }
    return instructors.map((i) =>
      InstructorDto.from(i, accountOf.get(i.id) ?? null, current.get(i.id) ?? []),
    );
  }

  /** A twin created or renamed at the same moment slips past the checks; the indexes do not. */
  private async translatingConstraints<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'instructors_email_key')) throw emailTaken();
      if (pgErrorCode(error) === '23503' && pgConstraint(error) === 'instructors_organisation_fk') {
        throw referenceNotFound('organisationId', 'The organisation');
      }
      throw error;
    }
  }
}

async function assertOrganisationExists(tx: EntityManager, organisationId: string | null) {
  if (organisationId && !(await tx.exists(Organisation, { where: { id: organisationId } }))) {
    throw referenceNotFound('organisationId', 'The organisation');
  }
}

async function assertEmailFree(tx: EntityManager, email: string, self: string | null) {
  const existing = await tx.findOne(Instructor, { where: { email }, select: { id: true } });
  if (existing && existing.id !== self) throw emailTaken();
}

const emailTaken = () =>
  conflict('INSTRUCTOR_EMAIL_TAKEN', 'An instructor with this email already exists');
