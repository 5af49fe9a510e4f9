import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { CoursesService } from '../courses/courses.service.js';
import { CreateCourseDto } from '../courses/dto/course.dto.js';
import { booleanCell, integerCell, listCell, type ColumnSet, type HeaderMap } from './columns.js';
import type { CsvRecord } from './csv-reader.js';
import type { Importer, ImportPlan, Progress } from './importer.js';
import { breathe, validateRow, type Problems } from './row-checks.js';

export interface NewCourse {
  row: number;
  course: Omit<CreateCourseDto, 'prerequisiteCourseIds' | 'renewsCourseId'>;
  prerequisiteCodes: string[];
  renewsCode: string | null;
}

export const COURSE_COLUMNS: ColumnSet = {
  columns: [
    { field: 'code', required: true },
    { field: 'title', required: true },
    { field: 'description' },
    { field: 'imasReferences', aliases: ['imas'] },
    { field: 'level', required: true },
    { field: 'durationDays', required: true },
    { field: 'passMark', required: true },
    { field: 'minAttendancePercent', required: true },
    // Required as a column, so a file that forgot it does not make every course never expire.
    { field: 'validityMonths', required: true },
    { field: 'prerequisiteCodes', aliases: ['prerequisites', 'prerequisiteCourseCodes'] },
    { field: 'renewsCode', aliases: ['renewsCourseCode', 'renews'] },
    { field: 'requiresMedicalClearance' },
    { field: 'status' },
    // Optional: an empty cell or no column is no limit.
    { field: 'maxTraineesPerInstructor' },
  ],
  ignored: ['id', 'prerequisiteCourseIds', 'renewsCourseId', 'version', 'createdAt', 'updatedAt'],
};

const REQUIRED = [
  'code',
  'title',
  'level',
  'durationDays',
  'passMark',
  'minAttendancePercent',
] as const;

const codeCell = (value: string) => value.trim().toUpperCase();

/**
 * Courses by code. A file may hold a whole ladder (EOD-1, then EOD-2 requiring it): courses are
 * created prerequisites first, through CoursesService so the catalogue's own rules apply.
 */
@Injectable()
export class CourseImporter implements Importer<NewCourse> {
  readonly columns = COURSE_COLUMNS;

  constructor(private readonly courses: CoursesService) {}

  async plan(
    tx: EntityManager,
    records: CsvRecord[],
    header: HeaderMap,
    problems: Problems,
    progress: Progress,
  ): Promise<ImportPlan<NewCourse>> {
    const inFile = new Map<string, NewCourse>();
    for (const [i, record] of records.entries()) {
      await breathe(i);
      progress('checking', i, records.length);
      const overflow = header.overflow(record);
      if (overflow) {
        problems.add(overflow.row, overflow.column, overflow.message);
        continue;
      }
      const dto = validateRow(
        CreateCourseDto,
        {
          code: header.cell(record, 'code'),
          title: header.cell(record, 'title'),
          description: header.cell(record, 'description'),
          imasReferences: listCell(header.cell(record, 'imasReferences')),
          level: header.cell(record, 'level'),
          durationDays: integerCell(header.cell(record, 'durationDays')),
          passMark: integerCell(header.cell(record, 'passMark')),
          minAttendancePercent: integerCell(header.cell(record, 'minAttendancePercent')),
          // An empty cell: certificates of this course never expire.
          validityMonths: integerCell(header.cell(record, 'validityMonths')) ?? null,
          requiresMedicalClearance: booleanCell(header.cell(record, 'requiresMedicalClearance')),
          status: header.cell(record, 'status')?.toLowerCase(),
          maxTraineesPerInstructor:
            integerCell(header.cell(record, 'maxTraineesPerInstructor')) ?? null,
        },
        { row: record.line, problems, required: REQUIRED, column: (f) => header.column(f) },
      );
      if (!dto) continue;
      const first = inFile.get(dto.code);
      if (first) {
        problems.add(
          record.line,
          header.column('code'),
          `The code ${dto.code} is already used on row ${first.row}`,
        );
        continue;
      }
      const renews = header.cell(record, 'renewsCode');
      inFile.set(dto.code, {
        row: record.line,
        course: dto,
        prerequisiteCodes: [
          ...new Set((listCell(header.cell(record, 'prerequisiteCodes')) ?? []).map(codeCell)),
        ],
        renewsCode: renews === undefined ? null : codeCell(renews),
      });
    }
    progress('checking', records.length, records.length);

    const referenced = [...inFile.values()].flatMap((c) => [
      ...c.prerequisiteCodes,
      ...(c.renewsCode ? [c.renewsCode] : []),
    ]);
    const catalogue = await codesInCatalogue(tx, [...inFile.keys(), ...referenced]);
    const fresh = new Map([...inFile].filter(([code]) => !catalogue.has(code)));
    this.checkReferences(fresh, catalogue, header, problems);
    const creates = prerequisitesFirst(fresh, header, problems);
    return { creates, unchanged: inFile.size - fresh.size };
  }

