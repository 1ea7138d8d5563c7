/**
 * The AMI side of the conformance tests: sessions on the simulator, the recorded server frames, and
 * comparing them with what the simulator sent (ids and times aside).
 *
 * The recorded AMI sessions also hold a load test's `Local/12345@from-pstn…` calls and another
 * recorder's calls, so both sides are cut down to the frames about the run's own channels, devices
 * and peers before they are compared.
 */
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AmiField } from '../ami/frame.js';
import { fieldValue, frameKind, readRecording } from '../ami/recording.js';
import { RawAmiClient } from '../ami/testing/raw-client.js';
import { frameShape } from '../ami/testing/replay.js';
import type { PbxSim } from '../index.js';
import { normName, RECORDINGS } from './conformance.js';

/**
 * A logged-in AMI session on the simulator that keeps what it receives. The recorder's user had
 * the project's `read = system,call`; the simulator's users read everything, so the login narrows
 * the events to those classes.
 */
export async function amiTap(sim: PbxSim): Promise<RawAmiClient> {
  const client = await RawAmiClient.connect(sim.amiPort);
  client.action({ Action: 'Login', Username: 'cti', Secret: 'cti-secret', ActionID: 'tap-login', Events: 'system,call' });
  await client.response('tap-login');
  return client;
}

/** A logged-in AMI session that gets every event; amiAbout leaves out what the recorder's user could not read. */
export async function amiSession(sim: PbxSim): Promise<RawAmiClient> {
  const client = await RawAmiClient.connect(sim.amiPort);
  await client.login();
  return client;
}

/**
 * The recorded server frames of `file` (under RECORDINGS) between the note starting with `from`
 * and the next note starting with `to` (or the end).
 */
export function recordedAmi(file: string, from?: string, to?: string): AmiField[][] {
  const recording = readRecording(join(RECORDINGS, file));
  const out: AmiField[][] = [];
  let inside = from === undefined;
  for (const step of recording.steps) {
    if (step.kind === 'note') {
      if (from !== undefined && step.text.startsWith(from)) inside = true;
      else if (inside && to !== undefined && step.text.startsWith(to)) inside = false;
      continue;
    }
    if (inside && step.kind === 'server') out.push([...step.fields]);
  }
  return out;
}

const NOT_COMPARED = new Set(['CEL', 'Cdr']);
const NAME_KEYS = ['Channel', 'DestChannel', 'Device', 'Peer', 'AOR', 'LocalOneChannel'];

/**
 * Whether the project's `cti` manager user (`read = system,call`, asterisk-config/manager.conf) gets
 * a frame: the recorder's Asterisk sent no Newexten, VarSet or DTMF (classes dialplan, dtmf) to it.
 */
const readableByCti = (f: readonly AmiField[]): boolean => {
  const privilege = fieldValue(f, 'Privilege');
  return privilege === '' || privilege.split(',').some((c) => c === 'call' || c === 'system');
};

/**
 * Frames about what `concerns` accepts (a channel, device, peer or AOR name, an AOR as
 * `PJSIP/<aor>`) that the recorder's user could read; no CEL or CDR, no RTCP statistics.
 */
export function amiAbout(frames: readonly (readonly AmiField[])[], concerns: (name: string) => boolean): AmiField[][] {
  return frames
    .filter((f) => !NOT_COMPARED.has(frameKind(f)) && readableByCti(f))
    .filter((f) => !(frameKind(f) === 'VarSet' && fieldValue(f, 'Variable').startsWith('RTPAUDIOQOS')))
    .filter((f) =>
      NAME_KEYS.some((k) => {
        const v = fieldValue(f, k);
        return v !== '' && concerns(k === 'AOR' ? `PJSIP/${v}` : v);
      }),
    )
    .map((f) => [...f]);
}

/**
 * What must be equal between a recorded and a simulated AMI frame: kind, class, channel and device
 * names (without counters), states, causes, dial, peer and contact status, MOH class, bridge technology.
 * Every value is followed by `|`, so a line can be matched on `|VALUE|`.
 */
