import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Suites bind their own ephemeral ports, so files can run in parallel safely. Most of a call
    // test is waiting on the simulator's timers, not computing: three files at a time on a 2-core
    // machine (vitest's default would be one there).
    pool: 'forks',
    maxWorkers: 3,
    // The longest files first, so that the run does not end waiting on one that started late.
    sequence: { sequencer: LongestFirst },
    reporters: ['default', './test/support/summary-reporter.ts'],
    projects: [
      {
        extends: true,
        test: {
          name: 'server',
          include: ['test/**/*.test.ts'],
          exclude: [...configDefaults.exclude, 'test/browser/**'],
          // One build of the server per run for the tests that start it as a process (the fault
          // matrix's files), made by the first that needs it (test/support/server-process.ts).
          globalSetup: ['test/support/server-build.ts'],
          // The files share each worker's module cache instead of importing the server's modules again
          // for each file (191 s of the 404 s the group took, summed over the workers; 308 s without).
          // That holds because the code keeps its state per store, server and simulator (WeakMaps
          // keyed by them), not in modules; a file that changed a module's state would leak it.
          isolate: false,
        },
      },
      {
        // Real pages in headless Chromium against the real server: built first, run after the server
        // suites, three files at a time like them. A file mostly waits (on the server, the simulator
        // and the page): one at a time the group took 146 s of wall time for 82 s of CPU on a 2-core
        // machine, three at a time 74–84 s.
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/build-pages.ts'],
          // Like the server's files: each worker keeps its module cache from one file to the next.
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
          sequence: { groupOrder: 1 },
        },
      },
    ],
  },
});
