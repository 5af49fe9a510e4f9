import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Allow } from '../access/access.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateOrganisationDto,
  ListOrganisationsQueryDto,
  OrganisationDto,
  OrganisationPageDto,
  UpdateOrganisationDto,
} from './dto/organisation.dto.js';
import { OrganisationsService } from './organisations.service.js';

@ApiTags('organisations')
@Controller('api/v1/organisations')
export class OrganisationsController {
  constructor(private readonly organisations: OrganisationsService) {}

  @Post()
  @Allow('organisations.manage')
  @ApiOperation({ summary: 'Register an operator or authority' })
  @ApiCreatedResponse({ type: OrganisationDto })
  create(
    @CurrentActor() actor: Actor,
    @Body() body: CreateOrganisationDto,
  ): Promise<OrganisationDto> {
    return this.organisations.create(actor, body);
  }

  @Get()
  @Allow('catalogue.read')
  @ApiOperation({
    summary: 'List organisations',
    description: 'Sorted by name. Filters: country, type, q (part of the name, any case).',
  })
  @ApiOkResponse({ type: OrganisationPageDto })
  list(@Query() query: ListOrganisationsQueryDto): Promise<OrganisationPageDto> {
    return this.organisations.list(query);
  }

  @Get(':id')
  @Allow('catalogue.read')
  @ApiOperation({ summary: 'One organisation' })
  @ApiOkResponse({ type: OrganisationDto })
  get(@Param('id', UuidPipe) id: string): Promise<OrganisationDto> {
    return this.organisations.get(id);
  }

  @Patch(':id')
  @Allow('organisations.manage')
  @ApiOperation({
    summary: 'Change an organisation',
    description: 'Give `version` to be refused (409 STALE_VERSION) if someone changed it first.',
  })
  @ApiOkResponse({ type: OrganisationDto })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateOrganisationDto,
  ): Promise<OrganisationDto> {
    return this.organisations.update(actor, id, body);
  }
}
