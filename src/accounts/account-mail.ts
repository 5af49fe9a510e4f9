import { Injectable } from '@nestjs/common';
import type { EntityManager } from 'typeorm';
import { AuditService } from '../audit/audit.service.js';
import type { Actor } from '../common/actor.js';
import { AppConfig } from '../config/app-config.js';
import { publicLink } from '../notifications/links.js';
import { Notifier } from '../notifications/notifier.js';
import { Recipients } from '../notifications/recipients.js';
import { User } from '../users/user.entity.js';
import { issueAccountToken } from './account-tokens.js';

/** Who asked for a reset link: the person (forgot password) or an administrator. */
export type ResetRequester = 'self' | 'admin';

export interface MailedLink {
  email: string;
  /** ISO 8601. */
  expiresAt: string;
}

/**
 * The set-password link for a token. The token travels in the fragment, which browsers never
 * send to a server, so it stays out of access logs and proxies; the address beside it lets the
 * page name the account and sign the person in once the password is chosen.
 */
export function setPasswordLink(config: AppConfig, token: string, email: string): string {
  const fragment = new URLSearchParams({ token, email }).toString();
  return publicLink(config, `/set-password#${fragment}`);
}

/**
 * Queues the invitation and reset mails in the caller's transaction, with the token they carry
 * and the audit record saying it was sent: a rolled-back change leaves no token, no mail and
 * no record.
 */
@Injectable()
export class AccountMail {
  constructor(
    private readonly config: AppConfig,
    private readonly notifier: Notifier,
    private readonly recipients: Recipients,
    private readonly audit: AuditService,
  ) {}

  /** An invitation to choose a password (valid 7 days); older invitations stop working. */
  async sendInvitation(tx: EntityManager, actor: Actor, user: User): Promise<MailedLink> {
    const issued = await issueAccountToken(tx, user.id, 'invitation');
    const inviter = actor.userId
      ? await tx.findOne(User, { select: { id: true, email: true }, where: { id: actor.userId } })
      : null;
    await this.enqueue(tx, user, 'account.invitation', issued.id, {
      link: setPasswordLink(this.config, issued.token, user.email),
      expiresAt: issued.expiresAt.toISOString(),
      invitedBy: inviter?.email ?? null,
      roles: user.roles,
    });
    await this.audit.record(tx, actor, {
      action: 'user.invited',
      entityType: 'user',
      entityId: user.id,
      data: { email: user.email, expiresAt: issued.expiresAt },
    });
    return { email: user.email, expiresAt: issued.expiresAt.toISOString() };
  }

  /** A password reset link (valid 30 minutes); older reset links stop working. */
  async sendPasswordReset(
    tx: EntityManager,
    actor: Actor,
    user: User,
    requestedBy: ResetRequester,
  ): Promise<MailedLink> {
    const issued = await issueAccountToken(tx, user.id, 'password_reset');
    await this.enqueue(tx, user, 'account.password_reset', issued.id, {
      link: setPasswordLink(this.config, issued.token, user.email),
      expiresAt: issued.expiresAt.toISOString(),
    });
    await this.audit.record(tx, actor, {
      action: 'user.password_reset_requested',
      entityType: 'user',
      entityId: user.id,
      data: { email: user.email, requestedBy, expiresAt: issued.expiresAt },
    });
    return { email: user.email, expiresAt: issued.expiresAt.toISOString() };
  }

  private async enqueue(
    tx: EntityManager,
    user: User,
    type: 'account.invitation' | 'account.password_reset',
    tokenId: string,
    params: Record<string, unknown>,
  ): Promise<void> {
    const recipient = await this.recipients.ofUser(tx, user.id);
    await this.notifier.enqueue(tx, {
      type,
      to: { email: user.email, name: recipient?.name ?? null },
      language: recipient?.language ?? 'en',
      params: { ...params, name: recipient?.name ?? null },
      // One mail per token: a new link is a new token, so a resend is never swallowed.
      idempotencyKey: `${type}:${tokenId}`,
      userId: user.id,
    });
  }
}