export function amiEssentials(frame: readonly AmiField[]): string {
  return [
    frameKind(frame),
    fieldValue(frame, 'Privilege'),
    normName(fieldValue(frame, 'Channel')),
    fieldValue(frame, 'ChannelStateDesc'),
    normName(fieldValue(frame, 'DestChannel')),
    normName(fieldValue(frame, 'Device')),
    fieldValue(frame, 'State'),
    fieldValue(frame, 'Cause'),
    fieldValue(frame, 'TechCause'),
    fieldValue(frame, 'DialStatus'),
    fieldValue(frame, 'Peer'),
    fieldValue(frame, 'PeerStatus'),
    fieldValue(frame, 'AOR'),
    fieldValue(frame, 'ContactStatus'),
    fieldValue(frame, 'Class'),
    fieldValue(frame, 'BridgeTechnology'),
    fieldValue(frame, 'BridgeNumChannels'),
    fieldValue(frame, 'BridgeType'),
    fieldValue(frame, 'BridgeVideoSourceMode'),
    fieldValue(frame, 'Language'),
    fieldValue(frame, 'Context'),
    fieldValue(frame, 'Exten'),
    fieldValue(frame, 'Priority'),
    fieldValue(frame, 'CallerIDNum'),
    fieldValue(frame, 'ConnectedLineNum'),
    fieldValue(frame, 'Cause-txt'),
    '',
  ].join('|');
}

/** Same essentials and key structure, in the same order. */
export function expectSameAmi(actual: readonly (readonly AmiField[])[], expected: readonly (readonly AmiField[])[]): void {
  expect(expected.length).toBeGreaterThan(0);
  expect(actual.map(amiEssentials)).toEqual(expected.map(amiEssentials));
  expect(actual.map(frameShape)).toEqual(expected.map(frameShape));
}

// ------------------------------------------------- frames of originated calls (order may race)

/** amiAbout as one line a frame: `Kind: keys essentials`, for expectSameFrames. */
export function amiFramesAbout(frames: readonly (readonly AmiField[])[], concerns: (name: string) => boolean): string[] {
  return amiAbout(frames, concerns).map((f) => `${frameShape(f)} ${amiEssentials(f)}`);
}

const kindOf = (frame: string): string => frame.slice(0, frame.indexOf(':'));
const SETUP_KINDS = new Set(['Newchannel', 'LocalBridge', 'NewCallerid', 'NewConnectedLine', 'DialBegin', 'Newstate', 'DeviceStateChange', 'DialState', 'DialEnd']);

/**
 * The frames of the originates (with a Local channel's LocalBridge), up to the last DialEnd before
 * anything else happens: their order races in the recordings (DialBegin, Newstate Ringing, DeviceStateChange and DialState come in a
 * different order in runs6-11-b/ami-run6-playback.txt, ami-run8-hold.txt and ami-run7.txt).
 */
function setupLength(frames: string[]): number {
  let end = 0;
  for (let i = 0; i < frames.length; i++) {
    const kind = kindOf(frames[i] ?? '');
    if (!SETUP_KINDS.has(kind)) break;
    if (kind === 'DialEnd') end = i + 1;
  }
  // The device's INUSE report may follow the DialEnd.
  while (end < frames.length && kindOf(frames[end] ?? '') === 'DeviceStateChange' && (frames[end] ?? '').includes('|INUSE|')) end++;
  return end;
}

/**
 * Lines of amiFramesAbout: the originates' frames as a multiset, then the recorded order, where
 * frames of the `racing` kinds may sit anywhere between their neighbours (same multiset, same order
 * of everything else).
 */
export function expectSameFrames(actual: string[], expected: string[], racing: readonly string[] = []): void {
  const a = setupLength(actual);
  const e = setupLength(expected);
  expect([...actual.slice(0, a)].sort()).toEqual([...expected.slice(0, e)].sort());
  actual = actual.slice(a);
  expected = expected.slice(e);
  if (racing.length === 0) {
    expect(actual).toEqual(expected);
    return;
  }
  expect([...actual].sort()).toEqual([...expected].sort());
  const ordered = (list: string[]): string[] => list.filter((f) => !racing.includes(kindOf(f)));
  expect(ordered(actual)).toEqual(ordered(expected));
}
