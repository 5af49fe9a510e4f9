import base from './jest.config.js';

/**
 * Fault tests (`npm run test:faults`): each file runs its own PostgreSQL server, which it stops,
 * restarts and fills up, and some run the built app as a child process (`npm run build` first).
 * One file at a time, so the timings they check are not skewed by each other.
 */
export default {
  testEnvironment: base.testEnvironment,
  extensionsToTreatAsEsm: base.extensionsToTreatAsEsm,
  moduleNameMapper: base.moduleNameMapper,
  transformIgnorePatterns: base.transformIgnorePatterns,
  transform: base.transform,
  testMatch: ['<rootDir>/test/faults/**/*.fault-spec.ts'],
  testTimeout: 180_000,
  maxWorkers: 1,
};
