import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Allow } from '../access/access.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import {
  CreateInstructorDto,
  InstructorDto,
  InstructorPageDto,
  ListInstructorsQueryDto,
  UpdateInstructorDto,
} from './dto/instructor.dto.js';
import {
  GrantQualificationDto,
  ListQualificationsQueryDto,
  QualificationDto,
  QualificationPageDto,
} from './dto/qualification.dto.js';
import { InstructorsService } from './instructors.service.js';
import { QualificationsService } from './qualifications.service.js';

@ApiTags('instructors')
@Controller('api/v1/instructors')
export class InstructorsController {
  constructor(
    private readonly instructors: InstructorsService,
    private readonly qualifications: QualificationsService,
  ) {}

  @Post()
  @Allow('instructors.manage')
  @ApiOperation({
    summary: 'Register an instructor',
    description: 'The email is unique (case-insensitive): 409 INSTRUCTOR_EMAIL_TAKEN.',
  })
  @ApiCreatedResponse({ type: InstructorDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateInstructorDto): Promise<InstructorDto> {
    return this.instructors.create(actor, body);
  }

  @Get()
  @Allow('instructors.read')
  @ApiOperation({
    summary: 'List instructors',
    description: 'Instructors may see their colleagues. Filters: organisationId, q. Oldest first.',
  })
  @ApiOkResponse({ type: InstructorPageDto })
  list(@Query() query: ListInstructorsQueryDto): Promise<InstructorPageDto> {
    return this.instructors.list(query);
  }

  @Get(':id')
  @Allow('instructors.read')
  @ApiOperation({
    summary: 'One instructor, with the courses they are currently qualified to teach',
  })
  @ApiOkResponse({ type: InstructorDto })
  get(@Param('id', UuidPipe) id: string): Promise<InstructorDto> {
    return this.instructors.get(id);
  }

  @Patch(':id')
  @Allow('instructors.manage')
  @ApiOperation({
    summary: 'Correct an instructor',
    description:
      'Send the version you read to be refused (409 STALE_VERSION) if someone changed it meanwhile.',
  })
  @ApiOkResponse({ type: InstructorDto })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateInstructorDto,
  ): Promise<InstructorDto> {
    return this.instructors.update(actor, id, body);
  }

  @Post(':id/qualifications')
  @Allow('instructors.manage')
  @ApiOperation({
    summary: 'Qualify an instructor to teach a course until a date',
    description: 'A renewal is a new row: earlier ones stay as history.',
  })
  @ApiCreatedResponse({ type: QualificationDto })
  grant(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: GrantQualificationDto,
  ): Promise<QualificationDto> {
    return this.qualifications.grant(actor, id, body);
  }

  @Get(':id/qualifications')
  @Allow('instructors.read')
  @ApiOperation({
    summary: "An instructor's qualifications, renewals and lapsed ones included, newest first",
    description: 'Admins, auditors and the instructor themself; other instructors get 403.',
  })
  @ApiOkResponse({ type: QualificationPageDto })
  listQualifications(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Query() query: ListQualificationsQueryDto,
  ): Promise<QualificationPageDto> {
    return this.qualifications.list(actor, id, query);
  }
}
