import { Injectable } from '@nestjs/common';
import { InjectDataSource } from '@nestjs/typeorm';
import { DataSource } from 'typeorm';
import { AppConfig } from '../config/app-config.js';
import { ChangeFeed, type Change } from '../database/change-feed.js';
import { FeedCache } from '../database/feed-cache.js';
import { runNamed } from '../database/named-statements.js';
import type { User } from '../users/user.entity.js';

export type SignedInUser = Pick<
  User,
  'id' | 'email' | 'roles' | 'traineeId' | 'instructorId' | 'organisationId'
>;

/** The enabled account behind a token, if the token's session is still open. */
const SIGNED_IN_USER = `SELECT u.id, u.email, u.roles, u.trainee_id AS "traineeId",
         u.instructor_id AS "instructorId", u.organisation_id AS "organisationId"
    FROM users u
    JOIN auth_sessions s ON s.user_id = u.id AND s.id = $2 AND s.revoked_at IS NULL
   WHERE u.id = $1 AND NOT u.disabled`;

/**
 * The account and open session behind each access token, checked on every signed-in request so
 * that disabling the account, changing its password or roles, signing out or a reused refresh
 * token take effect at once, not when the token expires.
 *
 * Open sessions are kept in memory by session id (FeedCache): every change to what is read here
 * is announced by PostgreSQL (migration AccessChangeNotifications) and evicts the session, and
 * an entry is served only once this instance has heard of every change committed before the
 * request. A busy instance then proves that with one shared read per batch of requests instead
 * of reading the account and session for each; with the feed down, every request reads them.
 */
@Injectable()
export class SignedInUsers {
  private readonly cache: FeedCache<SignedInUser>;

  constructor(
    @InjectDataSource() private readonly dataSource: DataSource,
    config: AppConfig,
    feed: ChangeFeed,
  ) {
    this.cache = new FeedCache(feed, config.sessionCacheEntries, forget);
  }

  /** The account, if it is enabled and `sessionId` is one of its open sessions. */
  async find(userId: string, sessionId: string): Promise<SignedInUser | undefined> {
    const user = await this.cache.get(sessionId, () => this.load(userId, sessionId));
    // Kept by session: a token naming another account with this session is refused, as the
    // statement refuses it.
    return user?.id === userId ? user : undefined;
  }

  /** Whether the next request with this session would be answered from memory (tests). */
  has(sessionId: string): boolean {
    return this.cache.has(sessionId);
  }

  private async load(userId: string, sessionId: string): Promise<SignedInUser | undefined> {
    // A named statement: every signed-in request whose session is not in memory runs it.
    const [user] = await runNamed<SignedInUser>(this.dataSource, SIGNED_IN_USER, [
      userId,
      sessionId,
    ]);
    // Shared by every request of the session while held: nothing may change it in place.
    if (user) Object.freeze(user.roles);
    return user && Object.freeze(user);
  }
}

function forget(change: Change, cache: FeedCache<SignedInUser>): void {
  switch (change.topic) {
    case 'session':
      return cache.delete(change.key);
    case 'user':
      return cache.deleteWhere((user) => user.id === change.key);
    default:
      return;
  }
}
