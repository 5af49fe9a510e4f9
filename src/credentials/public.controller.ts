import {
  Body,
  Controller,
  Get,
  Header,
  HttpCode,
  Param,
  Post,
  Query,
  Req,
  Res,
} from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiExcludeEndpoint,
  ApiExtraModels,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  getSchemaPath,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorators.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { JsonBodyLimits } from '../common/json-limits.js';
import { badRequest } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { pickLanguage } from '../web/i18n.js';
import { renderVerificationForm } from '../web/verification-page.js';
import { OB_V3_CONTEXT, VC_V2_CONTEXT } from './credential-builder.js';
import { CredentialsService } from './credentials.service.js';
import { IssuerProfileDto, JwksDto, STATUS_LIST_CREDENTIAL_SCHEMA } from './dto/public.dto.js';
import {
  CredentialVerificationDto,
  SerialVerificationDto,
  VerifyCredentialDto,
} from './dto/verify.dto.js';
import { SigningKeysService } from './signing-keys.service.js';
import { STATUS_LIST_TTL_MS } from './status-list-credential.js';
import {
  StatusListCredentialsService,
  type PublishedStatusList,
} from './status-list-credentials.service.js';
import { VerificationService } from './verification.service.js';
import { VerifyRateLimiter } from './verify-rate-limiter.js';
import { SerialVerificationResponder } from './serial-verification.responder.js';

/** What anyone can check without an account: serials, credentials, keys and status lists. */
@ApiTags('public verification')
@Controller()
export class PublicController {
  constructor(
    private readonly verification: VerificationService,
    private readonly limiter: VerifyRateLimiter,
    private readonly keys: SigningKeysService,
    private readonly statusListCredentials: StatusListCredentialsService,
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
    private readonly serialResponder: SerialVerificationResponder,
  ) {}

  @Get('verify')
  @Public()
  @ApiExcludeEndpoint()
  verifyForm(
    @Query('serial') serial: unknown,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    // The HTML form submits ?serial=; send the browser to the canonical page.
    const value = typeof serial === 'string' ? serial.trim().slice(0, 100) : '';
    const suffix = typeof lang === 'string' && /^[a-z]{2}$/.test(lang) ? `?lang=${lang}` : '';
    if (value) return reply.redirect(`/verify/${encodeURIComponent(value)}${suffix}`, 303);
    // Nothing asked yet: the form, not a "not found" verdict.
    const language = pickLanguage(lang, request.headers['accept-language']);
    return reply
      .header('Vary', 'Accept-Language')
      .type('text/html; charset=utf-8')
      .send(renderVerificationForm(language, { path: '/verify' }));
  }

  @Get('verify/:serial')
  @Public()
  @ApiOperation({
    summary: 'Verify a certificate by its serial number',
    description:
      'A browser gets an HTML page (English, Azerbaijani or Russian from ?lang= or Accept-Language); `Accept: application/json` gets JSON. Unknown serial: 404 with `status: "not_found"`. Shows only a masked holder name (and, with VERIFY_SHOW_DOCUMENT_LAST4=true, holderDocument: the type and last four characters of the holder\'s identity document). The page names the course in its language (course translations); the JSON keeps the original title. Opened from a certificate\'s QR code (`/verify/{serial}#{token}`, issue 19), the page also checks the signed token in the fragment in the browser, against /.well-known/jwks.json and the record shown, and warns when the code may be forged. Rate-limited per address.',
  })
  @ApiExtraModels(SerialVerificationDto, ErrorResponseDto)
  @ApiOkResponse({
    description: 'The verdict: JSON for programs, the page for browsers',
    content: {
      'application/json': { schema: { $ref: getSchemaPath(SerialVerificationDto) } },
      'text/html': { schema: { type: 'string' } },
    },
  })
  @ApiNotFoundResponse({
    description:
      'No certificate has this serial: the error shape and the verdict (`status: "not_found"`) in one JSON object, or the page saying so',
    content: {
      'application/json': {
        schema: {
          allOf: [
            { $ref: getSchemaPath(ErrorResponseDto) },
            { $ref: getSchemaPath(SerialVerificationDto) },
          ],
        },
      },
      'text/html': { schema: { type: 'string' } },
    },
  })
  @ApiTooManyRequestsResponse({
    description: 'Too many verifications from this address (Retry-After says when to retry)',
    type: ErrorResponseDto,
  })
  async verifySerial(
    @Param('serial') serial: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    // Served by verify-route.ts straight from Fastify; this is the same answer, for a Nest
    // application built without it.
    return this.serialResponder.answer(serial, lang, request, reply);
  }

