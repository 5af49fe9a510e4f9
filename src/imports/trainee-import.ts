import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { CreateTraineeDto, TraineeDto } from '../trainees/dto/trainee.dto.js';
import {
  IDENTITY_DOCUMENT_TYPES,
  isDocumentNumber,
  normaliseDocumentNumber,
  type IdentityDocumentType,
} from '../trainees/identity-document.js';
import { identityKey } from '../trainees/identity-key.js';
import type { Trainee } from '../trainees/trainee.entity.js';
import { dateCell, type ColumnSet, type HeaderMap } from './columns.js';
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

export type NewTrainee = NewRecord<
  Omit<Trainee, 'id' | 'createdAt' | 'updatedAt' | 'version' | 'organisation'>
>;

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
    { field: 'phone', aliases: ['phoneNumber', 'mobile'] },
    { field: 'identityDocumentType', aliases: ['documentType'] },
    { field: 'identityDocumentNumber', aliases: ['documentNumber'] },
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
    // A card listed twice in the file: the first row's line, by type and number.
    const documentRows = new Map<string, number>();
    const plan = await planByNaturalKey(records, header, problems, progress, {
      checkRow: (record) => {
        const organisationId = organisations.resolve(record, header, problems);
        const document = documentCells(record, header, problems);
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
            phone: header.cell(record, 'phone'),
          },
          { row: record.line, problems, required: REQUIRED, column: (f) => header.column(f) },
        );
        if (!dto || document === false || problems.isInvalid(record.line)) return null;
        if (document) {
          const key = `${document.type}|${document.number}`;
          const first = documentRows.get(key);
          if (first !== undefined) {
            problems.add(
              record.line,
              header.column('identityDocumentNumber'),
              `The same identity document as row ${first}`,
            );
            return null;
          }
          documentRows.set(key, record.line);
        }
        if (dto.dateOfBirth > todayHere) {
          problems.add(
            record.line,
            header.column('dateOfBirth'),
            'dateOfBirth must not be in the future',
          );
          return null;
        }
        return {
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
            phone: dto.phone ?? null,
            identityDocumentType: document ? document.type : null,
            identityDocumentNumber: document ? document.number : null,
            identityKey: identityKey(dto),
          },
        };
      },
      naturalKey: (trainee) => trainee.fields.identityKey,
      sameKeyAs: (first) => ({
        column: null,
        message: `The same trainee as row ${first} (same names, date of birth and nationality)`,
      }),
      existing: (keys) => existingKeys(tx, keys),
    });
    // A new trainee whose card another trainee already holds is refused, as POST refuses it.
    const taken = await takenDocuments(tx, plan.creates);
    if (taken.size === 0) return plan;
    for (const planned of plan.creates) {
      if (taken.has(planned.row)) {
        problems.add(
          planned.row,
          header.column('identityDocumentNumber'),
          'Another trainee is registered with the same identity document',
        );
      }
    }
    return { ...plan, creates: plan.creates.filter((planned) => !taken.has(planned.row)) };
  }

  write(tx: EntityManager, actor: Actor, creates: NewTrainee[], progress: Progress): Promise<void> {
    return createInChunks(tx, actor, creates, progress, TRAINEE_INSERT);
  }
}

const TRAINEE_INSERT: ChunkInsert<NewTrainee['fields']> = {
  action: 'trainee.created',
  entityType: 'trainee',
  sql: `INSERT INTO trainees
          (id, given_name, family_name, date_of_birth, sex, nationality, organisation_id, email,
           medical_clearance_until, phone, identity_document_type, identity_document_number,
           identity_key, created_at, updated_at, version)
        SELECT t.id, t.given_name, t.family_name, t.date_of_birth, t.sex, t.nationality,
               t.organisation_id, t.email, t.medical_clearance_until, t.phone,
               t.identity_document_type, t.identity_document_number, t.identity_key,
               $2::timestamptz, $2::timestamptz, 1
          FROM json_to_recordset($1::json)
               AS t(id uuid, given_name text, family_name text, date_of_birth date, sex text,
                    nationality text, organisation_id uuid, email text,
                    medical_clearance_until date, phone text, identity_document_type text,
                    identity_document_number text, identity_key text)`,
  toRow: (t) => ({
    id: t.id,
    given_name: t.givenName,
    family_name: t.familyName,
    date_of_birth: t.dateOfBirth,
    sex: t.sex,
    nationality: t.nationality,
    organisation_id: t.organisationId,
    email: t.email,
    medical_clearance_until: t.medicalClearanceUntil,
    phone: t.phone,
    identity_document_type: t.identityDocumentType,
    identity_document_number: t.identityDocumentNumber,
    identity_key: t.identityKey,
  }),
  // Audit data: the document number masked, as for a trainee created through the API.
  describe: (t) => TraineeDto.from(t as Trainee, null, 'masked'),
};

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

/**
 * The identity document of a row, normalised as the API normalises it: null when the row has
 * none, false when it has a problem (added to `problems`).
 */
function documentCells(
  record: CsvRecord,
  header: HeaderMap,
  problems: Problems,
): { type: IdentityDocumentType; number: string } | null | false {
  const type = header.cell(record, 'identityDocumentType')?.toLowerCase();
  const raw = header.cell(record, 'identityDocumentNumber');
  if (type === undefined && raw === undefined) return null;
  let ok = true;
  if (type === undefined || !(IDENTITY_DOCUMENT_TYPES as readonly string[]).includes(type)) {
    problems.add(
      record.line,
      header.column('identityDocumentType'),
      `identityDocumentType must be one of: ${IDENTITY_DOCUMENT_TYPES.join(', ')}`,
    );
    ok = false;
  }
  const number = raw === undefined ? undefined : normaliseDocumentNumber(raw);
  if (!isDocumentNumber(number)) {
    problems.add(
      record.line,
      header.column('identityDocumentNumber'),
      'identityDocumentNumber must be 5 to 30 letters and digits (spaces and hyphens are ignored)',
    );
    ok = false;
  }
  return ok ? { type: type as IdentityDocumentType, number: number as string } : false;
}

/** The rows among `creates` whose card a trainee in the database already holds. */
async function takenDocuments(tx: EntityManager, creates: NewTrainee[]): Promise<Set<number>> {
  const withDocument = creates.filter((c) => c.fields.identityDocumentNumber !== null);
  const taken = new Set<number>();
  for (let start = 0; start < withDocument.length; start += 10_000) {
    const slice = withDocument.slice(start, start + 10_000);
    const rows = (await tx.query(
      `SELECT identity_document_type AS type, identity_document_number AS number
         FROM trainees
        WHERE identity_document_number = ANY($1::text[])`,
      [slice.map((c) => c.fields.identityDocumentNumber)],
    )) as { type: string; number: string }[];
    const held = new Set(rows.map((r) => `${r.type}|${r.number}`));
    for (const c of slice) {
      if (held.has(`${c.fields.identityDocumentType}|${c.fields.identityDocumentNumber}`)) {
        taken.add(c.row);
      }
    }
  }
  return taken;
}
