import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import {
  ACCESS_KEY,
  INSTRUCTOR_SCOPE_KEY,
  type AccessRule,
  type InstructorScope,
} from '../common/access.decorators.js';
import { forbidden, unauthorized } from '../common/errors.js';
import { User } from '../users/user.entity.js';
import { AuthSession } from './auth-session.entity.js';
import { AuthService } from './auth.service.js';
import { accessCredential, WebSessions } from './web-session.js';

/**
 * The one global guard. A route is refused unless it is marked `@Public()` or names the roles
 * allowed to call it; a route that says nothing is refused to everyone. It runs before any body
 * validation, so a caller without access learns nothing from a 400.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly webSessions: WebSessions,
    @InjectDataSource() private readonly dataSource: DataSource,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (rule?.public) return true;

    // A Bearer token (API clients) or the web session cookie (pages), see web-session.ts.
    const credential = accessCredential(request);
    if (!credential) throw unauthorized('Sign in and send the access token as a Bearer token');
    const claims = await this.auth.verifyAccessToken(credential.token);
    if (!claims) throw unauthorized('The access token is invalid or expired', 'INVALID_TOKEN');
    this.webSessions.assertCsrf(request, credential, claims.sid);

    // The account and the token's session are read on every request (one statement, two
    // primary-key lookups), so that disabling the account, changing its password or roles,
    // logging out or a reused refresh token take effect at once, not when the token expires.
    const user = await this.dataSource
      .getRepository(User)
      .createQueryBuilder('u')
      .innerJoin(AuthSession, 's', 's.userId = u.id AND s.id = :sid AND s.revokedAt IS NULL', {
        sid: claims.sid,
      })
      .select(['u.id', 'u.email', 'u.roles', 'u.traineeId', 'u.instructorId'])
      .where('u.id = :sub AND NOT u.disabled', { sub: claims.sub })
      .getOne();
    if (!user) throw unauthorized('The access token is invalid or expired', 'INVALID_TOKEN');
    request.user = {
      id: user.id,
      email: user.email,
      roles: user.roles,
      traineeId: user.traineeId,
      instructorId: user.instructorId,
    };
    if (!rule) throw forbidden('This route is not open to anyone');
    if (!rule.roles.some((role) => user.roles.includes(role))) {
      throw forbidden(`Requires one of the roles: ${rule.roles.join(', ')}`);
    }
    const scope = this.reflector.getAllAndOverride<InstructorScope | undefined>(
      INSTRUCTOR_SCOPE_KEY,
      [context.getHandler(), context.getClass()],
    );
    if (scope && !scope.anySession.some((role) => user.roles.includes(role))) {
      await this.assertAssigned(
        scope,
        (request.params as Record<string, string>).id,
        user.instructorId,
      );
    }
    return true;
  }

  private async assertAssigned(
    scope: InstructorScope,
    id: string | undefined,
    instructorId: string | null,
  ) {
    // Malformed or unknown ids are left to the route (400/404); only a real session is guarded.
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return;
    const sessionSql =
      scope.resource === 'session'
        ? 'SELECT $1::uuid AS session_id'
        : 'SELECT session_id FROM enrolments WHERE id = $1';
    const [row] = (await this.dataSource.query(
      `SELECT s.session_id,
              EXISTS (SELECT 1 FROM session_instructors si
                       WHERE si.session_id = s.session_id AND si.instructor_id = $2) AS assigned
         FROM (${sessionSql}) s`,
      [id, instructorId],
    )) as { session_id: string | null; assigned: boolean }[];
    if (row?.session_id && !row.assigned) {
      throw forbidden('Only the instructors assigned to this session may do this');
    }
  }
}
