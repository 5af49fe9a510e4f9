import { Body, Controller, HttpCode, Post, Req } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { Public } from '../../access/access.decorators.js';
import { ErrorResponseDto } from '../../common/error-response.dto.js';
import { badRequest } from '../../common/errors.js';
import { JsonBodyLimits } from '../../common/json-limits.js';
import { VerifyRateLimiter } from '../verify-rate-limiter.js';
import { CredentialVerifier } from './credential-verifier.service.js';
import {
  CredentialVerificationResultDto,
  PresentationVerificationResultDto,
  VerifyCredentialRequestDto,
  VerifyPresentationRequestDto,
} from './dto/vc-api.dto.js';
import {
  MAX_PRESENTED_CREDENTIALS,
  PresentationVerifier,
} from './presentation-verifier.service.js';

const HOW =
  "Offline: JSON-LD contexts come from bundled packages and did:key documents are computed; no address named in a credential is fetched, except a trusted issuer's status list on one of its `statusListHosts` (5 s, 2 MB at most; a failure is an error in the answer). The Center's own credentials are checked against the register (status included). Another issuer's credential verifies by its proof and dates; for a trusted issuer its status lists are read too, for an untrusted one they are not (a warning says so) and `trustedIssuer` is false. A credential that does not verify answers 200 with `verified: false` and the reasons in `errors`; only a request that is not a credential at all is 400. Rate-limited per address, like POST /verify.";

/** The W3C VC API's verifier routes (VCALM), public like POST /verify. */
@ApiTags('public verification')
@Controller()
export class VcApiController {
  constructor(
    private readonly credentials: CredentialVerifier,
    private readonly presentations: PresentationVerifier,
    private readonly limiter: VerifyRateLimiter,
  ) {}

  @Post('credentials/verify')
  @HttpCode(200)
  @Public()
  @JsonBodyLimits({ maxDepth: 64, maxKeys: 2048, maxArrayLength: 256 })
  @ApiOperation({ summary: 'Verify a credential (W3C VC API)', description: HOW })
  @ApiOkResponse({ type: CredentialVerificationResultDto })
  @ApiBadRequestResponse({ description: 'Not a credential', type: ErrorResponseDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async verifyCredential(
    @Body() body: VerifyCredentialRequestDto,
    @Req() request: FastifyRequest,
  ): Promise<CredentialVerificationResultDto> {
    this.limiter.check(request.ip);
    const presented = body.verifiableCredential;
    if (typeof presented !== 'string' && !isRecord(presented))
      throw notACredential('verifiableCredential');
    return CredentialVerificationResultDto.from(
      await this.credentials.verify(presented),
      body.options,
    );
  }

  @Post('presentations/verify')
  @HttpCode(200)
  @Public()
  @JsonBodyLimits({ maxDepth: 64, maxKeys: 4096, maxArrayLength: 256 })
  @ApiOperation({
    summary: 'Verify a presentation and the credentials in it (W3C VC API)',
    description: `The presentation's proof (eddsa-rdfc-2022 by a did:key holder, purpose authentication) needs \`options.challenge\`; an unsigned presentation is read with a warning. Each credential is checked as by /credentials/verify (at most ${MAX_PRESENTED_CREDENTIALS}). ${HOW}`,
  })
  @ApiOkResponse({ type: PresentationVerificationResultDto })
  @ApiBadRequestResponse({ description: 'Not a presentation', type: ErrorResponseDto })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async verifyPresentation(
    @Body() body: VerifyPresentationRequestDto,
    @Req() request: FastifyRequest,
  ): Promise<PresentationVerificationResultDto> {
    this.limiter.check(request.ip);
    const presentation = body.verifiablePresentation;
    if (!isRecord(presentation)) throw notACredential('verifiablePresentation');
    const count = ([] as unknown[]).concat(presentation.verifiableCredential ?? []).length;
    if (count > MAX_PRESENTED_CREDENTIALS)
      throw badRequest(
        'TOO_MANY',
        `A presentation may carry ${MAX_PRESENTED_CREDENTIALS} credentials at most`,
        {
          max: MAX_PRESENTED_CREDENTIALS,
        },
      );
    const options = body.options ?? {};
    const verdict = await this.presentations.verify(presentation, options);
    return {
      verified: verdict.verified,
      checks: verdict.checks,
      warnings: verdict.warnings,
      errors: verdict.errors,
      problemDetails: [...verdict.errors, ...verdict.warnings],
      presentationResult: { verified: verdict.proofValid, holder: verdict.holder },
      credentialResults: verdict.credentials.map((c) =>
        CredentialVerificationResultDto.from(c, options),
      ),
    };
  }
}

function notACredential(field: string) {
  return badRequest(
    'UNSUPPORTED_CREDENTIAL',
    field === 'verifiablePresentation'
      ? 'verifiablePresentation must be a presentation object'
      : 'verifiableCredential must be a vc+jwt string, an EnvelopedVerifiableCredential or a Data Integrity credential object',
    { fields: [field] },
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
