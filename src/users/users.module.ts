import { Module } from '@nestjs/common';
import { AccountsModule } from '../accounts/accounts.module.js';
import { BootstrapAdmin } from './bootstrap-admin.js';
import { UsersController } from './users.controller.js';
import { UsersService } from './users.service.js';

@Module({
  imports: [AccountsModule],
  controllers: [UsersController],
  providers: [UsersService, BootstrapAdmin],
  // The password hasher comes from AccountsModule (one instance), passed on to AuthModule.
  exports: [UsersService, AccountsModule],
})
export class UsersModule {}
