import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { In, type EntityManager } from 'typeorm';
import { recordMany } from '../audit/audit-bulk.js';
import { effectiveStatus, type StatusReason } from '../certifications/certificate-status.js';
import type { StoredCertificateStatus } from '../certifications/certificate.entity.js';
import type { Actor } from '../common/actor.js';
import { addMonths, today } from '../common/calendar.js';
import { AppConfig } from '../config/app-config.js';
import { Course } from '../courses/course.entity.js';
import { buildCredential } from '../credentials/credential-builder.js';
import { CredentialsService } from '../credentials/credentials.service.js';
import { SigningKeysService } from '../credentials/signing-keys.service.js';
import { StatusListsService } from '../credentials/status-lists.service.js';
import { signCredentialJwt } from '../credentials/vc-jwt.js';
import { identityKey } from '../trainees/identity-key.js';
import { dateCell, type ColumnSet, type HeaderMap } from './columns.js';
import type { CsvRecord } from './csv-reader.js';
import type { ImportProblem } from './import-report.js';
import { WritePipeline, type Importer, type ImportPlan, type Progress } from './importer.js';
import { LegacyCertificateRow } from './legacy-certificate-row.js';
import { breathe, validateRow, type Problems } from './row-checks.js';

export interface NewLegacyCertificate {
  row: number;
  serial: string;
  traineeId: string;
  holderName: string;
  holderEmail: string | null;
  course: Course;
  issuedOn: string;
  validUntil: string | null;
  status: Exclude<StoredCertificateStatus, 'superseded'>;
  statusReason: StatusReason | null;
  statusNote: string | null;
}

const HOLDER_KEY = ['givenName', 'familyName', 'dateOfBirth', 'nationality'] as const;

export const CERTIFICATE_COLUMNS: ColumnSet = {
  columns: [
    { field: 'serial', aliases: ['serialNumber', 'certificateNumber'], required: true },
    { field: 'traineeId' },
    { field: 'givenName', aliases: ['firstName'] },
    { field: 'familyName', aliases: ['lastName', 'surname'] },
    { field: 'dateOfBirth', aliases: ['birthDate'] },
    { field: 'nationality' },
    { field: 'courseCode', aliases: ['course'], required: true },
    { field: 'issuedOn', aliases: ['issueDate', 'issuedDate'], required: true },
    { field: 'validUntil', aliases: ['expiryDate', 'expiresOn'] },
    { field: 'status' },
    { field: 'statusReason' },
    { field: 'statusNote' },
  ],
  ignored: [
    'id',
    'courseId',
    'courseTitle',
    'sessionId',
    'enrolmentId',
    'issuedBy',
    'issuedAt',
    'supersededById',
    'imported',
    'verificationUrl',
  ],
};

/** Rows signed and inserted per round: one status-list allocation, one INSERT. */
const SIGN_CHUNK = 2_000;

/**
 * Certificates issued before this system, with their original serials and dates. Each is
 * signed now as a vc+jwt with a place in the status lists, so it verifies like any other
 * (its Data Integrity form is made on first request, as for every certificate).
 * They are marked imported, have no session, enrolment or issuing instructor, and supersede
 * nothing: the holder's history before this system is not known well enough to rewrite.
 */
@Injectable()
export class LegacyCertificateImporter implements Importer<NewLegacyCertificate> {
  readonly columns = CERTIFICATE_COLUMNS;

  constructor(
    private readonly config: AppConfig,
    private readonly credentials: CredentialsService,
    private readonly keys: SigningKeysService,
    private readonly statusLists: StatusListsService,
  ) {}

  checkHeader(header: HeaderMap, line: number): ImportProblem[] {
    if (header.has('traineeId') || HOLDER_KEY.every((f) => header.has(f))) return [];
    return [
      {
        row: line,
        column: 'traineeId',
        message: `Missing column: name the holder by traineeId, or by ${HOLDER_KEY.join(', ')}`,
      },
    ];
  }

