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
  ApiExcludeEndpoint,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProduces,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../common/access.decorators.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { badRequest, notFound, STATUS_TEXT } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { pickLanguage } from '../web/i18n.js';
import { renderVerificationPage } from '../web/verification-page.js';
import { statusListUrl } from './credential-builder.js';
import { CredentialsService } from './credentials.service.js';
import {
  CredentialVerificationDto,
  SerialVerificationDto,
  VerifyCredentialDto,
} from './dto/verify.dto.js';
import { buildStatusListCredential } from './status-list-credential.js';
import { parseStatusListId, StatusListsService } from './status-lists.service.js';
import { SigningKeysService } from './signing-keys.service.js';
import { signCredentialJwt } from './vc-jwt.js';
import { VerificationService } from './verification.service.js';
import { VerifyRateLimiter } from './verify-rate-limiter.js';

/** What anyone can check without an account: serials, credentials, keys and status lists. */
@ApiTags('public verification')
@Controller()
export class PublicController {
  constructor(
    private readonly verification: VerificationService,
    private readonly limiter: VerifyRateLimiter,
    private readonly keys: SigningKeysService,
    private readonly statusLists: StatusListsService,
    private readonly credentials: CredentialsService,
    private readonly config: AppConfig,
  ) {}

  @Get('verify')
  @Public()
  @ApiExcludeEndpoint()
  verifyForm(
    @Query('serial') serial: unknown,
    @Query('lang') lang: unknown,
    @Res() reply: FastifyReply,
  ) {
    // The HTML form submits ?serial=; send the browser to the canonical page.
    const value = typeof serial === 'string' ? serial.trim().slice(0, 100) : '';
    const suffix = typeof lang === 'string' && /^[a-z]{2}$/.test(lang) ? `?lang=${lang}` : '';
    return reply.redirect(
      value ? `/verify/${encodeURIComponent(value)}${suffix}` : `/verify/-${suffix}`,
      303,
    );
  }

  @Get('verify/:serial')
  @Public()
  @ApiOperation({
    summary: 'Verify a certificate by its serial number',
    description:
      'A browser gets an HTML page (English, Azerbaijani or Russian from ?lang= or Accept-Language); `Accept: application/json` gets JSON. Unknown serial: 404 with `status: "not_found"`. Shows only a masked holder name. Rate-limited per address.',
  })
  @ApiProduces('application/json', 'text/html')
  @ApiOkResponse({ type: SerialVerificationDto })
  @ApiNotFoundResponse({
    description: 'No certificate has this serial',
    type: SerialVerificationDto,
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async verifySerial(
    @Param('serial') serial: string,
    @Query('lang') lang: unknown,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    this.limiter.check(request.ip);
    const result = await this.verification.bySerial(serial.slice(0, 100));
    const status = result.status === 'not_found' ? 404 : 200;
    void reply
      .header('Cache-Control', 'no-store')
      .header('Vary', 'Accept, Accept-Language')
      .header('X-Robots-Tag', 'noindex');
    if (wantsJson(request)) {
      const body =
        status === 404
          ? {
              statusCode: 404,
              error: STATUS_TEXT[404],
              code: 'NOT_FOUND',
              message: 'No certificate has this serial',
              details: {},
              ...result,
            }
          : result;
      return reply.status(status).type('application/json; charset=utf-8').send(body);
    }
    const language = pickLanguage(lang, request.headers['accept-language']);
    const page = renderVerificationPage(result, language, {
      path: `/verify/${encodeURIComponent(serial)}`,
    });
    return reply.status(status).type('text/html; charset=utf-8').send(page);
  }

  @Post('verify')
  @HttpCode(200)
  @Public()
  @ApiOperation({
    summary: 'Verify a presented credential',
    description:
      "Checks the signature against the Center's keys (current and retired), the validity dates and the current status. A tampered credential is never valid.",
  })
  @ApiOkResponse({ type: CredentialVerificationDto })
  async verifyCredential(
    @Body() body: VerifyCredentialDto,
    @Req() request: FastifyRequest,
  ): Promise<CredentialVerificationDto> {
    this.limiter.check(request.ip);
    if (typeof body.credential === 'string') {
      if (body.credential.length > 100_000)
        throw badRequest('VALIDATION_FAILED', 'credential is too long', { fields: [] });
      return this.verification.credential(body.credential);
    }
    throw badRequest('UNSUPPORTED_CREDENTIAL', 'credential must be a vc+jwt string', {
      fields: ['credential'],
    });
  }

  @Get('.well-known/jwks.json')
  @Public()
  @Header('Cache-Control', 'public, max-age=300')
  @ApiOperation({
    summary: "The issuer's public keys (JWKS)",
    description: 'Keys retired by rotation stay listed so earlier credentials keep verifying.',
  })
  async jwks(): Promise<{ keys: unknown[] }> {
    return { keys: await this.keys.publicKeys() };
  }

  @Get('issuer')
  @Public()
  @ApiOperation({ summary: 'The issuer profile named in credentials' })
  issuer() {
    const issuer = this.credentials.issuer();
    return {
      ...issuer,
      type: ['Profile'],
      jwksUri: `${this.config.publicBaseUrl}/.well-known/jwks.json`,
    };
  }

  @Get('credentials/status/:listId')
  @Public()
  @ApiOperation({
    summary: 'A Bitstring Status List credential',
    description:
      "The list the credentials' `credentialStatus` entries point to (`revocation-N`, `suspension-N`). JSON by default; `Accept: application/vc+jwt` gets it signed as a JWT. Always current: a suspension or revocation shows at once.",
  })
  @ApiProduces('application/json', 'application/vc+jwt')
  async statusList(
    @Param('listId') listId: string,
    @Req() request: FastifyRequest,
    @Res() reply: FastifyReply,
  ) {
    const { purpose, listNumber } = parseStatusListId(listId);
    if (!(await this.statusLists.listExists(listNumber))) throw notFound('Status list');
    const url = statusListUrl(this.config.publicBaseUrl, purpose, listNumber);
    const credential = buildStatusListCredential(
      url,
      this.credentials.issuer(),
      purpose,
      await this.statusLists.encodedList(purpose, listNumber),
    );
    void reply.header('Cache-Control', 'no-cache').header('Vary', 'Accept');
    if ((request.headers.accept ?? '').includes('application/vc+jwt')) {
      const jwt = await signCredentialJwt(
        credential,
        await this.keys.activeKey(),
        'statuslist+jwt',
      );
      return reply.type('application/vc+jwt').send(jwt);
    }
    return reply.type('application/json; charset=utf-8').send(credential);
  }
}

/** JSON when the client prefers it to HTML (programs), HTML otherwise (browsers). */
function wantsJson(request: FastifyRequest): boolean {
  const accept = request.headers.accept ?? '';
  if (!accept) return true;
  const json = accept.indexOf('application/json');
  const html = accept.indexOf('text/html');
  return json !== -1 && (html === -1 || json < html);
}
