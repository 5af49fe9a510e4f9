import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { assertMayReach, organisationForTrainee, traineeScope } from '../access/record-access.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { isUniqueViolation, pgConstraint, pgErrorCode } from '../common/database-errors.js';
import { badRequest, conflict, notFound, referenceNotFound } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { AppConfig } from '../config/app-config.js';
import { Organisation } from '../organisations/organisation.entity.js';
import {
  CreateTraineeDto,
  ListTraineesQueryDto,
  TraineeDto,
  UpdateTraineeDto,
} from './dto/trainee.dto.js';
import {
  documentColumns,
  documentSearch,
  IdentityDocuments,
  type DocumentColumns,
} from './document-uniqueness.js';
import { foldName, identityKey } from './identity-key.js';
import { Trainee } from './trainee.entity.js';

const EDITABLE = [
  'givenName',
  'familyName',
  'dateOfBirth',
  'sex',
  'nationality',
  'organisationId',
  'email',
  'medicalClearanceUntil',
  'phone',
] as const satisfies readonly (keyof UpdateTraineeDto & keyof Trainee)[];

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class TraineesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
  ) {}

  async create(actor: Actor, input: CreateTraineeDto): Promise<TraineeDto> {
    // A coordinator registers into their own organisation (forced when not given).
    input = {
      ...input,
      organisationId: organisationForTrainee(actor, 'trainees.manage', input.organisationId, true),
    };
    this.assertBornInThePast(input.dateOfBirth);
    const fields = {
      givenName: input.givenName,
      familyName: input.familyName,
      dateOfBirth: input.dateOfBirth,
      sex: input.sex,
      nationality: input.nationality,
      organisationId: input.organisationId ?? null,
      email: input.email ?? null,
      medicalClearanceUntil: input.medicalClearanceUntil ?? null,
      phone: input.phone ?? null,
      ...documentColumns(input.identityDocument ?? null),
    };
    const key = identityKey(fields);
    return this.refusingDuplicates(
      () => key,
      () => fields,
      () =>
        this.dataSource.transaction(async (tx) => {
          await this.assertNoDuplicate(tx, key, null);
          await IdentityDocuments.assertFree(tx, fields, null);
          await this.assertOrganisationExists(tx, fields.organisationId);
          const trainee = tx.create(Trainee, { ...fields, identityKey: key });
          await tx.save(trainee);
          await this.audit.record(tx, actor, {
            action: 'trainee.created',
            entityType: 'trainee',
            entityId: trainee.id,
            // The audit trail is read widely and kept for ever: the document number masked.
            data: { after: TraineeDto.from(trainee, null, 'masked') },
          });
          return TraineeDto.from(trainee, null, 'whole');
        }),
    );
  }

  async list(actor: Actor, query: ListTraineesQueryDto): Promise<Page<TraineeDto>> {
    const qb = this.dataSource.getRepository(Trainee).createQueryBuilder('t');
    // A coordinator's list holds their organisation's people whatever the filters say.
    const scope = traineeScope(actor, 'trainees.list', 't');
    if (scope) qb.andWhere(scope.sql, scope.params);
    if (query.organisationId) {
      qb.andWhere('t.organisationId = :organisationId', { organisationId: query.organisationId });
    }
    if (query.nationality) {
      qb.andWhere('t.nationality = :nationality', { nationality: query.nationality });
    }
    if (query.q) {
      // A whole document number (normalised) also finds its holder; see document-uniqueness.ts.
      const byDocument = documentSearch(query.q);
      // The identity key holds the names folded, so "aliyev" also finds "Əliyev".
      const given = "split_part(t.identityKey, '|', 1)";
      const family = "split_part(t.identityKey, '|', 2)";
      qb.andWhere(
        `((${given} || ' ' || ${family}) LIKE :folded ESCAPE '\\'
          OR (${family} || ' ' || ${given}) LIKE :folded ESCAPE '\\'
          OR (t.givenName || ' ' || t.familyName) ILIKE :raw ESCAPE '\\'
          OR (t.familyName || ' ' || t.givenName) ILIKE :raw ESCAPE '\\'
          ${byDocument ? 'OR t.identityDocumentNumber = :documentNumber' : ''})`,
        {
          folded: `%${escapeLike(foldName(query.q))}%`,
          raw: `%${escapeLike(query.q)}%`,
          ...(byDocument ? { documentNumber: byDocument } : {}),
        },
      );
    }
    const page = await keysetPage(qb, {
      alias: 't',
      sortColumn: 'createdAt',
      sortValue: (t) => t.createdAt,
      query,
      map: (t) => t,
    });
    const accounts = await this.accountsOf(
      this.dataSource.manager,
      page.items.map((t) => t.id),
    );
    return {
      items: page.items.map((t) => TraineeDto.from(t, accounts.get(t.id) ?? null)),
      nextCursor: page.nextCursor,
    };
  }

  async get(actor: Actor, id: string): Promise<TraineeDto> {
    return this.readInto(this.dataSource.manager, actor, id);
  }

  /** Checks access, then reads the trainee with the given manager (e.g. a snapshot). */
  async readInto(manager: EntityManager, actor: Actor, id: string): Promise<TraineeDto> {
    await this.assertCanRead(manager, actor, id);
    const trainee = await manager.findOneBy(Trainee, { id });
    if (!trainee) throw notFound('Trainee');
    return TraineeDto.from(trainee, await this.accountOf(manager, id), 'whole');
  }

  async update(actor: Actor, id: string, input: UpdateTraineeDto): Promise<TraineeDto> {
    await this.assertMayManage(actor, id, input.organisationId);
    if (
      EDITABLE.every((field) => input[field] === undefined) &&
      input.identityDocument === undefined
    ) {
      throw badRequest(
        'VALIDATION_FAILED',
        `Nothing to change: give one of ${[...EDITABLE, 'identityDocument'].join(', ')}`,
        {
          fields: [],
        },
      );
    }
    if (input.dateOfBirth !== undefined) this.assertBornInThePast(input.dateOfBirth);
    let key = '';
    let stored: Trainee | null = null;
    return this.refusingDuplicates(
      () => key,
      () => stored ?? documentColumns(null),
      () =>
        this.dataSource.transaction(async (tx) => {
          const trainee = await tx.findOne(Trainee, {
            where: { id },
            lock: { mode: 'pessimistic_write' },
          });
          if (!trainee) throw notFound('Trainee');
          stored = trainee;
          if (input.version !== undefined && input.version !== trainee.version) {
            throw conflict('STALE_VERSION', 'The trainee was changed since you read it', {
              currentVersion: trainee.version,
            });
          }
          const userId = await this.accountOf(tx, id);
          const before = TraineeDto.from(trainee, userId, 'masked');
          const changed: string[] = EDITABLE.filter(
            (field) => input[field] !== undefined && input[field] !== trainee[field],
          );
          const document =
            input.identityDocument === undefined
              ? null
              : IdentityDocuments.changeOf(trainee, input.identityDocument);
          if (changed.length === 0 && !document) return TraineeDto.from(trainee, userId, 'whole');
          Object.assign(
            trainee,
            Object.fromEntries(
              EDITABLE.filter((f) => changed.includes(f)).map((f) => [f, input[f]]),
            ),
          );
          if (document) {
            Object.assign(trainee, document);
            await IdentityDocuments.assertFree(tx, trainee, id);
          }
          if (changed.includes('organisationId')) {
            await this.assertOrganisationExists(tx, trainee.organisationId);
          }
          key = identityKey(trainee);
          if (key !== trainee.identityKey) {
            await this.assertNoDuplicate(tx, key, id);
            trainee.identityKey = key;
          }
          await tx.save(trainee);
          await this.audit.record(tx, actor, {
            action: 'trainee.updated',
            entityType: 'trainee',
            entityId: id,
            data: { before, after: TraineeDto.from(trainee, userId, 'masked') },
          });
          return TraineeDto.from(trainee, userId, 'whole');
        }),
    );
  }

  /**
   * For other modules (enrolment, certification): the trainee, locked until the caller's
   * transaction ends, or null when there is none with this id.
   */
  async findForUpdate(tx: EntityManager, id: string): Promise<Trainee | null> {
    return tx.findOne(Trainee, { where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  /**
   * Who may read a trainee's record: admins and auditors, the trainee themself, and an
   * instructor teaching a session the trainee is (or was) in. Anyone else gets 403 whether or
   * not the id exists, so ids cannot be probed.
   */
  async assertCanRead(manager: EntityManager, actor: Actor, traineeId: string): Promise<void> {
    await assertMayReach(
      manager,
      actor,
      'trainees.read',
      { kind: 'trainee', traineeId },
      "You may not see this trainee's record",
      () => notFound('Trainee'),
    );
  }

  /**
   * Who may correct a trainee: admins anyone; a coordinator their organisation's people (another
   * organisation's answer 404, as an unknown id), who stay in it.
   */
  private async assertMayManage(
    actor: Actor,
    traineeId: string,
    organisationId: string | null | undefined,
  ): Promise<void> {
    await assertMayReach(
      this.dataSource.manager,
      actor,
      'trainees.manage',
      { kind: 'trainee', traineeId },
      'You may not change this trainee',
      () => notFound('Trainee'),
    );
    organisationForTrainee(actor, 'trainees.manage', organisationId, false);
  }

  private assertBornInThePast(dateOfBirth: string): void {
    if (dateOfBirth > today(this.config.timeZone)) {
      throw badRequest('VALIDATION_FAILED', 'dateOfBirth must not be in the future', {
        fields: [{ field: 'dateOfBirth', messages: ['dateOfBirth must not be in the future'] }],
      });
    }
  }

  private async assertNoDuplicate(tx: EntityManager, key: string, self: string | null) {
    const existing = await tx.findOne(Trainee, {
      where: { identityKey: key },
      select: { id: true },
    });
    if (existing && existing.id !== self) throw duplicateTrainee(existing.id);
  }

  private async assertOrganisationExists(tx: EntityManager, organisationId: string | null) {
    if (organisationId && !(await tx.exists(Organisation, { where: { id: organisationId } }))) {
      throw referenceNotFound('organisationId', 'The organisation');
    }
  }

  /**
   * The check before inserting cannot see a twin being created at the same moment; the unique
   * index does, and its violation is answered like the check's, naming the record that won.
   */
  private async refusingDuplicates<T>(
    key: () => string,
    document: () => DocumentColumns,
    work: () => Promise<T>,
  ): Promise<T> {
    try {
      return await work();
    } catch (error) {
      // Raised with the card's number in the driver's message: answered here, never logged.
      if (isUniqueViolation(error, IdentityDocuments.UNIQUE_INDEX)) {
        throw await IdentityDocuments.conflictAfterRace(this.dataSource.manager, document());
      }
      if (isUniqueViolation(error, 'trainees_identity_key')) {
        const existing = await this.dataSource
          .getRepository(Trainee)
          .findOne({ where: { identityKey: key() }, select: { id: true } });
        throw duplicateTrainee(existing?.id ?? null);
      }
      if (pgErrorCode(error) === '23503' && pgConstraint(error) === 'trainees_organisation_fk') {
        throw referenceNotFound('organisationId', 'The organisation');
      }
      throw error;
    }
  }

  private async accountOf(manager: EntityManager, traineeId: string): Promise<string | null> {
    return (await this.accountsOf(manager, [traineeId])).get(traineeId) ?? null;
  }

  /** The user account linked to each trainee (users.trainee_id), by trainee id. */
  private async accountsOf(manager: EntityManager, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const rows = (await manager.query(
      'SELECT id, trainee_id FROM users WHERE trainee_id = ANY($1::uuid[])',
      [ids],
    )) as { id: string; trainee_id: string }[];
    return new Map(rows.map((r) => [r.trainee_id, r.id]));
  }
}

const duplicateTrainee = (existingId: string | null) =>
  conflict(
    'DUPLICATE_TRAINEE',
    'A trainee with the same names, date of birth and nationality already exists',
    { existingId },
  );
