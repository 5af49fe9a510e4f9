import { Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { InjectDataSource } from '@nestjs/typeorm';
import { createHash, randomBytes } from 'node:crypto';
import { DataSource, EntityManager } from 'typeorm';
import { voidAccountTokens } from '../accounts/account-tokens.js';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { normaliseEmail } from '../common/email.js';
import { badRequest, DomainError, tooManyRequests, unauthorized } from '../common/errors.js';
import { invalidField } from '../common/validation.js';
import { RateLimiter, type Budget } from '../common/rate-limiter.js';
import { AppConfig } from '../config/app-config.js';
import { UserDto } from '../users/dto/user.dto.js';
import { User } from '../users/user.entity.js';
import type { ChangePasswordDto, TokenPairDto } from './dto/auth.dto.js';
import { AuthSession } from './auth-session.entity.js';
import { PasswordHasher } from './password-hasher.js';
import { passwordProblem } from './password-policy.js';
import { RefreshToken } from './refresh-token.entity.js';
import { endSession, endSessionsOf, startSession } from './sessions.js';

/** The same answer for an unknown email and a wrong password: nothing tells them apart. */
const INVALID_CREDENTIALS = 'Invalid email or password';

/** api.md: at most 10 failures for one account within 15 minutes, then 429. */
export const ACCOUNT_FAILURE_BUDGET: Budget = { points: 10, windowSeconds: 15 * 60 };
/** One address may fail more (a shared office NAT), but not without bound. */
export const ADDRESS_FAILURE_BUDGET: Budget = { points: 100, windowSeconds: 15 * 60 };

const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** A token pair and the session (sign-in) it was issued from. */
export interface IssuedSession {
  pair: TokenPairDto;
  sessionId: string;
}

export interface AccessTokenClaims {
  sub: string;
  typ: 'access';
  /** The session (sign-in) the token was issued from: it is refused once that session ends. */
  sid: string;
  iat: number;
}

@Injectable()
export class AuthService {
  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly jwt: JwtService,
    private readonly config: AppConfig,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
  ) {}

  async login(actor: Actor, emailInput: string, password: string): Promise<TokenPairDto> {
    return (await this.signIn(actor, emailInput, password)).pair;
  }

  /** A sign-in, also naming its session (the web session binds its CSRF token to it). */
  async signIn(actor: Actor, emailInput: string, password: string): Promise<IssuedSession> {
    // Normalised as addresses are stored: a fullwidth or upper-case spelling finds the account.
    const email = normaliseEmail(emailInput);
    const accountKey = `login:account:${email}`;
    const addressKey = `login:address:${actor.ip ?? 'unknown'}`;
    for (const [key, budget] of [
      [accountKey, ACCOUNT_FAILURE_BUDGET],
      [addressKey, ADDRESS_FAILURE_BUDGET],
    ] as const) {
      const state = await this.limiter.peek(key, budget);
      if (state.exceeded) {
        throw tooManyRequests(
          state.retryAfterSeconds,
          'Too many failed sign-in attempts, try again later',
        );
      }
    }

    const user = await this.dataSource.getRepository(User).findOneBy({ email });
    const passwordOk = await this.hasher.verify(user?.passwordHash, password);
    if (!user || !passwordOk) {
      await this.limiter.hit(accountKey, ACCOUNT_FAILURE_BUDGET);
      await this.limiter.hit(addressKey, ADDRESS_FAILURE_BUDGET);
      await this.audit.recordStandalone(this.dataSource.manager, actor, {
        action: 'user.login_failed',
        entityType: 'user',
        entityId: user?.id ?? null,
        data: { email: user ? email : undefined, ip: actor.ip },
      });
      throw unauthorized(INVALID_CREDENTIALS, 'INVALID_CREDENTIALS');
    }
    if (user.disabled) throw unauthorized('This account is disabled', 'ACCOUNT_DISABLED');
    await this.limiter.reset(accountKey);
    return this.dataSource.transaction(async (tx) => {
      // Read the account again under a share lock. A password change or disabling committed
      // since the password was checked wins; one still to come waits for this sign-in and then
      // ends its session too. Either way no session outlives the change.
      const current = await tx.findOne(User, {
        where: { id: user.id },
        lock: { mode: 'pessimistic_read' },
      });
      if (!current || current.passwordHash !== user.passwordHash || current.disabled) {
        throw unauthorized(INVALID_CREDENTIALS, 'INVALID_CREDENTIALS');
      }
      const sessionId = await startSession(tx, current.id);
      return { pair: await this.issuePair(tx, current, sessionId), sessionId };
    });
  }

  async refresh(actor: Actor, presented: string): Promise<TokenPairDto> {
    return (await this.renew(actor, presented)).pair;
  }

  /** A refresh, also naming the session the new pair belongs to. */
  async renew(actor: Actor, presented: string): Promise<IssuedSession> {
    const outcome = await this.dataSource.transaction(async (tx) => {
      const token = await tx.findOne(RefreshToken, {
        where: { tokenHash: hashToken(presented) },
        lock: { mode: 'pessimistic_write' },
      });
      if (!token || token.expiresAt <= new Date()) return null;
      // Locked, so that ending the session (logout, password change, disabling) waits for this
      // refresh and then ends the new tokens too, or this refresh sees the session ended.
      const session = await tx.findOne(AuthSession, {
        where: { id: token.familyId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!session || session.revokedAt) return null;
      if (token.usedAt) {
        // A used token came back: whoever holds the family may be an attacker. End the session:
        // its refresh tokens and the access tokens issued from it, the attacker's included.
        await endSession(tx, session.id);
        await this.audit.record(
          tx,
          { ...actor, userId: token.userId },
          {
            action: 'user.refresh_token_reused',
            entityType: 'user',
            entityId: token.userId,
            data: { familyId: token.familyId },
          },
        );
        return 'reused' as const;
      }
      const user = await tx.findOneBy(User, { id: token.userId });
      if (!user || user.disabled) return null;
      token.usedAt = new Date();
      await tx.save(token);
      return { pair: await this.issuePair(tx, user, token.familyId), sessionId: token.familyId };
    });
    if (!outcome || outcome === 'reused') {
      throw unauthorized(
        'The refresh token is invalid, expired or already used',
        'INVALID_REFRESH_TOKEN',
      );
    }
    return outcome;
  }

  /**
   * Ends the session the refresh token belongs to, if it is the caller's: its refresh tokens and
   * its access tokens (the one this request came with, when it is the same sign-in) stop working.
   * Always succeeds.
   */
  async logout(userId: string, presented: string): Promise<void> {
    const token = await this.dataSource
      .getRepository(RefreshToken)
      .findOneBy({ tokenHash: hashToken(presented) });
    if (!token || token.userId !== userId) return;
    await endSession(this.dataSource.manager, token.familyId);
  }

  /**
   * The session a refresh token belongs to, whether or not the token is still usable: the web
   * session checks its CSRF token against it before anything changes.
   */
  async sessionOfRefreshToken(presented: string): Promise<string | null> {
    const token = await this.dataSource
      .getRepository(RefreshToken)
      .findOne({ select: { familyId: true }, where: { tokenHash: hashToken(presented) } });
    return token?.familyId ?? null;
  }

  /** Ends one session (a web sign-out): its access and refresh tokens stop working. */
  async endSession(sessionId: string): Promise<void> {
    await endSession(this.dataSource.manager, sessionId);
  }

  async me(userId: string): Promise<UserDto> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: userId });
    return UserDto.from(user);
  }

  async changePassword(actor: Actor, input: ChangePasswordDto): Promise<void> {
    const userId = actor.userId!;
    const accountKey = `password:account:${userId}`;
    const state = await this.limiter.peek(accountKey, ACCOUNT_FAILURE_BUDGET);
    if (state.exceeded) throw tooManyRequests(state.retryAfterSeconds);
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: userId });
    if (!(await this.hasher.verify(user.passwordHash, input.currentPassword))) {
      await this.limiter.hit(accountKey, ACCOUNT_FAILURE_BUDGET);
      throw new DomainError(400, 'INVALID_CURRENT_PASSWORD', 'The current password is not correct');
    }
    if (input.currentPassword === input.newPassword) {
      throw badRequest('PASSWORD_UNCHANGED', 'The new password must differ from the current one');
    }
    // The body was checked without knowing whose password it is: now with the account's e-mail.
    const problem = passwordProblem(input.newPassword, { email: user.email });
    if (problem) throw invalidField('newPassword', 'isAcceptablePassword', { problem });
    const passwordHash = await this.hasher.hash(input.newPassword);
    await this.dataSource.transaction(async (tx) => {
      // Every existing session ends; the caller signs in again with the new password. Reset
      // links mailed before stop working too.
      await tx.update(User, { id: userId }, { passwordHash });
      await endSessionsOf(tx, userId);
      await voidAccountTokens(tx, userId);
      await this.audit.record(tx, actor, {
        action: 'user.password_changed',
        entityType: 'user',
        entityId: userId,
      });
    });
    await this.limiter.reset(accountKey);
  }

  async verifyAccessToken(token: string): Promise<AccessTokenClaims | null> {
    try {
      const claims = await this.jwt.verifyAsync<AccessTokenClaims>(token, {
        algorithms: ['HS256'],
      });
      return claims.typ === 'access' &&
        typeof claims.sub === 'string' &&
        UUID.test(claims.sub) &&
        typeof claims.sid === 'string' &&
        UUID.test(claims.sid)
        ? claims
        : null;
    } catch {
      return null;
    }
  }

  private async issuePair(tx: EntityManager, user: User, sessionId: string): Promise<TokenPairDto> {
    const refreshToken = randomBytes(32).toString('base64url');
    await tx.insert(RefreshToken, {
      tokenHash: hashToken(refreshToken),
      userId: user.id,
      familyId: sessionId,
      expiresAt: new Date(Date.now() + this.config.refreshTokenTtlSeconds * 1000),
      usedAt: null,
    });
    const accessToken = await this.jwt.signAsync(
      { sub: user.id, typ: 'access', sid: sessionId },
      { algorithm: 'HS256', expiresIn: this.config.accessTokenTtlSeconds },
    );
    return {
      accessToken,
      refreshToken,
      tokenType: 'Bearer',
      expiresIn: this.config.accessTokenTtlSeconds,
      user: UserDto.from(user),
    };
  }
}
