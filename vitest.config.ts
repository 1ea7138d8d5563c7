import { defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Suites bind their own ephemeral ports, so files can run in parallel safely. Most of a call
    // test (and of a browser test) is waiting on the simulator's timers, not computing: four files
    // at a time on a 2-core machine (vitest's default would be one there): with three the cores
    // were a third idle, with four about a quarter.
    pool: 'forks',
    maxWorkers: 4,
    // A worker process runs file after file with the modules it has loaded: loading the server's
    // modules (fastify, drizzle, the swagger UI, jieba's dictionary, …) again for every file cost more
    // CPU than most files' tests. Each file starts its own servers and databases all the same; what
    // the modules keep between files is caches of read-only data (the divisions, jieba).
    isolate: false,
    // The longest files first (test/support/longest-first.ts).
    sequence: { sequencer: LongestFirst },
    reporters: ['default', './test/support/summary-reporter.ts'],
    include: ['test/**/*.test.ts'],
    // This run's one build of the server (the fault tests' real processes, made on first use) and of
    // the browser pages.
    globalSetup: ['test/support/server-build.ts', 'test/browser/build-pages.ts'],
    // The browser suites (test/browser: real pages in headless Chromium against the real server) run
    // among the others, in the same worker processes; they set longer time limits for themselves.
  },
});
