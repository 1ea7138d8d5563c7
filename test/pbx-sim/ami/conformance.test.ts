/**
 * AMI conformance: the simulator replays the recorded Asterisk 22.10.1 sessions (same lab
 * configuration, same client bytes, an ARI app doing what the recorded one did) and must send the
 * same sequence of frames, each of the same kind with the same field names in the same order.
 * Values (ids, times, ports) may differ.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AmiField } from './frame.js';
import { fieldValue, frameKind, readRecording } from './recording.js';
import type { Recording } from './recording.js';
import { RecordedHotlineApp, ari, channelNames, until } from './testing/ari-app.js';
import { frameShape, replay, settled } from './testing/replay.js';
import type { RawAmiClient } from './testing/raw-client.js';

const LAB_CONF = '/work/shared/asterisk/lab-conf';
const RECORDINGS = '/work/shared/asterisk/recordings';

/**
 * Recorded frames left out of the comparison, each with the reason the simulator cannot send them.
 * Everything else the recordings contain is compared.
 */
const NOT_SIMULATED: readonly { what: string; why: string; matches(frame: readonly AmiField[]): boolean }[] = [
  {
    what: 'CEL',
    why: 'the lab enables cel_manager; the simulator keeps no channel event log',
    matches: (frame) => frameKind(frame) === 'CEL',
  },
  {
    what: 'Cdr',
    why: 'the lab enables cdr_manager; the simulator keeps no call detail records',
    matches: (frame) => frameKind(frame) === 'Cdr',
  },
  {
    what: 'QueueMemberStatus',
    why: "app_queue member updates: the core's event contract (core/events.ts) has no queue events",
    matches: (frame) => frameKind(frame) === 'QueueMemberStatus',
  },
  {
    what: 'ChallengeSent, SuccessfulAuth with Service: PJSIP',
    why: "res_pjsip security events of the phone's digest-authenticated INVITE: simulated phones do not authenticate",
    matches: (frame) =>
      frameKind(frame) === 'ChallengeSent' || (frameKind(frame) === 'SuccessfulAuth' && fieldValue(frame, 'Service') === 'PJSIP'),
  },
];

interface SimHandle {
  amiPort: number;
  httpUrl: string;
  stop(): Promise<void>;
}
type StartPbxSim = (options: { configDir: string; amiPort: number; httpPort: number }) => Promise<SimHandle>;

/**
 * The simulator factory, loaded at run time so that this suite fails with a clear message (instead
 * of breaking the type check of everything else) whenever `test/pbx-sim/index.ts` is missing.
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
  return frames.filter((frame) => !NOT_SIMULATED.some((rule) => rule.matches(frame))).map(frameShape);
}

function recordedShapes(recording: Recording): string[] {
  return shapes(recording.steps.flatMap((step) => (step.kind === 'server' ? [step.fields] : [])));
}

function load(name: string): Recording {
  return readRecording(join(RECORDINGS, `ami-${name}.txt`));
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

/** The recorder's `all channels hung up: true`: nothing left, and the last events delivered. */
async function allHungUp(httpUrl: string, client: RawAmiClient): Promise<void> {
  await until(async () => (await channelNames(httpUrl)).length === 0, 'all channels hung up');
  await settled(client);
}

/** Once the last list of the session was answered, the recorded app tore the call down. */
function teardownAfter(listEnd: string, app: RecordedHotlineApp) {
  let done = false;
  return async (_actionIds: string[], client: RawAmiClient): Promise<void> => {
    if (done || !client.frames().some((frame) => frameKind(frame) === listEnd)) return;
    done = true;
    await app.hangUp(() => settled(client));
  };
}

describe('AMI conformance with the recorded Asterisk 22 sessions', () => {
  it('lists what it does not compare', () => {
    expect(NOT_SIMULATED.map((rule) => rule.what)).toEqual([
      'CEL',
      'Cdr',
      'QueueMemberStatus',
      'ChallengeSent, SuccessfulAuth with Service: PJSIP',
    ]);
  });

  it('run1: Originate Local/s@caller-sim into Stasis while no ARI app is connected', async () => {
    const { amiPort, httpUrl } = running();
    const recording = load('run1-no-ari');
    const result = await replay(recording, amiPort, {
      async onNote(text, client) {
        if (text.startsWith('all channels hung up')) await allHungUp(httpUrl, client);
      },
    });
    expect(result.banner).toBe(recording.banner);
    expect(shapes(result.frames)).toEqual(recordedShapes(recording));
  });

  it('run2: the same Originate answered and bridged with Local/1001@agents by an ARI app', async () => {
    const { amiPort, httpUrl } = running();
    const recording = load('run2-with-ari');
    const app = new RecordedHotlineApp(httpUrl, 'Local/1001@agents');
    await app.connect();
    try {
      const result = await replay(recording, amiPort, {
        async onNote(text, client) {
          if (text.startsWith('CoreShowChannels while')) {
            await app.bridged();
            await settled(client);
          }
          if (text.startsWith('all channels hung up')) await allHungUp(httpUrl, client);
        },
        afterAction: teardownAfter('BridgeListComplete', app),
      });
      expect(result.banner).toBe(recording.banner);
      expect(shapes(result.frames)).toEqual(recordedShapes(recording));
    } finally {
      app.close();
    }
  });

  it('run5: phone 1001 dials 12345, the ARI app bridges it with phone 1002', async () => {
    const { amiPort, httpUrl } = running();
    const recording = load('run5-pjsip');
    const app = new RecordedHotlineApp(httpUrl, 'PJSIP/1002');
    await app.connect();
    try {
      const result = await replay(recording, amiPort, {
        async onNote(text, client) {
          if (text.startsWith('baresip 1001 dials 12345')) {
            await fetch(`${httpUrl}/sim/calls`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ from: '1001', to: '12345', endpoint: 'PJSIP/1001' }),
            });
            // The phone sends its DTMF 1 once the app has answered.
            await until(async () => {
              const caller = app.caller;
              if (!caller) return false;
              return (await ari<{ state: string }>(httpUrl, 'GET', `/channels/${caller}`)).state === 'Up';
            }, 'caller answered');
            await fetch(`${httpUrl}/sim/channels/${app.caller ?? ''}/dtmf`, {
              method: 'POST',
              headers: { 'content-type': 'application/json' },
              body: JSON.stringify({ digits: '1' }),
            });
          }
          if (text.startsWith('CoreShowChannels while')) {
            await app.bridged();
            await settled(client);
          }
          if (text.startsWith('all channels hung up')) await allHungUp(httpUrl, client);
        },
        afterAction: teardownAfter('ContactListComplete', app),
      });
      expect(result.banner).toBe(recording.banner);
      expect(shapes(result.frames)).toEqual(recordedShapes(recording));
    } finally {
      app.close();
    }
  });
});
