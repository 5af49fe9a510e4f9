import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Allow } from '../access/access.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateTraineeDto,
  ListTraineesQueryDto,
  TraineeDto,
  TraineePageDto,
  UpdateTraineeDto,
} from './dto/trainee.dto.js';
import { TranscriptDto } from './dto/transcript.dto.js';
import { TraineesService } from './trainees.service.js';
import { TranscriptService } from './transcript.service.js';

const WHO_MAY_READ =
  'Admins and auditors; the trainee themself; an instructor assigned to a session the trainee ' +
  'is enrolled in (withdrawn enrolments do not count); a coordinator, the people of their ' +
  "organisation (another organisation's trainee answers 404, as an unknown id). Anyone else: 403.";

@ApiTags('trainees')
@Controller('api/v1/trainees')
export class TraineesController {
  constructor(
    private readonly trainees: TraineesService,
    private readonly transcripts: TranscriptService,
  ) {}

  @Post()
  @Allow('trainees.manage')
  @ApiOperation({
    summary: 'Register a trainee',
    description:
      'A second trainee with the same names (case, accents and spacing ignored), date of ' +
      'birth and nationality is refused with 409 DUPLICATE_TRAINEE naming details.existingId. ' +
      'A coordinator registers into their own organisation (organisationId defaults to it; ' +
      'another is 403 NOT_YOUR_ORGANISATION). A second trainee with the same identity document ' +
      '(type and number, normalised) is 409 DUPLICATE_IDENTITY_DOCUMENT naming details.existingId.',
  })
  @ApiCreatedResponse({ type: TraineeDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTraineeDto): Promise<TraineeDto> {
    return this.trainees.create(actor, body);
  }

  @Get()
  @Allow('trainees.list')
  @ApiOperation({
    summary: 'List trainees',
    description:
      'Filters: organisationId, nationality, q (part of the name, or a whole identity document ' +
      'number). Oldest first. A coordinator ' +
      "gets only their organisation's people, whatever the filters (another organisation: empty). " +
      'Identity document numbers are masked here (••••1234, masked: true); the record has them whole.',
  })
  @ApiOkResponse({ type: TraineePageDto })
  list(
    @CurrentActor() actor: Actor,
    @Query() query: ListTraineesQueryDto,
  ): Promise<TraineePageDto> {
    return this.trainees.list(actor, query);
  }

  @Get(':id')
  @Allow('trainees.read')
  @ApiOperation({ summary: 'One trainee', description: WHO_MAY_READ })
  @ApiOkResponse({ type: TraineeDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<TraineeDto> {
    return this.trainees.get(actor, id);
  }

  @Get(':id/transcript')
  @Allow('trainees.read')
  @ApiOperation({
    summary: "A trainee's enrolments, results and certificates with their current status",
    description: WHO_MAY_READ,
  })
  @ApiOkResponse({ type: TranscriptDto })
  transcript(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
  ): Promise<TranscriptDto> {
    return this.transcripts.read(actor, id);
  }

  @Patch(':id')
  @Allow('trainees.manage')
  @ApiOperation({
    summary: 'Correct a trainee',
    description:
      'Send the version you read to be refused (409 STALE_VERSION) if someone changed it ' +
      'meanwhile. A change that makes the trainee a twin of another is 409 DUPLICATE_TRAINEE. ' +
      "A coordinator corrects only their organisation's people (another's: 404) and cannot " +
      'move them to another organisation (403 NOT_YOUR_ORGANISATION).',
  })
  @ApiOkResponse({ type: TraineeDto })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateTraineeDto,
  ): Promise<TraineeDto> {
    return this.trainees.update(actor, id, body);
  }
}
