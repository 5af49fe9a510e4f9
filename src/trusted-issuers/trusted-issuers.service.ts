import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, type EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { badRequest, conflict, notFound, ruleViolation } from '../common/errors.js';
import { keysetPage, type Page } from '../common/pagination.js';
import { isUniqueViolation } from '../common/database-errors.js';
import { FetchFailed, limitedFetch } from '../credentials/vc-api/limited-fetch.js';
import {
  CreateTrustedIssuerDto,
  ListTrustedIssuersQueryDto,
  TrustedIssuerDto,
  UpdateTrustedIssuerDto,
} from './dto/trusted-issuer.dto.js';
import { TrustedIssuer, type StoredJwks } from './trusted-issuer.entity.js';

const JWKS_MAX_BYTES = 256 * 1024;
const MAX_KEYS = 50;

/** The list of other centres whose credentials the Center accepts, and lookups for verifiers. */
@Injectable()
export class TrustedIssuersService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  async create(actor: Actor, input: CreateTrustedIssuerDto): Promise<TrustedIssuerDto> {
    const keys = await this.keysOf(input, { did: null, jwksUrl: null, jwks: null });
    return this.saving(() =>
      this.dataSource.transaction(async (tx) => {
        const issuer = await tx.save(
          tx.create(TrustedIssuer, {
            name: input.name,
            country: input.country,
            ...keys,
            statusListHosts: unique(input.statusListHosts ?? []),
          }),
        );
        const dto = TrustedIssuerDto.from(issuer);
        await this.audit.record(tx, actor, {
          action: 'trusted_issuer.created',
          entityType: 'trusted_issuer',
          entityId: issuer.id,
          data: { after: dto },
        });
        return dto;
      }),
    );
  }

  async list(query: ListTrustedIssuersQueryDto): Promise<Page<TrustedIssuerDto>> {
    const qb = this.dataSource.getRepository(TrustedIssuer).createQueryBuilder('i');
    return keysetPage(qb, {
      alias: 'i',
      sortColumn: 'name',
      sortValue: (i) => i.name,
      query,
      map: TrustedIssuerDto.from,
    });
  }

  async get(id: string): Promise<TrustedIssuerDto> {
    const issuer = await this.dataSource.getRepository(TrustedIssuer).findOneBy({ id });
    if (!issuer) throw notFound('Trusted issuer');
    return TrustedIssuerDto.from(issuer);
  }

  async update(actor: Actor, id: string, input: UpdateTrustedIssuerDto): Promise<TrustedIssuerDto> {
    const { version, fetchJwks, ...changes } = input;
    if (Object.values(changes).every((v) => v === undefined) && !fetchJwks) {
      throw badRequest(
        'VALIDATION_FAILED',
        'Nothing to change: give name, country, did, jwksUrl, jwks, fetchJwks or statusListHosts',
        { fields: [] },
      );
    }
    const current = await this.dataSource.getRepository(TrustedIssuer).findOneBy({ id });
    if (!current) throw notFound('Trusted issuer');
    // Fetched outside the transaction: a slow issuer never holds a row lock.
    const keys = await this.keysOf(input, current);
    return this.saving(() =>
      this.dataSource.transaction(async (tx) => {
        const issuer = await tx.findOne(TrustedIssuer, {
          where: { id },
          lock: { mode: 'pessimistic_write' },
        });
        if (!issuer) throw notFound('Trusted issuer');
        if (version !== undefined && version !== issuer.version) {
          throw conflict('STALE_VERSION', 'The trusted issuer was changed since you read it', {
            currentVersion: issuer.version,
          });
        }
        const before = TrustedIssuerDto.from(issuer);
        if (changes.name !== undefined) issuer.name = changes.name;
        if (changes.country !== undefined) issuer.country = changes.country;
        if (changes.statusListHosts !== undefined)
          issuer.statusListHosts = unique(changes.statusListHosts);
        Object.assign(issuer, keys);
        if (JSON.stringify(TrustedIssuerDto.from(issuer)) === JSON.stringify(before)) return before;
        await tx.save(issuer);
        const after = TrustedIssuerDto.from(issuer);
        await this.audit.record(tx, actor, {
          action: 'trusted_issuer.updated',
          entityType: 'trusted_issuer',
          entityId: id,
          data: { before, after },
        });
        return after;
      }),
    );
  }

  /**
   * Takes the issuer off the list. Its recognitions stay on record (with the issuer's name) and
   * end at their next status check: nothing the Center no longer trusts keeps counting.
   */
  async remove(actor: Actor, id: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const issuer = await tx.findOne(TrustedIssuer, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!issuer) throw notFound('Trusted issuer');
      const before = TrustedIssuerDto.from(issuer);
      await tx.delete(TrustedIssuer, { id });
      await this.audit.record(tx, actor, {
        action: 'trusted_issuer.removed',
        entityType: 'trusted_issuer',
        entityId: id,
        data: { before },
      });
    });
  }

  /** The trusted issuer whose did:key this is, or null. */
  findByDid(did: string, manager: EntityManager = this.dataSource.manager) {
    return manager.findOne(TrustedIssuer, { where: { did } });
  }

  /** Trusted issuers whose stored JWKS holds a key with this `kid`. */
  async findByKid(kid: string, manager: EntityManager = this.dataSource.manager) {
    return manager
      .getRepository(TrustedIssuer)
      .createQueryBuilder('i')
      .where(`i.jwks -> 'keys' @> :probe::jsonb`, { probe: JSON.stringify([{ kid }]) })
      .getMany();
  }

  findById(id: string, manager: EntityManager = this.dataSource.manager) {
    return manager.findOne(TrustedIssuer, { where: { id } });
  }

  /**
   * The identity and keys after this change: a did:key, or a JWKS given in the body or fetched
   * now from jwksUrl, and at least one of them.
   */
  private async keysOf(
    input: CreateTrustedIssuerDto | UpdateTrustedIssuerDto,
    current: Pick<TrustedIssuer, 'did' | 'jwksUrl' | 'jwks'>,
  ): Promise<Pick<TrustedIssuer, 'did' | 'jwksUrl' | 'jwks'>> {
    const did = input.did === undefined ? current.did : input.did;
    const jwksUrl = input.jwksUrl === undefined ? current.jwksUrl : input.jwksUrl;
    let jwks = input.jwks === undefined ? current.jwks : input.jwks;
    if (input.jwks !== undefined && input.jwks !== null) jwks = checkedJwks(input.jwks);
    if (input.fetchJwks) {
      if (!jwksUrl) throw invalid('fetchJwks', 'fetchJwks needs a jwksUrl');
      if (input.jwks) throw invalid('jwks', 'give jwks or fetchJwks, not both');
      jwks = await fetchJwks(jwksUrl);
    }
    if (jwksUrl && !jwks)
      throw invalid(
        'jwks',
        'a jwksUrl needs its keys: give jwks, or fetchJwks: true to fetch them once now',
      );
    if (!did && !jwks) throw invalid('did', 'give a did (did:key) or a jwksUrl with its keys');
    return { did: did ?? null, jwksUrl: jwksUrl ?? null, jwks: jwks ?? null };
  }

  private async saving<T>(work: () => Promise<T>): Promise<T> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'trusted_issuers_did_key'))
        throw conflict('TRUSTED_ISSUER_EXISTS', 'An issuer with this did is already trusted');
      throw error;
    }
  }
}

