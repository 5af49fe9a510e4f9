import { Controller, Get, Headers, Query, Res } from '@nestjs/common';
import { ApiOperation, ApiTags } from '@nestjs/swagger';
import type { FastifyReply } from 'fastify';
import { Allow } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { hangUpSignal } from '../common/hang-up.js';
import { ApiJsonOrCsvResponse } from '../common/openapi.js';
import { sendCsv, wantsCsv } from './csv.js';
import {
  ExpiringPageDto,
  ExpiringQueryDto,
  TrainingReportDto,
  TrainingReportQueryDto,
} from './dto/report.dto.js';
import {
  EXPIRING_CSV_HEADER,
  expiringCsvRecord,
  trainingCsvHeader,
  trainingCsvRecord,
} from './report-csv.js';
import { ReportsService } from './reports.service.js';

@ApiTags('reports')
@Controller('api/v1/reports')
export class ReportsController {
  constructor(private readonly reports: ReportsService) {}

  @Get('training')
  @Allow('reports.read')
  @ApiOperation({
    summary: 'Trainees enrolled, completed and certified, disaggregated',
    description:
      'Sessions are selected by start date (from/to inclusive; cancelled sessions are left out). Counts are per enrolment, so grouped rows add up to the total: `enrolled` = seats held (enrolled, completed or failed), `completed` = passed, `certified` = certificates issued for those enrolments whatever their status now. Age bands are taken at the session’s first day. `Accept: text/csv` gives a CSV download (UTF-8 with BOM, header row; an organisation column reads "(none)" for trainees without one).',
  })
  @ApiJsonOrCsvResponse(TrainingReportDto)
  async training(
    @Query() query: TrainingReportQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    const report = await this.reports.training(query, hangUpSignal(reply));
    if (!wantsCsv(accept)) return reply.send(report);
    const groupBy = query.groupBy ?? [];
    return sendCsv(
      reply,
      'training-report.csv',
      trainingCsvHeader(groupBy),
      report.rows.map((row) => trainingCsvRecord(groupBy, row)),
    );
  }

  @Get('expiring')
  @Allow('expiringCertificates.read')
  @ApiOperation({
    summary: 'Active certificates expiring soon, to plan refresher sessions',
    description:
      'Certificates (stored status active) whose last valid day lies between today in the Center’s time zone and today + withinDays, both included, sorted by validUntil then serial. A coordinator gets their organisation’s people’s only. JSON is paginated; `Accept: text/csv` gives the whole window as one CSV download (limit and cursor do not apply).',
  })
  @ApiJsonOrCsvResponse(
    ExpiringPageDto,
    'A page as JSON, or the whole window as a CSV download with `Accept: text/csv`',
  )
  async expiring(
    @CurrentActor() actor: Actor,
    @Query() query: ExpiringQueryDto,
    @Headers('accept') accept: string | undefined,
    @Res() reply: FastifyReply,
  ) {
    if (!wantsCsv(accept)) return reply.send(await this.reports.expiring(query, actor));
    const items = await this.reports.expiringAll(query, actor);
    async function* records() {
      for await (const item of items) yield expiringCsvRecord(item);
    }
    return sendCsv(reply, 'expiring-certificates.csv', EXPIRING_CSV_HEADER, records());
  }
}
