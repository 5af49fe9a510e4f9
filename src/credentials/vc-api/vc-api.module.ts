import { Module } from '@nestjs/common';
import { TrustedIssuersModule } from '../../trusted-issuers/trusted-issuers.module.js';
import { CredentialsModule } from '../credentials.module.js';
import { VerifyRateLimiter } from '../verify-rate-limiter.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import { PresentationVerifier } from './presentation-verifier.service.js';
import { VcApiController } from './vc-api.controller.js';

/**
 * Verification of any issuer's credentials: the W3C VC API routes, and the verifier that
 * recognitions use. Its own per-address window, as limiting as POST /verify's.
 */
@Module({
  imports: [CredentialsModule, TrustedIssuersModule],
  controllers: [VcApiController],
  providers: [CredentialVerifier, PresentationVerifier, VerifyRateLimiter],
  exports: [CredentialVerifier],
})
export class VcApiModule {}
