import { availableParallelism } from 'node:os';
import { defaultServerConditions, defineConfig } from 'vite';

// `source` first: tests run on each package's src/ without a build (see TOOLCHAIN.md).
const conditions = ['source', ...defaultServerConditions];

// `.ci/run` asks for a machine-readable report next to the usual output, through the environment,
// so that CI runs exactly the README's test command.
const jsonReport = process.env['PROMOTE_TEST_JSON_REPORT'];

export default defineConfig({
  resolve: { conditions },
  ssr: { resolve: { conditions } },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'packages/*/test/**/*.test.ts'],
    testTimeout: 60_000,
    // One worker per core: vitest's default for `run` is one fewer, a single worker on 2 cores.
    maxWorkers: availableParallelism(),
    // Test files share a worker's module cache instead of importing core, zod, kysely… afresh each
    // (import time 27 s -> 7 s). Safe while no test file mocks modules or changes global state it
    // does not restore (the CLI tests' working directory is restored; no vi.mock, no configureGlobal).
    isolate: false,
    ...(jsonReport === undefined ? {} : { reporters: ['default', 'json'], outputFile: { json: jsonReport } }),
    hookTimeout: 60_000,
    // One PostgreSQL server for the run, started only when a test file asks for a database
    // (`createTestDatabase` of @promote/test-postgres); a run without one starts nothing.
    globalSetup: ['packages/test-postgres/src/global-setup.ts'],
  },
});