  @Post('verify')
  @HttpCode(200)
  @Public()
  @JsonBodyLimits({ maxDepth: 64, maxKeys: 2048, maxArrayLength: 256 })
  @ApiOperation({
    summary: 'Verify a presented credential',
    description:
      "Takes the vc+jwt string or the Data Integrity (JSON-LD) credential object. Checks the signature against the Center's keys (current and retired; a proof by any other key is not valid), the validity dates and the current status. A tampered credential is never valid; a malformed one answers 200 with `signatureValid: false`. An invalid credential's answer states none of its claims (serial, holder, course, dates, issuer are empty): only the verdict and `checks.signature`, the reason. A genuine one's facts come from the register, not from the credential.",
  })
  @ApiOkResponse({
    description:
      'The verdict; `status: "invalid"` when the credential does not verify (`checks.signature` says why)',
    type: CredentialVerificationDto,
  })
  @ApiBadRequestResponse({
    description:
      'The body is not JSON, lacks `credential`, or `credential` is neither a string nor an object (UNSUPPORTED_CREDENTIAL); a string over 100,000 characters (VALIDATION_FAILED)',
    type: ErrorResponseDto,
  })
  @ApiTooManyRequestsResponse({
    description: 'Too many verifications from this address (Retry-After says when to retry)',
    type: ErrorResponseDto,
  })
  async verifyCredential(
    @Body() body: VerifyCredentialDto,
    @Req() request: FastifyRequest,
  ): Promise<CredentialVerificationDto> {
    this.limiter.check(request.ip);
    const { credential } = body;
    if (typeof credential === 'string') {
      if (credential.length > 100_000)
        throw badRequest('VALIDATION_FAILED', 'credential is too long', { fields: [] });
      return this.verification.credential(credential);
    }
    if (typeof credential === 'object' && credential !== null && !Array.isArray(credential))
      return this.verification.credential(credential as Record<string, unknown>);
    throw badRequest(
      'UNSUPPORTED_CREDENTIAL',
      'credential must be a vc+jwt string or a Data Integrity credential object',
      { fields: ['credential'] },
    );
  }

