/**
 * The server's ARI client (cti/ari: REST over undici, events over ws) against the simulator: it
 * opens the events WebSocket for `hotline12345`, sees a call placed through the control API and
 * drives it; every request it sends is an operation of the api-docs recorded from a real Asterisk
 * 22, with each parameter where those documents put it (query string or JSON body); and the
 * simulator serves those documents the way Asterisk does (basePath rewritten to the Host).
 */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AriConnection } from '../../cti/ari/ari-connection.js';
import type { AriEvent } from '../../cti/ari/ari-types.js';
import { silentLogger } from '../../cti/logging.js';
import { resolveApiDocsDir } from './ari/api-docs.js';
import { startPbxSim } from './index.js';
import type { AriRequestRecord, PbxSim } from './index.js';
import { until } from './support/ari-harness.js';

let sim: PbxSim;
let ari: AriConnection;
const events: AriEvent[] = [];
const requests: AriRequestRecord[] = [];

beforeAll(async () => {
  sim = await startPbxSim({ onAriRequest: (r) => void requests.push(r) });
  ari = new AriConnection({ url: sim.httpUrl, username: 'cti', password: 'cti-secret', app: 'hotline12345' }, silentLogger());
  ari.on('event', (e) => events.push(e));
  await ari.connect();
});

afterAll(async () => {
  ari.close();
  await sim.stop();
});

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.httpUrl}/sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

async function callerInApp(from: string): Promise<string> {
  const res = await control('POST', '/calls', { from, to: '12345' });
  expect(res.status).toBe(201);
  const { channelId } = (await res.json()) as { channelId: string };
  await until(() => events.some((e) => e.type === 'StasisStart' && e.channel.id === channelId), 'StasisStart');
  return channelId;
}

interface Parameter {
  name: string;
  paramType: 'path' | 'query' | 'body';
  required?: boolean;
}
interface Operation {
  nickname: string;
  method: string;
  path: RegExp;
  parameters: Parameter[];
}

/** Every REST operation of the recorded api-docs, with a pattern for its path. */
function recordedOperations(): Operation[] {
  const dir = resolveApiDocsDir();
  const operations: Operation[] = [];
  for (const file of readdirSync(dir).filter((f) => f.endsWith('.json') && f !== 'resources.json')) {
    const doc = JSON.parse(readFileSync(join(dir, file), 'utf8')) as {
      apis?: { path: string; operations: { httpMethod: string; nickname: string; parameters?: Parameter[] }[] }[];
    };
    for (const api of doc.apis ?? []) {
      const path = new RegExp(`^${api.path.replace(/\{[^}]+\}/g, '[^/]+')}$`);
      for (const op of api.operations) operations.push({ nickname: op.nickname, method: op.httpMethod, path, parameters: op.parameters ?? [] });
    }
  }
  return operations;
}

