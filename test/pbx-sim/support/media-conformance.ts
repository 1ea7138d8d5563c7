/**
 * Shared pieces of the media conformance tests (playback, holding bridges, hold and MOH) against
 * the runs recorded on 2026-12-04 with the project configuration and the ARI app `rec6`:
 * starting the simulator as the recorder's Asterisk was set up, reducing recorded and simulated
 * ARI events and AMI frames to what must match, and the control API calls the outside world makes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { frameKind, fieldValue, readRecording } from '../ami/recording.js';
import type { AmiField } from '../ami/frame.js';
import { RawAmiClient } from '../ami/testing/raw-client.js';
import { frameShape } from '../ami/testing/replay.js';
import { defaultConfigDir } from '../config/load.js';
import { Dialplan } from '../core/dialplan.js';
import { startPbxSim } from '../index.js';
import type { PbxSim } from '../index.js';
import { parseJsonl, parseRecordedRequests, shape } from './ari-harness.js';
import type { AriMessage, RecordedRequest, RestResult } from './ari-harness.js';

export const RECORDINGS = '/work/shared/asterisk/recordings';
export const APP = 'rec6';

/** The contexts the recorder added at run time with `dialplan add extension` (README, runs 6–12). */
const REC6_CONTEXTS = `
[rec6-wait]
exten => s,1,Answer()
 same => n,Wait(120)

[rec6-busy]
exten => s,1,Busy(5)

[rec6-cong]
exten => s,1,Congestion(5)
`;

/** The simulator on the project configuration plus the recorder's runtime contexts. */
export async function startRec6Sim(): Promise<PbxSim> {
  const text = readFileSync(join(defaultConfigDir(), 'extensions.conf'), 'utf8');
  return startPbxSim({ core: { dialplan: Dialplan.parse(`${text}\n${REC6_CONTEXTS}`) } });
}

const isRtpQos = (e: AriMessage): boolean => e.type === 'ChannelVarset' && String(e['variable']).startsWith('RTPAUDIOQOS');

export function recordedEvents(file: string, keep: (e: AriMessage) => boolean = () => true): AriMessage[] {
  return parseJsonl(readFileSync(join(RECORDINGS, file), 'utf8')).filter((e) => !isRtpQos(e) && keep(e));
}

export function recordedRequests(file: string): RecordedRequest[] {
  return parseRecordedRequests(readFileSync(join(RECORDINGS, file), 'utf8'));
}

const normName = (name: unknown): string =>
  (typeof name === 'string' ? name : '').replace(/^Snoop\/[^-]+-/, 'Snoop/ID-').replace(/-[0-9a-f]{8}(;[12])?$/, '-N$1');

/** What must be equal between a recorded and a simulated event, ids and times aside. */
export function essentials(e: AriMessage): string {
  const ch = (e['channel'] ?? e['peer']) as Record<string, unknown> | undefined;
  const dialplan = ch?.['dialplan'] as Record<string, unknown> | undefined;
  const bridge = e['bridge'] as Record<string, unknown> | undefined;
  const pb = e['playback'] as Record<string, unknown> | undefined;
  const rec = e['recording'] as Record<string, unknown> | undefined;
  const variable = e['variable'] as string | undefined;
  let value = e['value'] as string | undefined;
  if (variable === 'BRIDGEPVTCALLID' && value !== '') value = '<call-id>';
  if (variable === 'BRIDGEPEER') value = (value ?? '').split(',').map(normName).join(',');
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
    e['soft'],
    e['digit'],
    e['duration_ms'],
    args?.join(','),
    bridge?.['technology'],
    bridge?.['bridge_type'],
    (bridge?.['channels'] as unknown[] | undefined)?.length,
    pb?.['media_uri'],
    pb?.['next_media_uri'],
    pb?.['state'],
    (typeof pb?.['target_uri'] === 'string' ? pb['target_uri'] : '').split(':')[0],
    rec?.['name'],
    rec?.['state'],
  ]
    .map((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : ''))
    .join('|');
}

/**
 * Up to the last StasisStart of the originated channels, the recordings' order of Dial,
 * ChannelStateChange and Dial(RINGING) varies by microseconds between channels and runs (README,
 * runs 6–11: "the order of the first three varies"): that prefix is compared as a multiset, the
 * rest in order.
 */
function originatePrefix(events: AriMessage[]): number {
  const setup = new Set(['Dial', 'ChannelStateChange', 'ChannelVarset', 'StasisStart', 'ChannelDialplan']);
  let end = 0;
  for (let i = 0; i < events.length; i++) {
    const e = events[i] as AriMessage;
    if (!setup.has(e.type)) break;
    if (e.type === 'StasisStart') end = i + 1;
  }
  return end;
}

