/** Jest on ESM with SWC (see docs/engineering notes): unit specs beside the code, e2e in test/. */
export default {
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  // A few ESM-only packages are require()d by CommonJS dependencies (e.g. @fastify/static needs
  // content-disposition). Node 20 does that natively, but jest's module loader cannot before
  // Node 24.9, so those files are compiled to CommonJS for the tests.
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition)/)'],
  transform: {
    '/node_modules/.+\\.js$': ['@swc/jest', { module: { type: 'commonjs' } }],
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: {
          parser: { syntax: 'typescript', decorators: true },
          transform: { legacyDecorator: true, decoratorMetadata: true },
          target: 'es2022',
          keepClassNames: true,
        },
        module: { type: 'es6' },
      },
    ],
  },
  testMatch: ['<rootDir>/src/**/*.spec.ts', '<rootDir>/test/**/*.e2e-spec.ts'],
  globalSetup: '<rootDir>/test/global-setup.ts',
  globalTeardown: '<rootDir>/test/global-teardown.ts',
  testTimeout: 60_000,
  maxWorkers: 2,
};
