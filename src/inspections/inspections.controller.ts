import { Body, Controller, Get, Header, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { JsonBodyLimits } from '../common/json-limits.js';
import { InspectBundleDto } from './dto/inspect-bundle.dto.js';
import {
  InspectionPageDto,
  ListInspectionsQueryDto,
  MAX_INSPECTIONS_PER_REQUEST,
  RecordedInspectionsDto,
  RecordInspectionsDto,
} from './dto/inspection.dto.js';
import { InspectBundleService } from './inspect-bundle.service.js';
import { InspectionsService } from './inspections.service.js';

@ApiTags('inspections')
@Controller('api/v1/inspections')
export class InspectionsController {
  constructor(private readonly inspections: InspectionsService) {}

  @Post()
  @HttpCode(200)
  @Allow('inspections.record')
  // 200 records of seven fields: past the default limits, well under the 1 MB body limit.
  @JsonBodyLimits({ maxDepth: 4, maxKeys: 2000, maxArrayLength: 1000 })
  @ApiOperation({
    summary: 'Upload checks made with the inspector’s app',
    description: `At most ${MAX_INSPECTIONS_PER_REQUEST} a request, stored in one transaction, each with its audit event (inspection.recorded). Idempotent by clientId: a check already stored (an earlier upload whose answer was lost, the same batch from another tab) is answered as stored and counted in \`duplicates\`. The serial is normalised as verification does and linked to its certificate when the register has it; a check of an unknown serial (a forged QR) is recorded all the same.`,
  })
  @ApiOkResponse({ type: RecordedInspectionsDto })
  @ApiBadRequestResponse({
    description: `VALIDATION_FAILED: no records or more than ${MAX_INSPECTIONS_PER_REQUEST}, a clientId that is not a uuid, a checkedAt without a zone, before 2000 or more than 5 minutes ahead of the server's clock, an unknown verdict, a site over 200 or a note over 1000 characters`,
    type: ErrorResponseDto,
  })
  @ApiConflictResponse({
    description:
      'INSPECTION_CONFLICT: a clientId is already stored as another check (another inspector’s, or different content), or is sent twice with different content; `details.clientIds` names them and nothing in the batch is stored',
    type: ErrorResponseDto,
  })
  record(
    @CurrentActor() actor: Actor,
    @Body() body: RecordInspectionsDto,
  ): Promise<RecordedInspectionsDto> {
    return this.inspections.record(actor, body);
  }

  @Get()
  @Allow('inspections.read')
  @ApiOperation({
    summary: 'List inspection records',
    description:
      'Latest check first (by checkedAt), with keyset pagination (`nextCursor`). `from` after `to` is 400 INVALID_PERIOD.',
  })
  @ApiOkResponse({ type: InspectionPageDto })
  list(@Query() query: ListInspectionsQueryDto): Promise<InspectionPageDto> {
    return this.inspections.list(query);
  }
}

@ApiTags('inspections')
@Controller('inspect')
export class InspectBundleController {
  constructor(private readonly bundles: InspectBundleService) {}

  @Get('bundle.json')
  @Allow('inspections.sync', { publicWhen: 'inspectPublic' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'What the inspector’s app syncs to verify QR codes offline',
    description:
      'The issuer, every published key (retired ones included), the URL of the revocation and suspension list of every list number in use, course titles and levels in English, Azerbaijani and Russian, and the app’s settings (staleAfterDays, public). For signed-in auditors and admins; for anyone when INSPECT_PUBLIC=true. Never cached (`Cache-Control: no-store`).',
  })
  @ApiOkResponse({ type: InspectBundleDto })
  bundle(): Promise<InspectBundleDto> {
    return this.bundles.bundle();
  }
}

/**
 * The same bundle under /api/: the web session's access cookie has `Path=/api/`
 * (src/auth/web-session.ts), so a browser never sends it to /inspect/bundle.json, and the
 * inspector's app, signed in with cookies, syncs from here.
 */
@ApiTags('inspections')
@Controller('api/v1/inspect')
export class InspectBundleApiController {
  constructor(private readonly bundles: InspectBundleService) {}

  @Get('bundle.json')
  @Allow('inspections.sync', { publicWhen: 'inspectPublic' })
  @Header('Cache-Control', 'no-store')
  @ApiOperation({
    summary: 'The inspector’s sync bundle, for the web session',
    description:
      'Exactly GET /inspect/bundle.json, at an address the web session’s cookies (Path=/api/) reach, for the inspector’s app in the browser.',
  })
  @ApiOkResponse({ type: InspectBundleDto })
  bundle(): Promise<InspectBundleDto> {
    return this.bundles.bundle();
  }
}
