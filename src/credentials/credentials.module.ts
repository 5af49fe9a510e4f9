import { Module } from '@nestjs/common';
import { WebModule } from '../web/web.module.js';
import { CredentialsService } from './credentials.service.js';
import { PublicController } from './public.controller.js';
import { QrTokensService } from './qr-token.js';
import { SigningKeysController } from './signing-keys.controller.js';
import { SigningKeysService } from './signing-keys.service.js';
import { StatusListCredentialsService } from './status-list-credentials.service.js';
import { StatusListsService } from './status-lists.service.js';
import { VerificationCache } from './verification-cache.js';
import { VerificationService } from './verification.service.js';
import { SerialVerificationResponder } from './serial-verification.responder.js';
import { VerifyRateLimiter } from './verify-rate-limiter.js';

@Module({
  imports: [WebModule],
  controllers: [PublicController, SigningKeysController],
  providers: [
    SigningKeysService,
    StatusListsService,
    StatusListCredentialsService,
    CredentialsService,
    VerificationService,
    VerificationCache,
    VerifyRateLimiter,
    QrTokensService,
    SerialVerificationResponder,
  ],
  exports: [
    SigningKeysService,
    StatusListsService,
    CredentialsService,
    VerificationService,
    QrTokensService,
  ],
})
export class CredentialsModule {}
