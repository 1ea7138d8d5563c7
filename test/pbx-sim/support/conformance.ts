/**
 * Shared pieces of the ARI conformance tests: reading the recordings of a real Asterisk
 * (`/work/shared/asterisk/recordings/`), starting the simulator as the recorder's Asterisk was set
 * up, and comparing recorded and simulated ARI events and REST answers (ids and times aside).
 * The AMI side is in ami-conformance.ts.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { expect } from 'vitest';
import { defaultConfigDir } from '../config/load.js';
import { Dialplan } from '../core/dialplan.js';
import { parseJsonl, parseRecordedRequests, shape } from './ari-harness.js';
import { valueLine } from './conformance-values.js';
import type { AriMessage, RecordedRequest, RestResult } from './ari-harness.js';

export const RECORDINGS = '/work/shared/asterisk/recordings';
/** The ARI app of the runs recorded on 2026-12-04 (runs 6–11, project configuration). */
export const APP = 'rec6';

// ---------------------------------------------------------------- recordings and set-up

/** RTCP statistics: the simulator carries no RTP, so Asterisk's RTPAUDIOQOS* variables have no counterpart. */
const isRtpQos = (e: AriMessage): boolean => e.type === 'ChannelVarset' && String(e['variable']).startsWith('RTPAUDIOQOS');

/**
 * A recorded ARI event stream (`file` under RECORDINGS), without RTCP statistics and the other
 * recorder's takeover of the app, and only the events `keep` accepts.
 */
export function recordedEvents(file: string, keep: (e: AriMessage) => boolean = () => true): AriMessage[] {
  return parseJsonl(readFileSync(join(RECORDINGS, file), 'utf8')).filter((e) => !isRtpQos(e) && e.type !== 'ApplicationReplaced' && keep(e));
}

export function recordedRequests(file: string): RecordedRequest[] {
  return parseRecordedRequests(readFileSync(join(RECORDINGS, file), 'utf8'));
}

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

