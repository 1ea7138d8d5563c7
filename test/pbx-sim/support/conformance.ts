/**
 * Shared pieces of the conformance tests for the runs recorded on 2026-12-04 (runs 6–11 of
 * `recordings/runs6-11-b/` and runs 8–9 at the top of `recordings/`): reading the recordings,
 * reducing ARI events and AMI frames to what must be equal (ids and times aside), and an AMI tap
 * that collects the simulator's frames for the run's own channels and devices.
 *
 * The recorded AMI sessions also hold a load test's `Local/12345@from-pstn…` calls and another
 * recorder's calls, so both sides are cut down to the frames about the run's own channels, devices
 * and peers before they are compared.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import type { AmiField } from '../ami/frame.js';
import { fieldValue, frameKind, readRecording } from '../ami/recording.js';
import { RawAmiClient } from '../ami/testing/raw-client.js';
import { frameShape } from '../ami/testing/replay.js';
import { Dialplan } from '../core/dialplan.js';
import { defaultConfigDir } from '../config/load.js';
import { parseJsonl, parseRecordedRequests, shape } from './ari-harness.js';
import type { AriMessage, RecordedRequest } from './ari-harness.js';

export const RECORDINGS = '/work/shared/asterisk/recordings';
export const RUNS_B = join(RECORDINGS, 'runs6-11-b');
export const APP = 'rec6';

const isRtpQos = (e: AriMessage): boolean => e.type === 'ChannelVarset' && String(e['variable']).startsWith('RTPAUDIOQOS');

/** A recorded ARI event stream, without RTCP statistics (no RTP here) and the other recorder's takeover. */
export function recordedEvents(path: string): AriMessage[] {
  return parseJsonl(readFileSync(path, 'utf8')).filter((e) => !isRtpQos(e) && e.type !== 'ApplicationReplaced');
}

export function recordedRequests(path: string): RecordedRequest[] {
  return parseRecordedRequests(readFileSync(path, 'utf8'));
}

/**
 * The project dialplan plus the contexts the recorder added at run time with `dialplan add
 * extension` (`rec6-wait`, `rec6-busy`, `rec6-cong`).
 */
export function recorderDialplan(): Dialplan {
  const base = readFileSync(join(defaultConfigDir(), 'extensions.conf'), 'utf8');
  return Dialplan.parse(
    `${base}\n[rec6-wait]\nexten => s,1,Answer()\n same => n,Wait(120)\n[rec6-busy]\nexten => s,1,Busy(5)\n[rec6-cong]\nexten => s,1,Congestion(5)\n`,
  );
}

/** Channel names without their run-specific counter: `PJSIP/1004-0000000b` → `PJSIP/1004-N`; Snoop/<id>-N. */
export const normName = (name: unknown): string =>
  (typeof name === 'string' ? name : '').replace(/^Snoop\/[^-]+-/, 'Snoop/ID-').replace(/-[0-9a-f]{8}(;[12])?$/, '-N$1');

const isId = (s: string): boolean => /^\d+\.\d+$/.test(s);

/** What must be equal between a recorded and a simulated ARI event. */
export function ariEssentials(e: AriMessage): string {
  const ch = (e['channel'] ?? e['peer']) as Record<string, unknown> | undefined;
  const dialplan = ch?.['dialplan'] as Record<string, unknown> | undefined;
  const bridge = e['bridge'] as Record<string, unknown> | undefined;
  const recording = e['recording'] as Record<string, unknown> | undefined;
  const endpoint = e['endpoint'] as Record<string, unknown> | undefined;
  const contact = e['contact_info'] as Record<string, unknown> | undefined;
  const peerStatus = (e['peer'] as Record<string, unknown> | undefined)?.['peer_status'];
  const variable = e['variable'] as string | undefined;
  let value = e['value'] as string | undefined;
  if (variable === 'BRIDGEPVTCALLID' && value !== '') value = '<call-id>';
  if (variable === 'BRIDGEPEER') value = value?.split(',').map(normName).join(',');
  const args = e['args'] as string[] | undefined;
  return [
    e.type,
    normName(ch?.['name']),
    ch?.['state'],
    dialplan?.['context'],
    dialplan?.['app_name'],
    variable,
    value,
    e['dialstatus'],
    e['dialstring'],
    e['cause'],
    e['tech_cause'],
    e['soft'],
    args?.map((a) => (isId(a) ? '<id>' : a)).join(','),
    bridge?.['technology'],
    (bridge?.['channels'] as unknown[] | undefined)?.length,
    recording?.['name'],
    recording?.['state'],
    recording?.['format'],
    endpoint?.['resource'],
    endpoint?.['state'],
    peerStatus,
    contact?.['contact_status'],
  ]
    .map((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : ''))
    .join('|');
}

