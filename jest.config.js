// Projects: pure logic (node), pages and components (jsdom + miniprogram-simulate), the localcloud
// conformance suite (real wx-server-sdk against the emulator), and our cloud functions run by localcloud. Dates: pages run in Asia/Shanghai like users' phones,
// node projects in UTC like CloudBase, which is what catches time-zone mistakes on both sides.
const ts = (tsconfig) => ({ '^.+\\.ts$': ['ts-jest', { tsconfig, diagnostics: false }] })

module.exports = {
  testTimeout: 30000,
  projects: [
    {
      displayName: 'unit',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/unit/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/setup/utc.ts'],
      transform: ts('tsconfig.json'),
    },
    {
      displayName: 'pages',
      testEnvironment: 'jsdom',
      testMatch: ['<rootDir>/test/pages/**/*.test.ts'],
      setupFilesAfterEnv: ['<rootDir>/test/setup/miniprogram.ts'],
      transform: ts('tsconfig.pages.json'),
    },
    {
      displayName: 'localcloud',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/localcloud/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/setup/utc.ts'],
      transform: ts('tsconfig.json'),
    },
    {
      displayName: 'cloud',
      testEnvironment: 'node',
      testMatch: ['<rootDir>/test/cloud/**/*.test.ts'],
      setupFiles: ['<rootDir>/test/setup/utc.ts'],
      globalSetup: '<rootDir>/test/setup/build-functions.ts',
      transform: ts('tsconfig.json'),
    },
  ],
}
