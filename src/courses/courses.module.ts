import { Module } from '@nestjs/common';
import { EnrolmentsModule } from '../enrolments/enrolments.module.js';
import { CoursesController } from './courses.controller.js';
import { CoursesService } from './courses.service.js';
import { SessionInstructorsService } from './session-instructors.service.js';
import { SessionsController } from './sessions.controller.js';
import { SessionsService } from './sessions.service.js';

@Module({
  // The mail to the people of a session (EnrolmentMail) when it changes or is cancelled.
  imports: [EnrolmentsModule],
  controllers: [CoursesController, SessionsController],
  providers: [CoursesService, SessionsService, SessionInstructorsService],
  exports: [CoursesService, SessionsService],
})
export class CoursesModule {}
