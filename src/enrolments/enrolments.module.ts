import { Module } from '@nestjs/common';
import { EnrolmentMail } from './enrolment-mail.js';
import { EnrolmentsController } from './enrolments.controller.js';
import { EnrolmentsService } from './enrolments.service.js';
import { ResultsService } from './results.service.js';

@Module({
  controllers: [EnrolmentsController],
  providers: [EnrolmentsService, ResultsService, EnrolmentMail],
  exports: [EnrolmentsService, EnrolmentMail],
})
export class EnrolmentsModule {}
