import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Suites bind their own ephemeral ports, so files can run in parallel safely.
    pool: 'forks',
    reporters: ['default', './test/support/summary-reporter.ts'],
  },
});
