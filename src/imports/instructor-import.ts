import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { recordMany } from '../audit/audit-bulk.js';
import type { Actor } from '../common/actor.js';
import { CreateInstructorDto, InstructorDto } from '../instructors/dto/instructor.dto.js';
import type { Instructor } from '../instructors/instructor.entity.js';
import type { ColumnSet, HeaderMap } from './columns.js';
import type { CsvRecord } from './csv-reader.js';
import {
  WRITE_CHUNK,
  WritePipeline,
  type Importer,
  type ImportPlan,
  type Progress,
} from './importer.js';
import { OrganisationLookup } from './organisation-lookup.js';
import { breathe, validateRow, type Problems } from './row-checks.js';

export interface NewInstructor {
  row: number;
  fields: Pick<Instructor, 'givenName' | 'familyName' | 'email' | 'organisationId'>;
}

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
    const firstRowOf = new Map<string, number>();
    const valid: NewInstructor[] = [];
    for (const [i, record] of records.entries()) {
      await breathe(i);
      if (i % 1_000 === 0) progress('checking', i, records.length);
      const overflow = header.overflow(record);
      if (overflow) {
        problems.add(overflow.row, overflow.column, overflow.message);
        continue;
      }
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
      if (!dto || problems.isInvalid(record.line)) continue;
      const first = firstRowOf.get(dto.email);
      if (first !== undefined) {
        problems.add(
          record.line,
          header.column('email'),
          `The same email as row ${first}: an email names one instructor`,
        );
        continue;
      }
      firstRowOf.set(dto.email, record.line);
      valid.push({
        row: record.line,
        fields: {
          givenName: dto.givenName,
          familyName: dto.familyName,
          email: dto.email,
          organisationId: dto.organisationId ?? null,
        },
      });
    }
    progress('checking', records.length, records.length);
    const rows = (await tx.query('SELECT email FROM instructors WHERE email = ANY($1::text[])', [
      valid.map((i) => i.fields.email),
    ])) as { email: string }[];
    const existing = new Set(rows.map((r) => r.email));
    const creates = valid.filter((i) => !existing.has(i.fields.email));
    return { creates, unchanged: valid.length - creates.length };
  }

  async write(
    tx: EntityManager,
    actor: Actor,
    creates: NewInstructor[],
    progress: Progress,
  ): Promise<void> {
    const now = new Date();
    const audit: Parameters<typeof recordMany>[2] = [];
    const writes = new WritePipeline();
    for (let start = 0; start < creates.length; start += WRITE_CHUNK) {
      const chunk = creates.slice(start, start + WRITE_CHUNK).map((i) => ({
        ...i,
        instructor: { ...i.fields, id: randomUUID(), createdAt: now, updatedAt: now, version: 1 },
      }));
      const rows = chunk.map(({ instructor: i }) => ({
        id: i.id,
        given_name: i.givenName,
        family_name: i.familyName,
        email: i.email,
        organisation_id: i.organisationId,
      }));
      await writes.send(() =>
        tx.query(
          `INSERT INTO instructors
           (id, given_name, family_name, email, organisation_id, created_at, updated_at, version)
         SELECT i.id, i.given_name, i.family_name, i.email, i.organisation_id,
                $2::timestamptz, $2::timestamptz, 1
           FROM json_to_recordset($1::json)
                AS i(id uuid, given_name text, family_name text, email text, organisation_id uuid)`,
          [JSON.stringify(rows), now],
        ),
      );
      for (const c of chunk) {
        audit.push({
          action: 'instructor.created',
          entityType: 'instructor',
          entityId: c.instructor.id,
          data: {
            source: 'import',
            row: c.row,
            after: InstructorDto.from(c.instructor as Instructor, null, []),
          },
        });
      }
      progress('writing', Math.min(start + WRITE_CHUNK, creates.length), creates.length);
    }
    await writes.drain();
    await recordMany(tx, actor, audit, (n) => progress('auditing', n, audit.length));
  }
}
