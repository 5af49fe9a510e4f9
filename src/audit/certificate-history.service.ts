import { Injectable } from '@nestjs/common';
import type { Actor } from '../common/actor.js';
import type { Page } from '../common/pagination.js';
import { CertificatesService } from '../certifications/certificates.service.js';
import { AuditQueryService } from './audit-query.service.js';
import type { AuditEventDto, AuditPageQueryDto } from './dto/audit-event.dto.js';

/** A certificate's audit events, for whoever may read the certificate itself. */
@Injectable()
export class CertificateHistoryService {
  constructor(
    private readonly certificates: CertificatesService,
    private readonly auditQuery: AuditQueryService,
  ) {}

  async history(
    actor: Actor,
    certificateId: string,
    query: AuditPageQueryDto,
  ): Promise<Page<AuditEventDto>> {
    await this.certificates.findReadable(actor, certificateId);
    return this.auditQuery.list({
      entityType: 'certificate',
      entityId: certificateId,
      order: query.order ?? 'asc',
      limit: query.limit,
      cursor: query.cursor,
    });
  }
}
