/**
 * AMI conformance: the simulator replays the recorded Asterisk 22.10.1 sessions (same lab
 * configuration, same client bytes) and must send the same sequence of frames, each with the same
 * kind and the same field names in the same order. Values (ids, times, ports) may differ.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmiField } from './frame.js';
import { frameKind, readRecording } from './recording.js';
import type { Recording } from './recording.js';
import { RecordedHotlineApp, channelNames, until } from './testing/ari-app.js';
import { frameShape, replay, settled } from './testing/replay.js';

const LAB_CONF = '/work/shared/asterisk/lab-conf';
const RECORDINGS = '/work/shared/asterisk/recordings';

/**
 * Event types left out of the comparison, each with the reason the simulator does not send it.
 * Everything else the recordings contain is compared.
 */
const NOT_SIMULATED: ReadonlyMap<string, string> = new Map([
  // The lab has cel.conf/cdr_manager enabled; the simulator keeps no channel event log and no CDRs.
  ['CEL', 'channel event logging (cel_manager) is not simulated'],
  ['Cdr', 'call detail records (cdr_manager) are not simulated'],
]);

interface SimHandle {
  amiPort: number;
  httpUrl: string;
  stop(): Promise<void>;
}
type StartPbxSim = (options: { configDir: string; amiPort: number; httpPort: number }) => Promise<SimHandle>;

/**
 * The simulator factory, loaded at run time so this suite fails with a clear message (instead of
 * breaking the type check of everything else) while `test/pbx-sim/index.ts` does not exist yet.
 */
async function loadStartPbxSim(): Promise<StartPbxSim> {
  const specifier = '../index.js';
  let loaded: unknown;
  try {
    loaded = await import(/* @vite-ignore */ specifier);
  } catch (error) {
    throw new Error(`AMI conformance needs test/pbx-sim/index.ts exporting startPbxSim(); importing it failed: ${String(error)}`, {
      cause: error,
    });
  }
  const start = (loaded as { startPbxSim?: unknown }).startPbxSim;
  if (typeof start !== 'function') throw new Error('test/pbx-sim/index.ts does not export startPbxSim()');
  return start as StartPbxSim;
}

function shapes(frames: readonly (readonly AmiField[])[]): string[] {
  return frames.filter((frame) => !NOT_SIMULATED.has(frameKind(frame))).map(frameShape);
}

function recordedShapes(recording: Recording): string[] {
  return shapes(recording.steps.flatMap((step) => (step.kind === 'server' ? [step.fields] : [])));
}

let sim: SimHandle | undefined;

beforeEach(async () => {
  const startPbxSim = await loadStartPbxSim();
  sim = await startPbxSim({ configDir: LAB_CONF, amiPort: 0, httpPort: 0 });
});

afterEach(async () => {
  await sim?.stop();
  sim = undefined;
});

function running(): SimHandle {
  if (!sim) throw new Error('simulator not started');
  return sim;
}

async function noChannels(httpUrl: string): Promise<void> {
  await until(async () => (await channelNames(httpUrl)).length === 0, 'all channels hung up');
}

describe('AMI conformance with the recorded Asterisk 22 sessions', () => {
  it('run1: Originate Local/s@caller-sim into Stasis while no ARI app is connected', async () => {
    const { amiPort, httpUrl } = running();
    const recording = readRecording(join(RECORDINGS, 'ami-run1-no-ari.txt'));
    const result = await replay(recording, amiPort, {
      async onNote(text, client) {
        if (text.startsWith('all channels hung up')) {
          await noChannels(httpUrl);
          await settled(client);
        }
      },
    });
    expect(result.banner).toBe(recording.banner);
    expect(shapes(result.frames)).toEqual(recordedShapes(recording));
  });

  it('run2: the same Originate answered and bridged by an ARI app', async () => {
    const { amiPort, httpUrl } = running();
    const recording = readRecording(join(RECORDINGS, 'ami-run2-with-ari.txt'));
    const app = new RecordedHotlineApp(httpUrl);
    await app.connect();
    try {
      let bridgeListed = false;
      const result = await replay(recording, amiPort, {
        async onNote(text, client) {
          if (text.startsWith('CoreShowChannels while')) {
            await app.bridged();
            await settled(client);
          }
          if (text.startsWith('all channels hung up')) {
            await noChannels(httpUrl);
            await settled(client);
          }
        },
        async afterAction(_actionIds, client) {
          // After BridgeList the recorded app hung up caller, agent and bridge.
          if (bridgeListed || !client.frames().some((frame) => frameKind(frame) === 'BridgeListComplete')) return;
          bridgeListed = true;
          await app.hangUp(() => settled(client));
        },
      });
      expect(result.banner).toBe(recording.banner);
      expect(shapes(result.frames)).toEqual(recordedShapes(recording));
    } finally {
      app.close();
    }
  });
});
