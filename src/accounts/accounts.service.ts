import { BeforeApplicationShutdown, Injectable, Logger } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource, EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import { PasswordHasher } from '../auth/password-hasher.js';
import { passwordProblem } from '../auth/password-policy.js';
import { endSessionsOf } from '../auth/sessions.js';
import type { Actor } from '../common/actor.js';
import { normaliseEmail } from '../common/email.js';
import { badRequest, conflict, notFound, tooManyRequests } from '../common/errors.js';
import { RateLimiter, type Budget } from '../common/rate-limiter.js';
import { invalidField } from '../common/validation.js';
import { Recipients } from '../notifications/recipients.js';
import { User } from '../users/user.entity.js';
import { AccountMail, type MailedLink } from './account-mail.js';
import { AccountToken } from './account-token.entity.js';
import { hashAccountToken, isUsable, voidAccountTokens } from './account-tokens.js';
import type { PreferencesDto, UpdatePreferencesDto } from './dto/accounts.dto.js';

/** Reset mails to one address: a few within a quarter of an hour, whoever asks. */
export const RESET_ACCOUNT_BUDGET: Budget = { points: 3, windowSeconds: 15 * 60 };
/** Reset requests from one client address (a shared office NAT asks for several people). */
export const RESET_ADDRESS_BUDGET: Budget = { points: 20, windowSeconds: 15 * 60 };

const invalidToken = () =>
  badRequest(
    'INVALID_TOKEN',
    'This link is not valid: it was already used, has expired or is unknown',
  );

/**
 * Invitations, password recovery and the account's own preferences. Every change happens in a
 * transaction with its audit record; mails are queued in that same transaction (AccountMail).
 */
