/** Error answers as Asterisk gives them, and a simulator that survives bad input. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import { AriRest } from './support/ari-harness.js';

let sim: PbxSim;
let ari: AriRest;

beforeAll(async () => {
  sim = await startPbxSim();
  ari = new AriRest(sim.httpUrl);
});
afterAll(async () => {
  await sim.stop();
});

describe('ARI errors', () => {
  it('answers 401 to a wrong password, on REST and on the events socket', async () => {
    const bad = new AriRest(sim.httpUrl, 'cti', 'wrong');
    const res = await bad.call('GET', '/channels');
    expect(res.status).toBe(401);
    expect(res.body).toEqual({ message: 'Authentication required' });
    const docs = await fetch(`${sim.httpUrl}/ari/api-docs/resources.json`);
    expect(docs.status).toBe(401);
    const status = await new Promise<number>((resolve) => {
      const ws = new WebSocket(`${sim.httpUrl.replace('http', 'ws')}/ari/events?app=x&api_key=cti:wrong`);
      ws.on('unexpected-response', (_req, r) => resolve(r.statusCode ?? 0));
      ws.on('open', () => resolve(101));
      ws.on('error', () => undefined);
    });
    expect(status).toBe(401);
  });

  it('accepts ?api_key=user:pass', async () => {
    const res = await fetch(`${sim.httpUrl}/ari/channels?api_key=cti:cti-secret`);
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual([]);
  });

  it('answers 404 with Asterisk messages for unknown resources', async () => {
    expect(await ari.call('GET', '/channels/nope')).toMatchObject({ status: 404, body: { message: 'Channel not found' } });
    expect(await ari.call('POST', '/channels/nope/answer')).toMatchObject({ status: 404, body: { message: 'Channel not found' } });
    expect(await ari.call('DELETE', '/channels/nope')).toMatchObject({ status: 404, body: { message: 'Channel not found' } });
    expect(await ari.call('GET', '/bridges/nope')).toMatchObject({ status: 404, body: { message: 'Bridge not found' } });
    expect(await ari.call('GET', '/playbacks/nope')).toMatchObject({ status: 404, body: { message: 'Playback not found' } });
    expect(await ari.call('GET', '/endpoints/PJSIP/9999')).toMatchObject({ status: 404, body: { message: 'Endpoint not found' } });
    expect(await ari.call('GET', '/nothing-here')).toMatchObject({ status: 404, body: { message: 'Resource not found' } });
    expect(await ari.call('GET', '/channels/')).toMatchObject({ status: 404, body: { message: 'ARI URLs do not end with a slash. Try /ari/channels' } });
    expect(await ari.call('PUT', '/channels')).toMatchObject({ status: 405, body: { message: 'Invalid method' } });
  });

  it('answers 409 for a channel that is not in Stasis and 400/422 for bad parameters', async () => {
    // Phone 1001 rings (manual answer): the channel exists but is in no application.
    await fetch(`${sim.httpUrl}/sim/endpoints/PJSIP/1001`, { method: 'PUT', body: JSON.stringify({ answer: 'manual' }) });
    const placed = await fetch(`${sim.httpUrl}/sim/calls`, { method: 'POST', body: JSON.stringify({ from: '1002', to: '1001', endpoint: 'PJSIP/1002' }) });
    expect(placed.status).toBe(201);
    const { channelId } = (await placed.json()) as { channelId: string };
    expect(await ari.call('POST', `/channels/${channelId}/answer`)).toMatchObject({ status: 409, body: { message: 'Channel not in Stasis application' } });
    expect(await ari.call('POST', '/channels', { app: 'x' })).toMatchObject({ status: 400, body: { message: 'Endpoint must be specified' } });
    expect(await ari.call('POST', '/channels', { endpoint: 'PJSIP/1001' })).toMatchObject({
      status: 400,
      body: { message: 'Application or extension must be specified' },
    });
    expect(await ari.call('DELETE', `/channels/${channelId}`, { reason: 'bogus' })).toMatchObject({
      status: 400,
      body: { message: 'Invalid reason for hangup reason provided' },
    });
    const bridge = await ari.call('POST', '/bridges', { type: 'mixing' });
    const id = (bridge.body as { id: string }).id;
    expect(await ari.call('POST', `/bridges/${id}/addChannel`, { channel: 'nope' })).toMatchObject({ status: 400, body: { message: 'Channel not found' } });
    expect(await ari.call('POST', `/bridges/${id}/addChannel`, { channel: channelId })).toMatchObject({
      status: 422,
      body: { message: 'Channel not in Stasis application' },
    });
    expect(await ari.call('POST', `/bridges/${id}/addChannel`)).toMatchObject({ status: 400, body: { message: 'Missing parameter channel' } });
    expect((await ari.call('DELETE', `/channels/${channelId}`)).status).toBe(204);
    expect((await ari.call('DELETE', `/bridges/${id}`)).status).toBe(204);
    await fetch(`${sim.httpUrl}/sim/endpoints/PJSIP/1001`, { method: 'PUT', body: JSON.stringify({ answer: 'auto' }) });
  });

  it('serves the api-docs with basePath pointing back at itself', async () => {
    const res = await ari.call('GET', '/api-docs/resources.json');
    expect(res.status).toBe(200);
    expect((res.body as { basePath: string }).basePath).toBe(`${sim.httpUrl}/ari`);
    const channels = await ari.call('GET', '/api-docs/channels.json');
    expect((channels.body as { basePath: string }).basePath).toBe(`${sim.httpUrl}/ari`);
  });
});

describe('control API errors', () => {
  const post = (path: string, body: string): Promise<Response> =>
    fetch(`${sim.httpUrl}/sim${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });

  it('answers malformed JSON with 400 and keeps running', async () => {
    const res = await post('/calls', '{"from": ');
    expect(res.status).toBe(400);
    expect(await res.json()).toEqual({ error: 'Malformed JSON body' });
    const again = await fetch(`${sim.httpUrl}/sim/channels`);
    expect(again.status).toBe(200);
  });

  it('names the field that is wrong', async () => {
    expect(await (await post('/calls', JSON.stringify({ from: 138, to: '12345' }))).json()).toEqual({ error: "field 'from' must be a string" });
    expect(await (await post('/calls', JSON.stringify({ to: '12345' }))).json()).toEqual({ error: "field 'from' is required (a non-empty string)" });
    expect((await post('/calls', JSON.stringify({ from: '1', to: '2', colour: 'red' }))).status).toBe(400);
    const faults = await post('/faults', JSON.stringify({ kind: 'meteor' }));
    expect(faults.status).toBe(400);
    expect(await faults.json()).toEqual({ error: 'field \'kind\' must be one of "drop-ami", "drop-ari", "cut-ari-events", "restart"' });
    const dtmf = await post('/channels/nope/dtmf', JSON.stringify({ digits: '1' }));
    expect(dtmf.status).toBe(404);
    expect(await dtmf.json()).toEqual({ error: "channel 'nope' not found" });
  });

  it('refuses digits that are not DTMF and numbers with no extension', async () => {
    const call = await post('/calls', JSON.stringify({ from: '13800138000', to: '12345' }));
    const { channelId } = (await call.json()) as { channelId: string };
    const bad = await post(`/channels/${channelId}/dtmf`, JSON.stringify({ digits: '12x' }));
    expect(bad.status).toBe(400);
    const unknown = await post('/calls', JSON.stringify({ from: '13800138000', to: '99999' }));
    expect(unknown.status).toBe(404);
    expect(((await unknown.json()) as { error: string }).error).toMatch(/99999/);
    await post(`/channels/${channelId}/hangup`, '');
  });
});
