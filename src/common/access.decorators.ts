import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from './error-response.dto.js';
import { ROLES, type Role } from './roles.js';

export const ACCESS_KEY = 'coe:access';

/** What a route demands of its caller. A route without this metadata is refused to everyone. */
export type AccessRule = { public: true } | { public: false; roles: readonly Role[] };

/** Anyone may call this route, signed in or not. */
export const Public = () =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { public: true } satisfies AccessRule),
    ApiExtension('x-access', 'public'),
  );

/**
 * Only signed-in users holding one of these roles may call this route. The same metadata
 * feeds the guard and the OpenAPI document, so the docs cannot drift from enforcement.
 * Finer rules (a trainee's own record, an instructor's own session) live in the services.
 */
export const Roles = (...roles: Role[]) =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { public: false, roles } satisfies AccessRule),
    ApiBearerAuth(),
    ApiExtension('x-roles', roles),
    ApiUnauthorizedResponse({
      description: 'Not signed in, or the token is invalid',
      type: ErrorResponseDto,
    }),
    ApiForbiddenResponse({
      description: `Requires one of the roles: ${roles.join(', ')}`,
      type: ErrorResponseDto,
    }),
  );

/** Any signed-in user, whatever their role. */
export const SignedIn = () => Roles(...ROLES);
