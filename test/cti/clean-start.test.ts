/**
 * A server that starts against a healthy PBX has nothing to warn about: whichever of AMI and ARI
 * comes up first, nothing is logged at warn or above (an operator learns to ignore a log that warns
 * on every start).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../cti/logging.js';
import { startServer, type RunningServer } from '../../main.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { testConfig } from '../support/harness.js';
import { waitFor } from '../support/sim-client.js';
import { TestClock } from '../support/test-clock.js';

const running: { sim: PbxSim; server: RunningServer }[] = [];
// A deployed server has its pages built (a server without them rightly warns); this test is about
// the telephony start, so a stand-in page folder does.
const pagesDir = mkdtempSync(join(tmpdir(), 'cti-pages-stand-in-'));
writeFileSync(join(pagesDir, 'index.html'), '<!doctype html><title>12345</title>');
afterAll(async () => {
  for (const { sim, server } of running) {
    await server.close();
    await sim.stop();
  }
  rmSync(pagesDir, { recursive: true, force: true });
});

describe('a clean start', () => {
  it('logs nothing at warn or above', async () => {
    const lines: { level: number; msg: string }[] = [];
    const sink = new Writable({
      write(chunk: Buffer, _encoding, done) {
        for (const line of chunk.toString().split('\n')) if (line) lines.push(JSON.parse(line) as { level: number; msg: string });
        done();
      },
    });
    const sim = await startPbxSim({ amiPort: 0, httpPort: 0 });
    const server = await startServer(testConfig(sim, { pagesDir }), createLogger('info', sink), { clock: new TestClock() });
    running.push({ sim, server });
    await waitFor(() => server.link.status().ami && server.link.status().ari && !server.recovery.isRecovering(), 'both links up', 10_000);
    await waitFor(() => lines.some((l) => l.msg === 'reconciled with the PBX'), 'the first reconciliation', 10_000);
    // The demo data's warning about its well-known passwords is the one expected.
    expect(lines.filter((l) => l.level >= 40 && !l.msg.startsWith('DEMO DATA LOADED')).map((l) => l.msg)).toEqual([]);
  });
});
