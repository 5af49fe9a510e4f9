import { describe, expect, it } from '@jest/globals';
import { ConfigurationError, validateEnvironment } from './environment.js';

describe('validateEnvironment', () => {
  it('applies defaults in development', () => {
    const env = validateEnvironment({});
    expect(env).toMatchObject({
      NODE_ENV: 'development',
      PORT: 3000,
      LOG_LEVEL: 'info',
      TIME_ZONE: 'UTC',
    });
  });

  it('names every bad setting', () => {
    expect(() =>
      validateEnvironment({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        TIME_ZONE: 'Mars/Olympus',
      }),
    ).toThrow(ConfigurationError);
    try {
      validateEnvironment({
        PORT: 'eighty',
        DATABASE_URL: 'mysql://x',
        LOG_LEVEL: 'loud',
        TIME_ZONE: 'Mars/Olympus',
      });
    } catch (error) {
      const message = (error as Error).message;
      for (const name of ['PORT', 'DATABASE_URL', 'LOG_LEVEL', 'TIME_ZONE'])
        expect(message).toContain(name);
    }
  });

  it('requires the database and secrets in production', () => {
    const message = (() => {
      try {
        validateEnvironment({ NODE_ENV: 'production' });
        return '';
      } catch (error) {
        return (error as Error).message;
      }
    })();
    expect(message).toContain('DATABASE_URL: required in production');
    expect(message).toContain('JWT_SECRET: required in production');
    expect(message).toContain('KEY_ENCRYPTION_SECRET: required in production');
  });

  it('refuses short secrets and a half-configured bootstrap admin', () => {
    expect(() => validateEnvironment({ JWT_SECRET: 'short' })).toThrow(/JWT_SECRET/);
    expect(() => validateEnvironment({ ADMIN_EMAIL: 'admin@coe.example' })).toThrow(
      /ADMIN_EMAIL\/ADMIN_PASSWORD/,
    );
  });
});
