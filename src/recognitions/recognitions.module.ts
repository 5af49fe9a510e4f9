import { Module } from '@nestjs/common';
import { VcApiModule } from '../credentials/vc-api/vc-api.module.js';
import { RecognitionStatusScheduler } from './recognition-status.scheduler.js';
import { RecognitionsController } from './recognitions.controller.js';
import { RecognitionsService } from './recognitions.service.js';

/** Credentials from other centres recorded as satisfying our courses, and their status checks. */
@Module({
  imports: [VcApiModule],
  controllers: [RecognitionsController],
  providers: [RecognitionsService, RecognitionStatusScheduler],
  exports: [RecognitionsService, RecognitionStatusScheduler],
})
export class RecognitionsModule {}
