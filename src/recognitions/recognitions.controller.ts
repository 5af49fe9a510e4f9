import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import {
  ApiConflictResponse,
  ApiCreatedResponse,
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
  DecideRecognitionDto,
  ListRecognitionsQueryDto,
  RecognitionDto,
  RecognitionPageDto,
  RecognitionStatusRunDto,
  RecordRecognitionDto,
} from './dto/recognition.dto.js';
import { RecognitionsService } from './recognitions.service.js';

const REFUSALS =
  "422: CREDENTIAL_NOT_VERIFIED (the proof does not hold, or its status could not be read; details.errors), ISSUER_NOT_TRUSTED (genuine, but its issuer is not on the list), CREDENTIAL_EXPIRED, CREDENTIAL_REVOKED, CREDENTIAL_SUSPENDED (at its issuer, now), RULE_VIOLATION (one of the Center's own credentials), REFERENCE_NOT_FOUND (courseId). 409 ALREADY_RECOGNISED: the same credential already counts or waits for this course.";

@ApiTags('recognitions')
@Controller('api/v1')
export class RecognitionsController {
  constructor(private readonly recognitions: RecognitionsService) {}

  @Post('trainees/:id/recognitions')
  @Allow('recognitions.present')
  @ApiOperation({
    summary: 'Record a credential from another centre as satisfying one of our courses',
    description: `The credential is verified as by POST /credentials/verify. A registrar's (admin's) record counts at once; a trainee presenting their own, or a coordinator their organisation's trainee's, is recorded as \`pending\` until a registrar accepts it (whether another centre's course is worth ours is the Center's decision). Counts as a prerequisite until the credential's own validUntil, and until its issuer revokes or suspends it (seen by the daily status check). ${REFUSALS}`,
  })
  @ApiCreatedResponse({ type: RecognitionDto })
  @ApiUnprocessableEntityResponse({ type: ErrorResponseDto })
  @ApiConflictResponse({ type: ErrorResponseDto })
  record(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Body() body: RecordRecognitionDto,
  ): Promise<RecognitionDto> {
    return this.recognitions.record(actor, id, body);
  }

  @Get('trainees/:id/recognitions')
  @Allow('recognitions.read')
  @ApiOperation({
    summary: "A trainee's recognised credentials from other centres, in every state",
    description:
      "Admins and auditors; the trainee themself; a coordinator, their organisation's people (another organisation's trainee answers 404). Oldest first.",
  })
  @ApiOkResponse({ type: RecognitionPageDto })
  list(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Query() query: ListRecognitionsQueryDto,
  ): Promise<RecognitionPageDto> {
    return this.recognitions.list(actor, id, query);
  }

  @Post('trainees/:id/recognitions/:recognitionId/decision')
  @HttpCode(200)
  @Allow('recognitions.decide')
  @ApiOperation({
    summary: 'Accept or reject a presented credential (registrar)',
    description: `Accepting verifies the credential again first, with the same refusals (${REFUSALS}); rejecting ends it (reason rejected). 409 STALE_VERSION unless it is pending.`,
  })
  @ApiOkResponse({ type: RecognitionDto })
  decide(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
    @Param('recognitionId', UuidPipe) recognitionId: string,
    @Body() body: DecideRecognitionDto,
  ): Promise<RecognitionDto> {
    return this.recognitions.decide(actor, id, recognitionId, body);
  }

  @Post('jobs/recognition-status')
  @HttpCode(200)
  @Allow('recognitions.decide')
  @ApiOperation({
    summary: "Re-check every recognition's status at its issuer now",
    description:
      'The check that also runs daily: a recognition whose credential its issuer revoked or suspended, or whose issuer is no longer trusted, ends (audited with the reason) and no longer satisfies a prerequisite. A status that cannot be read this time changes nothing (counted in `unchecked`).',
  })
  @ApiOkResponse({ type: RecognitionStatusRunDto })
  recheck(@CurrentActor() actor: Actor): Promise<RecognitionStatusRunDto> {
    return this.recognitions.recheck(actor);
  }
}
