import { describe, expect, it } from '@jest/globals';
import pino from 'pino';
import { Writable } from 'node:stream';
import { REDACTED, redactSecrets, SECRET_KEYS } from './log-redaction.js';

/** What a pino logger with the app's formatter writes for one call. */
function written(log: (logger: pino.Logger) => void): Record<string, unknown> {
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(chunk.toString());
      done();
    },
  });
  const logger = pino({ formatters: { log: redactSecrets } }, sink);
  log(logger);
  expect(lines).toHaveLength(1);
  return JSON.parse(lines[0]) as Record<string, unknown>;
}

describe('log redaction', () => {
  it('replaces every secret key at the top, in bodies, arrays and nested records', () => {
    const line = written((logger) =>
      logger.info(
        {
          password: 'top-secret-1',
          body: { email: 'a@example.org', newPassword: 'top-secret-2', token: 'tok-3' },
          users: [{ name: 'A', accessToken: 'tok-4' }, { name: 'B' }],
          trainee: { identityDocument: { type: 'passport', number: 'AB123' }, phone: '+994' },
          headers: { authorization: 'Bearer tok-5', cookie: 'sid=tok-6', accept: '*/*' },
        },
        'something happened',
      ),
    );
    const text = JSON.stringify(line);
    for (const secret of ['top-secret', 'tok-', 'AB123', '+994'])
      expect(text).not.toContain(secret);
    expect(line).toMatchObject({
      password: REDACTED,
      body: { email: 'a@example.org', newPassword: REDACTED, token: REDACTED },
      users: [{ name: 'A', accessToken: REDACTED }, { name: 'B' }],
      trainee: { identityDocument: REDACTED, phone: REDACTED },
      headers: { authorization: REDACTED, cookie: REDACTED, accept: '*/*' },
      msg: 'something happened',
    });
  });

  it("redacts an error's own properties and keeps what pino's error serializer shows", () => {
    const err = Object.assign(new Error('connection refused'), {
      code: 'ECONNREFUSED',
      config: { url: '/login', body: { password: 'hunter2-secret' } },
    });
    const line = written((logger) => logger.error({ err }, 'failed'));
    expect(JSON.stringify(line)).not.toContain('hunter2-secret');
    expect(line.err).toMatchObject({
      type: 'Error',
      message: 'connection refused',
      code: 'ECONNREFUSED',
      stack: expect.stringContaining('connection refused'),
      config: { url: '/login', body: { password: REDACTED } },
    });
  });

  it('never changes what the caller logged, and returns it untouched when it holds no secret', () => {
    const record = { body: { password: 'p', keep: 1 } };
    const redacted = redactSecrets(record);
    expect(record.body.password).toBe('p');
    expect(redacted).not.toBe(record);
    const clean = { req: { id: 'r1', method: 'GET' }, res: { statusCode: 200 }, responseTime: 3 };
    expect(redactSecrets(clean)).toBe(clean);
  });

  it('stops at a cycle and at class instances below the top (their serializers pick fields)', () => {
    const cyclic: Record<string, unknown> = { name: 'loop' };
    cyclic.self = cyclic;
    expect(() => redactSecrets({ cyclic })).not.toThrow();
    class Socketish {
      token = 'kept-for-its-serializer';
    }
    const value = { req: new Socketish() };
    expect(redactSecrets(value)).toBe(value);
  });

  it('covers every key the former redaction paths named', () => {
    for (const key of [
      'authorization',
      'cookie',
      'set-cookie',
      'password',
      'currentPassword',
      'newPassword',
      'refreshToken',
      'accessToken',
      'token',
      'privateKey',
      'identityDocument',
      'identityDocumentNumber',
      'phone',
    ]) {
      expect(SECRET_KEYS.has(key)).toBe(true);
    }
  });
});
