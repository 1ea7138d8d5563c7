import { configDefaults, defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Suites bind their own ephemeral ports, so files can run in parallel safely. Most of a call
    // test is waiting on the simulator's timers, not computing: three files at a time on a 2-core
    // machine (vitest's default would be one there).
    pool: 'forks',
    maxWorkers: 3,
    // A worker process runs file after file with the modules it has loaded: loading the server's
    // modules (fastify, drizzle, the swagger UI, jieba's dictionary, …) again for every file cost more
    // CPU than most files' tests. Each file starts its own servers and databases all the same; what
    // the modules keep between files is caches of read-only data (the divisions, jieba).
    isolate: false,
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**'],
          // Names the folder of this run's one build of the server (the fault tests' real processes).
          globalSetup: ['test/support/server-build.ts'],
        },
      },
      {
        // Real pages in headless Chromium against the real server: built first, run one file at a
        // time after the server suites (a browser is heavy on a small machine).
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/build-pages.ts'],
          testTimeout: 60_000,
          hookTimeout: 60_000,
          fileParallelism: false,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
