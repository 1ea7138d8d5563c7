/**
 * ARI conformance: replay the two recorded ARI scenarios against the simulator loaded with the lab
 * configuration the recordings were made with, making the same REST requests, and compare
 *  - the sequence of events: same types, same key structure at every level, and the same
 *    essentials (channel names up to their counters, states, applications, variables, dial states,
 *    causes, arguments);
 *  - the REST answers: same status and same keys.
 * Ids, times and random values differ. RTPAUDIOQOS* variables are left out: the simulator carries
 * no RTP, so Asterisk's RTCP statistics have nothing to report.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import { AriRest, EventStream, parseJsonl, parseRecordedRequests, shape, until } from './support/ari-harness.js';
import type { AriMessage, RecordedRequest } from './support/ari-harness.js';

const LAB_CONF = '/work/shared/asterisk/lab-conf';
const RECORDINGS = '/work/shared/asterisk/recordings';
const APP = 'hotline12345';

const isRtpQos = (e: AriMessage): boolean => e.type === 'ChannelVarset' && String(e['variable']).startsWith('RTPAUDIOQOS');

function recorded(file: string): AriMessage[] {
  return parseJsonl(readFileSync(join(RECORDINGS, file), 'utf8')).filter((e) => !isRtpQos(e));
}

function recordedRequests(file: string): RecordedRequest[] {
  return parseRecordedRequests(readFileSync(join(RECORDINGS, file), 'utf8'));
}

/** Channel names without their run-specific counter: `Local/1001@agents-00000004;1` → `…-N;1`. */
const normName = (name: unknown): string => (typeof name === 'string' ? name : '').replace(/-[0-9a-f]{8}(;[12])?$/, '-N$1');
const isId = (s: string): boolean => /^\d+\.\d+$/.test(s);

/** What must be equal between a recorded and a simulated event, ids and times aside. */
function essentials(e: AriMessage): string {
  const ch = (e['channel'] ?? e['peer']) as Record<string, unknown> | undefined;
  const dialplan = ch?.['dialplan'] as Record<string, unknown> | undefined;
  const bridge = e['bridge'] as Record<string, unknown> | undefined;
  const variable = e['variable'] as string | undefined;
  let value = e['value'] as string | undefined;
  if (variable === 'BRIDGEPVTCALLID' && value !== '') value = '<call-id>';
  if (variable === 'BRIDGEPEER') value = normName(value);
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
    args?.map((a) => (isId(a) ? '<id>' : a)).join(','),
    bridge?.['technology'],
    (bridge?.['channels'] as unknown[] | undefined)?.length,
  ]
    .map((x) => (typeof x === 'string' || typeof x === 'number' || typeof x === 'boolean' ? String(x) : ''))
    .join('|');
}

function compareEvents(actual: AriMessage[], expected: AriMessage[]): void {
  const got = actual.filter((e) => !isRtpQos(e));
  expect(got.map((e) => e.type)).toEqual(expected.map((e) => e.type));
  expect(got.map(essentials)).toEqual(expected.map(essentials));
  expect(got.map(shape)).toEqual(expected.map(shape));
  for (const e of got) {
    expect(e['asterisk_id']).toBe('02:fc:00:00:00:01');
    expect(e['application']).toBe(APP);
    expect(String(e['timestamp'])).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}\+0000$/);
  }
}

/** The recorded request whose method and path (without query) match, in order of use. */
function takeRecorded(list: RecordedRequest[], method: string, pathStart: string): RecordedRequest {
  const normalize = (path: string): string =>
    (path.split('?')[0] ?? '')
      .split('/')
      .map((seg) => (/^\d+\.\d+$/.test(seg) || /^[0-9a-f]{8}-[0-9a-f-]{27}$/.test(seg) ? 'ID' : seg))
      .join('/');
  const i = list.findIndex((r) => r.method === method && normalize(r.path) === pathStart);
  const found = list[i];
  if (!found) throw new Error(`no recorded ${method} ${pathStart}`);
  list.splice(i, 1);
  return found;
}

