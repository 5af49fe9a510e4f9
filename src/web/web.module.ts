import { Module } from '@nestjs/common';
import { InspectController } from './inspect.controller.js';
import { WebAssets } from './web-assets.js';
import { WebController } from './web.controller.js';

/**
 * The web interface for trainees, instructors, auditors and administrators. WebAssets is
 * exported for the public verification page, which loads the QR code's check (issue 19).
 */
@Module({
  controllers: [WebController, InspectController],
  providers: [WebAssets],
  exports: [WebAssets],
})
export class WebModule {}
