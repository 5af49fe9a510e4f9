import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { CreateInstructorDto, InstructorDto } from '../instructors/dto/instructor.dto.js';
import type { Instructor } from '../instructors/instructor.entity.js';
import type { ColumnSet, HeaderMap } from './columns.js';
import type { CsvRecord } from './csv-reader.js';
import type { Importer, ImportPlan, Progress } from './importer.js';
import {
  createInChunks,
  planByNaturalKey,
  type ChunkInsert,
  type NewRecord,
} from './natural-key-import.js';
import { OrganisationLookup } from './organisation-lookup.js';
import { validateRow, type Problems } from './row-checks.js';

export type NewInstructor = NewRecord<
  Pick<Instructor, 'givenName' | 'familyName' | 'email' | 'organisationId'>
>;

export const INSTRUCTOR_COLUMNS: ColumnSet = {
  columns: [
    { field: 'givenName', aliases: ['firstName'], required: true },
    { field: 'familyName', aliases: ['lastName', 'surname'], required: true },
    { field: 'email', required: true },
    { field: 'organisationId' },
    { field: 'organisation', aliases: ['organisationName', 'organization'] },
  ],
  ignored: ['id', 'userId', 'version', 'createdAt', 'updatedAt', 'qualifications'],
};

const REQUIRED = ['givenName', 'familyName', 'email'] as const;

/** Instructors by email, their natural key (stored lower-cased). */
@Injectable()
export class InstructorImporter implements Importer<NewInstructor> {
  readonly columns = INSTRUCTOR_COLUMNS;

  async plan(
    tx: EntityManager,
    records: CsvRecord[],
    header: HeaderMap,
    problems: Problems,
    progress: Progress,
  ): Promise<ImportPlan<NewInstructor>> {
    const organisations = await OrganisationLookup.load(tx);
    return planByNaturalKey(records, header, problems, progress, {
      checkRow: (record) => {
        const organisationId = organisations.resolve(record, header, problems);
        const dto = validateRow(
          CreateInstructorDto,
          {
            givenName: header.cell(record, 'givenName'),
            familyName: header.cell(record, 'familyName'),
            email: header.cell(record, 'email'),
            organisationId: organisationId ?? undefined,
          },
          { row: record.line, problems, required: REQUIRED, column: (f) => header.column(f) },
        );
        if (!dto || problems.isInvalid(record.line)) return null;
        return {
          row: record.line,
          fields: {
            givenName: dto.givenName,
            familyName: dto.familyName,
            email: dto.email,
            organisationId: dto.organisationId ?? null,
          },
        };
      },
      naturalKey: (instructor) => instructor.fields.email,
      sameKeyAs: (first) => ({
        column: header.column('email'),
        message: `The same email as row ${first}: an email names one instructor`,
      }),
      existing: async (emails) => {
        const rows = (await tx.query(
          'SELECT email FROM instructors WHERE email = ANY($1::text[])',
          [emails],
        )) as { email: string }[];
        return new Set(rows.map((r) => r.email));
      },
    });
  }

  write(
    tx: EntityManager,
    actor: Actor,
    creates: NewInstructor[],
    progress: Progress,
  ): Promise<void> {
    return createInChunks(tx, actor, creates, progress, INSTRUCTOR_INSERT);
  }
}

const INSTRUCTOR_INSERT: ChunkInsert<NewInstructor['fields']> = {
  action: 'instructor.created',
  entityType: 'instructor',
  sql: `INSERT INTO instructors
          (id, given_name, family_name, email, organisation_id, created_at, updated_at, version)
        SELECT i.id, i.given_name, i.family_name, i.email, i.organisation_id,
               $2::timestamptz, $2::timestamptz, 1
          FROM json_to_recordset($1::json)
               AS i(id uuid, given_name text, family_name text, email text, organisation_id uuid)`,
  toRow: (i) => ({
    id: i.id,
    given_name: i.givenName,
    family_name: i.familyName,
    email: i.email,
    organisation_id: i.organisationId,
  }),
  describe: (i) => InstructorDto.from(i as Instructor, null, []),
};
