import { Body, Controller, Delete, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiForbiddenResponse,
  ApiHeader,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Public } from '../access/access.decorators.js';
import { CurrentActor, type Actor } from '../common/actor.js';
import { LimitPerAddress } from '../common/address-rate-limit.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { DomainError, unauthorized } from '../common/errors.js';
import { AuthService } from './auth.service.js';
import { LoginDto, WebSessionDto } from './dto/auth.dto.js';
import {
  ACCESS_COOKIE,
  cookieOf,
  CSRF_COOKIE,
  REFRESH_COOKIE,
  WEB_SESSION_PATH,
  WebSessions,
} from './web-session.js';

const CSRF_HEADER_DOC = ApiHeader({
  name: 'X-CSRF-Token',
  required: true,
  description: `The value of the ${CSRF_COOKIE} cookie (proof the page itself sent the request)`,
});
const CSRF_REFUSAL = ApiForbiddenResponse({
  type: ErrorResponseDto,
  description: 'CSRF_TOKEN_INVALID: X-CSRF-Token missing or not this session’s',
});

/**
 * The browser's sign-in, renewal and sign-out: the same sessions and tokens as
 * /auth/login, /auth/refresh and /auth/logout, held in cookies (see web-session.ts) instead of
 * answered to the page. API clients keep using those routes with Bearer tokens.
 */
@ApiTags('auth')
@Controller(WEB_SESSION_PATH.slice(1))
export class WebSessionController {
  constructor(
    private readonly auth: AuthService,
    private readonly web: WebSessions,
  ) {}

  @Post()
  @HttpCode(200)
  @Public()
  @LimitPerAddress('auth.login')
  @ApiOperation({
    summary: 'Sign in the browser (cookie session)',
    description:
      `Sets the HttpOnly cookies ${ACCESS_COOKIE} (Path=/api/) and ${REFRESH_COOKIE} ` +
      `(Path=${WEB_SESSION_PATH}) and the readable ${CSRF_COOKIE} (Path=/), all SameSite=Strict ` +
      'and Secure when PUBLIC_BASE_URL is https. Unsafe requests authenticated by the cookie ' +
      `must send the ${CSRF_COOKIE} value in X-CSRF-Token. The answer names the user, no token. ` +
      'Failures and throttling as for /auth/login. Only JSON bodies are read, so a form on ' +
      'another site cannot sign the browser in to an account of its choosing.',
  })
  @ApiOkResponse({ type: WebSessionDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  async signIn(
    @CurrentActor() actor: Actor,
    @Body() body: LoginDto,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebSessionDto> {
    const { pair, sessionId } = await this.auth.signIn(actor, body.email, body.password);
    this.web.set(reply, pair, sessionId);
    return { user: pair.user };
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @LimitPerAddress('auth.refresh')
  @ApiOperation({
    summary: 'Renew the browser session from its refresh cookie',
    description:
      `Rotates ${ACCESS_COOKIE} and ${REFRESH_COOKIE} (${CSRF_COOKIE} stays). As for ` +
      '/auth/refresh, a refresh cookie presented again after use ends the whole sign-in. When ' +
      'renewal fails the cookies are cleared.',
  })
  @CSRF_HEADER_DOC
  @ApiOkResponse({ type: WebSessionDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  @CSRF_REFUSAL
  async refresh(
    @CurrentActor() actor: Actor,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<WebSessionDto> {
    const presented = cookieOf(request, REFRESH_COOKIE);
    const sessionId = presented ? await this.auth.sessionOfRefreshToken(presented) : null;
    if (!presented || !sessionId) {
      this.web.clear(reply);
      throw unauthorized(
        'Sign in again: there is no web session to renew',
        'INVALID_REFRESH_TOKEN',
      );
    }
    // Checked before the token is used: a forged request neither rotates nor revokes anything.
    this.web.assertCsrfProof(request, sessionId);
    try {
      const { pair } = await this.auth.renew(actor, presented);
      this.web.set(reply, pair, sessionId);
      return { user: pair.user };
    } catch (error) {
      if (error instanceof DomainError && error.status === 401) this.web.clear(reply);
      throw error;
    }
  }

  @Delete()
  @HttpCode(204)
  @Public()
  @LimitPerAddress('auth.logout')
  @ApiOperation({
    summary: 'Sign the browser out',
    description:
      'Ends the session the cookies belong to (every tab of it, at once) and clears the ' +
      'cookies. Without a session it only clears them.',
  })
  @CSRF_HEADER_DOC
  @ApiNoContentResponse()
  @CSRF_REFUSAL
  async signOut(
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    const sessionId = await this.sessionOf(request);
    if (sessionId) {
      this.web.assertCsrfProof(request, sessionId);
      await this.auth.endSession(sessionId);
    }
    this.web.clear(reply);
  }

  /** The session the cookies name: the refresh cookie's, else a still valid access cookie's. */
  private async sessionOf(request: FastifyRequest): Promise<string | null> {
    const refresh = cookieOf(request, REFRESH_COOKIE);
    const fromRefresh = refresh ? await this.auth.sessionOfRefreshToken(refresh) : null;
    if (fromRefresh) return fromRefresh;
    const access = cookieOf(request, ACCESS_COOKIE);
    return access ? ((await this.auth.verifyAccessToken(access))?.sid ?? null) : null;
  }
}
