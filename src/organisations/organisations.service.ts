import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict, notFound } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import {
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  OrganisationDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto.js';
import { Organisation } from './organisation.entity.js';

const escapeLike = (text: string) => text.replace(/[\\%_]/g, (c) => `\\${c}`);

@Injectable()
export class OrganisationsService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: CreateOrganisationDto): Promise<OrganisationDto> {
    return this.dataSource.transaction(async (tx) => {
      const organisation = await tx.save(
        tx.create(Organisation, {
          name: input.name,
          country: input.country,
          type: input.type,
          contactEmail: input.contactEmail ?? null,
        }),
      );
      const dto = OrganisationDto.from(organisation);
      await this.audit.record(tx, actor, {
        action: 'organisation.created',
        entityType: 'organisation',
        entityId: organisation.id,
        data: { after: dto },
      });
      return dto;
    });
  }

  async list(query: ListOrganisationsQueryDto): Promise<Page<OrganisationDto>> {
    const qb = this.dataSource.getRepository(Organisation).createQueryBuilder('o');
    if (query.country) qb.andWhere('o.country = :country', { country: query.country });
    if (query.type) qb.andWhere('o.type = :type', { type: query.type });
    if (query.q) {
      qb.andWhere("o.name ILIKE :q ESCAPE '\\'", { q: `%${escapeLike(query.q.trim())}%` });
    }
    return keysetPage(qb, {
      alias: 'o',
      sortColumn: 'name',
      sortValue: (o) => o.name,
      query,
      map: OrganisationDto.from,
    });
  }

  async get(id: string): Promise<OrganisationDto> {
    const organisation = await this.dataSource.getRepository(Organisation).findOneBy({ id });
    if (!organisation) throw notFound('Organisation');
    return OrganisationDto.from(organisation);
  }

  async update(actor: Actor, id: string, input: UpdateOrganisationDto): Promise<OrganisationDto> {
    const { version, ...changes } = input;
    if (Object.values(changes).every((v) => v === undefined)) {
      throw badRequest(
        'VALIDATION_FAILED',
        'Nothing to change: give name, country, type or contactEmail',
        {
          fields: [],
        },
      );
    }
    return this.dataSource.transaction(async (tx) => {
      const organisation = await tx.findOne(Organisation, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!organisation) throw notFound('Organisation');
      if (version !== undefined && version !== organisation.version) {
        throw conflict('STALE_VERSION', 'The organisation was changed since you read it', {
          currentVersion: organisation.version,
        });
      }
      const before = OrganisationDto.from(organisation);
      if (changes.name !== undefined) organisation.name = changes.name;
      if (changes.country !== undefined) organisation.country = changes.country;
      if (changes.type !== undefined) organisation.type = changes.type;
      if (changes.contactEmail !== undefined) organisation.contactEmail = changes.contactEmail;
      const unchanged =
        organisation.name === before.name &&
        organisation.country === before.country &&
        organisation.type === before.type &&
        organisation.contactEmail === before.contactEmail;
      if (unchanged) return before;
      await tx.save(organisation);
      const after = OrganisationDto.from(organisation);
      await this.audit.record(tx, actor, {
        action: 'organisation.updated',
        entityType: 'organisation',
        entityId: id,
        data: { before, after },
      });
      return after;
    });
  }

  /** For modules that link people to an organisation (trainees, instructors). */
  exists(manager: EntityManager, id: string): Promise<boolean> {
    return manager.exists(Organisation, { where: { id } });
  }
}
