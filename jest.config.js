// Two projects, one per kind of test, told apart by the file name:
// - unit (`__tests__/**/*.test.ts`): pure modules, plans, scripted trial runners; no
//   processes, git, network or timing of real work. Fast; `npm run test:unit`.
// - integration (`__tests__/**/*.int.test.ts`): real processes, git repositories, HTTP
//   servers and the freshly built action and CLI; `npm run test:integration`.
// `npm test` runs both. __tests__/test-layout.test.ts checks that unit test files import
// nothing that starts processes or servers.
const common = {
  preset: 'ts-jest/presets/default-esm',
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  resolver: 'ts-jest-resolver',
  roots: ['<rootDir>/__tests__'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { useESM: true, tsconfig: 'tsconfig.json' }]
  }
}

/** @type {import('jest').Config} */
export default {
  testTimeout: 60000,
  verbose: false,
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['**/*.test.ts'],
      testPathIgnorePatterns: ['\\.int\\.test\\.ts$']
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['**/*.int.test.ts'],
      // Builds the action and the CLI from the current sources into a scratch directory
      // (see __tests__/helpers/build.js), so these tests never run a stale dist/.
      globalSetup: '<rootDir>/__tests__/helpers/build.js'
    }
  ]
}