@Injectable()
export class AccountsService implements BeforeApplicationShutdown {
  private readonly logger = new Logger('Accounts');
  /** Reset requests answered already and still being handled (see requestReset). */
  private readonly pending = new Set<Promise<void>>();

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    private readonly mail: AccountMail,
    private readonly recipients: Recipients,
    private readonly hasher: PasswordHasher,
    private readonly limiter: RateLimiter,
    private readonly audit: AuditService,
  ) {}

  /** Sends a new invitation (the old one stops working) to an account with no password yet. */
  async resendInvitation(actor: Actor, userId: string): Promise<MailedLink> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lockAccountForMail(tx, userId);
      if (user.passwordHash !== null) {
        throw conflict(
          'PASSWORD_ALREADY_SET',
          'This account has chosen its password already: send it a password reset link instead',
        );
      }
      return this.mail.sendInvitation(tx, actor, user);
    });
  }

  /**
   * An administrator's reset: every session of the account ends now and a reset link is mailed.
   * The current password keeps working until a new one is chosen (disable the account to stop
   * it at once).
   */
  async adminReset(actor: Actor, userId: string): Promise<MailedLink> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.lockAccountForMail(tx, userId);
      await endSessionsOf(tx, user.id);
      return this.mail.sendPasswordReset(tx, actor, user, 'admin');
    });
  }

  /**
   * Someone forgot their password. The caller learns nothing about the address: the answer
   * (202) comes once the request is counted against the limits, which is the same work for
   * every address, and the account is looked up and mailed after the answer. An unknown or
   * disabled account gets nothing.
   */
  async requestReset(actor: Actor, emailInput: string): Promise<void> {
    const email = normaliseEmail(emailInput);
    const byAccount = await this.limiter.hit(`reset:account:${email}`, RESET_ACCOUNT_BUDGET);
    const byAddress = await this.limiter.hit(
      `reset:address:${actor.ip ?? 'unknown'}`,
      RESET_ADDRESS_BUDGET,
    );
    for (const [state, budget] of [
      [byAccount, RESET_ACCOUNT_BUDGET],
      [byAddress, RESET_ADDRESS_BUDGET],
    ] as const) {
      if (state.used > budget.points) {
        throw tooManyRequests(
          state.retryAfterSeconds,
          'Too many password reset requests, try again later',
        );
      }
    }
    this.inBackground(this.mailResetIfAccount(actor, email));
  }

  /** Resolves when every reset request answered so far has been handled (tests, shutdown). */
  async settled(): Promise<void> {
    while (this.pending.size > 0) await Promise.allSettled([...this.pending]);
  }

  async beforeApplicationShutdown(): Promise<void> {
    // Answered requests finish before the database connections close.
    await this.settled();
  }

  /**
   * Chooses the password through a mailed link (a reset or an invitation). The link stops
   * working, so do the account's other unused links; every session of the account ends.
   */
  async confirmReset(actor: Actor, token: string, newPassword: string): Promise<void> {
    const tokenHash = hashAccountToken(token);
    const found = await this.dataSource.getRepository(AccountToken).findOneBy({ tokenHash });
    if (!found || !isUsable(found)) throw invalidToken();
    const user = await this.dataSource.getRepository(User).findOneBy({ id: found.userId });
    if (!user || user.disabled) throw invalidToken();
    // The body was checked without knowing the account: now with its e-mail address.
    const problem = passwordProblem(newPassword, { email: user.email });
    if (problem) throw invalidField('newPassword', 'isAcceptablePassword', { problem });
    const passwordHash = await this.hasher.hash(newPassword);
    await this.dataSource.transaction(async (tx) => {
      // Locked and read again: of two requests with the same link, the second finds it used.
      const current = await tx.findOne(AccountToken, {
        where: { id: found.id },
        lock: { mode: 'pessimistic_write' },
      });
      const account = await tx.findOne(User, {
        where: { id: found.userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!current || !isUsable(current) || !account || account.disabled) throw invalidToken();
      await tx.update(AccountToken, { id: current.id }, { usedAt: () => 'now()' });
      await voidAccountTokens(tx, account.id);
      await tx.update(User, { id: account.id }, { passwordHash });
      await endSessionsOf(tx, account.id);
      await this.audit.record(
        tx,
        { ...actor, userId: account.id, roles: account.roles },
        {
          action:
            current.purpose === 'invitation' ? 'user.invitation_accepted' : 'user.password_reset',
          entityType: 'user',
          entityId: account.id,
          data: { email: account.email },
        },
      );
    });
    // Failed sign-ins that locked the account are what sends many people here.
    await this.limiter.reset(`login:account:${user.email}`);
  }

  async preferences(userId: string): Promise<PreferencesDto> {
    const user = await this.dataSource.getRepository(User).findOneByOrFail({ id: userId });
    return this.preferencesOf(this.dataSource.manager, user);
  }

  async updatePreferences(
    actor: Actor,
    userId: string,
    input: UpdatePreferencesDto,
  ): Promise<PreferencesDto> {
    if (input.language === undefined && input.reminders === undefined) {
      throw badRequest('VALIDATION_FAILED', 'Nothing to change: give language or reminders', {
        fields: [],
      });
    }
    return this.dataSource.transaction(async (tx) => {
      const user = await tx.findOne(User, {
        where: { id: userId },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user) throw notFound('User');
      const before = { language: user.language, reminders: user.reminders };
      if (input.language !== undefined) user.language = input.language;
      if (input.reminders !== undefined) user.reminders = input.reminders;
      await tx.update(
        User,
        { id: user.id },
        { language: user.language, reminders: user.reminders },
      );
      await this.audit.record(tx, actor, {
        action: 'user.preferences_changed',
        entityType: 'user',
        entityId: user.id,
        data: { before, after: { language: user.language, reminders: user.reminders } },
      });
      return this.preferencesOf(tx, user);
    });
  }

  private async preferencesOf(manager: EntityManager, user: User): Promise<PreferencesDto> {
    const recipient = await this.recipients.ofUser(manager, user.id);
    return {
      language: user.language,
      reminders: user.reminders,
      mailLanguage: recipient?.language ?? 'en',
    };
  }

  private async mailResetIfAccount(actor: Actor, email: string): Promise<void> {
    await this.dataSource.transaction(async (tx) => {
      const user = await tx.findOne(User, {
        where: { email },
        lock: { mode: 'pessimistic_write' },
      });
      if (!user || user.disabled) return;
      await this.mail.sendPasswordReset(tx, actor, user, 'self');
    });
  }

  private inBackground(work: Promise<void>): void {
    const tracked = work
      .catch((error: unknown) => {
        // Nobody waits for this answer any more; the person can ask again.
        this.logger.error({ err: error }, 'A password reset request could not be handled');
      })
      .finally(() => this.pending.delete(tracked));
    this.pending.add(tracked);
  }

  /** The account, locked, if it may be sent a link: it exists and is enabled. */
  private async lockAccountForMail(tx: EntityManager, userId: string): Promise<User> {
    const user = await tx.findOne(User, {
      where: { id: userId },
      lock: { mode: 'pessimistic_write' },
    });
    if (!user) throw notFound('User');
    if (user.disabled) {
      throw conflict(
        'ACCOUNT_NOT_ENABLED',
        'This account is disabled: enable it before sending it a link',
      );
    }
    return user;
  }
}
