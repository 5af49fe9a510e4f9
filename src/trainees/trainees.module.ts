import { Module } from '@nestjs/common';
import { TraineesController } from './trainees.controller.js';
import { TraineesService } from './trainees.service.js';
import { TranscriptService } from './transcript.service.js';

@Module({
  controllers: [TraineesController],
  providers: [TraineesService, TranscriptService],
  exports: [TraineesService],
})
export class TraineesModule {}