async function expectLike(rest: Promise<{ status: number; body: unknown }>, list: RecordedRequest[], method: string, path: string): Promise<unknown> {
  const res = await rest;
  const rec = takeRecorded(list, method, path);
  expect(`${method} ${path} -> ${res.status}`).toBe(`${method} ${path} -> ${rec.status}`);
  expect(shape(res.body)).toBe(shape(rec.body));
  return res.body;
}

/** What both recorded apps did once the caller pressed 1: a mixing bridge, the agent originated into the app, both bridged. */
async function bridgeWithAgent(
  ari: AriRest,
  events: EventStream,
  requests: RecordedRequest[],
  caller: string,
  endpoint: string,
): Promise<{ bridge: { id: string }; agent: string }> {
  const bridge = (await expectLike(ari.call('POST', '/bridges', { type: 'mixing', name: `hotline-${caller}` }), requests, 'POST', '/ari/bridges')) as {
    id: string;
  };
  await expectLike(
    ari.call('POST', '/channels', { endpoint, app: APP, appArgs: `agent,${caller}`, callerId: '"Hotline 12345" <12345>', timeout: '30' }),
    requests,
    'POST',
    '/ari/channels',
  );
  const agentStart = await events.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === 'agent', 'the agent StasisStart');
  const agent = (agentStart['channel'] as { id: string }).id;
  await expectLike(ari.call('POST', `/bridges/${bridge.id}/addChannel`, { channel: `${caller},${agent}` }), requests, 'POST', '/ari/bridges/ID/addChannel');
  return { bridge, agent };
}

let sim: PbxSim | undefined;
let stream: EventStream | undefined;
afterEach(async () => {
  stream?.close();
  stream = undefined;
  await sim?.stop();
  sim = undefined;
});

