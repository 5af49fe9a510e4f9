import { Module } from '@nestjs/common';
import { PasswordHasher } from '../auth/password-hasher.js';
import { RateLimiter } from '../common/rate-limiter.js';
import { AccountMail } from './account-mail.js';
import { AccountAdminController, AccountController } from './accounts.controller.js';
import { AccountsService } from './accounts.service.js';

/**
 * Invitations, password recovery and preferences (issue 16). UsersModule imports it to mail the
 * invitation of an account created without a password, in the transaction that creates it, and
 * passes on its PasswordHasher: one instance in the app, whose stand-in hash for accounts
 * without a password is made once.
 */
@Module({
  controllers: [AccountAdminController, AccountController],
  providers: [AccountsService, AccountMail, PasswordHasher, RateLimiter],
  exports: [AccountMail, AccountsService, PasswordHasher],
})
export class AccountsModule {}
