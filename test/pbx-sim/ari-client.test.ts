/**
 * The unmodified `ari-client` 2.2.0 against the simulator: it loads the api-docs, opens the events
 * WebSocket for `hotline12345`, and sees a call placed through the control API.
 */
import ari from 'ari-client';
import type { Client, StasisStart } from 'ari-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import { until } from './support/ari-harness.js';

let sim: PbxSim;
let client: Client;

beforeAll(async () => {
  sim = await startPbxSim();
  client = await ari.connect(sim.httpUrl, 'cti', 'cti-secret');
  await client.start('hotline12345');
});

afterAll(async () => {
  client.stop();
  await sim.stop();
});

async function control(method: string, path: string, body?: unknown): Promise<Response> {
  return fetch(`${sim.httpUrl}/sim${path}`, {
    method,
    headers: { 'content-type': 'application/json' },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
}

describe('ari-client 2.2.0', () => {
  it('gets StasisStart with the dialled number, DTMF, and drives the call', async () => {
    const starts: StasisStart[] = [];
    const digits: string[] = [];
    client.on('StasisStart', (event) => {
      starts.push(event);
    });
    client.on('ChannelDtmfReceived', (event) => {
      digits.push(event.digit);
    });

    const res = await control('POST', '/calls', { from: '13800138000', to: '12345' });
    expect(res.status).toBe(201);
    const { channelId } = (await res.json()) as { channelId: string };
    await until(() => starts.length > 0, 'StasisStart');
    const start = starts[0];
    expect(start?.args).toEqual(['12345']);
    expect(start?.channel.id).toBe(channelId);
    expect(start?.channel.name).toMatch(/^PJSIP\/trunk-[0-9a-f]{8}$/);
    expect(start?.channel.caller.number).toBe('13800138000');
    expect(start?.channel.state).toBe('Ring');

    expect((await control('POST', `/channels/${channelId}/dtmf`, { digits: '1' })).status).toBe(202);
    await until(() => digits.length > 0, 'ChannelDtmfReceived');
    expect(digits).toEqual(['1']);

    const channel = client.Channel(channelId);
    await channel.answer();
    expect((await client.channels.get({ channelId })).state).toBe('Up');
    const ended = new Promise<void>((resolve) => channel.once('StasisEnd', () => resolve()));
    await channel.hangup();
    await ended;
  });

  it('rejects a wrong id with the Asterisk error body', async () => {
    await expect(client.channels.get({ channelId: 'no-such-channel' })).rejects.toThrow('Channel not found');
  });
});