export function compareEvents(actual: AriMessage[], expected: AriMessage[]): void {
  const got = actual.filter((e) => !isRtpQos(e));
  const gotEnd = originatePrefix(got);
  const expEnd = originatePrefix(expected);
  // A Dial event's peer state depends on that race too (Dial RINGING before or after ChannelStateChange).
  const setupEssentials = (e: AriMessage): string =>
    e.type === 'Dial' ? essentials({ ...e, peer: { ...(e['peer'] as object), state: '' } }) : essentials(e);
  const sorted = (list: AriMessage[]): string[] => list.map((e) => `${setupEssentials(e)} ${shape(e)}`).sort();
  expect(sorted(got.slice(0, gotEnd))).toEqual(sorted(expected.slice(0, expEnd)));
  const rest = got.slice(gotEnd);
  const expRest = expected.slice(expEnd);
  expect(rest.map((e) => e.type)).toEqual(expRest.map((e) => e.type));
  expect(rest.map(essentials)).toEqual(expRest.map(essentials));
  expect(rest.map(shape)).toEqual(expRest.map(shape));
  for (const e of got) {
    expect(e['application']).toBe(APP);
    expect(String(e['timestamp'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  }
}

/** Answers to recorded requests, taken in order of use by method and path pattern. */
export class RecordedAnswers {
  constructor(private readonly list: RecordedRequest[]) {}

  private static normalize(path: string): string {
    return (path.split('?')[0] ?? '')
      .split('/')
      .map((seg) => (/^\d+\.\d+$/.test(seg) || /^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(seg) ? 'ID' : seg))
      .join('/');
  }

  take(method: string, path: string): RecordedRequest {
    const i = this.list.findIndex((r) => r.method === method && RecordedAnswers.normalize(r.path) === path);
    const found = this.list[i];
    if (!found) throw new Error(`no recorded ${method} ${path}`);
    this.list.splice(i, 1);
    return found;
  }

  /** The simulator's answer has the recorded status and the recorded key structure. */
  async expectLike(rest: Promise<RestResult>, method: string, path: string): Promise<unknown> {
    const res = await rest;
    const rec = this.take(method, path);
    expect(`${method} ${path} -> ${res.status} ${shape(res.body)}`).toBe(`${method} ${path} -> ${rec.status} ${shape(rec.body)}`);
    if (res.status >= 400) expect(res.body).toEqual(rec.body);
    return res.body;
  }

  get left(): RecordedRequest[] {
    return this.list;
  }
}

// ---------------------------------------------------------------- AMI

const CHANNEL_KEYS = ['Channel', 'DestChannel', 'Device'];
const NOT_COMPARED = new Set(['CEL', 'Cdr']);

/**
 * Whether the project's `cti` manager user (`read = system,call`, asterisk-config/manager.conf) gets
 * a frame: the recorder's Asterisk sent no Newexten, VarSet or DTMF (classes dialplan, dtmf); the
 * simulator's AMI users read everything.
 */
const readableByCti = (f: readonly AmiField[]): boolean => {
  const privilege = fieldValue(f, 'Privilege');
  return privilege === '' || privilege.split(',').some((c) => c === 'call' || c === 'system');
};

/** Frames about the channels and devices `matches` selects (by Channel, DestChannel or Device). */
export function amiFramesAbout(frames: readonly (readonly AmiField[])[], matches: (name: string) => boolean): string[] {
  return frames
    .filter((f) => !NOT_COMPARED.has(frameKind(f)) && readableByCti(f))
    .filter((f) => CHANNEL_KEYS.some((k) => matches(fieldValue(f, k))))
    .map((f) => `${frameShape(f)} ${CHANNEL_KEYS.map((k) => normName(fieldValue(f, k))).join('|')} ${amiValue(f)}`);
}

/** The values of a frame that must match: states, classes, causes, technologies. */
function amiValue(f: readonly AmiField[]): string {
  return ['ChannelStateDesc', 'State', 'Class', 'Cause', 'BridgeTechnology', 'BridgeNumChannels', 'DialStatus']
    .map((k) => fieldValue(f, k))
    .join('|');
}

export function recordedAmi(file: string, matches: (name: string) => boolean): string[] {
  const recording = readRecording(join(RECORDINGS, file));
  return amiFramesAbout(
    recording.steps.flatMap((s) => (s.kind === 'server' ? [s.fields] : [])),
    matches,
  );
}

export async function amiSession(sim: PbxSim): Promise<RawAmiClient> {
  const client = await RawAmiClient.connect(sim.amiPort);
  await client.login();
  return client;
}

const kindOf = (frame: string): string => frame.slice(0, frame.indexOf(':'));
const SETUP_KINDS = new Set(['Newchannel', 'NewCallerid', 'NewConnectedLine', 'DialBegin', 'Newstate', 'DeviceStateChange', 'DialState', 'DialEnd']);

/**
 * The frames of the originates, up to the last DialEnd before anything else happens: their order
 * races in the recordings (DialBegin, Newstate Ringing, DeviceStateChange and DialState come in a
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
 * Order check: the originates' frames as a multiset, then the recorded order, where frames of the
 * `racing` kinds may sit anywhere between their neighbours (same multiset, same order of everything else).
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

// ---------------------------------------------------------------- control API

export interface SimChannelView {
  id: string;
  name: string;
  hearing: string | null;
  hears: string[];
  sends: boolean;
  onHold: boolean;
  bridgeId: string | null;
}

export async function control<T = unknown>(sim: PbxSim, method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
  const res = await fetch(`${sim.httpUrl}/sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? undefined : JSON.parse(text)) as T };
}

export async function simChannel(sim: PbxSim, id: string): Promise<SimChannelView> {
  return (await control<SimChannelView>(sim, 'GET', `/channels/${id}`)).body;
}
