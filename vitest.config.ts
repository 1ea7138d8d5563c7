import { configDefaults, defineConfig } from 'vitest/config';
import LongestFirst from './test/support/longest-first.js';

/** The files that run a second time on PostgreSQL. */
const POSTGRES_FILES = [
  'test/store/**/*.test.ts',
  'test/knowledge/knowledge-store.test.ts',
  'test/tickets/ticket-store.test.ts',
  'test/tickets/ticket-recordings-store.test.ts',
  'test/softphone/call-journey.test.ts',
  'test/cti/call-arrival.test.ts',
  'test/reports/kpi-test-day.test.ts',
  'test/cti/multi-node.test.ts',
  'test/cti/multi-node-restart.test.ts',
  'test/cti/line-lost-wait-restart.test.ts',
  'test/cti/node-faults.test.ts',
  'test/cti/node-faults-hold.test.ts',
  'test/cti/node-faults-ring.test.ts',
  'test/cti/multi-node-journey.test.ts',
  'test/softphone/pop-history.test.ts',
];

export default defineConfig({
  test: {
    testTimeout: 20_000,
    hookTimeout: 20_000,
    // Suites bind their own ephemeral ports, so files can run in parallel safely. Most of a call
    // test is waiting on the simulator's timers, not computing: four files at a time on a 2-core
    // machine (vitest's default would be one there; three took 591 s for the SQLite and browser
    // groups, four 539 s, with the processes busy 1.3 of the 2 cores on average).
    pool: 'forks',
    maxWorkers: 4,
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
        // The store's tests, the journeys and the multi-node tests again on PostgreSQL
        // (test/support/test-database.ts reads CTI_TEST_DB), in the same run as the others.
        extends: true,
        test: {
          name: 'postgres',
          include: POSTGRES_FILES,
          env: { CTI_TEST_DB: 'postgres' },
          globalSetup: ['test/support/server-build.ts'],
          isolate: false,
        },
      },
      {
        // Real pages in headless Chromium against the real server, built first. A file mostly waits
        // (on the server, the simulator and the page), so they share the workers with the other
        // projects' files, longest first, rather than running as a group of their own at the end.
        extends: true,
        test: {
          name: 'browser',
          include: ['test/browser/**/*.test.ts'],
          globalSetup: ['test/browser/build-pages.ts'],
          // Like the server's files: each worker keeps its module cache from one file to the next.
          isolate: false,
          testTimeout: 60_000,
          hookTimeout: 60_000,
        },
      },
    ],
  },
});
