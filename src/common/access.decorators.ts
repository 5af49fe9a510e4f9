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

export const INSTRUCTOR_SCOPE_KEY = 'coe:instructor-scope';

export interface InstructorScope {
  /** What the route's `:id` names: a session, or an enrolment (whose session counts). */
  resource: 'session' | 'enrolment';
  /** Roles that may act on any session, assigned or not. */
  anySession: readonly Role[];
}

/**
 * An instructor may use this route only for sessions they are assigned to. Checked by the
 * access guard before the body is validated, so an instructor of another session gets 403
 * whatever they send (the services check again).
 */
export const AssignedInstructorOnly = (
  resource: InstructorScope['resource'],
  anySession: readonly Role[] = ['admin'],
) => SetMetadata(INSTRUCTOR_SCOPE_KEY, { resource, anySession } satisfies InstructorScope);
