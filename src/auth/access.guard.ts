import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import { InjectDataSource } from '@nestjs/typeorm';
import type { FastifyRequest } from 'fastify';
import { DataSource } from 'typeorm';
import { can, rolesFor } from '../access/access-policy.js';
import { ACCESS_KEY, type AccessRule, type RouteRecord } from '../access/access.decorators.js';
import { mayReach, type RecordRef } from '../access/record-access.js';
import { forbidden, unauthorized } from '../common/errors.js';
import { AppConfig } from '../config/app-config.js';
import { AuthService } from './auth.service.js';
import { SignedInUsers } from './signed-in-users.js';
import { accessCredential, WebSessions } from './web-session.js';

/**
 * The one global guard. A route is refused unless it is marked `@Public()`, `@SignedIn()` or
 * names a permission of the access policy with `@Allow(...)`; a route that says nothing is
 * refused to everyone. It runs before any body validation, so a caller without access learns
 * nothing from a 400.
 */
@Injectable()
export class AccessGuard implements CanActivate {
  constructor(
    private readonly reflector: Reflector,
    private readonly auth: AuthService,
    private readonly webSessions: WebSessions,
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly config: AppConfig,
    private readonly signedIn: SignedInUsers,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const rule = this.reflector.getAllAndOverride<AccessRule | undefined>(ACCESS_KEY, [
      context.getHandler(),
      context.getClass(),
    ]);
    const request = context.switchToHttp().getRequest<FastifyRequest>();
    if (rule?.public) return true;
    // A route the Center has opened to everyone by a setting (INSPECT_PUBLIC).
    if (rule?.publicWhen && this.config[rule.publicWhen]) return true;

    // A Bearer token (API clients) or the web session cookie (pages), see web-session.ts.
    const credential = accessCredential(request);
    if (!credential) throw unauthorized('Sign in and send the access token as a Bearer token');
    const claims = await this.auth.verifyAccessToken(credential.token);
    if (!claims) throw unauthorized('The access token is invalid or expired', 'INVALID_TOKEN');
    this.webSessions.assertCsrf(request, credential, claims.sid);

    // The account and the token's session are checked on every request, so that disabling
    // the account, changing its password or roles, logging out or a reused refresh token take
    // effect at once, not when the token expires (signed-in-users.ts).
    const user = await this.signedIn.find(claims.sub, claims.sid);
    if (!user) throw unauthorized('The access token is invalid or expired', 'INVALID_TOKEN');
    request.user = {
      id: user.id,
      email: user.email,
      roles: user.roles,
      traineeId: user.traineeId,
      instructorId: user.instructorId,
      organisationId: user.organisationId,
    };
    if (!rule) throw forbidden('This route is not open to anyone');
    if (rule.permission && !can(user, rule.permission)) {
      throw forbidden(
        `Requires one of the roles: ${rolesFor(rule.permission).join(', ')} (${rule.permission})`,
      );
    }
    if (rule.permission && rule.record) {
      const record = await this.routeRecord(
        rule.record,
        (request.params as Record<string, string>).id,
      );
      if (record && !(await mayReach(this.dataSource.manager, user, rule.permission, record))) {
        throw forbidden(`This ${rule.record} is outside what you may act on`);
      }
    }
    return true;
  }

  /**
   * The session or enrolment `:id` names, for the reach check. Malformed or unknown ids are
   * left to the route (400/404); only a real record is guarded.
   */
  private async routeRecord(kind: RouteRecord, id: string | undefined): Promise<RecordRef | null> {
    if (!id || !/^[0-9a-f-]{36}$/i.test(id)) return null;
    if (kind === 'session') return { kind: 'session', sessionId: id };
    const [row] = (await this.dataSource.query(
      'SELECT session_id, trainee_id FROM enrolments WHERE id = $1',
      [id],
    )) as { session_id: string; trainee_id: string }[];
    return row
      ? { kind: 'session-record', sessionId: row.session_id, traineeId: row.trainee_id }
      : null;
  }
}
