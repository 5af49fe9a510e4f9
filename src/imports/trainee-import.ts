import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import type { EntityManager } from 'typeorm';
import { recordMany } from '../audit/audit-bulk.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { CreateTraineeDto, TraineeDto } from '../trainees/dto/trainee.dto.js';
import { identityKey } from '../trainees/identity-key.js';
import type { Trainee } from '../trainees/trainee.entity.js';
import { dateCell, type ColumnSet, type HeaderMap } from './columns.js';
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

export interface NewTrainee {
  row: number;
  fields: Omit<Trainee, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'organisation'>;
}

export const TRAINEE_COLUMNS: ColumnSet = {
  columns: [
    { field: 'givenName', aliases: ['firstName'], required: true },
    { field: 'familyName', aliases: ['lastName', 'surname'], required: true },
    { field: 'dateOfBirth', aliases: ['birthDate'], required: true },
    { field: 'sex', required: true },
    { field: 'nationality', required: true },
    { field: 'organisationId' },
    { field: 'organisation', aliases: ['organisationName', 'organization'] },
    { field: 'email' },
    { field: 'medicalClearanceUntil' },
  ],
  ignored: ['id', 'userId', 'version', 'createdAt', 'updatedAt'],
};

const REQUIRED = ['givenName', 'familyName', 'dateOfBirth', 'sex', 'nationality'] as const;

/** `F`/`M` and any case are understood; the API's words are female and male. */
function sexCell(value: string | undefined): string | undefined {
  const lower = value?.toLowerCase();
  return lower === 'f' ? 'female' : lower === 'm' ? 'male' : lower;
}

/** Trainees by their identity key (folded names, date of birth, nationality). */
@Injectable()
export class TraineeImporter implements Importer<NewTrainee> {
  readonly columns = TRAINEE_COLUMNS;

  constructor(private readonly config: AppConfig) {}

  async plan(
    tx: EntityManager,
    records: CsvRecord[],
    header: HeaderMap,
    problems: Problems,
    progress: Progress,
  ): Promise<ImportPlan<NewTrainee>> {
    const organisations = await OrganisationLookup.load(tx);
    const todayHere = today(this.config.timeZone);
    const firstRowOf = new Map<string, number>();
    const valid: NewTrainee[] = [];
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
        CreateTraineeDto,
        {
          givenName: header.cell(record, 'givenName'),
          familyName: header.cell(record, 'familyName'),
          dateOfBirth: dateCell(header.cell(record, 'dateOfBirth')),
          sex: sexCell(header.cell(record, 'sex')),
          nationality: header.cell(record, 'nationality'),
          organisationId: organisationId ?? undefined,
          email: header.cell(record, 'email'),
          medicalClearanceUntil: dateCell(header.cell(record, 'medicalClearanceUntil')),
        },
        { row: record.line, problems, required: REQUIRED, column: (f) => header.column(f) },
      );
      if (!dto || problems.isInvalid(record.line)) continue;
      if (dto.dateOfBirth > todayHere) {
        problems.add(
          record.line,
          header.column('dateOfBirth'),
          'dateOfBirth must not be in the future',
        );
        continue;
      }
      const key = identityKey(dto);
      const first = firstRowOf.get(key);
      if (first !== undefined) {
        problems.add(
          record.line,
          null,
          `The same trainee as row ${first} (same names, date of birth and nationality)`,
        );
        continue;
      }
      firstRowOf.set(key, record.line);
      valid.push({
        row: record.line,
        fields: {
          givenName: dto.givenName,
          familyName: dto.familyName,
          dateOfBirth: dto.dateOfBirth,
          sex: dto.sex,
          nationality: dto.nationality,
          organisationId: dto.organisationId ?? null,
          email: dto.email ?? null,
          medicalClearanceUntil: dto.medicalClearanceUntil ?? null,
          identityKey: key,
        },
      });
    }
    progress('checking', records.length, records.length);
    const existing = await existingKeys(
      tx,
      valid.map((t) => t.fields.identityKey),
    );
    const creates = valid.filter((t) => !existing.has(t.fields.identityKey));
    return { creates, unchanged: valid.length - creates.length };
  }

  async write(
    tx: EntityManager,
    actor: Actor,
    creates: NewTrainee[],
    progress: Progress,
  ): Promise<void> {
    const now = new Date();
    const audit: Parameters<typeof recordMany>[2] = [];
    const writes = new WritePipeline();
    for (let start = 0; start < creates.length; start += WRITE_CHUNK) {
      const chunk = creates.slice(start, start + WRITE_CHUNK).map((t) => ({
        ...t,
        trainee: { ...t.fields, id: randomUUID(), createdAt: now, updatedAt: now, version: 1 },
      }));
      const rows = chunk.map(({ trainee: t }) => ({
        id: t.id,
        given_name: t.givenName,
        family_name: t.familyName,
        date_of_birth: t.dateOfBirth,
        sex: t.sex,
        nationality: t.nationality,
        organisation_id: t.organisationId,
        email: t.email,
        medical_clearance_until: t.medicalClearanceUntil,
        identity_key: t.identityKey,
      }));
      // One JSON document per chunk: cheaper to build than one array parameter per column.
      await writes.send(() =>
        tx.query(
          `INSERT INTO trainees
           (id, given_name, family_name, date_of_birth, sex, nationality, organisation_id, email,
            medical_clearance_until, identity_key, created_at, updated_at, version)
         SELECT t.id, t.given_name, t.family_name, t.date_of_birth, t.sex, t.nationality,
                t.organisation_id, t.email, t.medical_clearance_until, t.identity_key,
                $2::timestamptz, $2::timestamptz, 1
           FROM json_to_recordset($1::json)
                AS t(id uuid, given_name text, family_name text, date_of_birth date, sex text,
                     nationality text, organisation_id uuid, email text,
                     medical_clearance_until date, identity_key text)`,
          [JSON.stringify(rows), now],
        ),
      );
      for (const c of chunk) {
        audit.push({
          action: 'trainee.created',
          entityType: 'trainee',
          entityId: c.trainee.id,
          data: {
            source: 'import',
            row: c.row,
            after: TraineeDto.from(c.trainee as Trainee, null),
          },
        });
      }
      progress('writing', Math.min(start + WRITE_CHUNK, creates.length), creates.length);
    }
    await writes.drain();
    await recordMany(tx, actor, audit, (n) => progress('auditing', n, audit.length));
  }
}

/** The identity keys among `keys` that a trainee already has, in a few round trips. */
async function existingKeys(tx: EntityManager, keys: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let start = 0; start < keys.length; start += 10_000) {
    const rows = (await tx.query(
      'SELECT identity_key FROM trainees WHERE identity_key = ANY($1::text[])',
      [keys.slice(start, start + 10_000)],
    )) as { identity_key: string }[];
    for (const row of rows) found.add(row.identity_key);
  }
  return found;
}
