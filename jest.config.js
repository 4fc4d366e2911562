// One jest run for the whole monorepo: a project per package or service, one global set-up that
// migrates a template database once per run (each test file then clones it, see @sentinel/testing).
const esmDeps = ['@prisma[+/]schema-engine-wasm', 'jose', 'openid-client', 'oauth4webapi', 'http-proxy-middleware', 'httpxy', 'is-plain-obj'].join('|');

/** @param {string} dir @param {string[]} testMatch */
const project = (dir, testMatch = ['<rootDir>/src/**/*.test.ts', '<rootDir>/test/**/*.test.ts']) => ({
  displayName: dir,
  rootDir: `<rootDir>/${dir}`,
  testEnvironment: 'node',
  testMatch,
  transform: { '^.+\\.(t|j|mj)s$': ['@swc/jest', { jsc: { target: 'es2023' }, module: { type: 'commonjs' } }] },
  transformIgnorePatterns: [`/node_modules/(?!(\\.pnpm/)?(${esmDeps})[@/])`],
  // Workspace packages that publish built files (@sentinel/sdk) resolve to their TypeScript source here.
  testEnvironmentOptions: { customExportConditions: ['sentinel-source', 'node', 'node-addons'] },
});

const dirs = [
  'packages/config',
  'packages/crypto',
  'packages/http',
  'packages/db',
  'packages/denylist',
  'packages/redis',
  'packages/testing',
  'packages/runtime',
  'services/gateway',
  'services/auth-service',
  'services/token-service',
  'services/workspace-service',
  'services/permission-service',
  'packages/sdk',
  'examples/notes-service',
  'services/admin-panel',
];

/** @type {import('jest').Config} */
module.exports = {
  // `test/`: tests across processes (the whole system, the launcher, configuration files).
  projects: [...dirs.map((dir) => project(dir)), project('test', ['<rootDir>/**/*.test.ts'])],
  globalSetup: '<rootDir>/packages/testing/src/global-setup.ts',
  testTimeout: 30_000,
  reporters: ['default', '<rootDir>/packages/testing/src/summary-reporter.js'],
};
