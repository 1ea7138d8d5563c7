/**
 * The order the test files start in: the longest first, so that the run does not end waiting on a
 * long file that started late while the other workers sit idle. How long a file takes is what the
 * last run on this checkout recorded (vitest's results cache); on a fresh checkout (CI), the
 * estimates below, measured on the 2-core machine, stand in for the files that take longest; the
 * rest follow, larger files first. A new file that takes long belongs in the list.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

/** Seconds a file took in a whole run (vitest run on 2 cores), for the files above ~10 s. */
const ESTIMATES: Record<string, number> = {
  'test/softphone/transfer-grid.test.ts': 74,
  'test/fuzz/http-surfaces.test.ts': 67,
  'test/cti/fault-matrix-measured.test.ts': 56,
  'test/fuzz/live-surfaces.test.ts': 52,
  'test/cti/fault-matrix-nodes-links.test.ts': 44,
  'test/cti/fault-matrix-takeover.test.ts': 42,
  'test/cti/fault-matrix-takeover-agent.test.ts': 41,
  'test/cti/fault-matrix-nodes-kill-9.test.ts': 40,
  'test/browser/knowledge.test.ts': 40,
  'test/cti/fault-matrix-kill-9.test.ts': 35,
  'test/cti/fault-matrix-kill-9-agent.test.ts': 34,
  'test/cti/restart-recovery.test.ts': 31,
  'test/cti/fault-matrix-nodes-takeover.test.ts': 28,
  'test/cti/fault-matrix-drop-ari.test.ts': 26,
  'test/browser/call-bar.test.ts': 25,
  'test/softphone/call-commands.test.ts': 24,
  'test/cti/fault-matrix-pbx-restart.test.ts': 23,
  'test/browser/wallboard.test.ts': 23,
  'test/browser/agent-desktop.test.ts': 20,
  'test/browser/ticket-form.test.ts': 20,
  'test/cti/fault-matrix-drop-ami.test.ts': 14,
  'test/browser/content-security.test.ts': 14,
  'test/softphone/routes-and-transfers.test.ts': 12,
  'test/reports/kpi-test-day.test.ts': 12,
};

/** The projects' order in a run (vitest.config.ts); a project not named here goes first. */
const PROJECT_ORDER = ['browser', 'postgres', 'server'];

export default class LongestFirst extends BaseSequencer {
  override sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const { cache, config } = this.ctx;
    const path = (spec: TestSpecification) => relative(config.root, spec.moduleId);
    const key = (spec: TestSpecification) => `${spec.project.name}:${path(spec)}`;
    const seconds = (spec: TestSpecification) => {
      const recorded = cache.getFileTestResults(key(spec));
      return recorded ? recorded.duration / 1000 : (ESTIMATES[path(spec)] ?? 0);
    };
    const size = (spec: TestSpecification) => cache.getFileStats(key(spec))?.size ?? 0;
    // Within a project group (vitest runs a higher sequence.groupOrder after a lower one).
    const group = (spec: TestSpecification) => spec.project.config.sequence.groupOrder;
    // One project's files after another's: a worker keeps its module cache only from one file to the
    // next of the same project, so interleaving them would import the server again for most files.
    // The browser and PostgreSQL files first, the many server files (short ones last) fill the end.
    const rank = (spec: TestSpecification) => PROJECT_ORDER.indexOf(spec.project.name);
    return Promise.resolve([...files].sort((a, b) => group(a) - group(b) || rank(a) - rank(b) || seconds(b) - seconds(a) || size(b) - size(a)));
  }
}
