import { createHash, randomBytes } from 'node:crypto';
import { IsNull, type EntityManager } from 'typeorm';
import { AccountToken, type AccountTokenPurpose } from './account-token.entity.js';

/** How long a mailed link works: a week to accept an invitation, half an hour to reset. */
export const TOKEN_LIFETIME_SECONDS: Record<AccountTokenPurpose, number> = {
  invitation: 7 * 24 * 60 * 60,
  password_reset: 30 * 60,
};

/** Only this reaches the database: a stolen copy of the table opens no account. */
export const hashAccountToken = (token: string) =>
  createHash('sha256').update(token, 'utf8').digest('hex');

export interface IssuedToken {
  id: string;
  /** The secret for the link: never stored, logged or audited. */
  token: string;
  expiresAt: Date;
}

/**
 * A new single-use token for the account, in the caller's transaction. It replaces the
 * account's unused tokens of the same purpose: only the latest link mailed works.
 */
export async function issueAccountToken(
  tx: EntityManager,
  userId: string,
  purpose: AccountTokenPurpose,
): Promise<IssuedToken> {
  await tx.delete(AccountToken, { userId, purpose, usedAt: IsNull() });
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + TOKEN_LIFETIME_SECONDS[purpose] * 1000);
  const { identifiers } = await tx.insert(AccountToken, {
    tokenHash: hashAccountToken(token),
    purpose,
    userId,
    expiresAt,
    usedAt: null,
  });
  return { id: (identifiers[0] as { id: string }).id, token, expiresAt };
}

/** Voids every unused link of the account (its password was just chosen or changed). */
export async function voidAccountTokens(tx: EntityManager, userId: string): Promise<void> {
  await tx.delete(AccountToken, { userId, usedAt: IsNull() });
}

/** Whether a token may still be used: not used, not expired. */
export const isUsable = (token: AccountToken, now = new Date()) =>
  token.usedAt === null && token.expiresAt > now;
