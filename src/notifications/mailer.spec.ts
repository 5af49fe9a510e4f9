import { describe, expect, it } from '@jest/globals';
import { parseFrom } from './mailer.js';
import { retryDelayMs } from './notification-worker.js';

describe('parseFrom', () => {
  it('reads a name and an address', () => {
    expect(parseFrom('Mine Action CoE <noreply@coe.example>', 'Center')).toEqual({
      name: 'Mine Action CoE',
      address: 'noreply@coe.example',
    });
    expect(parseFrom('"CoE, Baku" <noreply@coe.example>', 'Center')).toEqual({
      name: 'CoE, Baku',
      address: 'noreply@coe.example',
    });
  });

  it('names a bare address after the Center', () => {
    expect(parseFrom('noreply@coe.example', 'Center')).toEqual({
      name: 'Center',
      address: 'noreply@coe.example',
    });
  });
});

describe('retryDelayMs', () => {
  it('doubles from the base and stops at an hour', () => {
    expect([1, 2, 3, 4].map((n) => retryDelayMs(n, 30_000))).toEqual([
      30_000, 60_000, 120_000, 240_000,
    ]);
    expect(retryDelayMs(30, 30_000)).toBe(3_600_000);
    expect(retryDelayMs(3, 0)).toBe(0);
  });
});
