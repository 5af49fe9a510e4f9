import { createParamDecorator, type ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { pickLanguage, type Lang } from '../web/i18n.js';

/**
 * The language the caller reads (Accept-Language, else English), for answers that word
 * something besides errors (a bulk issue's reasons for skipping); errors are worded by the
 * exception filter the same way.
 */
export const CallerLanguage = createParamDecorator(
  (_data: unknown, context: ExecutionContext): Lang =>
    pickLanguage(
      undefined,
      context.switchToHttp().getRequest<FastifyRequest>().headers['accept-language'],
    ),
);
