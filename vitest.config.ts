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
    ...(jsonReport === undefined ? {} : { reporters: ['default', 'json'], outputFile: { json: jsonReport } }),
    hookTimeout: 60_000,
  },
});
