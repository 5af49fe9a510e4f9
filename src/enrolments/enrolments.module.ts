import { Module } from '@nestjs/common';
import { AttendanceSheetController } from './attendance-sheet/attendance-sheet.controller.js';
import { AttendanceSheetService } from './attendance-sheet/attendance-sheet.service.js';
import { EnrolmentMail } from './enrolment-mail.js';
import { EnrolmentsController } from './enrolments.controller.js';
import { EnrolmentsService } from './enrolments.service.js';
import { ResultsService } from './results.service.js';

@Module({
  controllers: [EnrolmentsController, AttendanceSheetController],
  providers: [EnrolmentsService, ResultsService, EnrolmentMail, AttendanceSheetService],
  exports: [EnrolmentsService, EnrolmentMail],
})
export class EnrolmentsModule {}
