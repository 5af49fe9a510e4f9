import { Module } from '@nestjs/common';
import { TrustedIssuersController } from './trusted-issuers.controller.js';
import { TrustedIssuersService } from './trusted-issuers.service.js';

/** Other centres whose credentials the Center accepts (`/api/v1/trusted-issuers`). */
@Module({
  controllers: [TrustedIssuersController],
  providers: [TrustedIssuersService],
  exports: [TrustedIssuersService],
})
export class TrustedIssuersModule {}
