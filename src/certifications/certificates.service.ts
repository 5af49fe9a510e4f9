import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { reachOf } from '../access/access-policy.js';
import { assertMayReach, sessionRecordScope } from '../access/record-access.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { today } from '../common/calendar.js';
import { badRequest, conflict, forbidden, notFound } from '../common/errors.js';
import { invalidField } from '../common/validation.js';
import { decodeCursor, DEFAULT_PAGE_SIZE, encodeCursor, type Page } from '../common/pagination.js';
import { positional, runNamed } from '../database/named-statements.js';
import { AppConfig } from '../config/app-config.js';
import { CertificateMail } from './certificate-mail.js';
import {
  CERTIFICATE_LIST_COLUMNS,
  toCertificateDto,
  withQrUrl,
  type CertificateListRow,
} from './certificate-mapper.js';
import { QrTokensService } from '../credentials/qr-token.js';
import { normaliseSerial } from './serial.js';
import {
  currentOnSql,
  effectiveStatus,
  expiredOnSql,
  LIFECYCLE_PAST_TENSE,
  lifecycleDecision,
  reasonRequiresNote,
  type LifecycleAction,
} from './certificate-status.js';
import { Certificate, type CertificateStatus } from './certificate.entity.js';
import type {
  CertificateDetailDto,
  CertificateDto,
  ListCertificatesQueryDto,
  StatusChangeDto,
} from './dto/certificate.dto.js';