describe('the server\'s ARI client against the simulator', () => {
  it('gets StasisStart with the dialled number, DTMF, and drives the call', async () => {
    const channelId = await callerInApp('13800138000');
    const start = events.find((e) => e.type === 'StasisStart' && e.channel.id === channelId);
    expect(start?.type === 'StasisStart' && start.args).toEqual(['12345']);
    expect(start?.type === 'StasisStart' && start.channel.name).toMatch(/^PJSIP\/trunk-[0-9a-f]{8}$/);
    expect(start?.type === 'StasisStart' && start.channel.caller.number).toBe('13800138000');
    expect(start?.type === 'StasisStart' && start.channel.state).toBe('Ring');

    expect((await control('POST', `/channels/${channelId}/dtmf`, { digits: '1' })).status).toBe(202);
    await until(() => events.some((e) => e.type === 'ChannelDtmfReceived' && e.channel.id === channelId && e.digit === '1'), 'ChannelDtmfReceived');

    await ari.answer(channelId);
    expect((await ari.getChannel(channelId)).state).toBe('Up');
    await ari.hangup(channelId);
    await until(() => events.some((e) => e.type === 'StasisEnd' && e.channel.id === channelId), 'StasisEnd');
  });

  it('rejects a wrong id with the Asterisk error body', async () => {
    await expect(ari.getChannel('no-such-channel')).rejects.toMatchObject({ kind: 'not-found', status: 404, message: 'Channel not found' });
    await expect(ari.addToBridge('no-such-bridge', ['x'])).rejects.toMatchObject({ kind: 'not-found', message: 'Bridge not found' });
  });

  it('sends every operation as the recorded api-docs declare it: path, method, parameters in the query or the JSON body', async () => {
    requests.length = 0;
    expect((await control('PUT', '/endpoints/PJSIP/1001', { online: true, answer: 'auto', answerDelayMs: 0 })).status).toBe(200);
    const id = await callerInApp('13800138001');
    await ari.ring(id);
    await ari.answer(id);
    await ari.listChannels();
    await ari.setVariable(id, 'CTI_TICKET', '2026000001');
    expect(await ari.getVariable(id, 'CTI_TICKET')).toBe('2026000001');
    await ari.play(id, ['sound:hello-world', 'digits:12'], 'prompt-1', 'zh');
    expect(await ari.playbackExists('prompt-1')).toBe(true);
    await ari.stopPlayback('prompt-1');
    await ari.hold(id);
    await ari.unhold(id);
    await ari.startMoh(id);
    await ari.stopMoh(id);
    await ari.sendDtmf(id, '1');
    const bridge = await ari.createBridge('mixing', 'call-check');
    await ari.addToBridge(bridge.id, [id]);
    await ari.bridgeMoh(bridge.id);
    await ari.stopBridgeMoh(bridge.id);
    const recording = await ari.recordBridge(bridge.id, 'call-check-1');
    await ari.stopLiveRecording(recording);
    await ari.deleteStoredRecording(recording);
    await ari.snoop(id, 'snoop-check', 'both', 'none', ['snoop', id]);
    await ari.hangup('snoop-check');
    const leg = await ari.originate({
      endpoint: 'PJSIP/1001',
      app: 'hotline12345',
      appArgs: ['agent', id],
      callerId: '"12345" <13800138001>',
      timeoutSeconds: 15,
      channelId: 'agent-check',
      variables: { CTI_CALL: id },
    });
    expect(leg.id).toBe('agent-check');
    await until(() => events.some((e) => e.type === 'StasisStart' && e.channel.id === 'agent-check'), 'the agent leg answered');
    expect(await ari.getVariable('agent-check', 'CTI_CALL')).toBe(id);
    await ari.hangup('agent-check');
    await ari.removeFromBridge(bridge.id, [id]);
    expect((await ari.listBridges()).map((b) => b.id)).toContain(bridge.id);
    await ari.destroyBridge(bridge.id);
    expect((await ari.listEndpoints()).map((e) => e.resource)).toContain('1001');
    expect(await ari.hasApplication('hotline12345')).toBe(true);
    await ari.hangup(id, 'normal');

    const operations = recordedOperations();
    const used = new Set<string>();
    for (const request of requests) {
      const what = `${request.method} ${request.path}`;
      const op = operations.find((o) => o.method === request.method && o.path.test(request.path));
      expect(op, `${what} is an operation of the api-docs`).toBeDefined();
      if (!op) continue;
      used.add(op.nickname);
      const declared = (type: Parameter['paramType']) => op.parameters.filter((p) => p.paramType === type).map((p) => p.name);
      for (const [name] of request.query) expect(declared('query'), `${what}: query parameter ${name}`).toContain(name);
      for (const p of op.parameters.filter((x) => x.paramType === 'query' && x.required)) {
        expect(request.query.map(([name]) => name), `${what}: required ${p.name}`).toContain(p.name);
      }
      if (request.body !== undefined) {
        expect(typeof request.body === 'object' && request.body !== null, `${what}: a JSON object body`).toBe(true);
        for (const name of Object.keys(request.body as object)) expect(declared('body'), `${what}: body field ${name}`).toContain(name);
      }
    }
    const media = requests.find((r) => r.path === `/channels/${id}/play/prompt-1`)?.query.filter(([name]) => name === 'media');
    expect(media).toEqual([['media', 'sound:hello-world,digits:12']]);
    expect(requests.find((r) => r.path === '/channels' && r.method === 'POST')?.body).toEqual({ variables: { CTI_CALL: id } });
    expect([...used].sort()).toEqual(
      [
        'addChannel', 'answer', 'create', 'deleteStored', 'destroy', 'get', 'getChannelVar', 'hangup', 'hold', 'list', 'originate',
        'playWithId', 'record', 'removeChannel', 'ring', 'sendDTMF', 'setChannelVar', 'snoopChannelWithId', 'startMoh', 'stop', 'stopMoh',
        'unhold',
      ].sort(),
    );
  });

  it('serves the api-docs as Asterisk does: resources.json names each document, basePath points back at the Host asked', async () => {
    const auth = { authorization: `Basic ${Buffer.from('cti:cti-secret').toString('base64')}` };
    const resources = (await (await fetch(`${sim.httpUrl}/ari/api-docs/resources.json`, { headers: auth })).json()) as {
      basePath: string;
      apis: { path: string }[];
    };
    expect(resources.basePath).toBe(`${sim.httpUrl}/ari`);
    for (const api of resources.apis) {
      const res = await fetch(`${sim.httpUrl}/ari${api.path.replace('{format}', 'json')}`, { headers: auth });
      expect(res.status, api.path).toBe(200);
      expect(((await res.json()) as { basePath?: string }).basePath, api.path).toBe(`${sim.httpUrl}/ari`);
    }
  });
});
