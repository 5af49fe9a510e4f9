import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { clientRequestId } from './request-id.js';
import type { Role } from './roles.js';
import { pickLanguage, type Lang } from '../web/i18n.js';

/** The signed-in user as the access guard established it for this request. */
export interface AuthenticatedUser {
  id: string;
  email: string;
  roles: Role[];
  traineeId: string | null;
  instructorId: string | null;
  /** A coordinator's organisation (users.organisation_id). */
  organisationId: string | null;
}

/**
 * Who is acting, passed explicitly from controllers into services so every rule and every
 * audit event knows the user, their roles and the request it came from.
 */
export interface Actor {
  userId: string | null;
  roles: Role[];
  traineeId: string | null;
  instructorId: string | null;
  /** A coordinator's organisation, whose people their reach covers (access-policy.ts). */
  organisationId?: string | null;
  /** The server's own request id. */
  requestId: string | null;
  /** The X-Request-Id the client sent (sanitised), recorded beside the server's id. */
  clientRequestId?: string | null;
  ip: string | null;
  /**
   * The language the caller reads (Accept-Language, else English), for what an answer words
   * besides its errors (a refusal listed in a successful answer).
   */
  language?: Lang;
}

declare module 'fastify' {
  interface FastifyRequest {
    user?: AuthenticatedUser;
  }
}

export const SYSTEM_ACTOR: Actor = {
  userId: null,
  roles: [],
  traineeId: null,
  instructorId: null,
  requestId: null,
  ip: null,
};

export function actorFromRequest(request: FastifyRequest): Actor {
  const user = request.user;
  return {
    userId: user?.id ?? null,
    roles: user?.roles ?? [],
    traineeId: user?.traineeId ?? null,
    instructorId: user?.instructorId ?? null,
    organisationId: user?.organisationId ?? null,
    requestId: String(request.id),
    clientRequestId: clientRequestId(request.headers),
    ip: request.ip ?? null,
    language: pickLanguage(undefined, request.headers['accept-language']),
  };
}

export const hasRole = (actor: Actor, ...roles: Role[]) =>
  roles.some((r) => actor.roles.includes(r));

/** `@CurrentActor() actor: Actor` in a controller method. */
export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor =>
  actorFromRequest(ctx.switchToHttp().getRequest<FastifyRequest>()),
);

/** `@CurrentUser() user: AuthenticatedUser` for routes that require a signed-in user. */
export const CurrentUser = createParamDecorator(
  (_: unknown, ctx: ExecutionContext): AuthenticatedUser | undefined =>
    ctx.switchToHttp().getRequest<FastifyRequest>().user,
);