  async plan(
    tx: EntityManager,
    records: CsvRecord[],
    header: HeaderMap,
    problems: Problems,
    progress: Progress,
  ): Promise<ImportPlan<NewLegacyCertificate>> {
    const todayHere = today(this.config.timeZone);
    const rows: { line: number; dto: LegacyCertificateRow; holderKey: string | null }[] = [];
    const firstRowOf = new Map<string, number>();
    // Without a traineeId, the holder's natural key; a file without those columns needs the id.
    const holderColumns = HOLDER_KEY.every((f) => header.has(f)) ? HOLDER_KEY : ['traineeId'];
    for (const [i, record] of records.entries()) {
      await breathe(i);
      if (i % 1_000 === 0) progress('checking', i, records.length);
      const overflow = header.overflow(record);
      if (overflow) {
        problems.add(overflow.row, overflow.column, overflow.message);
        continue;
      }
      const byId = header.cell(record, 'traineeId') !== undefined;
      const dto = validateRow(
        LegacyCertificateRow,
        {
          serial: header.cell(record, 'serial'),
          traineeId: header.cell(record, 'traineeId'),
          givenName: header.cell(record, 'givenName'),
          familyName: header.cell(record, 'familyName'),
          dateOfBirth: dateCell(header.cell(record, 'dateOfBirth')),
          nationality: header.cell(record, 'nationality'),
          courseCode: header.cell(record, 'courseCode'),
          issuedOn: dateCell(header.cell(record, 'issuedOn')),
          validUntil: dateCell(header.cell(record, 'validUntil')),
          status: header.cell(record, 'status')?.toLowerCase(),
          statusReason: header.cell(record, 'statusReason')?.toLowerCase(),
          statusNote: header.cell(record, 'statusNote'),
        },
        {
          row: record.line,
          problems,
          required: ['serial', 'courseCode', 'issuedOn', ...(byId ? [] : holderColumns)],
          column: (f) => header.column(f),
        },
      );
      if (!dto) continue;
      const column = (field: string) => header.column(field);
      if (dto.issuedOn > todayHere) {
        problems.add(record.line, column('issuedOn'), 'issuedOn must not be in the future');
      }
      if (dto.validUntil !== undefined && dto.validUntil < dto.issuedOn) {
        problems.add(record.line, column('validUntil'), 'validUntil must not be before issuedOn');
      }
      const status = dto.status ?? 'active';
      if ((status === 'suspended' || status === 'revoked') && !dto.statusReason) {
        problems.add(
          record.line,
          column('statusReason'),
          `A ${status} certificate needs a statusReason`,
        );
      }
      const first = firstRowOf.get(dto.serial);
      if (first !== undefined) {
        problems.add(record.line, column('serial'), `The serial is already used on row ${first}`);
      }
      if (problems.isInvalid(record.line)) continue;
      firstRowOf.set(dto.serial, record.line);
      const holderKey = byId
        ? null
        : identityKey({
            givenName: dto.givenName!,
            familyName: dto.familyName!,
            dateOfBirth: dto.dateOfBirth!,
            nationality: dto.nationality!,
          });
      rows.push({ line: record.line, dto, holderKey });
    }
    progress('checking', records.length, records.length);
    return this.resolve(tx, rows, header, problems, todayHere);
  }

  /** Courses, holders and existing serials for the whole file, in a handful of queries. */
  private async resolve(
    tx: EntityManager,
    rows: { line: number; dto: LegacyCertificateRow; holderKey: string | null }[],
    header: HeaderMap,
    problems: Problems,
    todayHere: string,
  ): Promise<ImportPlan<NewLegacyCertificate>> {
    const courses = new Map(
      (
        await tx.find(Course, {
          where: { code: In([...new Set(rows.map((r) => r.dto.courseCode))]) },
        })
      ).map((c) => [c.code, c]),
    );
    const holders = (await tx.query(
      `SELECT id, given_name, family_name, email, identity_key FROM trainees
        WHERE id = ANY($1::uuid[]) OR identity_key = ANY($2::text[])`,
      [
        rows.flatMap((r) => (r.dto.traineeId ? [r.dto.traineeId] : [])),
        rows.flatMap((r) => (r.holderKey ? [r.holderKey] : [])),
      ],
    )) as {
      id: string;
      given_name: string;
      family_name: string;
      email: string | null;
      identity_key: string;
    }[];
    const holderById = new Map(holders.map((h) => [h.id, h]));
    const holderByKey = new Map(holders.map((h) => [h.identity_key, h]));
    const existing = new Map(
      (
        (await tx.query(
          'SELECT serial, trainee_id, course_id FROM certificates WHERE serial = ANY($1::text[])',
          [rows.map((r) => r.dto.serial)],
        )) as { serial: string; trainee_id: string; course_id: string }[]
      ).map((c) => [c.serial, c]),
    );

    const creates: NewLegacyCertificate[] = [];
    let unchanged = 0;
    for (const { line, dto, holderKey } of rows) {
      const course = courses.get(dto.courseCode);
      const holder = dto.traineeId ? holderById.get(dto.traineeId) : holderByKey.get(holderKey!);
      if (!course) {
        problems.add(line, header.column('courseCode'), `No course has the code ${dto.courseCode}`);
      }
      if (!holder) {
        problems.add(
          line,
          header.column(dto.traineeId ? 'traineeId' : 'givenName'),
          dto.traineeId
            ? 'No trainee has this id'
            : 'No trainee has these names, date of birth and nationality: import the trainees first',
        );
      }
      if (!course || !holder) continue;
      const same = existing.get(dto.serial);
      if (same) {
        if (same.trainee_id === holder.id && same.course_id === course.id) unchanged += 1;
        else
          problems.add(
            line,
            header.column('serial'),
            'This serial belongs to another certificate (a different holder or course)',
          );
        continue;
      }
      const validUntil =
        dto.validUntil ??
        (course.validityMonths === null ? null : addMonths(dto.issuedOn, course.validityMonths));
      const status = dto.status ?? 'active';
      if (status === 'superseded') {
        problems.add(
          line,
          header.column('status'),
          'A superseded certificate cannot be imported on its own: import it as active or expired',
        );
        continue;
      }
      // Expired by the rule of certificate-status.ts: an active certificate past its last day.
      const lapsed = effectiveStatus({ status: 'active', validUntil }, todayHere) === 'expired';
      if (status === 'expired' && !lapsed) {
        problems.add(
          line,
          header.column('status'),
          'expired, but validUntil is not in the past: give the date it expired',
        );
        continue;
      }
      creates.push({
        row: line,
        serial: dto.serial,
        traineeId: holder.id,
        holderName: `${holder.given_name} ${holder.family_name}`,
        holderEmail: holder.email,
        course,
        issuedOn: dto.issuedOn,
        validUntil,
        // Expiry follows from the date; only the other statuses are stored.
        status: status === 'expired' ? 'active' : status,
        statusReason: dto.statusReason ?? null,
        statusNote: dto.statusNote ?? null,
      });
    }
    return { creates, unchanged };
  }

