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
  'is enrolled in (withdrawn enrolments do not count). Anyone else: 403.';

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
      'birth and nationality is refused with 409 DUPLICATE_TRAINEE naming details.existingId.',
  })
  @ApiCreatedResponse({ type: TraineeDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateTraineeDto): Promise<TraineeDto> {
    return this.trainees.create(actor, body);
  }

  @Get()
  @Allow('trainees.list')
  @ApiOperation({
    summary: 'List trainees',
    description: 'Filters: organisationId, nationality, q (part of the name). Oldest first.',
  })
  @ApiOkResponse({ type: TraineePageDto })
  list(@Query() query: ListTraineesQueryDto): Promise<TraineePageDto> {
    return this.trainees.list(query);
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
      'meanwhile. A change that makes the trainee a twin of another is 409 DUPLICATE_TRAINEE.',
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