/** The project dialplan plus the recorder's runtime contexts. */
export function recorderDialplan(): Dialplan {
  const base = readFileSync(join(defaultConfigDir(), 'extensions.conf'), 'utf8');
  return Dialplan.parse(`${base}\n${REC6_CONTEXTS}`);
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

// ---------------------------------------------------------------- ARI events

/**
 * Channel names without their run-specific counter: `PJSIP/1004-0000000b` → `PJSIP/1004-N`,
 * `Local/1001@agents-00000004;1` → `…-N;1`, and `Snoop/<channel id>-…` → `Snoop/ID-N`.
 */
export const normName = (name: unknown): string =>
  (typeof name === 'string' ? name : '').replace(/^Snoop\/[^-]+-/, 'Snoop/ID-').replace(/-[0-9a-f]{8}(;[12])?$/, '-N$1');

const isId = (s: string): boolean => /^\d+\.\d+$/.test(s);

/**
 * What must be equal between a recorded and a simulated ARI event, ids and times aside: channel,
 * dialplan, variable, dial, hangup, DTMF, bridge, playback, recording, endpoint and contact fields.
 */
export function ariEssentials(e: AriMessage): string {
  const ch = (e['channel'] ?? e['peer']) as Record<string, unknown> | undefined;
  const dialplan = ch?.['dialplan'] as Record<string, unknown> | undefined;
  const bridge = e['bridge'] as Record<string, unknown> | undefined;
  const pb = e['playback'] as Record<string, unknown> | undefined;
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
    e['digit'],
    e['duration_ms'],
    args?.map((a) => (isId(a) ? '<id>' : a)).join(','),
    bridge?.['technology'],
    bridge?.['bridge_type'],
    (bridge?.['channels'] as unknown[] | undefined)?.length,
    pb?.['media_uri'],
    pb?.['next_media_uri'],
    pb?.['state'],
    (typeof pb?.['target_uri'] === 'string' ? pb['target_uri'] : '').split(':')[0],
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

/**
 * Up to the last StasisStart of the originated channels, the recordings' order of Dial,
 * ChannelStateChange and Dial(RINGING) varies by microseconds between channels and runs (README,
 * runs 6–11: "the order of the first three varies").
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

export interface SameEventsOptions {
  /** The ARI app the events were sent to (default APP). */
  app?: string;
  /**
   * The events start with channels originated into the app, whose set-up order raced in the
   * recording: that prefix (up to the last StasisStart) is compared as a multiset, the rest in order.
   */
  originateRaces?: boolean;
}

/**
 * Same types, essentials and key structure, in the same order; Asterisk id, application and time
 * format on every simulated event.
 */
export function expectSameEvents(actual: AriMessage[], expected: AriMessage[], options: SameEventsOptions = {}): void {
  const got = actual.filter((e) => !isRtpQos(e));
  expect(expected.length).toBeGreaterThan(0);
  const gotEnd = options.originateRaces ? originatePrefix(got) : 0;
  const expEnd = options.originateRaces ? originatePrefix(expected) : 0;
  // A Dial event's peer state depends on that race too (Dial RINGING before or after ChannelStateChange).
  const setupEssentials = (e: AriMessage): string =>
    e.type === 'Dial' ? ariEssentials({ ...e, peer: { ...(e['peer'] as object), state: '' } }) : ariEssentials(e);
  const sorted = (list: AriMessage[]): string[] => list.map((e) => `${setupEssentials(e)} ${shape(e)}`).sort();
  expect(sorted(got.slice(0, gotEnd))).toEqual(sorted(expected.slice(0, expEnd)));
  const rest = got.slice(gotEnd);
  const expRest = expected.slice(expEnd);
  expect(rest.map((e) => e.type)).toEqual(expRest.map((e) => e.type));
  expect(rest.map(ariEssentials)).toEqual(expRest.map(ariEssentials));
  expect(rest.map(shape)).toEqual(expRest.map(shape));
  // Then every value, in the form conformance-values.ts gives it.
  const setupValues = (list: AriMessage[]): string[] =>
    list.map((e) => valueLine(e.type === 'Dial' ? { ...e, peer: { ...(e['peer'] as object), state: '' } } : e)).sort();
  expect(setupValues(got.slice(0, gotEnd))).toEqual(setupValues(expected.slice(0, expEnd)));
  expect(rest.map(valueLine)).toEqual(expRest.map(valueLine));
  for (const e of got) {
    expect(e['asterisk_id']).toBe('02:fc:00:00:00:01');
    expect(e['application']).toBe(options.app ?? APP);
    expect(String(e['timestamp'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  }
}

// ---------------------------------------------------------------- REST answers

/**
 * A new playback's answer says `queued`, or `playing` when the channel's thread took it up before
 * the answer was written: the same request on an idle channel answered each way in
 * ari-run7-requests.txt (sound:demo-congrats), so the two are one value here.
 */
function unraced(body: unknown, rec: RecordedRequest): unknown {
  if (rec.method !== 'POST' || !/\/play(\/|\?|$)/.test(rec.path)) return body;
  if (body === null || typeof body !== 'object') return body;
  const pb = body as Record<string, unknown>;
  return pb['state'] === 'playing' ? { ...pb, state: 'queued' } : pb;
}

/** The REST answer has the recorded status and key structure (and the recorded body where `exact`). */
export function expectSameAnswer(res: { status: number; body: unknown }, rec: RecordedRequest, exact = false): void {
  expect(`${rec.method} ${rec.path} -> ${res.status}`).toBe(`${rec.method} ${rec.path} -> ${rec.status}`);
  expect(shape(res.body)).toBe(shape(rec.body));
  if (exact) expect(res.body).toEqual(rec.body);
  // A single resource's values in their forms (conformance-values.ts); a list's order and the
  // foreign entries it held (other recorders, the load test) are the run's own.
  else if (!Array.isArray(rec.body)) expect(valueLine(unraced(res.body, rec))).toBe(valueLine(unraced(rec.body, rec)));
}

/** Takes the first recorded request `matches` accepts out of `list`. */
function takeFirst(list: RecordedRequest[], method: string, matches: (path: string) => boolean, what: string): RecordedRequest {
  const i = list.findIndex((r) => r.method === method && matches(r.path));
  const found = list[i];
  if (!found) throw new Error(`no recorded ${method} ${what}`);
  list.splice(i, 1);
  return found;
}

/** Takes the first recorded request with this method whose decoded path and query contain `pathIncludes`. */
export function takeRecorded(list: RecordedRequest[], method: string, pathIncludes: string): RecordedRequest {
  return takeFirst(list, method, (path) => decodeURIComponent(path).includes(pathIncludes), `…${pathIncludes}…`);
}

/** A path without its query, with ARI ids (`1764854400.12`, uuids) as `ID`: `/ari/channels/ID/play`. */
function pathPattern(path: string): string {
  return (path.split('?')[0] ?? '')
    .split('/')
    .map((seg) => (/^\d+\.\d+$/.test(seg) || /^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(seg) ? 'ID' : seg))
    .join('/');
}

/** Answers to recorded requests, taken in order of use by method and path pattern (see pathPattern). */
export class RecordedAnswers {
  constructor(private readonly list: RecordedRequest[]) {}

  take(method: string, path: string): RecordedRequest {
    return takeFirst(this.list, method, (recorded) => pathPattern(recorded) === path, path);
  }

  /** The simulator's answer has the recorded status and key structure, and for errors the recorded body. */
  async expectLike(rest: Promise<RestResult>, method: string, path: string): Promise<unknown> {
    const res = await rest;
    expectSameAnswer(res, this.take(method, path), res.status >= 400);
    return res.body;
  }

  get left(): RecordedRequest[] {
    return this.list;
  }
}
