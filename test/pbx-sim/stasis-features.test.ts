/**
 * Stasis behaviour beyond the recorded runs: no app connected, continue/move, snoop, recordings,
 * the core API the AMI front end uses (originate into the dialplan, redirect, hangup), and faults.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import type { PbxEvent } from './core/events.js';
import { startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import { AriRest, EventStream, until } from './support/ari-harness.js';
import type { AriMessage } from './support/ari-harness.js';

let sim: PbxSim;
let ari: AriRest;
let core: PbxEvent[];

beforeEach(async () => {
  sim = await startPbxSim({ timeScale: 0.05 });
  ari = new AriRest(sim.httpUrl);
  core = [];
  sim.core.subscribe((e) => core.push(e));
});
afterEach(async () => {
  await sim.stop();
});

const channelOf = (e: AriMessage): { id: string; name: string; state: string; dialplan: { context: string; exten: string; priority: number } } =>
  e['channel'] as { id: string; name: string; state: string; dialplan: { context: string; exten: string; priority: number } };

async function call(to = '12345'): Promise<string> {
  const res = await fetch(`${sim.httpUrl}/sim/calls`, { method: 'POST', body: JSON.stringify({ from: '13800138000', to }) });
  expect(res.status).toBe(201);
  return ((await res.json()) as { channelId: string }).channelId;
}

describe('Stasis', () => {
  it('fails at once when no app is connected: STASISSTATUS=FAILED and the dialplan goes on (to its survival path)', async () => {
    const id = await call();
    const dialplanApps = () => core.filter((e): e is Extract<PbxEvent, { type: 'channel.dialplan' }> => e.type === 'channel.dialplan' && e.channel.id === id).map((e) => e.app);
    await until(() => dialplanApps().includes('Queue'), 'the caller queued on the survival path');
    const vars = core.filter((e): e is Extract<PbxEvent, { type: 'channel.varset' }> => e.type === 'channel.varset' && e.variable === 'STASISSTATUS');
    expect(vars.map((v) => v.value)).toEqual(['', 'FAILED']);
    expect(dialplanApps().slice(0, 3)).toEqual(['Stasis', 'GotoIf', 'NoOp']);
    await fetch(`${sim.httpUrl}/sim/channels/${id}/hangup`, { method: 'POST', body: '{}' });
    await until(() => core.some((e) => e.type === 'channel.destroyed' && e.channel.id === id), 'the call to end');
  });

  it('continue sends the channel back to the dialplan; move hands it to another app', async () => {
    const stream = await EventStream.open(sim.httpUrl, 'hotline12345,other');
    try {
      const id = await call();
      await stream.waitFor((e) => e.type === 'StasisStart', 'StasisStart');
      expect((await ari.call('POST', `/channels/${id}/answer`)).status).toBe(204);
      expect((await ari.call('POST', `/channels/${id}/move`, { app: 'other', appArgs: 'a,b' })).status).toBe(204);
      const moved = await stream.waitFor((e) => e.type === 'StasisStart' && e['application'] === 'other', 'StasisStart in other');
      expect(moved['args']).toEqual(['a', 'b']);
      expect(stream.events.filter((e) => e.type === 'StasisEnd' && e['application'] === 'hotline12345')).toHaveLength(1);
      expect((await ari.call('POST', `/channels/${id}/continue`)).status).toBe(204);
      await stream.waitFor((e) => e.type === 'StasisEnd' && e['application'] === 'other', 'StasisEnd in other');
      // Next priority of from-pstn/12345 is Hangup().
      await until(() => core.some((e) => e.type === 'channel.destroyed' && e.channel.id === id), 'hung up by the dialplan');
      expect(core.some((e) => e.type === 'channel.dialplan' && e.channel.id === id && e.app === 'Hangup')).toBe(true);
    } finally {
      stream.close();
    }
  });

  it('snoops on a channel: a Snoop/ channel enters the app', async () => {
    const stream = await EventStream.open(sim.httpUrl, 'hotline12345');
    try {
      const id = await call();
      await stream.waitFor((e) => e.type === 'StasisStart', 'StasisStart');
      const res = await ari.call('POST', `/channels/${id}/snoop`, { spy: 'both', app: 'hotline12345', appArgs: 'snoop' });
      expect(res.status).toBe(200);
      const snoop = res.body as { id: string; name: string };
      expect(snoop.name).toMatch(new RegExp(`^Snoop/${id.replace('.', '\\.')}-[0-9a-f]{8}$`));
      const start = await stream.waitFor((e) => e.type === 'StasisStart' && channelOf(e).id === snoop.id, 'snoop StasisStart');
      expect(start['args']).toEqual(['snoop']);
      expect(await ari.call('POST', `/channels/${id}/snoop`, { app: 'hotline12345' })).toMatchObject({
        status: 400,
        body: { message: 'Direction must be specified for at least spy or whisper' },
      });
      await ari.call('DELETE', `/channels/${id}`);
      await stream.waitFor((e) => e.type === 'StasisEnd' && channelOf(e).id === snoop.id, 'the snoop ends with its target');
    } finally {
      stream.close();
    }
  });

  it('records a channel: RecordingStarted, RecordingFinished, then a stored recording', async () => {
    const stream = await EventStream.open(sim.httpUrl, 'hotline12345');
    try {
      const id = await call();
      await stream.waitFor((e) => e.type === 'StasisStart', 'StasisStart');
      await ari.call('POST', `/channels/${id}/answer`);
      const res = await ari.call('POST', `/channels/${id}/record`, { name: 'call-1', format: 'wav' });
      expect(res).toMatchObject({ status: 201, body: { name: 'call-1', format: 'wav', state: 'queued', target_uri: `channel:${id}` } });
      await stream.waitFor((e) => e.type === 'RecordingStarted', 'RecordingStarted');
      expect((await ari.call('GET', '/recordings/live/call-1')).body).toMatchObject({ state: 'recording' });
      expect(await ari.call('POST', `/channels/${id}/record`, { name: 'call-1', format: 'wav' })).toMatchObject({ status: 409 });
      expect(await ari.call('POST', `/channels/${id}/record`, { name: 'x', format: 'nope' })).toMatchObject({
        status: 422,
        body: { message: 'specified format is unknown on this system' },
      });
      expect((await ari.call('POST', '/recordings/live/call-1/stop')).status).toBe(204);
      const done = await stream.waitFor((e) => e.type === 'RecordingFinished', 'RecordingFinished');
      expect(done['recording']).toMatchObject({ name: 'call-1', state: 'done' });
      expect((await ari.call('GET', '/recordings/stored')).body).toEqual([{ name: 'call-1', format: 'wav' }]);
      expect((await ari.call('DELETE', '/recordings/stored/call-1')).status).toBe(204);
      expect(await ari.call('GET', '/recordings/stored/call-1')).toMatchObject({ status: 404, body: { message: 'Recording not found' } });
      await ari.call('DELETE', `/channels/${id}`);
    } finally {
      stream.close();
    }
  });

  it('a second socket for the same app takes it over (ApplicationReplaced)', async () => {
    const first = await EventStream.open(sim.httpUrl, 'hotline12345');
    const second = await EventStream.open(sim.httpUrl, 'hotline12345');
    try {
      await first.waitFor((e) => e.type === 'ApplicationReplaced', 'ApplicationReplaced');
      await call();
      await second.waitFor((e) => e.type === 'StasisStart', 'StasisStart on the new socket');
      expect(first.events.some((e) => e.type === 'StasisStart')).toBe(false);
    } finally {
      first.close();
      second.close();
    }
  });
});

describe('core API (what AMI drives)', () => {
  it('originates into the dialplan, redirects, and hangs up with a cause', async () => {
    const outcome = sim.core.originate({ endpoint: 'PJSIP/1001', context: 'agents', exten: '1002', priority: 1, callerId: '"Ops" <1000>' });
    expect(outcome.channel.name).toMatch(/^PJSIP\/1001-[0-9a-f]{8}$/);
    expect(outcome.channel.dialplan.appName).toBe('AppDial2');
    await expect(outcome.settled).resolves.toEqual({ answered: true, reason: 4 });
    // 1001 answered, runs agents/1002: Dial(PJSIP/1002) which the phone answers.
    await until(() => sim.core.listBridges().length === 1 && sim.core.listBridges()[0]?.channelIds.length === 2, 'the two phones bridged');
    const callee = sim.core.listChannels().find((c) => c.name.startsWith('PJSIP/1002-'));
    expect(callee).toBeDefined();
    sim.core.hangup(callee?.id ?? '', 17);
    await until(() => sim.core.listChannels().length === 0, 'both gone');
    const destroyed = core.find((e) => e.type === 'channel.destroyed' && e.channel.id === callee?.id);
    expect(destroyed).toMatchObject({ cause: 17, causeTxt: 'User busy' });
  });

  it('redirects a channel in Stasis back to the dialplan', async () => {
    const stream = await EventStream.open(sim.httpUrl, 'hotline12345');
    try {
      const id = await call();
      await stream.waitFor((e) => e.type === 'StasisStart', 'StasisStart');
      sim.core.redirect(id, 'from-pstn', '12315', 1);
      await stream.waitFor((e) => e.type === 'StasisEnd', 'StasisEnd');
      const again = await stream.waitFor((e) => e.type === 'StasisStart' && (e['args'] as string[])[0] === '12315', 'StasisStart for 12315');
      expect(channelOf(again).dialplan).toMatchObject({ context: 'from-pstn', exten: '12315', priority: 1 });
    } finally {
      stream.close();
    }
  });

  it('refuses unknown technologies and endpoints', () => {
    expect(() => sim.core.originate({ endpoint: 'IAX2/foo', app: 'x' })).toThrow(/technology/);
    expect(() => sim.core.originate({ endpoint: 'PJSIP/9999', app: 'x' })).toThrow(/not found/);
    expect(() => sim.core.hangup('nope')).toThrow('Channel not found');
  });
});

describe('faults', () => {
  it('drop-ari closes the events socket; restart drops every call and ARI answers 503 until it is back', async () => {
    const ws = new WebSocket(`${sim.httpUrl.replace('http', 'ws')}/ari/events?app=hotline12345&api_key=cti:cti-secret`);
    await new Promise((r) => ws.once('open', r));
    const closed = new Promise((r) => ws.once('close', r));
    const res = await fetch(`${sim.httpUrl}/sim/faults`, { method: 'POST', body: JSON.stringify({ kind: 'drop-ari' }) });
    expect(res.status).toBe(202);
    await closed;

    const stream = await EventStream.open(sim.httpUrl, 'hotline12345');
    await call();
    await stream.waitFor((e) => e.type === 'StasisStart', 'StasisStart');
    await fetch(`${sim.httpUrl}/sim/faults`, { method: 'POST', body: JSON.stringify({ kind: 'restart', downtimeMs: 300 }) });
    expect(sim.core.listChannels()).toEqual([]);
    expect((await ari.call('GET', '/channels')).status).toBe(503);
    await until(async () => (await ari.call('GET', '/channels')).status === 200, 'ARI back', 5000);
    stream.close();
  });
});
