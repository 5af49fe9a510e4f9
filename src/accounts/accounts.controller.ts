import { Body, Controller, Get, HttpCode, Param, Patch, Post } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiBadRequestResponse,
  ApiConflictResponse,
  ApiNoContentResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
  ApiTooManyRequestsResponse,
} from '@nestjs/swagger';
import { Allow, Public, SignedIn } from '../access/access.decorators.js';
import { CurrentActor, CurrentUser, type Actor, type AuthenticatedUser } from '../common/actor.js';
import { LimitPerAddress } from '../common/address-rate-limit.js';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { UuidPipe } from '../common/uuid.pipe.js';
import { AccountsService } from './accounts.service.js';
import {
  MailedLinkDto,
  PasswordResetConfirmDto,
  PasswordResetRequestDto,
  PreferencesDto,
  UpdatePreferencesDto,
} from './dto/accounts.dto.js';

const NOT_ENABLED = ApiConflictResponse({
  type: ErrorResponseDto,
  description:
    'ACCOUNT_NOT_ENABLED: the account is disabled (enable it first); PASSWORD_ALREADY_SET (invitation only): the person chose a password already, send a reset link instead',
});

/** An administrator's mail to an account: a new invitation, or a reset link. */
@ApiTags('users')
@Controller('api/v1/users')
export class AccountAdminController {
  constructor(private readonly accounts: AccountsService) {}

  @Post(':id/invitation')
  @HttpCode(202)
  @Allow('users.manage')
  @ApiOperation({
    summary: 'Send a new invitation to choose a password',
    description:
      'For an account created without a password whose person has not chosen one yet. The new link works for 7 days; earlier invitations stop working. 409 PASSWORD_ALREADY_SET once a password was chosen.',
  })
  @ApiAcceptedResponse({ type: MailedLinkDto, description: 'The invitation is queued for sending' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @NOT_ENABLED
  resendInvitation(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
  ): Promise<MailedLinkDto> {
    return this.accounts.resendInvitation(actor, id);
  }

  @Post(':id/password-reset')
  @HttpCode(202)
  @Allow('users.manage')
  @ApiOperation({
    summary: 'Mail a password reset link and end the account’s sessions',
    description:
      'Every session of the account (API tokens, web sessions) ends at once; the link works for 30 minutes and replaces earlier reset links. The current password keeps working until a new one is chosen: disable the account to stop it at once.',
  })
  @ApiAcceptedResponse({ type: MailedLinkDto, description: 'The reset link is queued for sending' })
  @ApiNotFoundResponse({ type: ErrorResponseDto })
  @NOT_ENABLED
  resetPassword(
    @CurrentActor() actor: Actor,
    @Param('id', UuidPipe) id: string,
  ): Promise<MailedLinkDto> {
    return this.accounts.adminReset(actor, id);
  }
}

/** Password recovery, open to anyone, and the signed-in person's own preferences. */
@ApiTags('auth')
@Controller('api/v1/auth')
export class AccountController {
  constructor(private readonly accounts: AccountsService) {}

  @Post('password-reset')
  @HttpCode(202)
  @Public()
  @LimitPerAddress('auth.password-reset')
  @ApiOperation({
    summary: 'Ask for a password reset link',
    description:
      'Answers 202 whatever the address, in the same time: if an enabled account has it, a link valid for 30 minutes is mailed to it (earlier reset links stop working). Limited per address asked about and per client address (429 with Retry-After).',
  })
  @ApiAcceptedResponse({ description: 'Accepted; a link is mailed if the account exists' })
  @ApiTooManyRequestsResponse({ type: ErrorResponseDto })
  async requestReset(
    @CurrentActor() actor: Actor,
    @Body() body: PasswordResetRequestDto,
  ): Promise<void> {
    await this.accounts.requestReset(actor, body.email);
  }

  @Post('password-reset/confirm')
  @HttpCode(204)
  @Public()
  @LimitPerAddress('auth.password-reset-confirm')
  @ApiOperation({
    summary: 'Choose a new password with a mailed link’s token',
    description:
      'Accepts password reset and invitation tokens. The token works once; the account’s other unused links stop working and every session of the account ends (refresh tokens, web sessions).',
  })
  @ApiNoContentResponse({ description: 'The password is set; sign in with it' })
  @ApiBadRequestResponse({
    type: ErrorResponseDto,
    description:
      'INVALID_TOKEN: the token was used, has expired or is unknown; VALIDATION_FAILED: the password breaks the rules',
  })
  async confirmReset(
    @CurrentActor() actor: Actor,
    @Body() body: PasswordResetConfirmDto,
  ): Promise<void> {
    await this.accounts.confirmReset(actor, body.token, body.newPassword);
  }

  @Get('me/preferences')
  @SignedIn()
  @ApiOperation({ summary: 'The signed-in person’s mail preferences' })
  @ApiOkResponse({ type: PreferencesDto })
  preferences(@CurrentUser() user: AuthenticatedUser): Promise<PreferencesDto> {
    return this.accounts.preferences(user.id);
  }

  @Patch('me/preferences')
  @SignedIn()
  @ApiOperation({
    summary: 'Change the signed-in person’s mail preferences',
    description:
      'The language of their mail, and whether they receive reminders. Security mail is always sent.',
  })
  @ApiOkResponse({ type: PreferencesDto })
  updatePreferences(
    @CurrentActor() actor: Actor,
    @CurrentUser() user: AuthenticatedUser,
    @Body() body: UpdatePreferencesDto,
  ): Promise<PreferencesDto> {
    return this.accounts.updatePreferences(actor, user.id, body);
  }
}