/** Same types, essentials and key structure, in the same order; asterisk_id, application and time format. */
export function expectSameEvents(actual: AriMessage[], expected: AriMessage[]): void {
  const got = actual.filter((e) => !isRtpQos(e));
  expect(expected.length).toBeGreaterThan(0);
  expect(got.map(ariEssentials)).toEqual(expected.map(ariEssentials));
  expect(got.map(shape)).toEqual(expected.map(shape));
  for (const e of got) {
    expect(e['asterisk_id']).toBe('02:fc:00:00:00:01');
    expect(e['application']).toBe(APP);
    expect(String(e['timestamp'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  }
}

/** The REST answer has the recorded status and body (same keys; same values where `exact`). */
export function expectSameAnswer(res: { status: number; body: unknown }, rec: RecordedRequest, exact = false): void {
  expect(`${rec.method} ${rec.path} -> ${res.status}`).toBe(`${rec.method} ${rec.path} -> ${rec.status}`);
  expect(shape(res.body)).toBe(shape(rec.body));
  if (exact) expect(res.body).toEqual(rec.body);
}

/** The recorded request with this method whose path (without ids) starts with `path`, in order. */
export function takeRecorded(list: RecordedRequest[], method: string, pathIncludes: string): RecordedRequest {
  const i = list.findIndex((r) => r.method === method && decodeURIComponent(r.path).includes(pathIncludes));
  const found = list[i];
  if (!found) throw new Error(`no recorded ${method} …${pathIncludes}…`);
  list.splice(i, 1);
  return found;
}

// ------------------------------------------------------------------------------------------ AMI

/** What must be equal between a recorded and a simulated AMI frame about one of the run's channels. */
export function amiEssentials(frame: readonly AmiField[]): string {
  return [
    frameKind(frame),
    fieldValue(frame, 'Privilege'),
    normName(fieldValue(frame, 'Channel')),
    fieldValue(frame, 'ChannelStateDesc'),
    normName(fieldValue(frame, 'DestChannel')),
    fieldValue(frame, 'Device'),
    fieldValue(frame, 'State'),
    fieldValue(frame, 'Cause'),
    fieldValue(frame, 'TechCause'),
    fieldValue(frame, 'DialStatus'),
    fieldValue(frame, 'Peer'),
    fieldValue(frame, 'PeerStatus'),
    fieldValue(frame, 'AOR'),
    fieldValue(frame, 'ContactStatus'),
    fieldValue(frame, 'Class'),
  ].join('|');
}

/** Frames about what `concerns` accepts (a channel, device, peer or AOR name); no CEL, no RTCP VarSet. */
export function amiAbout(frames: readonly (readonly AmiField[])[], concerns: (name: string) => boolean): AmiField[][] {
  return frames
    .filter((f) => frameKind(f) !== 'CEL' && !(frameKind(f) === 'VarSet' && fieldValue(f, 'Variable').startsWith('RTPAUDIOQOS')))
    .filter((f) =>
      ['Channel', 'DestChannel', 'Device', 'Peer', 'AOR', 'LocalOneChannel'].some((k) => {
        const v = fieldValue(f, k);
        return v !== '' && concerns(k === 'AOR' ? `PJSIP/${v}` : v);
      }),
    )
    .map((f) => [...f]);
}

/**
 * The recorded server frames between the note starting with `from` and the next note starting with
 * `to` (or the end).
 */
export function recordedAmi(path: string, from?: string, to?: string): AmiField[][] {
  const recording = readRecording(path);
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

export function expectSameAmi(actual: readonly (readonly AmiField[])[], expected: readonly (readonly AmiField[])[]): void {
  expect(expected.length).toBeGreaterThan(0);
  expect(actual.map(amiEssentials)).toEqual(expected.map(amiEssentials));
  expect(actual.map(frameShape)).toEqual(expected.map(frameShape));
}

/**
 * A logged-in AMI session on the simulator that keeps what it receives. The recorder's user had
 * the project's `read = system,call`; the simulator's users read everything, so the login narrows
 * the events to those classes.
 */
export async function amiTap(port: number): Promise<RawAmiClient> {
  const client = await RawAmiClient.connect(port);
  client.action({ Action: 'Login', Username: 'cti', Secret: 'cti-secret', ActionID: 'tap-login', Events: 'system,call' });
  await client.response('tap-login');
  return client;
}

/** Wait until no AMI frame or ARI event has arrived for `quietMs`. */
export async function quiet(counts: () => number, quietMs = 150): Promise<void> {
  let last = counts();
  for (;;) {
    await new Promise((resolve) => setTimeout(resolve, quietMs));
    const now = counts();
    if (now === last) return;
    last = now;
  }
}
