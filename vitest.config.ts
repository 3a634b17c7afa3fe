import { defineConfig } from 'vitest/config';

// EVALSPEC_TEST_JSON=FILE (set by .ci/run) also writes vitest's JSON report, from which CI prints its
// plain "N passed, N failed" line.
const jsonFile = process.env.EVALSPEC_TEST_JSON;

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts', 'src/**/*.test.ts'],
    // Tests start real loopback servers and real child processes; keep the pool small on a 2-core box.
    pool: 'forks',
    maxWorkers: 2,
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // One throwaway PostgreSQL cluster per test run for the store contract suite and the PostgreSQL e2e tests.
    globalSetup: ['test/pg-global-setup.ts'],
    reporters: jsonFile ? ['default', ['json', { outputFile: jsonFile }]] : ['default'],
  },
});
