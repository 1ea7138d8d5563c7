/** Playbacks with simulated durations: started, continuing through a list, finished, stopped early. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import { AriRest, EventStream } from './support/ari-harness.js';
import type { AriMessage } from './support/ari-harness.js';

let sim: PbxSim;
let ari: AriRest;
let stream: EventStream;

beforeAll(async () => {
  // 20 ms per second of audio: hello-world (1.6 s) plays for ~32 ms.
  sim = await startPbxSim({ playbackMsPerSecond: 20 });
  ari = new AriRest(sim.httpUrl);
  stream = await EventStream.open(sim.httpUrl, 'hotline12345');
});
afterAll(async () => {
  stream.close();
  await sim.stop();
});

async function callInApp(): Promise<string> {
  const res = await fetch(`${sim.httpUrl}/sim/calls`, { method: 'POST', body: JSON.stringify({ from: '13800138000', to: '12345' }) });
  const { channelId } = (await res.json()) as { channelId: string };
  await stream.waitFor((e) => e.type === 'StasisStart' && (e['channel'] as { id: string }).id === channelId, 'StasisStart');
  await ari.call('POST', `/channels/${channelId}/answer`);
  return channelId;
}

const playbackOf = (e: AriMessage): { id: string; state: string; media_uri: string; next_media_uri?: string } =>
  e['playback'] as { id: string; state: string; media_uri: string; next_media_uri?: string };

async function hearing(channelId: string): Promise<string | null> {
  const res = await fetch(`${sim.httpUrl}/sim/channels/${channelId}`);
  return ((await res.json()) as { hearing: string | null }).hearing;
}

describe('playback', () => {
  it('plays sound:hello-world: PlaybackStarted, then PlaybackFinished in state done', async () => {
    const channelId = await callInApp();
    const res = await ari.call('POST', `/channels/${channelId}/play`, { media: 'sound:hello-world' });
    expect(res.status).toBe(201);
    const created = res.body as { id: string; state: string; target_uri: string; language: string };
    // Without `lang` a playback takes the channel's language: the trunk's `language = zh` (pjsip.conf).
    expect(created).toEqual({ id: created.id, media_uri: 'sound:hello-world', target_uri: `channel:${channelId}`, language: 'zh', state: 'queued' });
    const started = await stream.waitFor((e) => e.type === 'PlaybackStarted' && playbackOf(e).id === created.id, 'PlaybackStarted');
    expect(playbackOf(started).state).toBe('playing');
    const finished = await stream.waitFor((e) => e.type === 'PlaybackFinished' && playbackOf(e).id === created.id, 'PlaybackFinished');
    expect(playbackOf(finished).state).toBe('done');
    expect(stream.events.indexOf(started)).toBeLessThan(stream.events.indexOf(finished));
    expect((await ari.call('GET', `/playbacks/${created.id}`)).status).toBe(404);
    await ari.call('DELETE', `/channels/${channelId}`);
  });

  it('stopping a playback early finishes it (state done) and the channel hears nothing', async () => {
    const channelId = await callInApp();
    const res = await ari.call('POST', `/channels/${channelId}/play/my-tone`, { media: 'tone:ring' });
    expect(res.status).toBe(201);
    await stream.waitFor((e) => e.type === 'PlaybackStarted' && playbackOf(e).id === 'my-tone', 'PlaybackStarted');
    expect(await hearing(channelId)).toBe('tone:ring');
    expect((await ari.call('GET', '/playbacks/my-tone')).body).toMatchObject({ state: 'playing' });
    expect((await ari.call('DELETE', '/playbacks/my-tone')).status).toBe(204);
    const finished = await stream.waitFor((e) => e.type === 'PlaybackFinished' && playbackOf(e).id === 'my-tone', 'PlaybackFinished');
    expect(playbackOf(finished).state).toBe('done');
    expect(await hearing(channelId)).toBeNull();
    await ari.call('DELETE', `/channels/${channelId}`);
  });

  it('plays a media list with PlaybackContinuing between items', async () => {
    const channelId = await callInApp();
    const res = await ari.call('POST', `/channels/${channelId}/play`, { media: 'sound:hello-world,digits:123' });
    const id = (res.body as { id: string }).id;
    const started = await stream.waitFor((e) => e.type === 'PlaybackStarted' && playbackOf(e).id === id, 'PlaybackStarted');
    expect(playbackOf(started)).toMatchObject({ media_uri: 'sound:hello-world', next_media_uri: 'digits:123' });
    const cont = await stream.waitFor((e) => e.type === 'PlaybackContinuing' && playbackOf(e).id === id, 'PlaybackContinuing');
    // PlaybackContinuing names the item that ended and the next one (runs6-11-b/ari-run7b-events.jsonl).
    expect(playbackOf(cont)).toMatchObject({ media_uri: 'sound:hello-world', next_media_uri: 'digits:123', state: 'continuing' });
    const finished = await stream.waitFor((e) => e.type === 'PlaybackFinished' && playbackOf(e).id === id, 'PlaybackFinished');
    expect(playbackOf(finished)).toMatchObject({ media_uri: 'digits:123', state: 'done' });
    await ari.call('DELETE', `/channels/${channelId}`);
  });

  it('pauses and unpauses (PlaybackStarted again), and refuses to pause what is not playing', async () => {
    const channelId = await callInApp();
    await ari.call('POST', `/channels/${channelId}/play/long`, { media: 'tone:ring' });
    await stream.waitFor((e) => e.type === 'PlaybackStarted' && playbackOf(e).id === 'long', 'PlaybackStarted');
    expect((await ari.call('POST', '/playbacks/long/control', { operation: 'pause' })).status).toBe(204);
    expect((await ari.call('GET', '/playbacks/long')).body).toMatchObject({ state: 'paused' });
    expect(await ari.call('POST', '/playbacks/long/control', { operation: 'pause' })).toMatchObject({
      status: 409,
      body: { message: 'Can only pause while media is playing' },
    });
    expect(await ari.call('POST', '/playbacks/long/control', { operation: 'jump' })).toMatchObject({
      status: 400,
      body: { message: 'Invalid operation jump' },
    });
    const before = stream.events.length;
    expect((await ari.call('POST', '/playbacks/long/control', { operation: 'unpause' })).status).toBe(204);
    await stream.waitFor((e) => e.type === 'PlaybackStarted' && playbackOf(e).id === 'long', 'PlaybackStarted after unpause', 5000, before);
    await ari.call('DELETE', `/channels/${channelId}`);
    // Hanging up ends the playback first: PlaybackFinished before StasisEnd.
    const finished = await stream.waitFor((e) => e.type === 'PlaybackFinished' && playbackOf(e).id === 'long', 'PlaybackFinished');
    const end = await stream.waitFor((e) => e.type === 'StasisEnd' && (e['channel'] as { id: string }).id === channelId, 'StasisEnd');
    expect(stream.events.indexOf(finished)).toBeLessThan(stream.events.indexOf(end));
  });

  it('plays to a bridge: everyone in it hears the prompt', async () => {
    const a = await callInApp();
    const b = await callInApp();
    const bridge = (await ari.call('POST', '/bridges', { type: 'mixing' })).body as { id: string };
    await ari.call('POST', `/bridges/${bridge.id}/addChannel`, { channel: `${a},${b}` });
    const res = await ari.call('POST', `/bridges/${bridge.id}/play`, { media: 'tone:busy' });
    expect(res.status).toBe(201);
    const pb = res.body as { id: string; target_uri: string };
    expect(pb.target_uri).toBe(`bridge:${bridge.id}`);
    await stream.waitFor((e) => e.type === 'PlaybackStarted' && playbackOf(e).id === pb.id, 'bridge PlaybackStarted');
    expect(await hearing(a)).toBe('tone:busy');
    expect(await hearing(b)).toBe('tone:busy');
    await ari.call('DELETE', `/playbacks/${pb.id}`);
    await ari.call('DELETE', `/bridges/${bridge.id}`);
    await ari.call('DELETE', `/channels/${a}`);
    await ari.call('DELETE', `/channels/${b}`);
  });
});
