import { Controller, HttpCode, Param, ParseEnumPipe, Post, Query, Req } from '@nestjs/common';
import { RouteConfig } from '@nestjs/platform-fastify';
import {
  ApiBody,
  ApiConsumes,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { badRequest, DomainError, notFound } from '../common/errors.js';
import { ImportQueryDto } from './dto/import-query.dto.js';
import {
  IMPORT_KINDS,
  IMPORT_MAX_ROWS,
  ImportReportDto,
  REPORTED_PROBLEMS_MAX,
  type ImportKind,
} from './import-report.js';
import { ImportsService } from './imports.service.js';
import { IMPORT_BODY_LIMIT_BYTES, megabytes, type UploadRouteConfig } from './upload-parsers.js';

const COLUMNS_DOC = [
  '**trainees**: givenName, familyName, dateOfBirth, sex (female/male, F/M), nationality, organisationId or organisation (by name), email, medicalClearanceUntil. Natural key: names (folded) + dateOfBirth + nationality.',
  '**instructors**: givenName, familyName, email, organisationId or organisation. Natural key: email.',
  '**courses**: code, title, description, imasReferences (several separated by `|` or `;`), level, durationDays, passMark, minAttendancePercent, validityMonths (empty: never expires; the column is required), prerequisiteCodes (codes separated by `|` or `;`, from the catalogue or the same file), renewsCode, requiresMedicalClearance (true/false, yes/no, 1/0), status. Natural key: code.',
  '**certificates** (legacy, issued before this system): serial, traineeId or the holder’s givenName + familyName + dateOfBirth + nationality, courseCode, issuedOn, validUntil (empty: issuedOn + the course’s validityMonths), status (active, expired, suspended, revoked; default active), statusReason (required when suspended or revoked), statusNote. Each is marked imported and signed now as a credential, verifiable like any other. Natural key: serial.',
].join('\n\n');

@ApiTags('imports')
@Controller('api/v1/imports')
export class ImportsController {
  constructor(private readonly imports: ImportsService) {}

  @Post(':kind')
  @Allow('imports.run')
  @HttpCode(200)
  @RouteConfig({ uploadBodyLimit: IMPORT_BODY_LIMIT_BYTES } satisfies UploadRouteConfig)
  @ApiOperation({
    summary: 'Import records from a CSV file',
    description: `A \`text/csv\` body or one file in \`multipart/form-data\` (up to ${megabytes(IMPORT_BODY_LIMIT_BYTES)} and ${IMPORT_MAX_ROWS.toLocaleString('en')} data rows; a larger file is refused whole with 413 \`PAYLOAD_TOO_LARGE\`, a dry run too: split it, rows already imported count as unchanged). UTF-8 with or without BOM; comma, semicolon or tab delimiter (the header line decides); RFC 4180 quoting, line breaks inside quotes included; header names matched ignoring case, spaces and underscores, in any order; blank lines skipped. Dates YYYY-MM-DD (DD.MM.YYYY also read). Every row is checked with the same rules as the API's create requests, and against the other rows (a natural key twice is refused on its second row). The report lists the first ${REPORTED_PROBLEMS_MAX.toLocaleString('en')} problems in file order and counts them all in \`invalidCount\`. Nothing is written when any row is invalid (422 \`INVALID_ROWS\` with the report in \`details\`) unless \`skipInvalid=true\`; a file whose header is wrong is refused whole (422 \`INVALID_FILE\`). Rows whose natural key already exists count as \`unchanged\` and are never updated, so importing the same file again changes nothing. One transaction; every created record has an audit event (data.source = "import", data.row = its line).\n\n${COLUMNS_DOC}`,
  })
  @ApiParam({ name: 'kind', enum: IMPORT_KINDS })
  @ApiConsumes('text/csv', 'multipart/form-data')
  @ApiBody({
    schema: {
      oneOf: [
        { type: 'string', description: 'The CSV file (text/csv)' },
        {
          type: 'object',
          properties: { file: { type: 'string', format: 'binary' } },
          required: ['file'],
        },
      ],
    },
  })
  @ApiOkResponse({ type: ImportReportDto })
  @ApiUnprocessableEntityResponse({
    description: 'Invalid rows or header; the report is in details; nothing was written',
    type: ErrorResponseDto,
  })
  async import(
    @CurrentActor() actor: Actor,
    @Param('kind', new ParseEnumPipe(IMPORT_KINDS, { exceptionFactory: () => notFound('Import') }))
    kind: ImportKind,
    @Query() query: ImportQueryDto,
    @Req() request: FastifyRequest,
  ): Promise<ImportReportDto> {
    return this.imports.importCsv(actor, kind, await uploadedFile(request), {
      dryRun: query.dryRun === 'true',
      skipInvalid: query.skipInvalid === 'true',
    });
  }
}

async function uploadedFile(request: FastifyRequest): Promise<Buffer> {
  if (request.isMultipart?.()) {
    const part = await request.file();
    if (!part) throw badRequest('FILE_MISSING', 'The multipart form holds no file');
    try {
      return await part.toBuffer();
    } catch (error) {
      if ((error as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') {
        throw new DomainError(
          413,
          'PAYLOAD_TOO_LARGE',
          `The file is larger than ${megabytes(IMPORT_BODY_LIMIT_BYTES)}`,
        );
      }
      throw error;
    }
  }
  if (Buffer.isBuffer(request.body)) return request.body;
  throw new DomainError(
    415,
    'UNSUPPORTED_MEDIA_TYPE',
    'Send the CSV as a text/csv body or as a file in multipart/form-data',
  );
}