  @Get('.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: "The issuer's public keys (JWKS)",
    description: 'Keys retired by rotation stay listed so earlier credentials keep verifying.',
  })
  @ApiOkResponse({ type: JwksDto })
  async jwks(): Promise<{ keys: unknown[] }> {
    return { keys: await this.keys.publicKeys() };
  }

  @Get('issuer')
  @Public()
  @ApiOkResponse({ description: 'An Open Badges 3.0 Profile', type: IssuerProfileDto })
  @ApiOperation({
    summary: 'The issuer profile named in credentials',
    description:
      'The vc+jwt credentials name this URL as issuer; the Data Integrity credentials name a did:key, one per signing key. `otherIdentifier` lists every DID the Center has signed with, retired ones included, so a verifier can tell which did:key issuers are the Center.',
  })
  async issuer() {
    const issuer = this.credentials.issuer();
    const keys = await this.keys.keyInfos();
    return {
      // An Open Badges 3.0 Profile document, as the credentials naming this URL expect.
      '@context': [VC_V2_CONTEXT, OB_V3_CONTEXT],
      ...issuer,
      type: ['Profile'],
      jwksUri: `${this.config.publicBaseUrl}/.well-known/jwks.json`,
      otherIdentifier: keys.map((k) => ({
        type: 'IdentifierEntry',
        identifier: k.did,
        identifierType: 'ext:did',
      })),
      signingKeys: keys.map((k) => ({
        kid: k.kid,
        did: k.did,
        status: k.status,
        createdAt: k.createdAt.toISOString(),
        retiredAt: k.retiredAt?.toISOString() ?? null,
      })),
    };
  }

  @Get('credentials/status/:listId')
  @Public()
  @ApiOperation({
    summary: 'A Bitstring Status List credential (vc+jwt)',
    description:
      "The list the vc+jwt credentials' `credentialStatus` entries point to: `suspended-or-revoked-N` (credentials issued since issue 18: purpose `suspension`, the bit set while the certificate is suspended or revoked) and, for credentials issued before, `revocation-N` and `suspension-N`. Always a `vc+jwt` (EdDSA, `kid` in the header) issued by `{base}/issuer`, whatever the Accept header: the list comes from the issuer of the credentials that point here. Signed once per content: `validFrom`/`iat`/`nbf` and the ETag change only when a suspension, reinstatement or revocation changes the bits. `ttl` (ms) and `Cache-Control: max-age` say how long to use it; revalidate with If-None-Match or If-Modified-Since (304).",
  })
  @ApiOkResponse({
    description: 'The list as a signed vc+jwt (compact JWS)',
    content: { 'application/vc+jwt': { schema: { type: 'string' } } },
  })
  @ApiNotModifiedStatusList()
  @ApiNotFoundResponse({ description: 'No such list', type: ErrorResponseDto })
  async statusList(
    @Param('listId') listId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    return sendStatusList(request, reply, await this.statusListCredentials.jwt(listId));
  }

  @Get('credentials/status/:listId/:keyFingerprint')
  @Public()
  @ApiOperation({
    summary: 'A Bitstring Status List credential for the Data Integrity credentials of one key',
    description:
      "The list the Data Integrity credentials' `credentialStatus` entries point to: secured with a Data Integrity proof by the did:key whose multibase key is `keyFingerprint`, the same issuer as the credentials it speaks for (retired keys included). Same bits as the vc+jwt form's list of the same name. Signed once per content, with the same caching and revalidation (ETag, Last-Modified, 304) as the vc+jwt form.",
  })
  @ApiOkResponse({
    description: 'The list as JSON-LD with its Data Integrity proof',
    content: { 'application/json': { schema: STATUS_LIST_CREDENTIAL_SCHEMA } },
  })
  @ApiNotModifiedStatusList()
  @ApiNotFoundResponse({ description: 'No such list or key', type: ErrorResponseDto })
  async statusListOfKey(
    @Param('listId') listId: string,
    @Param('keyFingerprint') keyFingerprint: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const list = await this.statusListCredentials.dataIntegrity(
      listId,
      keyFingerprint.slice(0, 100),
    );
    return sendStatusList(request, reply, list);
  }
}

/**
 * A status list with HTTP caching: public for a short while (the list's own `ttl`), then
 * revalidated; 304 when the client's copy is still the current one.
 */
function sendStatusList(request: FastifyRequest, reply: FastifyReply, list: PublishedStatusList) {
  void reply
    .header('Cache-Control', `public, max-age=${STATUS_LIST_TTL_MS / 1000}`)
    .header('ETag', list.etag)
    .header('Last-Modified', list.signedAt.toUTCString());
  if (notModified(request, list)) return reply.status(304).send();
  return reply.type(list.contentType).send(list.body);
}

/** RFC 9110 §13.2.2: If-None-Match decides when present; If-Modified-Since only without it. */
function notModified(request: FastifyRequest, list: PublishedStatusList): boolean {
  const ifNoneMatch = request.headers['if-none-match'];
  if (ifNoneMatch !== undefined) {
    return ifNoneMatch
      .split(',')
      .map((tag) => tag.trim().replace(/^W\//, ''))
      .some((tag) => tag === '*' || tag === list.etag);
  }
  const ifModifiedSince = Date.parse(request.headers['if-modified-since'] ?? '');
  return Number.isFinite(ifModifiedSince) && list.signedAt.getTime() <= ifModifiedSince;
}

/** A 304 to a revalidation (If-None-Match / If-Modified-Since) of the current list. */
function ApiNotModifiedStatusList() {
  return ApiResponse({
    status: 304,
    description: 'The copy the client holds (its ETag or date) is still the current list',
  });
}

/** JSON when the client prefers it to HTML (programs), HTML otherwise (browsers). */
