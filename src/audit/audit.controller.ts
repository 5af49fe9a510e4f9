import { Controller, Get, Query } from '@nestjs/common';
import { ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { AuditQueryService } from './audit-query.service.js';
import {
  AuditEventPageDto,
  ChainVerificationDto,
  ChainVerificationQueryDto,
  ListAuditEventsQueryDto,
} from './dto/audit-event.dto.js';

@ApiTags('audit')
@Controller('api/v1/audit-events')
export class AuditController {
  constructor(private readonly auditQuery: AuditQueryService) {}

  @Get()
  @Allow('audit.read')
  @ApiOperation({
    summary: 'Search the audit trail',
    description:
      'Every change of state (and failed logins and refused access) as one event: who, when, what, why and the data that changed. Newest first by default; `order=asc` reads oldest first, e.g. `?entityType=certificate&entityId=…&order=asc` for an entity’s history in order (the default stays newest first whatever the filters). Pages follow the chain position `seq`. `from`/`to` take a date (whole days in the Center’s time zone) or an ISO 8601 timestamp with Z or an offset; both are inclusive.',
  })
  @ApiOkResponse({ type: AuditEventPageDto })
  list(@Query() query: ListAuditEventsQueryDto): Promise<AuditEventPageDto> {
    return this.auditQuery.list(query);
  }

  @Get('verification')
  @Allow('audit.read')
  @ApiOperation({
    summary: 'Re-check the whole hash chain',
    description:
      'Checks every event: at the next position, linked to its predecessor, hashing to what it stores. `firstBrokenId` names the first event that fails: an edited event fails itself; a deleted one makes its successor fail. Segments verified before are re-checked by PostgreSQL (a digest of their rows) and rehashed only if changed, so a verification walks mostly what was appended since; `full=true` rehashes everything.',
  })
  @ApiOkResponse({ type: ChainVerificationDto })
  verify(@Query() query: ChainVerificationQueryDto): Promise<ChainVerificationDto> {
    return this.auditQuery.verifyChain({ full: query.full === 'true' });
  }
}
