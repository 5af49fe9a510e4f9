import { Body, Controller, Get, HttpCode, Post, Req, Res } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { CurrentActor, CurrentUser, type Actor, type AuthenticatedUser } from '../common/actor.js';
import { Public, SignedIn } from '../access/access.decorators.js';
import { LimitPerAddress } from '../common/address-rate-limit.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { UserDto } from '../users/dto/user.dto.js';
import { AuthService } from './auth.service.js';
import { ChangePasswordDto, LoginDto, RefreshDto, TokenPairDto } from './dto/auth.dto.js';
import { WebSessions } from './web-session.js';

@ApiTags('auth')
@Controller('api/v1/auth')
export class AuthController {
  constructor(
    private readonly auth: AuthService,
    private readonly web: WebSessions,
  ) {}

  @Post('login')
  @HttpCode(200)
  @Public()
  @LimitPerAddress('auth.login')
  @ApiOperation({
    summary: 'Sign in with email and password',
    description:
      'Returns a short-lived access token and a single-use refresh token. Repeated failures for one account are throttled (429 with Retry-After).',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({
    type: ErrorResponseDto,
    description: 'Unknown email or wrong password (same message for both), or a disabled account',
  })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  login(@CurrentActor() actor: Actor, @Body() body: LoginDto): Promise<TokenPairDto> {
    return this.auth.login(actor, body.email, body.password);
  }

  @Post('refresh')
  @HttpCode(200)
  @Public()
  @LimitPerAddress('auth.refresh')
  @ApiOperation({
    summary: 'Exchange a refresh token for a new pair',
    description:
      'The presented token stops working. Presenting an already used token revokes every token descended from the same sign-in.',
  })
  @ApiOkResponse({ type: TokenPairDto })
  @ApiUnauthorizedResponse({ type: ErrorResponseDto })
  refresh(@CurrentActor() actor: Actor, @Body() body: RefreshDto): Promise<TokenPairDto> {
    return this.auth.refresh(actor, body.refreshToken);
  }

  @Post('logout')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({ summary: 'Sign out: the refresh token and its descendants stop working' })
  @ApiNoContentResponse({ description: 'Signed out' })
  async logout(@CurrentUser() user: AuthenticatedUser, @Body() body: RefreshDto): Promise<void> {
    await this.auth.logout(user.id, body.refreshToken);
  }

  @Get('me')
  @SignedIn()
  @ApiOperation({ summary: 'The signed-in user' })
  @ApiOkResponse({ type: UserDto })
  me(@CurrentUser() user: AuthenticatedUser): Promise<UserDto> {
    return this.auth.me(user.id);
  }

  @Post('password')
  @HttpCode(204)
  @SignedIn()
  @ApiOperation({
    summary: 'Change the password',
    description:
      'Requires the current password. Every session of the account ends (a web session’s cookies are cleared); sign in again.',
  })
  @ApiNoContentResponse({ description: 'Changed; every session of the account has ended' })
  async changePassword(
    @CurrentActor() actor: Actor,
    @Body() body: ChangePasswordDto,
    @Req() request: FastifyRequest,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<void> {
    await this.auth.changePassword(actor, body);
    // The session has ended on the server already; the browser forgets its cookies too.
    if (this.web.carriesSession(request)) this.web.clear(reply);
  }
}