  async write(
    tx: EntityManager,
    actor: Actor,
    creates: NewCourse[],
    progress: Progress,
  ): Promise<void> {
    const idOf = await codesInCatalogue(
      tx,
      creates.flatMap((c) => [...c.prerequisiteCodes, ...(c.renewsCode ? [c.renewsCode] : [])]),
    );
    for (const [i, c] of creates.entries()) {
      const created = await this.courses.createInTransaction(tx, actor, {
        ...c.course,
        prerequisiteCourseIds: c.prerequisiteCodes.map((code) => idOf.get(code)!),
        renewsCourseId: c.renewsCode ? idOf.get(c.renewsCode)! : null,
      });
      idOf.set(created.code, created.id);
      progress('writing', i + 1, creates.length);
    }
  }

  /**
   * A new course may name courses of the catalogue or of this file. When the file's course it
   * names is itself invalid, the course cannot be created either: that travels up the ladder.
   */
  private checkReferences(
    fresh: Map<string, NewCourse>,
    catalogue: Map<string, string>,
    header: HeaderMap,
    problems: Problems,
  ): void {
    for (const c of fresh.values()) {
      for (const [field, code] of references(c)) {
        if (!catalogue.has(code) && !fresh.has(code)) {
          problems.add(c.row, header.column(field), `No course has the code ${code}`);
        }
      }
    }
    for (let changed = true; changed;) {
      changed = false;
      for (const c of fresh.values()) {
        if (problems.isInvalid(c.row)) continue;
        for (const [field, code] of references(c)) {
          const named = fresh.get(code);
          if (named && problems.isInvalid(named.row)) {
            problems.add(
              c.row,
              header.column(field),
              `${code} cannot be imported (row ${named.row} is invalid), so neither can this course`,
            );
            changed = true;
            break;
          }
        }
      }
    }
  }
}

function references(c: NewCourse): [string, string][] {
  return [
    ...c.prerequisiteCodes.map((code): [string, string] => ['prerequisiteCodes', code]),
    ...(c.renewsCode ? [['renewsCode', c.renewsCode] as [string, string]] : []),
  ];
}

/** Valid new courses in an order where every course comes after those it names; cycles refused. */
function prerequisitesFirst(
  fresh: Map<string, NewCourse>,
  header: HeaderMap,
  problems: Problems,
): NewCourse[] {
  const pending = new Map([...fresh].filter(([, c]) => !problems.isInvalid(c.row)));
  const ordered: NewCourse[] = [];
  for (let progressed = true; progressed;) {
    progressed = false;
    for (const [code, c] of pending) {
      // A course naming itself stays pending, and so is reported with the cycles.
      if (references(c).every(([, named]) => !pending.has(named))) {
        ordered.push(c);
        pending.delete(code);
        progressed = true;
      }
    }
  }
  for (const [code, c] of pending) {
    const field = c.prerequisiteCodes.some((p) => pending.has(p))
      ? 'prerequisiteCodes'
      : 'renewsCode';
    problems.add(
      c.row,
      header.column(field),
      `${code} cannot come after the courses it names: prerequisites or renewals form a cycle among ${[...pending.keys()].join(', ')}`,
    );
  }
  return ordered;
}

/** Course ids by code, for the given codes that the catalogue has. */
async function codesInCatalogue(tx: EntityManager, codes: string[]): Promise<Map<string, string>> {
  if (codes.length === 0) return new Map();
  const rows = (await tx.query('SELECT id, code FROM courses WHERE code = ANY($1::text[])', [
    [...new Set(codes)],
  ])) as { id: string; code: string }[];
  return new Map(rows.map((r) => [r.code, r.id]));
}
