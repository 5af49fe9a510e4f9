import { describe, expect, it } from '@jest/globals';
import { buildAppConfig } from './app-config.js';
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

  it('serves the API docs outside production only, unless API_DOCS says otherwise', () => {
    const production = {
      NODE_ENV: 'production',
      DATABASE_URL: 'postgres://db/coe',
      JWT_SECRET: 'j'.repeat(32),
      KEY_ENCRYPTION_SECRET: 'k'.repeat(32),
    };
    const docs = (raw: Record<string, string>) =>
      buildAppConfig(validateEnvironment(raw), 'postgres://db/coe').apiDocs;
    expect(docs(production)).toBe(false);
    expect(docs({ ...production, API_DOCS: 'true' })).toBe(true);
    expect(docs({ ...production, NODE_ENV: 'development' })).toBe(true);
    expect(docs({ ...production, NODE_ENV: 'development', API_DOCS: 'false' })).toBe(false);
    expect(() => validateEnvironment({ API_DOCS: 'yes' })).toThrow(/API_DOCS/);
  });

  it('shows no document digits on public verification unless VERIFY_SHOW_DOCUMENT_LAST4=true', () => {
    const last4 = (raw: Record<string, string>) =>
      buildAppConfig(validateEnvironment(raw), 'postgres://db/coe').verifyShowDocumentLast4;
    expect(last4({})).toBe(false);
    expect(last4({ VERIFY_SHOW_DOCUMENT_LAST4: 'false' })).toBe(false);
    expect(last4({ VERIFY_SHOW_DOCUMENT_LAST4: 'true' })).toBe(true);
    expect(() => validateEnvironment({ VERIFY_SHOW_DOCUMENT_LAST4: 'yes' })).toThrow(
      /VERIFY_SHOW_DOCUMENT_LAST4/,
    );
  });

  it("keeps the inspector's app for auditors and admins, warning after 7 days, unless told", () => {
    const config = (raw: Record<string, string>) =>
      buildAppConfig(validateEnvironment(raw), 'postgres://db/coe');
    expect(config({})).toMatchObject({ inspectPublic: false, inspectStaleDays: 7 });
    expect(config({ INSPECT_PUBLIC: 'true', INSPECT_STALE_DAYS: '30' })).toMatchObject({
      inspectPublic: true,
      inspectStaleDays: 30,
    });
    expect(() => validateEnvironment({ INSPECT_PUBLIC: 'yes' })).toThrow(/INSPECT_PUBLIC/);
    for (const days of ['0', '366', '7.5', 'week'])
      expect(() => validateEnvironment({ INSPECT_STALE_DAYS: days })).toThrow(/INSPECT_STALE_DAYS/);
    expect(config({ INSPECT_STALE_DAYS: '365' }).inspectStaleDays).toBe(365);
  });

  it('runs the daily jobs unless SCHEDULED_JOBS=false', () => {
    const config = (raw: Record<string, string>) =>
      buildAppConfig(validateEnvironment(raw), 'postgres://db/coe');
    expect(config({}).scheduledJobs).toBe(true);
    expect(config({ SCHEDULED_JOBS: 'false' }).scheduledJobs).toBe(false);
    expect(() => validateEnvironment({ SCHEDULED_JOBS: 'no' })).toThrow(/SCHEDULED_JOBS/);
  });

  it('caps connections per address unless a proxy is trusted; timeouts in order', () => {
    const secrets = { JWT_SECRET: 'j'.repeat(32), KEY_ENCRYPTION_SECRET: 'k'.repeat(32) };
    const config = (raw: Record<string, string>) =>
      buildAppConfig(validateEnvironment({ ...secrets, ...raw }), 'postgres://db/coe');
    expect(config({}).maxConnectionsPerAddress).toBe(100);
    expect(config({ TRUST_PROXY: 'true' }).maxConnectionsPerAddress).toBe(0);
    expect(config({ TRUST_PROXY: 'true', MAX_CONNECTIONS_PER_ADDRESS: '500' })).toMatchObject({
      maxConnectionsPerAddress: 500,
    });
    expect(config({})).toMatchObject({
      requestTimeoutMs: 60_000,
      headersTimeoutMs: 10_000,
      authRateLimitPerMinute: 60,
    });
    expect(() =>
      validateEnvironment({ REQUEST_TIMEOUT_SECONDS: '5', HEADERS_TIMEOUT_SECONDS: '10' }),
    ).toThrow(/HEADERS_TIMEOUT_SECONDS/);
  });

  it('sends mail through SMTP_URL, else to the outbox, from MAIL_FROM or the Center', () => {
    const secrets = { JWT_SECRET: 'j'.repeat(32), KEY_ENCRYPTION_SECRET: 'k'.repeat(32) };
    const config = (raw: Record<string, string>) =>
      buildAppConfig(validateEnvironment({ ...secrets, ...raw }), 'postgres://db/coe');
    expect(config({})).toMatchObject({
      smtpUrl: null,
      mailFrom: 'Mine Action Center of Excellence <noreply@localhost>',
      mailMaxAttempts: 5,
      mailWorker: true,
    });
    expect(
      config({
        SMTP_URL: 'smtps://user:p%40ss@mail.coe.example:465',
        MAIL_FROM: 'CoE <noreply@coe.example>',
        MAIL_MAX_ATTEMPTS: '8',
        PUBLIC_BASE_URL: 'https://coe.example',
      }),
    ).toMatchObject({
      smtpUrl: 'smtps://user:p%40ss@mail.coe.example:465',
      mailFrom: 'CoE <noreply@coe.example>',
      mailMaxAttempts: 8,
    });
    expect(config({ PUBLIC_BASE_URL: 'https://coe.example' }).mailFrom).toBe(
      'Mine Action Center of Excellence <noreply@coe.example>',
    );
    expect(() => validateEnvironment({ SMTP_URL: 'http://mail.example' })).toThrow(/SMTP_URL/);
    expect(() => validateEnvironment({ MAIL_FROM: 'not an address' })).toThrow(/MAIL_FROM/);
    expect(() => validateEnvironment({ MAIL_FROM: 'A\r\nBcc: x@y.z <a@b.c>' })).toThrow(
      /MAIL_FROM/,
    );
    expect(() => validateEnvironment({ MAIL_MAX_ATTEMPTS: '0' })).toThrow(/MAIL_MAX_ATTEMPTS/);
  });
});
