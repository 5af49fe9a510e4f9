import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { BootstrapAdmin } from './bootstrap-admin.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AccountsModule],
  controllers: [UsersController],
  providers: [UsersService, PasswordHasher, BootstrapAdmin],
  exports: [UsersService, PasswordHasher],
})
export class UsersModule {}