/** Reading certificates and changing their status (suspend, reinstate, revoke). */
@Injectable()
export class CertificatesService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
    private readonly config: AppConfig,
    private readonly mail: CertificateMail,
    private readonly qrTokens: QrTokensService,
  ) {}

  private dtoCtx(actor: Actor) {
    return { baseUrl: this.config.publicBaseUrl, timeZone: this.config.timeZone, actor };
  }

  /**
   * A page of certificates, newest first (keyset on issued_at, id). Raw SQL as a named
   * statement, mapped straight to the answer: TypeORM's query builder and entity hydration
   * were most of a page's cost (bench/README.md); the conditions are the same rules'.
   */
  async list(actor: Actor, query: ListCertificatesQueryDto): Promise<Page<CertificateDto>> {
    const where: string[] = [];
    const values: unknown[] = [];
    const param = (value: unknown) => `$${values.push(value)}`;
    const scope = sessionRecordScope(actor, 'certificates.read', 'c');
    if (scope) {
      // A trainee alone reaches only their own; asking for someone else's is refused, not empty.
      // (A coordinator asking for another organisation's gets an empty list, as for no one.)
      const reach = reachOf(actor, 'certificates.read');
      const ownOnly = !reach.has('assigned') && !reach.has('organisation');
      if (
        scope.sql === 'FALSE' ||
        (ownOnly && query.traineeId && query.traineeId !== actor.traineeId)
      ) {
        throw forbidden('Trainees may list only their own certificates');
      }
      where.push(positional(scope.sql, scope.params, values));
    }
    if (query.traineeId) where.push(`c.trainee_id = ${param(query.traineeId)}`);
    if (query.courseId) where.push(`c.course_id = ${param(query.courseId)}`);
    if (query.sessionId) where.push(`c.session_id = ${param(query.sessionId)}`);
    if (query.serial) where.push(`c.serial = ${param(normaliseSerial(query.serial))}`);
    if (query.expiringBefore) {
      where.push(
        `c.valid_until IS NOT NULL AND c.valid_until < ${param(query.expiringBefore)}::date`,
      );
    }
    if (query.status) {
      const now = today(this.config.timeZone);
      // Current and expired by the rule of certificate-status.ts, as the answers label them.
      if (query.status === 'expired') where.push(expiredOnSql('c', `${param(now)}::date`));
      else if (query.status === 'active') where.push(currentOnSql('c', `${param(now)}::date`));
      else where.push(`c.status = ${param(query.status)}`);
    }
    if (query.cursor) {
      const [issuedAt, id] = decodeCursor(query.cursor, 2);
      if (
        typeof issuedAt !== 'string' ||
        Number.isNaN(Date.parse(issuedAt)) ||
        typeof id !== 'string' ||
        !/^[0-9a-f-]{36}$/i.test(id)
      ) {
        throw badRequest('INVALID_CURSOR', 'The cursor is not valid');
      }
      where.push(`(c.issued_at, c.id) < (${param(issuedAt)}::timestamptz, ${param(id)}::uuid)`);
    }
    const limit = query.limit ?? DEFAULT_PAGE_SIZE;
    const rows = await runNamed<CertificateListRow>(
      this.dataSource,
      `SELECT ${CERTIFICATE_LIST_COLUMNS} FROM certificates c
        ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
        ORDER BY c.issued_at DESC, c.id DESC LIMIT ${param(limit + 1)}`,
      values,
    );
    const page = rows.length > limit ? rows.slice(0, limit) : rows;
    const last = page.at(-1);
    const ctx = this.dtoCtx(actor);
    return {
      items: page.map((row) => toCertificateDto(row, ctx)),
      nextCursor: rows.length > limit && last ? encodeCursor([last.issuedAt, last.id]) : null,
    };
  }

  /** One certificate, with the self-verifying QR URL its PDF and page show (issue 19). */
  async get(actor: Actor, id: string): Promise<CertificateDetailDto> {
    const cert = await this.findReadable(actor, id);
    return withQrUrl(toCertificateDto(cert, this.dtoCtx(actor)), await this.qrTokens.urlFor(id));
  }

  /** The certificate, if `certificates.read` reaches it for the actor (access-policy.ts). */
  async findReadable(
    actor: Actor,
    id: string,
    manager: EntityManager = this.dataSource.manager,
  ): Promise<Certificate> {
    const cert = await manager.findOneBy(Certificate, { id });
    if (!cert) throw notFound('Certificate');
    await assertMayReach(
      manager,
      actor,
      'certificates.read',
      { kind: 'session-record', sessionId: cert.sessionId, traineeId: cert.traineeId },
      'You may not see this certificate',
      () => notFound('Certificate'),
    );
    return cert;
  }

  async changeStatus(
    actor: Actor,
    id: string,
    action: LifecycleAction,
    input: StatusChangeDto,
  ): Promise<CertificateDto> {
    if (reasonRequiresNote(input.reason) && !input.note) {
      throw invalidField('note', 'requiredWhen', { args: ['reason', input.reason] });
    }
    return this.dataSource.transaction(async (tx) => {
      const cert = await tx.findOne(Certificate, {
        where: { id },
        lock: { mode: 'pessimistic_write' },
      });
      if (!cert) throw notFound('Certificate');
      const current = effectiveStatus(cert, today(this.config.timeZone));
      const next = transition(actor, action, current);
      const before = { status: current, statusReason: cert.statusReason };
      cert.status = next;
      cert.statusReason = input.reason;
      cert.statusNote = input.note ?? null;
      cert.statusChangedAt = new Date();
      cert.statusChangedBy = actor.userId;
      await tx.save(cert);
      const dto = toCertificateDto(cert, this.dtoCtx(actor));
      await this.audit.record(tx, actor, {
        action: `certificate.${LIFECYCLE_PAST_TENSE[action]}`,
        entityType: 'certificate',
        entityId: cert.id,
        reason: input.reason,
        note: input.note ?? null,
        data: {
          serial: cert.serial,
          before,
          after: { status: dto.status, statusReason: input.reason },
        },
      });
      await this.mail.statusChanged(tx, cert, action, input.reason, input.note ?? null);
      return dto;
    });
  }
}

/** Applies lifecycleDecision, the rule `allowedActions` lists, turning a refusal into its error. */
function transition(
  actor: Actor,
  action: LifecycleAction,
  current: CertificateStatus,
): 'active' | 'suspended' | 'revoked' {
  const decision = lifecycleDecision(actor, current, action);
  if (decision.allowed) return decision.next;
  switch (decision.refusal) {
    case 'forbidden':
      throw forbidden('Only an administrator may change the status of a certificate');
    case 'revoked':
      throw conflict('CERTIFICATE_REVOKED', 'The certificate is revoked; revocation is final', {
        status: current,
      });
    case 'illegal_transition':
      throw conflict(
        'ILLEGAL_TRANSITION',
        `A ${current} certificate cannot be ${LIFECYCLE_PAST_TENSE[action]}`,
        { from: current, action },
      );
  }
}
