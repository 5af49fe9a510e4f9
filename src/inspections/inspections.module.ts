import { Module } from '@nestjs/common';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { InspectBundleService } from './inspect-bundle.service.js';
import {
  InspectBundleApiController,
  InspectBundleController,
  InspectionsController,
} from './inspections.controller.js';
import { InspectionsService } from './inspections.service.js';

/** Field inspections (issue 19): the records inspectors upload, and the app's sync bundle. */
@Module({
  imports: [CredentialsModule],
  controllers: [InspectionsController, InspectBundleController, InspectBundleApiController],
  providers: [InspectionsService, InspectBundleService],
})
export class InspectionsModule {}
