import { randomUUID } from 'node:crypto';
import { expect } from '@jest/globals';
import { PasswordHasher } from '../src/auth/password-hasher.js';
import type { Role } from '../src/common/roles.js';
import { User } from '../src/users/user.entity.js';
import type { TestApp } from './app.js';

export const TEST_PASSWORD = 'Field-Training-Area-7';
let cachedHash: Promise<string> | undefined;

export interface SignedInUser {
  id: string;
  email: string;
  token: string;
  refreshToken: string;
  auth: { Authorization: string };
}

/** Inserts an account directly (fast) and signs it in through the API. */
export async function createUser(
  t: TestApp,
  roles: Role[],
  extra: {
    traineeId?: string;
    instructorId?: string;
    organisationId?: string;
    email?: string;
  } = {},
): Promise<SignedInUser> {
  cachedHash ??= new PasswordHasher().hash(TEST_PASSWORD);
  const email = extra.email ?? `${roles.join('-')}-${randomUUID().slice(0, 8)}@coe.test`;
  const user = await t.db.getRepository(User).save({
    email,
    passwordHash: await cachedHash,
    roles,
    traineeId: extra.traineeId ?? null,
    instructorId: extra.instructorId ?? null,
    organisationId: extra.organisationId ?? null,
  });
  const res = await t.http.post('/api/v1/auth/login').send({ email, password: TEST_PASSWORD });
  expect(res.status).toBe(200);
  const body = res.body as { accessToken: string; refreshToken: string };
  return {
    id: user.id,
    email,
    token: body.accessToken,
    refreshToken: body.refreshToken,
    auth: { Authorization: `Bearer ${body.accessToken}` },
  };
}

/**
 * The access guard's read of the account and session behind a token: a session's first request
 * makes it and later ones are answered from memory (src/auth/signed-in-users.ts), so a count of
 * what a route asks the database leaves it out.
 */
export function isAccessCheck(query: string): boolean {
  return /JOIN auth_sessions s ON s\.user_id = u\.id/.test(query);
}

/** Asserts the api.md error shape and returns the body. */
export function expectError(res: { status: number; body: unknown }, status: number, code?: string) {
  expect(res.status).toBe(status);
  const body = res.body as Record<string, unknown>;
  expect(body).toEqual(
    expect.objectContaining({
      statusCode: status,
      error: expect.any(String),
      code: code ?? expect.any(String),
      message: expect.any(String),
      details: expect.any(Object),
    }),
  );
  return body;
}
