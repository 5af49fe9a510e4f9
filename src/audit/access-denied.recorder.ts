import { Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { actorFromRequest } from '../common/actor.js';
import type { ErrorBody } from '../common/errors.js';
import { AuditService } from './audit.service.js';

const MAX_PATH_LENGTH = 500;

/**
 * Files `user.access_denied` for a signed-in caller refused with 403, under the caller's own
 * user record. The exception filter calls it for every error answer.
 */
@Injectable()
export class AccessDeniedRecorder {
  private readonly logger = new Logger('Audit');

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly audit: AuditService,
  ) {}

  /** Never rejects: a failure to record is logged and must not change the answer. */
  async record(request: FastifyRequest | undefined, error: ErrorBody): Promise<void> {
    // Only authenticated callers are recorded. A 401 comes from anyone on the network, and each
    // event takes the chain's global lock: recording those would let an anonymous flood turn
    // into a flood of serialised writes. A 403 needs a valid token, so it names someone.
    if (error.statusCode !== 403 || !request?.user) return;
    const actor = actorFromRequest(request);
    try {
      await this.audit.recordStandalone(this.dataSource.manager, actor, {
        action: 'user.access_denied',
        entityType: 'user',
        entityId: request.user.id,
        data: {
          method: request.method,
          // The query string is left out: it may carry search terms about other people.
          path: request.url.split('?')[0].slice(0, MAX_PATH_LENGTH),
          code: error.code,
        },
      });
    } catch (err) {
      this.logger.error({ err, requestId: request.id }, 'Could not record a refused access');
    }
  }
}