describe('ARI conformance with the recordings', () => {
  it('run 2: Local-channel caller, DTMF, agent originated into the app, bridged, hung up (ari-events.jsonl)', async () => {
    const expected = recorded('ari-events.jsonl');
    const requests = recordedRequests('ari-requests.txt');
    sim = await startPbxSim({ configDir: LAB_CONF });
    const ari = new AriRest(sim.httpUrl);
    stream = await EventStream.open(sim.httpUrl, APP);

    const app = await expectLike(ari.call('GET', `/applications/${APP}`), requests, 'GET', '/ari/applications/hotline12345');
    expect(app).toEqual({ name: APP, channel_ids: [], bridge_ids: [], endpoint_ids: [], device_names: [], events_allowed: [], events_disallowed: [] });

    // What AMI Originate did in the recording: a caller on Local/s@caller-sim dialling 12345.
    const originate = sim.core.originate({
      endpoint: 'Local/s@caller-sim',
      application: 'Wait',
      data: '10',
      callerId: '"PSTN Caller" <13800138000>',
      timeout: 30,
    });
    void originate.settled;

    const start = await stream.waitFor((e) => e.type === 'StasisStart', 'the caller StasisStart');
    const caller = (start['channel'] as { id: string }).id;
    await expectLike(ari.call('POST', `/channels/${caller}/answer`), requests, 'POST', '/ari/channels/ID/answer');
    await expectLike(ari.call('GET', `/channels/${caller}`), requests, 'GET', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'ChannelDtmfReceived', 'the DTMF 1 sent by Dial D(ww1)');

    const { bridge, agent } = await bridgeWithAgent(ari, stream, requests, caller, 'Local/1001@agents');
    await expectLike(ari.call('GET', `/bridges/${bridge.id}`), requests, 'GET', '/ari/bridges/ID');
    const list = (await expectLike(ari.call('GET', '/channels'), requests, 'GET', '/ari/channels')) as unknown[];
    expect(list).toHaveLength(6);

    // The recorder held the call for 3 s; everything up to the first hangup request has arrived by then.
    const beforeHangup = expected.findIndex((e) => e.type === 'ChannelHangupRequest');
    await stream.waitForCount(beforeHangup);
    await expectLike(ari.call('DELETE', `/channels/${caller}`, { reason: 'normal' }), requests, 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'StasisEnd', 'the caller StasisEnd');
    await expectLike(ari.call('DELETE', `/channels/${agent}`), requests, 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'ChannelDestroyed' && String((e['channel'] as { name: string }).name).endsWith(';2'), 'the agent ;2 destroyed');
    await expectLike(ari.call('DELETE', `/bridges/${bridge.id}`), requests, 'DELETE', '/ari/bridges/ID');
    await stream.waitFor((e) => e.type === 'BridgeDestroyed', 'BridgeDestroyed');

    await until(async () => ((await ari.call('GET', '/channels')).body as unknown[]).length === 0, 'every channel gone');
    await expectLike(ari.call('GET', '/channels'), requests, 'GET', '/ari/channels');
    await expectLike(ari.call('GET', '/bridges'), requests, 'GET', '/ari/bridges');
    await new Promise((r) => setTimeout(r, 100));
    compareEvents(stream.events, expected);
    await expect(originate.settled).resolves.toEqual({ answered: true, reason: 4 });
  });

  it('run 5: SIP phone 1001 calls 12345, agent PJSIP/1002 originated and bridged (pjsip-ari-events.jsonl)', async () => {
    const expected = recorded('pjsip-ari-events.jsonl');
    const requests = recordedRequests('pjsip-ari-requests.txt');
    sim = await startPbxSim({ configDir: LAB_CONF });
    const ari = new AriRest(sim.httpUrl);
    stream = await EventStream.open(sim.httpUrl, APP);

    const endpoints = await expectLike(ari.call('GET', '/endpoints/PJSIP'), requests, 'GET', '/ari/endpoints/PJSIP');
    expect(endpoints).toEqual([
      { technology: 'PJSIP', resource: '1001', state: 'online', channel_ids: [] },
      { technology: 'PJSIP', resource: '1002', state: 'online', channel_ids: [] },
    ]);

    // baresip registered as 1001 dials 12345 (context agents includes from-pstn).
    const call = await fetch(`${sim.httpUrl}/sim/calls`, {
      method: 'POST',
      body: JSON.stringify({ from: '1001', to: '12345', endpoint: 'PJSIP/1001' }),
    });
    expect(call.status).toBe(201);
    const start = await stream.waitFor((e) => e.type === 'StasisStart', 'the caller StasisStart');
    const caller = (start['channel'] as { id: string }).id;
    await expectLike(ari.call('POST', `/channels/${caller}/answer`), requests, 'POST', '/ari/channels/ID/answer');
    await fetch(`${sim.httpUrl}/sim/channels/${caller}/dtmf`, { method: 'POST', body: JSON.stringify({ digits: '1' }) });
    await stream.waitFor((e) => e.type === 'ChannelDtmfReceived', 'the DTMF 1 (RFC 4733 from the phone)');

    const { bridge, agent } = await bridgeWithAgent(ari, stream, requests, caller, 'PJSIP/1002');
    const addr = await expectLike(
      ari.call('GET', `/channels/${caller}/variable`, { variable: 'CHANNEL(pjsip,remote_addr)' }),
      requests,
      'GET',
      '/ari/channels/ID/variable',
    );
    expect(addr).toMatchObject({ value: expect.stringMatching(/^127\.0\.0\.1:\d+$/) as unknown });
    const got = (await expectLike(ari.call('GET', `/bridges/${bridge.id}`), requests, 'GET', '/ari/bridges/ID')) as { technology: string };
    expect(got.technology).toBe('native_rtp');

    const beforeHangup = expected.findIndex((e) => e.type === 'ChannelHangupRequest');
    await stream.waitForCount(beforeHangup);
    await expectLike(ari.call('DELETE', `/channels/${caller}`), requests, 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'StasisEnd', 'the caller StasisEnd');
    await expectLike(ari.call('DELETE', `/channels/${agent}`), requests, 'DELETE', '/ari/channels/ID');
    await stream.waitFor((e) => e.type === 'ChannelDestroyed', 'the agent destroyed');
    await expectLike(ari.call('DELETE', `/bridges/${bridge.id}`), requests, 'DELETE', '/ari/bridges/ID');
    await stream.waitFor((e) => e.type === 'BridgeDestroyed', 'BridgeDestroyed');
    await new Promise((r) => setTimeout(r, 100));
    compareEvents(stream.events, expected);
  });
});
