import { applyDecorators, SetMetadata } from '@nestjs/common';
import {
  ApiBearerAuth,
  ApiExtension,
  ApiForbiddenResponse,
  ApiUnauthorizedResponse,
} from '@nestjs/swagger';
import { ErrorResponseDto } from '../common/error-response.dto.js';
import { ROLES } from '../common/roles.js';
import { rolesFor, type Permission } from './access-policy.js';

export const ACCESS_KEY = 'coe:access';

/**
 * What a route's `:id` names, when the guard must also check that the permission reaches that
 * record (an instructor's own session) before the body is validated.
 */
export type RouteRecord = 'session' | 'enrolment';

/**
 * A setting (AppConfig, boolean) that opens a route to everyone when true: the Center decides
 * whether, say, the inspector's app may be synced without an account (INSPECT_PUBLIC).
 */
export type PublicSetting = 'inspectPublic';

/** The environment variable behind each PublicSetting, as the docs name it. */
const SETTING_NAMES: Record<PublicSetting, string> = { inspectPublic: 'INSPECT_PUBLIC' };

/** What a route demands of its caller. A route without this metadata is refused to everyone. */
export type AccessRule =
  | { public: true }
  | {
      public: false;
      permission: Permission | null;
      record?: RouteRecord;
      /** Public after all while this setting is on. */
      publicWhen?: PublicSetting;
    };

/** Anyone may call this route, signed in or not. */
export const Public = () =>
  applyDecorators(
    SetMetadata(ACCESS_KEY, { public: true } satisfies AccessRule),
    ApiExtension('x-access', 'public'),
  );

function signedInRoute(rule: AccessRule & { public: false }, who?: string) {
  const roles = rule.permission ? rolesFor(rule.permission) : ROLES;
  return applyDecorators(
    SetMetadata(ACCESS_KEY, rule),
    ApiBearerAuth(),
    ApiExtension('x-roles', roles),
    ...(rule.permission ? [ApiExtension('x-permission', rule.permission)] : []),
    ApiUnauthorizedResponse({
      description: 'Not signed in, or the token is invalid',
      type: ErrorResponseDto,
    }),
    ...(who ? [ApiForbiddenResponse({ description: who, type: ErrorResponseDto })] : []),
  );
}

/**
 * Only signed-in users holding the permission (access-policy.ts) may call this route. The same
 * metadata feeds the guard and the OpenAPI document, so the docs cannot drift from enforcement.
 * With `record`, the guard also checks that the permission reaches the session or enrolment
 * named by `:id` (an instructor's assigned session); services check again, and check the
 * records a route reads or lists.
 */
export const Allow = (
  permission: Permission,
  options: { record?: RouteRecord; publicWhen?: PublicSetting } = {},
) =>
  applyDecorators(
    signedInRoute(
      { public: false, permission, record: options.record, publicWhen: options.publicWhen },
      `Requires the permission ${permission} (roles: ${rolesFor(permission).join(', ')})` +
        (options.record ? `, reaching this ${options.record}` : '') +
        (options.publicWhen
          ? `, unless the setting ${SETTING_NAMES[options.publicWhen]}=true`
          : ''),
    ),
    ...(options.publicWhen
      ? [ApiExtension('x-public-when', SETTING_NAMES[options.publicWhen])]
      : []),
  );

/** Any signed-in user, whatever their role. */
export const SignedIn = () => signedInRoute({ public: false, permission: null });
