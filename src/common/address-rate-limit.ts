import {
  applyDecorators,
  CanActivate,
  ExecutionContext,
  Injectable,
  SetMetadata,
  UseGuards,
} from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { ApiTooManyRequestsResponse } from '@nestjs/swagger';
import type { FastifyRequest } from 'fastify';
import { AppConfig } from '../config/app-config.js';
import { ErrorResponseDto } from './error-response.dto.js';
import { tooManyRequests } from './errors.js';
import { RateLimiter } from './rate-limiter.js';

const BUCKET_KEY = 'coe:address-rate-limit';

/**
 * Anyone may call this route, so each client address gets a budget of calls per minute for it
 * (AUTH_RATE_LIMIT_PER_MINUTE), counted in the database so it holds across instances.
 * Checked after the access guard and before the body is validated: 429 with Retry-After.
 * The controller's module must provide RateLimiter.
 */
export const LimitPerAddress = (bucket: string) =>
  applyDecorators(
    SetMetadata(BUCKET_KEY, bucket),
    UseGuards(AddressRateLimitGuard),
    ApiTooManyRequestsResponse({
      type: ErrorResponseDto,
      description: 'Too many calls from this address within a minute (see Retry-After)',
    }),
  );

@Injectable()
export class AddressRateLimitGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly limiter: RateLimiter,
    private readonly config: AppConfig,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const points = this.config.authRateLimitPerMinute;
    const bucket = this.reflector.get<string | undefined>(BUCKET_KEY, context.getHandler());
    if (!points || !bucket) return true;
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    const state = await this.limiter.hit(`address:${bucket}:${request.ip ?? 'unknown'}`, {
      points,
      windowSeconds: 60,
    });
    if (state.used > points)
      throw tooManyRequests(state.retryAfterSeconds, 'Too many requests from this address');
    return true;
  }
}