function unique(hosts: string[]): string[] {
  return [...new Set(hosts)];
}

function invalid(field: string, message: string) {
  return badRequest('VALIDATION_FAILED', message, { fields: [{ field, messages: [message] }] });
}

/** Ed25519 public keys with a kid, nothing else (a private part is refused, never stored). */
function checkedJwks(value: unknown): StoredJwks {
  const keys = (value as { keys?: unknown }).keys;
  if (!Array.isArray(keys) || keys.length === 0 || keys.length > MAX_KEYS)
    throw invalid('jwks', `jwks.keys must list 1 to ${MAX_KEYS} keys`);
  return {
    keys: keys.map((key: unknown, i) => {
      const k = key as Record<string, unknown>;
      if (
        !k ||
        typeof k !== 'object' ||
        k.kty !== 'OKP' ||
        k.crv !== 'Ed25519' ||
        typeof k.x !== 'string' ||
        !/^[A-Za-z0-9_-]{43}$/.test(k.x) ||
        typeof k.kid !== 'string' ||
        k.kid.length === 0 ||
        k.kid.length > 500
      )
        throw invalid(
          'jwks',
          `jwks.keys[${i}] must be an Ed25519 public key (OKP, Ed25519, x) with a kid`,
        );
      if ('d' in k)
        throw invalid('jwks', `jwks.keys[${i}] holds a private key: give the public key only`);
      return { kty: 'OKP', crv: 'Ed25519', x: k.x, kid: k.kid };
    }),
  };
}

async function fetchJwks(url: string): Promise<StoredJwks> {
  let body: string;
  try {
    ({ body } = await limitedFetch(url, {
      maxBytes: JWKS_MAX_BYTES,
      accept: 'application/jwk-set+json, application/json',
    }));
  } catch (error) {
    if (error instanceof FetchFailed)
      throw ruleViolation('JWKS_UNAVAILABLE', `The JWKS could not be fetched: ${error.message}`, {
        reason: error.reason,
      });
    throw error;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body);
  } catch {
    throw ruleViolation('JWKS_UNAVAILABLE', 'The JWKS address did not answer JSON', {
      reason: 'not_json',
    });
  }
  // Only Ed25519 keys can sign credentials we verify; others in the set are left out.
  const keys = (parsed as { keys?: unknown }).keys;
  const ed25519 = Array.isArray(keys)
    ? keys.filter((k: unknown) => (k as { crv?: unknown })?.crv === 'Ed25519')
    : [];
  if (ed25519.length === 0)
    throw ruleViolation('JWKS_UNAVAILABLE', 'The JWKS holds no Ed25519 key', { reason: 'no_keys' });
  return checkedJwks({ keys: ed25519 });
}
