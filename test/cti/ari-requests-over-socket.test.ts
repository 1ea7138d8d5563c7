/**
 * REST requests over the Stasis application's events socket (`RESTRequest`/`RESTResponse`, Asterisk
 * 22.4 and later), over real sockets against the simulator: used when Asterisk's `events.json` lists
 * them, HTTP otherwise; Asterisk's errors read as over HTTP; a request caught by the socket going down
 * is sent again over HTTP only when sending it twice is harmless.
 */
import { Writable } from 'node:stream';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { AriConnection } from '../../cti/ari/ari-connection.js';
import type { NoAnswer } from '../../cti/ari/ari-request.js';
import { SocketRequests } from '../../cti/ari/ari-socket-requests.js';
import type { AriEvent } from '../../cti/ari/ari-types.js';
import { createLogger } from '../../cti/logging.js';
import { startPbxSim, type AriRequestRecord, type PbxSim, type PbxSimOptions } from '../pbx-sim/index.js';
import { waitFor } from '../support/sim-client.js';

const cleanups: (() => Promise<void> | void)[] = [];
afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface World {
  pbx: PbxSim;
  ari: AriConnection;
  /** Every ARI request the PBX got, as it got it. */
  requests: AriRequestRecord[];
  events: AriEvent[];
  logs: () => Record<string, unknown>[];
}

async function world(simOptions: PbxSimOptions = {}, hold?: (r: AriRequestRecord) => Promise<void> | undefined, requestsOverSocket = true): Promise<World> {
  const requests: AriRequestRecord[] = [];
  const pbx = await startPbxSim({
    amiPort: 0,
    httpPort: 0,
    ...simOptions,
    onAriRequest: (r) => {
      requests.push(r);
      return hold?.(r);
    },
  });
  cleanups.push(() => pbx.stop());
  const lines: string[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, done) {
      lines.push(...chunk.toString().split('\n').filter(Boolean));
      done();
    },
  });
  const ari = new AriConnection({ url: pbx.httpUrl, username: 'cti', password: 'cti-secret', app: 'hotline12345', requestsOverSocket }, createLogger('debug', sink));
  const events: AriEvent[] = [];
  ari.on('event', (e) => events.push(e));
  await ari.connect();
  cleanups.push(() => ari.close());
  return { pbx, ari, requests, events, logs: () => lines.map((l) => JSON.parse(l) as Record<string, unknown>) };
}

async function callerInApp(w: World, from: string): Promise<string> {
  const id = w.pbx.core.placeCall({ from, to: '12345' }).id;
  await waitFor(() => w.events.some((e) => e.type === 'StasisStart' && e.channel.id === id), 'StasisStart');
  return id;
}

