import { Controller, Get, Param, Res } from '@nestjs/common';
import { ApiNotFoundResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../../access/access.decorators.js';
import { CurrentActor, type Actor } from '../../common/actor.js';
import { ErrorResponseDto } from '../../common/error-response.dto.js';
import { ApiFileResponse } from '../../common/openapi.js';
import { UuidPipe } from '../../common/uuid.pipe.js';
import { AttendanceSheetService } from './attendance-sheet.service.js';

@ApiTags('enrolments')
@Controller('api/v1')
export class AttendanceSheetController {
  constructor(private readonly sheets: AttendanceSheetService) {}

  @Get('sessions/:id/attendance-sheet')
  @Allow('attendanceSheet.read', { record: 'session' })
  @ApiOperation({
    summary: 'The printable attendance sheet of a session (PDF, A4)',
    description:
      "For field sites without a connection: one row per trainee holding a seat (by family name), one column per session day with a box to sign in, a row for the instructor's signature per day, and the session's course, venue, dates and instructors in the header; in the session's language (en, az, ru; English otherwise). Portrait while the days fit, landscape when there are more; more days than a landscape page holds continue on further pages, as do more trainees. Admins and auditors; instructors for sessions they are assigned to.",
  })
  @ApiFileResponse('application/pdf', 'The sheet')
  @ApiNotFoundResponse({ description: 'No such session', type: ErrorResponseDto })
  async sheet(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) sessionId: string,
    @Res() reply: FastifyReply,
  ) {
    const { filename, pdf } = await this.sheets.sheet(actor, sessionId);
    return reply
      .type('application/pdf')
      .header('Content-Disposition', `inline; filename="${filename}"`)
      .header('Cache-Control', 'private, no-store')
      .send(pdf);
  }
}
