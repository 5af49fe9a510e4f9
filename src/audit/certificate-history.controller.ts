import { Controller, Get, Param, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CertificateHistoryService } from './certificate-history.service.js';
import { AuditEventPageDto, AuditPageQueryDto } from './dto/audit-event.dto.js';

@ApiTags('certificates')
@Controller('api/v1/certificates')
export class CertificateHistoryController {
  constructor(private readonly history: CertificateHistoryService) {}

  @Get(':id/history')
  @Allow('certificates.read')
  @ApiOperation({
    summary: "A certificate's full history from the audit trail, oldest first",
    description:
      'Issue, suspensions, reinstatements, revocation, supersession: who, when and why. The same people who may read the certificate may read its history. `order=desc` reads newest first.',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  get(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Query() query: AuditPageQueryDto,
  ): Promise<AuditEventPageDto> {
    return this.history.history(actor, id, query);
  }
}