describe('ARI requests over the events socket', () => {
  it('an Asterisk that takes them gets every request there: the caller is answered, hears a prompt and waits in a bridge', async () => {
    const w = await world();
    const id = await callerInApp(w, '13912345678');
    await w.ari.answer(id);
    const playback = await w.ari.play(id, ['sound:hotline-welcome'], 'pb-1', 'zh');
    const bridge = await w.ari.createBridge('holding', 'queue-general');
    await w.ari.addToBridge(bridge.id, [id]);

    expect(w.pbx.core.channel(id)?.state).toBe('Up');
    expect(playback).toMatchObject({ id: 'pb-1', mediaUri: 'sound:hotline-welcome' });
    expect(w.pbx.core.bridges.get(bridge.id)?.name).toBe('queue-general');
    await waitFor(() => w.events.some((e) => e.type === 'ChannelEnteredBridge' && e.channel.id === id), 'ChannelEnteredBridge');
    expect(w.requests.map((r) => [r.via, r.method, r.path])).toEqual([
      ['socket', 'POST', `/channels/${id}/answer`],
      ['socket', 'POST', `/channels/${id}/play/pb-1`],
      ['socket', 'POST', '/bridges'],
      ['socket', 'POST', `/bridges/${bridge.id}/addChannel`],
    ]);
    // Parameters arrive as over HTTP.
    expect(w.requests[1]?.query).toEqual(expect.arrayContaining([['media', 'sound:hotline-welcome'], ['lang', 'zh']]));
    expect(w.logs().find((l) => l['msg'] === 'ARI requests carrier')).toMatchObject({ level: 30, requests: 'events socket' });
  });

  it('unless the server is told to send them there, they go over HTTP', async () => {
    const w = await world({}, undefined, false);
    const id = await callerInApp(w, '13912345678');
    await w.ari.answer(id);
    expect(w.pbx.core.channel(id)?.state).toBe('Up');
    expect(w.requests.map((r) => [r.via, r.path])).toEqual([['http', `/channels/${id}/answer`]]);
  });

  it('after the socket dropped and came back, they go over it again', async () => {
    const w = await world();
    w.pbx.fault('cut-ari-events', 200);
    await waitFor(() => w.logs().filter((l) => l['msg'] === 'ARI requests carrier').length === 2, 'the socket back, its carrier chosen again', 8_000);
    const id = await callerInApp(w, '13912345678');
    await w.ari.answer(id);
    expect(w.requests.map((r) => [r.via, r.path])).toEqual([['socket', `/channels/${id}/answer`]]);
  });

  it('an Asterisk replaced by an older one at the same address gets them over HTTP once the socket is back', async () => {
    const w = await world();
    const port = w.pbx.httpPort;
    await w.pbx.stop();
    const older: AriRequestRecord[] = [];
    const pbx = await startPbxSim({ amiPort: 0, httpPort: port, requestsOverSocket: false, onAriRequest: (r) => void older.push(r) });
    cleanups.push(() => pbx.stop());
    await waitFor(() => w.logs().filter((l) => l['msg'] === 'ARI requests carrier').length === 2 && w.ari.isConnected, 'the socket back, its carrier chosen again', 8_000);
    expect(w.logs().filter((l) => l['msg'] === 'ARI requests carrier').map((l) => l['requests'])).toEqual(['events socket', 'http']);
    const id = pbx.core.placeCall({ from: '13912345678', to: '12345' }).id;
    await waitFor(() => w.events.some((e) => e.type === 'StasisStart' && e.channel.id === id), 'StasisStart');
    await w.ari.answer(id);
    expect(pbx.core.channel(id)?.state).toBe('Up');
    expect(older.map((r) => [r.via, r.path])).toEqual([['http', `/channels/${id}/answer`]]);
  });

  it('an Asterisk before 22.4 (no RESTRequest in its events.json) gets them over HTTP', async () => {
    const w = await world({ requestsOverSocket: false });
    const id = await callerInApp(w, '13912345678');
    await w.ari.answer(id);
    expect(w.pbx.core.channel(id)?.state).toBe('Up');
    expect(w.requests.map((r) => [r.via, r.path])).toEqual([['http', `/channels/${id}/answer`]]);
    expect(w.logs().find((l) => l['msg'] === 'ARI requests carrier')).toMatchObject({ requests: 'http' });
  });

  it("Asterisk's refusals read as over HTTP: a channel gone is not found, a bridge refusing a channel it cannot find too", async () => {
    const w = await world();
    await expect(w.ari.getChannel('gone-1')).rejects.toMatchObject({ kind: 'not-found', status: 404, message: 'Channel not found' });
    const bridge = await w.ari.createBridge('holding', 'queue-general');
    await expect(w.ari.addToBridge(bridge.id, ['gone-2'])).rejects.toMatchObject({ kind: 'not-found', status: 400 });
    expect(await w.ari.playbackExists('no-such-playback')).toBe(false);
    expect(w.requests.every((r) => r.via === 'socket')).toBe(true);
  });

  it('the socket going down under a waiting answer: it is sent again over HTTP and the caller is answered', async () => {
    let release: (() => void) | null = null;
    let heldOnce = false;
    const w = await world({}, (r) => {
      if (heldOnce || r.via !== 'socket' || !r.path.endsWith('/answer')) return undefined;
      heldOnce = true;
      return new Promise<void>((resolve) => (release = resolve));
    });
    cleanups.push(() => release?.());
    const id = await callerInApp(w, '13912345678');
    const answered = w.ari.answer(id);
    await waitFor(() => release !== null, 'the answer held at the PBX');
    w.pbx.fault('cut-ari-events', 2_000);
    await answered;
    expect(w.pbx.core.channel(id)?.state).toBe('Up');
    expect(w.requests.filter((r) => r.path.endsWith('/answer')).map((r) => r.via)).toEqual(['socket', 'http']);
    const retry = w.logs().find((l) => l['msg'] === 'ARI request refused, trying again');
    expect(retry).toMatchObject({ level: 40, method: 'POST', path: `/channels/${id}/answer`, attempt: 1 });
    (release as (() => void) | null)?.();
  });

  it('the socket going down under a waiting originate: it fails as a connection error and is not sent twice (it may have reached Asterisk)', async () => {
    let release: (() => void) | null = null;
    const w = await world({}, (r) => (r.method === 'POST' && r.path === '/channels' ? new Promise<void>((resolve) => (release = resolve)) : undefined));
    cleanups.push(() => release?.());
    const dialled = w.ari.originate({ endpoint: 'PJSIP/13912345678@trunk', app: 'hotline12345', appArgs: ['callback', 'x'], callerId: '"12345" <12345>', channelId: 'callback-leg-1' });
    await waitFor(() => release !== null, 'the originate held at the PBX');
    w.pbx.fault('cut-ari-events', 2_000);
    await expect(dialled).rejects.toMatchObject({ kind: 'connection' });
    expect(w.requests.filter((r) => r.path === '/channels').map((r) => r.via)).toEqual(['socket']);
    const failed = w.logs().filter((l) => l['msg'] === 'ARI request got no answer');
    expect(failed.map((l) => [l['level'], l['method'], l['path']])).toEqual([[50, 'POST', '/channels']]);
    expect(JSON.stringify(w.logs())).not.toContain('3912345678');
    (release as (() => void) | null)?.();
  });
});

