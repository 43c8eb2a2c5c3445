// Three projects: unit (pure logic), integration (real PostgreSQL + Redis) and e2e (apps booted
// through their production bootstrap, outside services replaced by loopback fakes).
const { pathsToModuleNameMapper } = require('ts-jest');
const { compilerOptions } = require('./tsconfig.json');

const moduleNameMapper = pathsToModuleNameMapper(compilerOptions.paths, { prefix: '<rootDir>/' });
const transform = { '^.+\\.ts$': 'ts-jest' };
const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  modulePathIgnorePatterns: ['<rootDir>/dist', '<rootDir>/.data'],
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform,
  moduleNameMapper,
};

module.exports = {
  // Real databases on a loaded 2-core machine: generous, so only a hang fails on time. (A global
  // option: jest ignores it inside a project.)
  testTimeout: 30_000,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/{apps,libs}/**/*.spec.ts'] },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
    },
    {
      ...common,
      displayName: 'e2e',
      testMatch: ['<rootDir>/apps/*/test/**/*.e2e-spec.ts'],
      globalSetup: '<rootDir>/libs/testing/src/jest/global-setup.ts',
      // Checks every response to a seed 001 route against that seed's OpenAPI (hardening issue 7).
      setupFilesAfterEnv: ['<rootDir>/libs/testing/src/jest/seed-001-contract.setup.ts'],
    },
  ],
};
