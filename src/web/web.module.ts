import { Module } from '@nestjs/common';
import { InspectController } from './inspect.controller.js';
import { WebAssets } from './web-assets.js';
import { WebController } from './web.controller.js';

/** The web interface for trainees, instructors, auditors and administrators. */
@Module({ controllers: [WebController, InspectController], providers: [WebAssets] })
export class WebModule {}
