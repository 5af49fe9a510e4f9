import { type EntityManager, IsNull } from 'typeorm';
import { AuthSession } from './auth-session.entity.js';

/** Starts a session (one sign-in) for the account; returns its id, the tokens' `sid`. */
export async function startSession(manager: EntityManager, userId: string): Promise<string> {
  const { identifiers } = await manager.insert(AuthSession, { userId, revokedAt: null });
  return (identifiers[0] as { id: string }).id;
}

/** Ends one session: its access and refresh tokens are refused from the next request on. */
export async function endSession(manager: EntityManager, sessionId: string): Promise<void> {
  await manager.update(
    AuthSession,
    { id: sessionId, revokedAt: IsNull() },
    { revokedAt: () => 'now()' },
  );
}

/** Ends every session of the account (password change, disabling). */
export async function endSessionsOf(manager: EntityManager, userId: string): Promise<void> {
  await manager.update(AuthSession, { userId, revokedAt: IsNull() }, { revokedAt: () => 'now()' });
}
