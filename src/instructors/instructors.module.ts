import { Module } from '@nestjs/common';
import { InstructorsController } from './instructors.controller.js';
import { InstructorsService } from './instructors.service.js';
import { QualificationsService } from './qualifications.service.js';

@Module({
  controllers: [InstructorsController],
  providers: [InstructorsService, QualificationsService],
  exports: [InstructorsService],
})
export class InstructorsModule {}
