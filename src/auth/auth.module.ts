import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { createSecretKey } from 'node:crypto';
import { RateLimiter } from '../common/rate-limiter.js';
import { AppConfig } from '../config/app-config.js';
import { UsersModule } from '../users/users.module.js';
import { AccessGuard } from './access.guard.js';
import { SignedInUsers } from './signed-in-users.js';
import { AuthController } from './auth.controller.js';
import { AuthService } from './auth.service.js';
import { WebSessionController } from './web-session.controller.js';
import { WebSessions } from './web-session.js';

@Module({
  imports: [
    UsersModule,
    JwtModule.registerAsync({
      inject: [AppConfig],
      useFactory: (config: AppConfig) => ({
        // A KeyObject, not the string: given a string, jsonwebtoken first tries to read it as a
        // PEM public key and throws, on every request (about 5% of a busy instance's CPU).
        // The key bytes are the same, so tokens are the same.
        secret: createSecretKey(Buffer.from(config.jwtSecret, 'utf8')),
        // The algorithm is pinned both ways: tokens are signed and accepted only as HS256.
        signOptions: { algorithm: 'HS256' },
        verifyOptions: { algorithms: ['HS256'] },
      }),
    }),
  ],
  controllers: [AuthController, WebSessionController],
  providers: [
    AuthService,
    WebSessions,
    RateLimiter,
    SignedInUsers,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [AuthService, RateLimiter],
})
export class AuthModule {}
