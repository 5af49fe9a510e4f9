import { Body, Controller, Delete, Get, HttpCode, Param, Patch, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateTrustedIssuerDto,
  ListTrustedIssuersQueryDto,
  TrustedIssuerDto,
  TrustedIssuerPageDto,
  UpdateTrustedIssuerDto,
} from './dto/trusted-issuer.dto.js';
import { TrustedIssuersService } from './trusted-issuers.service.js';

const KEYS =
  'An issuer is known by a `did` (did:key, Ed25519; did:web is refused as it would need a network fetch to resolve) or by a `jwksUrl` with its keys stored: `jwks` in the body, or `fetchJwks: true` to fetch them once now. Keys are never fetched while a credential is verified. `statusListHosts` are the only hosts its status lists are fetched from.';

@ApiTags('trusted issuers')
@Controller('api/v1/trusted-issuers')
export class TrustedIssuersController {
  constructor(private readonly issuers: TrustedIssuersService) {}

  @Post()
  @Allow('trustedIssuers.manage')
  @ApiOperation({ summary: 'Trust another centre’s credentials', description: KEYS })
  @ApiCreatedResponse({ type: TrustedIssuerDto })
  @ApiConflictResponse({
    description: 'TRUSTED_ISSUER_EXISTS: this did is already trusted',
    type: ErrorResponseDto,
  })
  @ApiUnprocessableEntityResponse({
    description: 'JWKS_UNAVAILABLE: fetchJwks failed',
    type: ErrorResponseDto,
  })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateTrustedIssuerDto,
  ): Promise<TrustedIssuerDto> {
    return this.issuers.create(actor, body);
  }

  @Get()
  @Allow('trustedIssuers.read')
  @ApiOperation({ summary: 'List trusted issuers', description: 'Sorted by name.' })
  @ApiOkResponse({ type: TrustedIssuerPageDto })
  list(@Query() query: ListTrustedIssuersQueryDto): Promise<TrustedIssuerPageDto> {
    return this.issuers.list(query);
  }

  @Get(':id')
  @Allow('trustedIssuers.read')
  @ApiOperation({ summary: 'One trusted issuer' })
  @ApiOkResponse({ type: TrustedIssuerDto })
  get(@Param('id', UuidPipe) id: string): Promise<TrustedIssuerDto> {
    return this.issuers.get(id);
  }

  @Patch(':id')
  @Allow('trustedIssuers.manage')
  @ApiOperation({
    summary: 'Change a trusted issuer',
    description: `${KEYS} Give \`version\` to be refused (409 STALE_VERSION) if someone changed it first.`,
  })
  @ApiOkResponse({ type: TrustedIssuerDto })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateTrustedIssuerDto,
  ): Promise<TrustedIssuerDto> {
    return this.issuers.update(actor, id, body);
  }

  @Delete(':id')
  @HttpCode(204)
  @Allow('trustedIssuers.manage')
  @ApiOperation({
    summary: 'Stop trusting an issuer',
    description:
      'Its recognitions stay on record and end at their next status check (reason issuer_untrusted).',
  })
  @ApiNoContentResponse({ description: 'Removed' })
  async remove(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<void> {
    await this.issuers.remove(actor, id);
  }
}
