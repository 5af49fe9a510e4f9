import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { CurrentActor, type Actor } from '../common/actor.js';
import { Allow } from '../access/access.decorators.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { CoursesService } from './courses.service.js';
import {
  CourseDto,
  CoursePageDto,
  CreateCourseDto,
  ListCoursesQueryDto,
  UpdateCourseDto,
} from './dto/course.dto.js';

const NO_DELETE =
  'Courses are never deleted: sessions, certificates and qualifications refer to them. ' +
  'Retire a course instead (PATCH status `retired`); a retired course can be re-activated.';

/** Issue 17: how answers carry the course in the caller's language. */
const TRANSLATIONS =
  'title, description and level in Azerbaijani and Russian go in translations (az, ru; each ' +
  'optional, other languages 400); answers keep the originals and add localized in the ' +
  "caller's language (Accept-Language), each field falling back to the original. ";

@ApiTags('courses')
@Controller('api/v1/courses')
export class CoursesController {
  constructor(private readonly courses: CoursesService) {}

  @Post()
  @Allow('courses.manage')
  @ApiOperation({
    summary: 'Add a course to the catalogue',
    description:
      'The code is trimmed and upper-cased and must be unique (409 COURSE_CODE_TAKEN). ' +
      'Prerequisites and renewsCourseId must name existing courses (422 REFERENCE_NOT_FOUND). ' +
      'New courses are drafts unless a status is given. ' +
      TRANSLATIONS +
      NO_DELETE,
  })
  @ApiCreatedResponse({ type: CourseDto })
  create(@CurrentActor() actor: Actor, @Body() body: CreateCourseDto): Promise<CourseDto> {
    return this.courses.create(actor, body);
  }

  @Get()
  @Allow('catalogue.read')
  @ApiOperation({
    summary: 'Browse the catalogue',
    description:
      'Sorted by code. Trainees and instructors see active and retired courses only. ' +
      'Filters: status, level (exact, any case), imas (one of the IMAS references), ' +
      'q (part of the code or title, in any language). ' +
      TRANSLATIONS,
  })
  @ApiOkResponse({ type: CoursePageDto })
  list(@CurrentActor() actor: Actor, @Query() query: ListCoursesQueryDto): Promise<CoursePageDto> {
    return this.courses.list(actor, query);
  }

  @Get(':id')
  @Allow('catalogue.read')
  @ApiOperation({
    summary: 'One course',
    description: 'A draft is 404 for trainees and instructors.',
  })
  @ApiOkResponse({ type: CourseDto })
  get(@CurrentActor() actor: Actor, @Param('id', UuidPipe) id: string): Promise<CourseDto> {
    return this.courses.get(actor, id);
  }

  @Patch(':id')
  @Allow('courses.manage')
  @ApiOperation({
    summary: 'Change a course, its prerequisites or its status',
    description:
      'prerequisiteCourseIds replaces the whole list; a list that would make a prerequisite ' +
      'cycle is refused (422 PREREQUISITE_CYCLE, details.cycle lists the codes). Status: ' +
      'draft → active | retired, active → retired, retired → active; otherwise 409 ' +
      'ILLEGAL_TRANSITION. Give `version` to be refused (409 STALE_VERSION) if someone ' +
      'changed the course first. translations replaces the whole value. ' +
      TRANSLATIONS +
      NO_DELETE,
  })
  @ApiOkResponse({ type: CourseDto })
  update(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: UpdateCourseDto,
  ): Promise<CourseDto> {
    return this.courses.update(actor, id, body);
  }
}
