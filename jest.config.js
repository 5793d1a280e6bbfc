// Projects: pure logic (node), pages and components (jsdom + miniprogram-simulate), the localcloud conformance
// suite (real wx-server-sdk against the emulator), our cloud functions run by localcloud, and end to end: the
// real pages in Chromium through the preview (x.e2e.test.ts). A feature's tests sit
// in test/<feature>/ and say their kind in the name: x.unit.test.ts, x.page.test.ts, x.cloud.test.ts. Dates: pages run in
// Asia/Shanghai like users' phones, node projects in UTC like CloudBase, which catches time-zone mistakes on both
// sides; the test environments set the zone on the worker process itself.
const ts = (tsconfig) => ({ '^.+\\.ts$': ['ts-jest', { tsconfig, diagnostics: false }] })

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: '<rootDir>/test/setup/node-utc.js',
      testMatch: ['<rootDir>/test/**/*.unit.test.ts'],
      transform: ts('tsconfig.json'),
    },
    {
      displayName: 'pages',
      testEnvironment: '<rootDir>/test/setup/jsdom-shanghai.js',
      testMatch: ['<rootDir>/test/**/*.page.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/miniprogram.ts'],
      transform: ts('tsconfig.pages.json'),
    },
    {
      displayName: 'localcloud',
      testEnvironment: '<rootDir>/test/setup/node-utc.js',
      testMatch: ['<rootDir>/test/localcloud/**/*.test.ts'],
      transform: ts('tsconfig.json'),
    },
    {
      displayName: 'cloud',
      testEnvironment: '<rootDir>/test/setup/node-utc.js',
      testMatch: ['<rootDir>/test/**/*.cloud.test.ts'],
      globalSetup: '<rootDir>/test/setup/build-functions.ts',
      transform: ts('tsconfig.json'),
    },
    {
      // The real pages in Chromium (the preview, preview/), against localcloud: every flow across roles.
      displayName: 'e2e',
      testEnvironment: '<rootDir>/test/setup/node-utc.js',
      testMatch: ['<rootDir>/test/**/*.e2e.test.ts'],
      globalSetup: '<rootDir>/test/setup/build-e2e.ts',
      transform: ts('tsconfig.json'),
    },
  ],
}
