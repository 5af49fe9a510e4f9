import { Controller, Get, Param, ParseEnumPipe, Res } from '@nestjs/common';
import { ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Readable } from 'node:stream';
import { Allow } from '../access/access.decorators.js';
import { today } from '../common/calendar.js';
import { notFound } from '../common/errors.js';
import { ApiFileResponse } from '../common/openapi.js';
import { AppConfig } from '../config/app-config.js';
import { EXPORT_KINDS, EXPORTS, type ExportKind } from './export-queries.js';
import { ExportsService } from './exports.service.js';

@ApiTags('exports')
@Controller('api/v1/exports')
export class ExportsController {
  constructor(
    private readonly exports: ExportsService,
    private readonly config: AppConfig,
  ) {}

  @Get(':kind')
  @Allow('exports.read')
  @ApiOperation({
    summary: 'Download trainees, certificates or enrolments as CSV',
    description: `Streamed from one consistent snapshot of the database (a large export is never held in memory). UTF-8 with a byte order mark, comma-separated, CRLF, a header row of api.md field names; a value holding a comma, semicolon, tab, quote or line break is quoted, and text a spreadsheet would run as a formula (= + - @ | first) gets an apostrophe wherever a cell could start, also after a \`;\`, tab or line break inside the value (an import takes it off again). Certificates carry their current status (an active one past validUntil reads expired) and the holder's natural key, so an export can be imported again (its rows count as unchanged). Columns: trainees: ${EXPORTS.trainees.header.join(', ')}; certificates: ${EXPORTS.certificates.header.join(', ')}; enrolments: ${EXPORTS.enrolments.header.join(', ')}.`,
  })
  @ApiParam({ name: 'kind', enum: EXPORT_KINDS })
  @ApiFileResponse('text/csv', 'The CSV file')
  async download(
    @Param('kind', new ParseEnumPipe(EXPORT_KINDS, { exceptionFactory: () => notFound('Export') }))
    kind: ExportKind,
    @Res() reply: FastifyReply,
  ) {
    const chunks = this.exports.csv(kind);
    // Opening the cursor happens here, before the 200 goes out: a database that is down still
    // gets its proper error answer instead of a cut-off download.
    const first = await chunks.next();
    async function* file() {
      if (!first.done) yield first.value;
      yield* chunks;
    }
    const filename = `${kind}-${today(this.config.timeZone)}.csv`;
    return reply
      .type('text/csv; charset=utf-8')
      .header('Content-Disposition', `attachment; filename="${filename}"`)
      .header('Cache-Control', 'private, no-store')
      .send(Readable.from(file()));
  }
}