  async write(
    tx: EntityManager,
    actor: Actor,
    creates: NewLegacyCertificate[],
    progress: Progress,
  ): Promise<void> {
    const key = await this.keys.activeKey();
    const issuer = this.credentials.issuer();
    const now = new Date();
    const audit: Parameters<typeof recordMany>[2] = [];
    const writes = new WritePipeline();
    for (let start = 0; start < creates.length; start += SIGN_CHUNK) {
      const chunk = creates.slice(start, start + SIGN_CHUNK);
      const positions = await this.statusLists.allocate(tx, chunk.length);
      const rows = await Promise.all(
        chunk.map(async (c, i) => {
          // Noon UTC is the same calendar day nearly everywhere, as for back-dated issuance.
          const issuedAt = new Date(`${c.issuedOn}T12:00:00Z`);
          const credential = buildCredential(this.config.publicBaseUrl, issuer, {
            serial: c.serial,
            holderName: c.holderName,
            holderEmail: c.holderEmail,
            course: c.course,
            issuedAt,
            validUntil: c.validUntil,
            status: positions[i],
          });
          return {
            ...c,
            id: randomUUID(),
            issuedAt,
            position: positions[i],
            jwt: await signCredentialJwt(credential, key),
          };
        }),
      );
      const records = rows.map((r) => ({
        id: r.id,
        serial: r.serial,
        trainee_id: r.traineeId,
        course_id: r.course.id,
        issued_at: r.issuedAt,
        valid_until: r.validUntil,
        status: r.status,
        status_reason: r.statusReason,
        status_note: r.statusNote,
        changed: r.status !== 'active',
        list_number: r.position.listNumber,
        list_index: r.position.index,
        jwt: r.jwt,
      }));
      await writes.send(() =>
        tx.query(
          `INSERT INTO certificates
           (id, serial, trainee_id, course_id, issued_at, valid_until, status, status_reason,
            status_note, status_changed_at, status_changed_by, imported, status_list_number,
            status_list_index, credential_jwt, created_at, updated_at, version)
         SELECT c.id, c.serial, c.trainee_id, c.course_id, c.issued_at, c.valid_until, c.status,
                c.status_reason, c.status_note, CASE WHEN c.changed THEN $2::timestamptz END,
                CASE WHEN c.changed THEN $3::uuid END, true, c.list_number, c.list_index,
                c.jwt, $2::timestamptz, $2::timestamptz, 1
           FROM json_to_recordset($1::json)
                AS c(id uuid, serial text, trainee_id uuid, course_id uuid,
                     issued_at timestamptz, valid_until date, status text, status_reason text,
                     status_note text, changed boolean, list_number int, list_index int,
                     jwt text)`,
          [JSON.stringify(records), now, actor.userId],
        ),
      );
      for (const r of rows) {
        audit.push({
          action: 'certificate.imported',
          entityType: 'certificate',
          entityId: r.id,
          reason: r.statusReason,
          note: r.statusNote,
          data: {
            source: 'import',
            row: r.row,
            after: {
              serial: r.serial,
              traineeId: r.traineeId,
              courseId: r.course.id,
              issuedAt: r.issuedAt.toISOString(),
              validUntil: r.validUntil,
              status: r.status,
              statusListNumber: r.position.listNumber,
              statusListIndex: r.position.index,
            },
          },
        });
      }
      progress('writing', Math.min(start + SIGN_CHUNK, creates.length), creates.length);
    }
    await writes.drain();
    await recordMany(tx, actor, audit, (n) => progress('auditing', n, audit.length));
  }
}
