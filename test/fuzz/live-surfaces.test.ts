/**
 * Fuzzing the live surfaces with fast-check and a fixed seed: (c) the agent and supervisor
 * WebSockets, and (d) AMI and ARI as a buggy or hostile PBX would send them, with the AstDB records
 * of the outage path (a fake PBX, fake-pbx.ts: the simulator only says what a real Asterisk says).
 *
 * Throughout: the server never crashes (no uncaught exception, no unhandled rejection), answers
 * GET /health with 200, answers every socket message (a malformed one with its error, or a close
 * code), keeps its PBX links up with one session each, and what its edge refuses changes nothing in
 * the database. The HTTP surfaces are in http-surfaces.test.ts. `FUZZ_SEED=<n>` replays or explores
 * another run, `FUZZ_SCALE=<x>` multiplies the number of inputs.
 */
import fc from 'fast-check';
import { performance } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../cti/logging.js';
import { startServer, type RunningServer } from '../../main.js';
import type { PbxSim } from '../pbx-sim/index.js';
import { startHarness, testConfig, type Harness } from '../support/harness.js';
import { waitFor } from '../support/sim-client.js';
import { login } from '../admin-api/admin-client.js';
import { TestClock } from '../support/test-clock.js';
import { DbChanges } from './db-changes.js';
import { startFakePbx, type FakePbx } from './fake-pbx.js';
import { fuzzRun, runs, seconds, seedFor } from './fuzz-run.js';
import { ariAccepts, PbxFuzzer } from './pbx-fuzz.js';
import { amiInputs, ariInputs, outageRecords } from './pbx-inputs.js';
import { wsMessages, WsFuzzer, type Seat } from './ws-fuzz.js';

const run = fuzzRun('live');
const PBX_BATCH = 50;

describe('fuzz: sockets', () => {
  let harness: Harness;
  let changes: DbChanges;

  beforeAll(async () => {
    harness = await startHarness();
    changes = new DbChanges(harness.server.store.db);
  }, 30_000);

  afterAll(async () => {
    changes?.close();
    await harness?.stop();
  });

  it('agent and supervisor sockets: every message answered, malformed ones refused and changing nothing', async () => {
    const url = harness.server.httpUrl;
    const seats: Seat[] = [];
    for (const agent of ['1001', '1002', '1003', '1004', '1005']) seats.push({ desk: 'agent', login: agent, token: await login(url, agent) });
    for (const staff of ['super', 'admin']) seats.push({ desk: 'supervisor', login: staff, token: await login(url, staff) });
    const fuzzer = new WsFuzzer(url, harness.server.store.db, changes, run.findings);
    const t0 = performance.now();
    // Two sockets per seat at a time (4 per account are allowed), 29 messages each (a burst of 30 is).
    const perSocket = 29;
    const sockets = [...seats, ...seats];
    const round = fc.tuple(...sockets.map((seat) => fc.array(wsMessages(seat.desk), { minLength: perSocket, maxLength: perSocket })));
    let rounds = 0;
    await fc.assert(
      fc.asyncProperty(round, async (messages) => {
        await fuzzer.round(sockets.map((seat, i) => ({ seat, messages: messages[i] ?? [] })));
        if (++rounds % 10 === 0) await run.healthy(url, 'ws');
      }),
      { seed: seedFor(2), numRuns: runs(35) },
    );
    const agentSeat = seats[0] as Seat;
    const staffSeat = seats[5] as Seat;
    await fuzzer.frames(agentSeat);
    await fuzzer.frames(staffSeat);
    const forged = ['', 'x', 'x'.repeat(5000), `${agentSeat.token}x`, agentSeat.token.slice(0, -3)];
    await fuzzer.badTokens('agent', [...forged, staffSeat.token]);
    await fuzzer.badTokens('supervisor', [...forged, agentSeat.token]);
    console.log(`fuzz ws: ${run.findings.count('ws-agent') + run.findings.count('ws-supervisor')} messages in ${seconds(t0)} s`);
    expect(await run.healthy(url, 'ws')).toBe(true);
    run.expectClean('ws', 'ws-agent', 'ws-supervisor');
  }, 120_000);
});

describe('fuzz: a hostile PBX', () => {
  let pbx: FakePbx;
  let server: RunningServer;
  let changes: DbChanges;
  let fuzzer: PbxFuzzer;

  beforeAll(async () => {
    pbx = await startFakePbx();
    server = await startServer(testConfig({ amiPort: pbx.amiPort, httpUrl: pbx.httpUrl } as PbxSim), silentLogger(), { clock: new TestClock() });
    await waitFor(() => server.link.status().ami && server.link.status().ari && !server.recovery.isRecovering(), 'both links up', 10_000);
    changes = new DbChanges(server.store.db);
    fuzzer = new PbxFuzzer(server, pbx, changes, run.findings);
    expect(await run.healthy(server.httpUrl, 'pbx')).toBe(true);
  }, 30_000);

  /** Sends batches of PBX_BATCH inputs drawn from `inputs` (seed `seed`, `numRuns` of them); the server's health is checked every 50. */
  const inBatches = async <T>(inputs: fc.Arbitrary<T>, surface: string, send: (batch: T[]) => Promise<void>, seed: number, numRuns: number) => {
    let batches = 0;
    await fc.assert(
      fc.asyncProperty(fc.array(inputs, { minLength: PBX_BATCH, maxLength: PBX_BATCH }), async (batch) => {
        await send(batch);
        if (++batches % 50 === 0) await run.healthy(server.httpUrl, surface);
      }),
      { seed: seedFor(seed), numRuns: runs(numRuns) },
    );
  };

  afterAll(async () => {
    changes?.close();
    await server?.close();
    await pbx?.stop();
  });

  it('AMI: malformed, repeated, reserved and huge frames neither crash the server nor break its link', async () => {
    const t0 = performance.now();
    await inBatches(amiInputs, 'ami', (batch) => fuzzer.ami(batch), 3, 600);
    console.log(`fuzz ami: ${run.findings.count('ami')} frames in ${seconds(t0)} s`);
    expect(await run.healthy(server.httpUrl, 'ami')).toBe(true);
    run.expectClean('ami', 'pbx');
  }, 120_000);

  it('ARI: events refused at the edge or about unknown channels change nothing; nothing crashes the server', async () => {
    const t0 = performance.now();
    // First only what the server must not act on (the database must stay as it is), then anything.
    const ignorable = ariInputs.filter((input) => {
      const event = ariAccepts(input);
      return event === null || (event.type !== 'StasisStart' && event.type !== 'Dial');
    });
    await inBatches(ignorable, 'ari', (batch) => fuzzer.ari(batch, true), 4, 200);
    await inBatches(ariInputs, 'ari', (batch) => fuzzer.ari(batch, false), 5, 200);
    console.log(`fuzz ari: ${run.findings.count('ari')} frames in ${seconds(t0)} s`);
    expect(await run.healthy(server.httpUrl, 'ari')).toBe(true);
    run.expectClean('ari', 'pbx');
  }, 120_000);

  it('outage records in AstDB: garbage is left alone and never stops the readable records from being imported', async () => {
    const t0 = performance.now();
    await fc.assert(
      fc.asyncProperty(fc.array(outageRecords, { minLength: 10, maxLength: 10 }), async (records) => {
        await fuzzer.outage(records);
      }),
      { seed: seedFor(6), numRuns: runs(200) },
    );
    console.log(`fuzz outage: ${run.findings.count('outage')} records in ${seconds(t0)} s`);
    expect(await run.healthy(server.httpUrl, 'outage')).toBe(true);
    run.expectClean('outage', 'pbx');
  }, 120_000);
});
