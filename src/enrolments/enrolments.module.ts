import { Module } from '@nestjs/common';
import { EnrolmentsController } from './enrolments.controller.js';
import { EnrolmentsService } from './enrolments.service.js';
import { ResultsService } from './results.service.js';

@Module({
  controllers: [EnrolmentsController],
  providers: [EnrolmentsService, ResultsService],
  exports: [EnrolmentsService],
})
export class EnrolmentsModule {}
