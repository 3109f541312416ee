import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['src/**/*.test.ts', 'test/**/*.test.ts', 'web/src/**/*.test.ts'],
    setupFiles: ['test/setup.ts'],
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // Integration suites start real HTTP servers on ephemeral loopback ports; files run in
    // parallel workers, two cores' worth.
    pool: 'forks',
    maxWorkers: 2,
  },
});
