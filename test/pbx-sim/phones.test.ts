/**
 * Phones and the trunk as the control API drives them: ringing, answering (auto, manual, busy, no
 * answer), registration, hanging up from the far end, DTMF in both directions, calls between agents
 * through the dialplan's Dial(), and what a channel hears.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import { AriRest, EventStream, until } from './support/ari-harness.js';
import type { AriMessage } from './support/ari-harness.js';
import { control as simControl } from './support/sim-control.js';

let sim: PbxSim;
let ari: AriRest;
let stream: EventStream;

beforeAll(async () => {
  sim = await startPbxSim({ timeScale: 0.05 });
  ari = new AriRest(sim.httpUrl);
  stream = await EventStream.open(sim.httpUrl, 'hotline12345');
});
afterAll(async () => {
  stream.close();
  await sim.stop();
});

const control = <T = unknown>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> => simControl<T>(sim, method, path, body);

interface View {
  id: string;
  state: string;
  bridgeId: string | null;
  hearing: string | null;
  dtmfReceived: string;
  endpoint: string | null;
}

const channelOf = (e: AriMessage): { id: string; name: string; state: string } => e['channel'] as { id: string; name: string; state: string };
const since = (n: number) => (pred: (e: AriMessage) => boolean) => (e: AriMessage) => stream.events.indexOf(e) >= n && pred(e);

async function originate(endpoint: string, timeout = 30): Promise<string> {
  const res = await ari.call('POST', '/channels', { endpoint, app: 'hotline12345', appArgs: 'agent', timeout: String(timeout) });
  expect(res.status).toBe(200);
  return (res.body as { id: string }).id;
}

describe('phones', () => {
  it('a manual phone rings until the control API answers it', async () => {
    await control('PUT', '/endpoints/PJSIP/1001', { answer: 'manual' });
    const mark = stream.events.length;
    const id = await originate('PJSIP/1001');
    await stream.waitFor(since(mark)((e) => e.type === 'Dial' && e['dialstatus'] === 'RINGING'), 'Dial RINGING');
    expect((await control<View>('GET', `/channels/${id}`)).body.state).toBe('Ringing');
    expect((await control('GET', '/endpoints/PJSIP/1001')).body).toMatchObject({ deviceState: 'RINGING' });
    const answered = await control<{ channelId: string }>('POST', '/endpoints/PJSIP/1001/answer');
    expect(answered).toEqual({ status: 200, body: { channelId: id } });
    await stream.waitFor(since(mark)((e) => e.type === 'StasisStart' && channelOf(e).id === id), 'StasisStart');
    expect((await control<View>('GET', `/channels/${id}`)).body.state).toBe('Up');
    expect((await control('POST', '/endpoints/PJSIP/1001/answer')).status).toBe(409);
    // The phone hangs up: a hangup request with the Q.850 cause, not soft.
    await control('POST', '/endpoints/PJSIP/1001/hangup');
    const req = await stream.waitFor(since(mark)((e) => e.type === 'ChannelHangupRequest' && channelOf(e).id === id), 'hangup request');
    expect(req['cause']).toBe(16);
    expect(req['soft']).toBeUndefined();
    await stream.waitFor(since(mark)((e) => e.type === 'ChannelDestroyed' && channelOf(e).id === id), 'destroyed');
    await control('PUT', '/endpoints/PJSIP/1001', { answer: 'auto' });
  });

  it('a busy phone: Dial BUSY and the channel destroyed with cause 17', async () => {
    await control('PUT', '/endpoints/PJSIP/1002', { answer: 'busy' });
    const mark = stream.events.length;
    const id = await originate('PJSIP/1002');
    const dial = await stream.waitFor(since(mark)((e) => e.type === 'Dial' && e['dialstatus'] !== ''), 'Dial end');
    expect(dial['dialstatus']).toBe('BUSY');
    const gone = await stream.waitFor(since(mark)((e) => e.type === 'ChannelDestroyed' && channelOf(e).id === id), 'destroyed');
    expect(gone).toMatchObject({ cause: 17, cause_txt: 'User busy' });
    await control('PUT', '/endpoints/PJSIP/1002', { answer: 'auto' });
  });

  it('a phone that does not answer: destroyed with cause 19 at the timeout, no final Dial (ari-run8-events.jsonl)', async () => {
    await control('PUT', '/endpoints/PJSIP/1003', { answer: 'noanswer' });
    const mark = stream.events.length;
    const id = await originate('PJSIP/1003', 2);
    await stream.waitFor(since(mark)((e) => e.type === 'Dial' && e['dialstatus'] === 'RINGING'), 'RINGING');
    const gone = await stream.waitFor(since(mark)((e) => e.type === 'ChannelDestroyed' && channelOf(e).id === id), 'destroyed');
    expect(gone).toMatchObject({ cause: 19, cause_txt: 'User alerting, no answer', tech_cause: 480 });
    const after = stream.events.slice(mark).filter((e) => ((e['channel'] ?? e['peer']) as { id?: string } | undefined)?.id === id);
    expect(after.map((e) => `${e.type}:${e['dialstatus'] === undefined ? '' : String(e['dialstatus'] as string)}`)).not.toContain('Dial:NOANSWER');
    expect(after.map((e) => e.type)).not.toContain('ChannelHangupRequest');
    await control('PUT', '/endpoints/PJSIP/1003', { answer: 'auto' });
  });

  it('an unregistered phone cannot be dialled; registering is seen by subscribed apps', async () => {
    expect((await ari.call('POST', '/applications/hotline12345/subscription', { eventSource: 'endpoint:PJSIP/1004' })).status).toBe(200);
    const mark = stream.events.length;
    expect((await control('PUT', '/endpoints/PJSIP/1004', { online: false })).body).toMatchObject({ state: 'offline', online: false });
    const offline = await stream.waitFor(since(mark)((e) => e.type === 'EndpointStateChange'), 'EndpointStateChange');
    expect(offline['endpoint']).toEqual({ technology: 'PJSIP', resource: '1004', state: 'offline', channel_ids: [] });
    // ast_dial_prerun fails for a phone with no contact: Asterisk's 500 {"error":"Allocation failed"}
    // (runs6-11-b/ari-run10-requests.txt).
    expect(await ari.call('POST', '/channels', { endpoint: 'PJSIP/1004', app: 'hotline12345' })).toMatchObject({
      status: 500,
      body: { error: 'Allocation failed' },
    });
    await control('PUT', '/endpoints/PJSIP/1004', { online: true });
    await stream.waitFor(since(mark)((e) => e.type === 'EndpointStateChange' && (e['endpoint'] as { state: string }).state === 'online'), 'online again');
    await ari.call('DELETE', '/applications/hotline12345/subscription', { eventSource: 'endpoint:PJSIP/1004' });
  });

  it('ARI DTMF reaches the phone, phone DTMF reaches the app', async () => {
    const mark = stream.events.length;
    const id = await originate('PJSIP/1001');
    await stream.waitFor(since(mark)((e) => e.type === 'StasisStart' && channelOf(e).id === id), 'StasisStart');
    expect((await ari.call('POST', `/channels/${id}/dtmf`, { dtmf: '12#', duration: '50', between: '10' })).status).toBe(204);
    await until(async () => (await control<View>('GET', `/channels/${id}`)).body.dtmfReceived === '12#', 'digits at the phone');
    await control('POST', '/endpoints/PJSIP/1001/dtmf', { digits: '9' });
    const dtmf = await stream.waitFor(since(mark)((e) => e.type === 'ChannelDtmfReceived' && channelOf(e).id === id), 'DTMF from the phone');
    expect(dtmf).toMatchObject({ digit: '9', duration_ms: 180 });
    await ari.call('DELETE', `/channels/${id}`);
  });

  it('an agent dials another agent through Dial(): both up in a basic bridge, hung up together', async () => {
    const placed = await control<{ channelId: string }>('POST', '/calls', { from: '1001', to: '1002', endpoint: 'PJSIP/1001' });
    expect(placed.status).toBe(201);
    const caller = placed.body.channelId;
    const both = await until(async () => {
      const list = (await control<View[]>('GET', '/channels')).body;
      return list.length === 2 && list.every((c) => c.state === 'Up' && c.bridgeId !== null);
    }, 'both legs bridged').then(async () => (await control<View[]>('GET', '/channels')).body);
    const callee = both.find((c) => c.id !== caller);
    expect(callee?.endpoint).toBe('PJSIP/1002');
    expect(new Set(both.map((c) => c.bridgeId)).size).toBe(1);
    expect((await ari.call('GET', `/channels/${caller}/variable`, { variable: 'DIALSTATUS' })).body).toEqual({ value: 'ANSWER' });
    await control('POST', '/endpoints/PJSIP/1002/hangup');
    await until(async () => (await control<View[]>('GET', '/channels')).body.length === 0, 'both legs gone');
  });

  it('what a channel hears: ringback while ringing, music on hold, a holding bridge', async () => {
    const mark = stream.events.length;
    const placed = await control<{ channelId: string }>('POST', '/calls', { from: '13800138000', to: '12345' });
    const id = placed.body.channelId;
    await stream.waitFor(since(mark)((e) => e.type === 'StasisStart' && channelOf(e).id === id), 'StasisStart');
    await ari.call('POST', `/channels/${id}/ring`);
    expect((await control<View>('GET', `/channels/${id}`)).body.hearing).toBe('tone:ring');
    await ari.call('POST', `/channels/${id}/answer`);
    await ari.call('POST', `/channels/${id}/moh`, { mohClass: 'default' });
    expect((await control<View>('GET', `/channels/${id}`)).body.hearing).toBe('moh:default');
    await ari.call('DELETE', `/channels/${id}/moh`);
    expect((await control<View>('GET', `/channels/${id}`)).body.hearing).toBeNull();
    const holding = (await ari.call('POST', '/bridges', { type: 'holding', name: 'queue' })).body as { id: string; bridge_type: string; technology: string };
    expect(holding).toMatchObject({ bridge_type: 'holding', technology: 'holding_bridge' });
    await ari.call('POST', `/bridges/${holding.id}/addChannel`, { channel: id });
    // A holding bridge plays nothing until it is given music (runs6-11-b/ari-run7b-*).
    expect((await control<View>('GET', `/channels/${id}`)).body.hearing).toBeNull();
    await ari.call('POST', `/bridges/${holding.id}/moh`, { mohClass: 'default' });
    expect((await control<View>('GET', `/channels/${id}`)).body.hearing).toBe('moh:default');
    await ari.call('DELETE', `/bridges/${holding.id}/moh`);
    // ARI hold: music on hold on the channel itself, no ChannelHold event (ami-run6.txt, ari-run6-events.jsonl).
    expect((await ari.call('POST', `/channels/${id}/hold`)).status).toBe(204);
    expect((await control<View>('GET', `/channels/${id}`)).body.hearing).toBe('moh:default');
    await ari.call('DELETE', `/channels/${id}/hold`);
    expect((await control<View>('GET', `/channels/${id}`)).body.hearing).toBeNull();
    expect(stream.events.slice(mark).some((e) => e.type === 'ChannelHold' || e.type === 'ChannelUnhold')).toBe(false);
    await control('POST', `/channels/${id}/hangup`);
    await stream.waitFor(since(mark)((e) => e.type === 'StasisEnd' && channelOf(e).id === id), 'StasisEnd');
    await ari.call('DELETE', `/bridges/${holding.id}`);
  });
});
