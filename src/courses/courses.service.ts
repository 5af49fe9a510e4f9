import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import type { QueryDeepPartialEntity } from 'typeorm/query-builder/QueryPartialEntity.js';
import { can } from '../access/access-policy.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { isUniqueViolation } from '../common/database-errors.js';
import {
  badRequest,
  conflict,
  DomainError,
  notFound,
  referenceNotFound,
  ruleViolation,
} from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import {
  findPrerequisiteCycle,
  lockPrerequisiteGraph,
  missingCourseIds,
  prerequisiteIdsByCourse,
  replacePrerequisites,
} from './course-graph.js';
import type { Lang } from '../web/i18n.js';
import { canMoveCourse } from './course-lifecycle.js';
import { localizedCourse, storedTranslations } from './course-translations.js';
import { Course } from './course.entity.js';
import {
  CourseDto,
  CreateCourseDto,
  ListCoursesQueryDto,
  UpdateCourseDto,
} from './dto/course.dto.js';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

/** Drafts are work in progress of the registrars: trainees and instructors never see them. */
const seesDrafts = (actor: Actor) => can(actor, 'courses.readDrafts');

const codeTaken = (code: string) =>
  conflict('COURSE_CODE_TAKEN', `A course with the code ${code} already exists`, { code });

/** Fields a PATCH may change on the courses row itself (prerequisites live in their own table). */
/** The answer's `localized` in the caller's language (audit records keep the originals). */
const inLanguage = (dto: CourseDto, language: Lang | undefined): CourseDto =>
  language && language !== dto.localized.language
    ? { ...dto, localized: { language, ...localizedCourse(dto, language) } }
    : dto;

const COLUMN_FIELDS = [
  'code',
  'title',
  'description',
  'imasReferences',
  'level',
  'durationDays',
  'passMark',
  'minAttendancePercent',
  'validityMonths',
  'renewsCourseId',
  'requiresMedicalClearance',
  'status',
  'maxTraineesPerInstructor',
] as const;