describe('answers over the events socket that are not what Asterisk sends', () => {
  it('settle nothing: a response without its request id, status or with another id leaves the request waiting for its own', async () => {
    const sent: string[] = [];
    const requests = new SocketRequests();
    requests.attach((text) => sent.push(text));
    let settled: unknown = null;
    const waiting = requests.send({ method: 'GET', path: '/channels', idempotent: true }).then((answer) => (settled = answer));
    const id = (JSON.parse(sent[0] ?? '{}') as { request_id: string }).request_id;
    expect(requests.take({ type: 'RESTResponse', status_code: 200 })).toBe(false);
    expect(requests.take({ type: 'RESTResponse', request_id: id, status_code: '200' })).toBe(false);
    expect(requests.take('RESTResponse')).toBe(false);
    expect(requests.take({ type: 'RESTResponse', request_id: `${id}9`, status_code: 200 })).toBe(true);
    await Promise.resolve();
    expect(settled).toBeNull();
    expect(requests.take({ type: 'RESTResponse', request_id: id, status_code: 200, message_body: '[]', content_type: 'application/json' })).toBe(true);
    await waiting;
    expect(settled).toEqual({ status: 200, body: '[]', contentType: 'application/json' });
    requests.detach();
  });
});

describe('a request over the events socket that Asterisk never answers', () => {
  it('fails after 15 s as a hung Asterisk, and the socket carries no more requests', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval', 'performance'] });
    try {
      const sent: string[] = [];
      let distrusted = 0;
      const requests = new SocketRequests(() => distrusted++);
      requests.attach((text) => sent.push(text));
      const waiting = requests.send({ method: 'GET', path: '/channels', idempotent: true });
      const outcome = waiting.then(
        () => 'answered',
        (failure: NoAnswer) => failure,
      );
      expect(JSON.parse(sent[0] ?? '{}')).toMatchObject({ type: 'RESTRequest', method: 'GET', uri: 'channels' });
      await vi.advanceTimersByTimeAsync(14_000);
      expect(await Promise.race([outcome, Promise.resolve('still waiting')])).toBe('still waiting');
      await vi.advanceTimersByTimeAsync(2_000);
      const failure = await outcome;
      expect(failure).toMatchObject({ code: 'UND_ERR_HEADERS_TIMEOUT', sent: true, answered: false });
      expect(distrusted).toBe(1);
      expect(requests.usable).toBe(false);
      await expect(requests.send({ method: 'GET', path: '/channels', idempotent: true })).rejects.toMatchObject({ sent: false });
      expect(sent).toHaveLength(1);
      requests.detach();
    } finally {
      vi.useRealTimers();
    }
  });
});
