import { Module } from '@nestjs/common';
import { WebAssets } from './web-assets.js';
import { WebController } from './web.controller.js';

/** The web interface for trainees, instructors, auditors and administrators. */
@Module({ controllers: [WebController], providers: [WebAssets] })
export class WebModule {}