@Injectable()
export class CoursesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  create(actor: Actor, input: CreateCourseDto): Promise<CourseDto> {
    return this.dataSource.transaction((tx) => this.createInTransaction(tx, actor, input));
  }

  /** Also for the course import, inside its own transaction. */
  async createInTransaction(
    tx: EntityManager,
    actor: Actor,
    input: CreateCourseDto,
  ): Promise<CourseDto> {
    const prerequisiteIds = input.prerequisiteCourseIds ?? [];
    const renewsCourseId = input.renewsCourseId ?? null;
    await this.checkReferences(tx, prerequisiteIds, renewsCourseId);
    if (await tx.exists(Course, { where: { code: input.code } })) throw codeTaken(input.code);
    const course = tx.create(Course, {
      code: input.code,
      title: input.title,
      description: input.description ?? '',
      imasReferences: input.imasReferences ?? [],
      level: input.level,
      durationDays: input.durationDays,
      passMark: input.passMark,
      minAttendancePercent: input.minAttendancePercent,
      validityMonths: input.validityMonths,
      renewsCourseId,
      requiresMedicalClearance: input.requiresMedicalClearance ?? false,
      status: input.status ?? 'draft',
      maxTraineesPerInstructor: input.maxTraineesPerInstructor ?? null,
      translations: storedTranslations(input.translations),
    });
    await this.saving(input.code, () => tx.save(course));
    // A new course has no dependants yet, so its edges cannot close a cycle.
    await replacePrerequisites(tx, course.id, prerequisiteIds);
    const dto = await this.toDto(tx, course);
    await this.audit.record(tx, actor, {
      action: 'course.created',
      entityType: 'course',
      entityId: course.id,
      data: { after: dto },
    });
    return inLanguage(dto, actor.language);
  }

  async list(actor: Actor, query: ListCoursesQueryDto): Promise<Page<CourseDto>> {
    const qb = this.dataSource.getRepository(Course).createQueryBuilder('c');
    if (!seesDrafts(actor)) qb.andWhere("c.status <> 'draft'");
    if (query.status) qb.andWhere('c.status = :status', { status: query.status });
    if (query.level) qb.andWhere('lower(c.level) = lower(:level)', { level: query.level });
    if (query.imas) {
      const mentions =
        'EXISTS (SELECT 1 FROM unnest(c.imasReferences) r WHERE lower(r) = lower(:imas))';
      qb.andWhere(mentions, { imas: query.imas });
    }
    if (query.q) {
      // Titles in any language: a reader searches in the language the catalogue shows them.
      qb.andWhere(
        `(c.code ILIKE :q ESCAPE '\\' OR c.title ILIKE :q ESCAPE '\\'
          OR c.translations->'az'->>'title' ILIKE :q ESCAPE '\\'
          OR c.translations->'ru'->>'title' ILIKE :q ESCAPE '\\')`,
        {
          q: `%${escapeLike(query.q)}%`,
        },
      );
    }
    const page = await keysetPage(qb, {
      alias: 'c',
      sortColumn: 'code',
      sortValue: (c) => c.code,
      query,
      map: (c) => c,
    });
    const prerequisites = await prerequisiteIdsByCourse(
      this.dataSource.manager,
      page.items.map((c) => c.id),
    );
    return {
      items: page.items.map((c) =>
        CourseDto.from(c, prerequisites.get(c.id) ?? [], actor.language),
      ),
      nextCursor: page.nextCursor,
    };
  }

  async get(actor: Actor, id: string): Promise<CourseDto> {
    const manager = this.dataSource.manager;
    const course = await manager.findOneBy(Course, { id });
    if (!course || (course.status === 'draft' && !seesDrafts(actor))) throw notFound('Course');
    return inLanguage(await this.toDto(manager, course), actor.language);
  }

  update(actor: Actor, id: string, input: UpdateCourseDto): Promise<CourseDto> {
    const { version: _version, ...changes } = input;
    if (Object.values(changes).every((v) => v === undefined)) {
      throw badRequest('VALIDATION_FAILED', 'Nothing to change', { fields: [] });
    }
    return this.dataSource.transaction((tx) => this.updateInTransaction(tx, actor, id, input));
  }

  /** Also for the course import, inside its own transaction. */
  async updateInTransaction(
    tx: EntityManager,
    actor: Actor,
    id: string,
    input: UpdateCourseDto,
  ): Promise<CourseDto> {
    // Graph lock before row locks: inserting an edge key-share-locks the prerequisite's row,
    // so taking them the other way round lets two crossing edits deadlock.
    if (input.prerequisiteCourseIds !== undefined) await lockPrerequisiteGraph(tx);
    // No-key lock: rows that merely refer to this course (sessions, edges) are not held up.
    const course = await tx.findOne(Course, { where: { id }, lock: { mode: 'for_no_key_update' } });
    if (!course) throw notFound('Course');
    if (input.version !== undefined && input.version !== course.version) {
      throw conflict('STALE_VERSION', 'The course was changed since you read it', {
        currentVersion: course.version,
      });
    }
    const before = await this.toDto(tx, course);
    if (input.status !== undefined && !canMoveCourse(course.status, input.status)) {
      throw conflict(
        'ILLEGAL_TRANSITION',
        `A ${course.status} course cannot become ${input.status}`,
        { from: course.status, to: input.status },
      );
    }
    if (input.renewsCourseId === id) {
      throw ruleViolation('COURSE_RENEWS_ITSELF', 'A course cannot renew itself');
    }
    const newPrerequisites = input.prerequisiteCourseIds;
    if (newPrerequisites?.includes(id)) {
      throw ruleViolation('PREREQUISITE_CYCLE', 'A course cannot be its own prerequisite', {
        cycle: [course.code, course.code],
      });
    }
    await this.checkReferences(tx, newPrerequisites ?? [], input.renewsCourseId ?? null);
    if (input.code !== undefined && input.code !== course.code) {
      if (await tx.exists(Course, { where: { code: input.code } })) throw codeTaken(input.code);
    }

    const columns: Partial<Record<(typeof COLUMN_FIELDS)[number] | 'translations', unknown>> = {};
    for (const field of COLUMN_FIELDS) {
      const value = input[field];
      if (value !== undefined && !sameValue(value, before[field])) columns[field] = value;
    }
    if (input.translations !== undefined) {
      // Stored in one canonical shape, so a PATCH with the same texts in another order is no change.
      const translations = storedTranslations(input.translations);
      if (!sameValue(translations, storedTranslations(before.translations))) {
        columns.translations = translations;
      }
    }
    const prerequisitesChange =
      newPrerequisites !== undefined &&
      !sameValue([...newPrerequisites].sort(), [...before.prerequisiteCourseIds].sort());
    if (Object.keys(columns).length === 0 && !prerequisitesChange) {
      return inLanguage(before, actor.language);
    }

    // Always an UPDATE, even when only the prerequisites change, so the version moves on.
    await this.saving(input.code ?? course.code, () =>
      tx
        .createQueryBuilder()
        .update(Course)
        .set({ ...columns, updatedAt: () => 'now()' } as QueryDeepPartialEntity<Course>)
        .where('id = :id', { id })
        .execute(),
    );
    if (prerequisitesChange) {
      await replacePrerequisites(tx, id, newPrerequisites);
      const cycle = await findPrerequisiteCycle(tx, id);
      if (cycle) {
        throw ruleViolation(
          'PREREQUISITE_CYCLE',
          `These prerequisites would make a cycle: ${cycle.join(' → ')}`,
          { cycle },
        );
      }
    }
    const after = await this.toDto(tx, await tx.findOneByOrFail(Course, { id }));
    await this.audit.record(tx, actor, {
      action: 'course.updated',
      entityType: 'course',
      entityId: id,
      data: { before, after },
    });
    return inLanguage(after, actor.language);
  }

  /** A course by id, drafts included (for other modules' rules; no visibility check). */
  async findCourse(manager: EntityManager, id: string): Promise<Course | null> {
    return manager.findOneBy(Course, { id });
  }

  /** The courses a trainee must hold a current certificate of before enrolling in this one. */
  async prerequisitesOf(manager: EntityManager, courseId: string): Promise<Course[]> {
    return manager
      .getRepository(Course)
      .createQueryBuilder('c')
      .innerJoin('course_prerequisites', 'p', 'p.prerequisite_course_id = c.id')
      .where('p.course_id = :courseId', { courseId })
      .orderBy('c.code')
      .getMany();
  }

  private async toDto(manager: EntityManager, course: Course): Promise<CourseDto> {
    const prerequisites = await prerequisiteIdsByCourse(manager, [course.id]);
    return CourseDto.from(course, prerequisites.get(course.id) ?? []);
  }

  private async checkReferences(
    manager: EntityManager,
    prerequisiteIds: string[],
    renewsCourseId: string | null,
  ): Promise<void> {
    const missing = await missingCourseIds(manager, prerequisiteIds);
    if (missing.length > 0) {
      const error = referenceNotFound('prerequisiteCourseIds', 'A course');
      throw new DomainError(error.status, error.code, error.message, {
        ...error.details,
        missing,
      });
    }
    if (renewsCourseId && (await missingCourseIds(manager, [renewsCourseId])).length > 0) {
      throw referenceNotFound('renewsCourseId', 'The course');
    }
  }

  /** Two registrars saving the same new code at once: the unique index decides. */
  private async saving<T>(code: string, write: () => Promise<T>): Promise<T> {
    try {
      return await write();
    } catch (error) {
      if (isUniqueViolation(error, 'courses_code_key')) throw codeTaken(code);
      throw error;
    }
  }
}

function sameValue(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
