/**
 * Several simulator instances as the Asterisk nodes of one system: per-node system names and
 * entity ids, and calls crossing the inter-node SIP trunks (`PJSIP/<ext>@internode-<node>`).
 * Not recorded (the lab had one Asterisk): see the README, "Several nodes".
 */
import { describe, expect, it } from 'vitest';
import type { AmiField } from './ami/frame.js';
import { RawAmiClient } from './ami/testing/raw-client.js';
import { linkPbxSims, startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import type { AriMessage } from './support/ari-harness.js';
import { AriRest, EventStream, until } from './support/ari-harness.js';
import { closeAfterEach } from './support/conformance-run.js';
import { internodeConfig } from './support/internode-config.js';
import { control } from './support/sim-control.js';

const APP = 'hotline12345';
const opened = closeAfterEach();

interface Node {
  name: string;
  sim: PbxSim;
  ari: AriRest;
  /** Events of APP on this node. */
  app: EventStream;
  /** Every channel's events on this node (subscribeAll). */
  all: EventStream;
}

/**
 * Start one simulator per name, each with trunks to all the others (and to `unlinked`, configured
 * but never linked), and link them.
 */
async function startNodes(names: string[], opts: { unlinked?: string[]; extraDialplan?: Record<string, string[]> } = {}): Promise<Record<string, Node>> {
  const nodes: Record<string, Node> = {};
  for (const name of names) {
    const others = [...names.filter((n) => n !== name), ...(opts.unlinked ?? [])];
    const config = internodeConfig(name, others, opts.extraDialplan?.[name] ?? []);
    opened({ close: () => config.remove() });
    const sim = opened(await startPbxSim({ configDir: config.dir, systemName: name, timeScale: 0.02 }));
    const app = opened(await EventStream.open(sim.httpUrl, APP));
    const all = opened(await EventStream.open(sim.httpUrl, `watch-${name}`, '&subscribeAll=true'));
    nodes[name] = { name, sim, ari: new AriRest(sim.httpUrl), app, all };
  }
  opened({ close: linkPbxSims(names.map((name) => ({ name, sim: (nodes[name] as Node).sim }))) });
  return nodes;
}

function node(nodes: Record<string, Node>, name: string): Node {
  const n = nodes[name];
  if (!n) throw new Error(`no node ${name}`);
  return n;
}

interface ChannelJson {
  id: string;
  name: string;
  state: string;
  caller: { name: string; number: string };
  dialplan: { context: string; exten: string };
}

const channelOf = (e: AriMessage): ChannelJson | undefined => (e['channel'] ?? e['peer']) as ChannelJson | undefined;
const ofType = (type: string, id: string) => (e: AriMessage): boolean => e.type === type && channelOf(e)?.id === id;

async function channels(n: Node): Promise<ChannelJson[]> {
  return (await n.ari.call('GET', '/channels')).body as ChannelJson[];
}

/** Originate `endpoint` into APP on node `n`; the new channel. */
async function originate(n: Node, endpoint: string, extra: Record<string, string> = {}): Promise<ChannelJson> {
  const res = await n.ari.call('POST', '/channels', { endpoint, app: APP, callerId: '"市民" <13800138000>', ...extra });
  expect(res.status).toBe(200);
  return res.body as ChannelJson;
}

/** The channel on node `n` that a trunk call from node `from` arrived on. */
async function incomingFrom(n: Node, from: string): Promise<ChannelJson> {
  let found: ChannelJson | undefined;
  await until(async () => {
    found = (await channels(n)).find((c) => c.name.startsWith(`PJSIP/internode-${from}-`));
    return found !== undefined;
  }, `the call from ${from} on ${n.name}`);
  return found as ChannelJson;
}

const dialStatuses = (events: AriMessage[], peerId: string): string[] =>
  events.filter((e) => e.type === 'Dial' && channelOf(e)?.id === peerId).map((e) => String(e['dialstatus']));

describe('node identity', () => {
  it('two nodes with different system names give disjoint, prefixed ids and their own asterisk_id and AMI SystemName', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    const ami = opened(await RawAmiClient.connect(a.sim.amiPort));
    await ami.login();

    const onA = await originate(a, 'PJSIP/1001');
    const onB = await originate(b, 'PJSIP/1001');
    expect(onA.id).toMatch(/^a-\d+\.\d+$/);
    expect(onB.id).toMatch(/^b-\d+\.\d+$/);
    const startA = await a.app.waitFor(ofType('StasisStart', onA.id), 'StasisStart on a');
    const startB = await b.app.waitFor(ofType('StasisStart', onB.id), 'StasisStart on b');
    expect(startA['asterisk_id']).not.toBe(startB['asterisk_id']);
    expect(String(startA['asterisk_id'])).toMatch(/^02:fc(:[0-9a-f]{2}){4}$/);

    // The product's manager.conf lets the cti user see Hangup (among few others).
    expect((await a.ari.call('DELETE', `/channels/${onA.id}`)).status).toBe(204);
    const hangup = await ami.waitFor((frames) => frames.find((f) => f[0]?.[1] === 'Hangup'), 'Hangup');
    expect(hangup.slice(0, 3)).toEqual<AmiField[]>([
      ['Event', 'Hangup'],
      ['Privilege', 'call,all'],
      ['SystemName', 'a'],
    ]);
    expect(hangup).toContainEqual(['Uniqueid', onA.id]);
    expect(hangup).toContainEqual(['Linkedid', onA.id]);
  });

  it('asteriskId names the node explicitly', async () => {
    const config = internodeConfig('x', []);
    opened({ close: () => config.remove() });
    const sim = opened(await startPbxSim({ configDir: config.dir, systemName: 'x', asteriskId: '02:fc:00:00:00:0a' }));
    const info = await new AriRest(sim.httpUrl).call('GET', '/asterisk/info');
    expect(info.body).toMatchObject({ system: { entity_id: '02:fc:00:00:00:0a' }, config: { name: 'x' } });
  });
});

describe('a call across the inter-node trunk', () => {
  it('an originate on a to PJSIP/1002@internode-b rings 1002 on b; its answer brings a\'s leg into the app; a\'s hang-up ends b\'s side', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');

    const out = await originate(a, 'PJSIP/1002@internode-b');
    expect(out.name).toMatch(/^PJSIP\/internode-b-[0-9a-f]{8}$/);
    await a.app.waitFor(ofType('StasisStart', out.id), 'StasisStart of the trunk leg');
    expect(dialStatuses(a.app.events, out.id)).toEqual(['', 'RINGING', 'ANSWER']);
    expect(a.app.events.filter(ofType('ChannelStateChange', out.id)).map((e) => channelOf(e)?.state)).toEqual(['Ringing', 'Up']);

    const inc = await incomingFrom(b, 'a');
    expect(inc).toMatchObject({ state: 'Up', caller: { name: '市民', number: '13800138000' }, dialplan: { context: 'from-internode', exten: '1002' } });
    expect(inc.id).toMatch(/^b-/);
    const phone = (await channels(b)).find((c) => c.name.startsWith('PJSIP/1002-'));
    expect(phone?.state).toBe('Up');
    const bridges = (await b.ari.call('GET', '/bridges')).body as { channels: string[] }[];
    expect(bridges.map((br) => [...br.channels].sort())).toEqual([[inc.id, phone?.id].sort()]);

    // The app's digits reach b as digits received from the trunk.
    expect((await a.ari.call('POST', `/channels/${out.id}/dtmf`, { dtmf: '12' })).status).toBe(204);
    await b.all.waitFor((e) => ofType('ChannelDtmfReceived', inc.id)(e) && e['digit'] === '2', 'digits on b');

    expect((await a.ari.call('DELETE', `/channels/${out.id}`)).status).toBe(204);
    const destroyed = await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed on a');
    expect(destroyed['cause']).toBe(16);
    const hangupOnB = await b.all.waitFor(ofType('ChannelHangupRequest', inc.id), 'the BYE on b');
    expect(hangupOnB['cause']).toBe(16);
    await until(async () => (await channels(b)).length === 0, 'b without channels');
  });

  it('the phone on b hanging up ends a\'s leg with its cause', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    const out = await originate(a, 'PJSIP/1002@internode-b');
    await a.app.waitFor(ofType('StasisStart', out.id), 'StasisStart');
    expect((await control(b.sim, 'POST', '/endpoints/PJSIP/1002/hangup', {})).status).toBe(200);
    const request = await a.app.waitFor(ofType('ChannelHangupRequest', out.id), 'the BYE on a');
    expect(request['cause']).toBe(16);
    await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed on a');
    await until(async () => (await channels(b)).length === 0, 'b without channels');
  });

  it('a busy phone on b: HangupRequest 17, Dial BUSY, destroyed 17 (486) on a, as for a local phone', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    expect((await control(b.sim, 'PUT', '/endpoints/PJSIP/1002', { answer: 'busy' })).status).toBe(200);
    const out = await originate(a, 'PJSIP/1002@internode-b');
    const destroyed = await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed');
    expect(destroyed).toMatchObject({ cause: 17, tech_cause: 486 });
    expect(a.app.events.find(ofType('ChannelHangupRequest', out.id))?.['cause']).toBe(17);
    expect(dialStatuses(a.app.events, out.id)).toEqual(['', 'BUSY']);
    expect(a.app.events.some(ofType('StasisStart', out.id))).toBe(false);
  });

  it('the phone on b declining while it rings: a\'s ringing leg ends with 17 and Dial BUSY', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    expect((await control(b.sim, 'PUT', '/endpoints/PJSIP/1002', { answer: 'manual' })).status).toBe(200);
    const out = await originate(a, 'PJSIP/1002@internode-b');
    await a.app.waitFor((e) => ofType('ChannelStateChange', out.id)(e) && channelOf(e)?.state === 'Ringing', 'ringing on a');
    expect((await control(b.sim, 'POST', '/endpoints/PJSIP/1002/hangup', {})).status).toBe(200);
    const destroyed = await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed');
    expect(destroyed).toMatchObject({ cause: 17, tech_cause: 486 });
    expect(dialStatuses(a.app.events, out.id)).toEqual(['', 'RINGING', 'BUSY']);
  });

  it('no answer: a\'s originate times out with 19 and no final Dial; b\'s side gets the CANCEL', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    expect((await control(b.sim, 'PUT', '/endpoints/PJSIP/1002', { answer: 'noanswer' })).status).toBe(200);
    const out = await originate(a, 'PJSIP/1002@internode-b', { timeout: '5' });
    const inc = await incomingFrom(b, 'a');
    const destroyed = await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed');
    expect(destroyed).toMatchObject({ cause: 19, tech_cause: 480 });
    expect(dialStatuses(a.app.events, out.id)).toEqual(['', 'RINGING']);
    expect((await b.all.waitFor(ofType('ChannelHangupRequest', inc.id), 'the CANCEL on b'))['cause']).toBe(19);
    await until(async () => (await channels(b)).length === 0, 'b without channels');
  });

  it('Busy() on b answers the trunk call 486 at once; an extension b does not have is refused 404', async () => {
    const nodes = await startNodes(['a', 'b'], { extraDialplan: { b: ['[from-internode]', 'exten => 4000,1,Busy()'] } });
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    const busy = await originate(a, 'PJSIP/4000@internode-b');
    expect(await a.app.waitFor(ofType('ChannelDestroyed', busy.id), 'the busy leg destroyed')).toMatchObject({ cause: 17, tech_cause: 486 });
    expect(dialStatuses(a.app.events, busy.id)).toEqual(['', 'BUSY']);
    await until(async () => (await channels(b)).length === 0, 'b without channels');

    const unknown = await originate(a, 'PJSIP/no-such-exten@internode-b');
    expect(await a.app.waitFor(ofType('ChannelDestroyed', unknown.id), 'the refused leg destroyed')).toMatchObject({ cause: 1, tech_cause: 404 });
    expect(dialStatuses(a.app.events, unknown.id)).toEqual(['', 'CHANUNAVAIL']);
  });

  it('Dial() in a\'s dialplan crosses too: a Local originate through Dial(PJSIP/${EXTEN}@internode-b) is answered by b\'s phone', async () => {
    const nodes = await startNodes(['a', 'b'], {
      extraDialplan: { a: ['[dial-node-b]', 'exten => _X.,1,Dial(PJSIP/${EXTEN}@internode-b,20)', ' same => n,Hangup()'] },
    });
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    const one = await originate(a, 'Local/1003@dial-node-b');
    await a.app.waitFor(ofType('StasisStart', one.id), 'StasisStart of the Local ;1');
    const trunkLeg = (await channels(a)).find((c) => c.name.startsWith('PJSIP/internode-b-'));
    expect(trunkLeg?.state).toBe('Up');
    const inc = await incomingFrom(b, 'a');
    expect(inc).toMatchObject({ state: 'Up', caller: { number: '13800138000' }, dialplan: { exten: '1003' } });
    expect((await a.ari.call('DELETE', `/channels/${one.id}`)).status).toBe(204);
    await until(async () => (await channels(b)).length === 0 && (await channels(a)).length === 0, 'both nodes without channels');
  });
});

describe('a node that is not there', () => {
  it('a trunk to a node that was never linked refuses with 503: Dial CONGESTION, destroyed 34', async () => {
    const nodes = await startNodes(['a', 'b'], { unlinked: ['z'] });
    const a = node(nodes, 'a');
    const out = await originate(a, 'PJSIP/1002@internode-z');
    const destroyed = await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed');
    expect(destroyed).toMatchObject({ cause: 34, tech_cause: 503 });
    expect(dialStatuses(a.app.events, out.id)).toEqual(['', 'CONGESTION']);
  });

  it('a stopped node: the same 503 refusal', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    await node(nodes, 'b').sim.stop();
    const out = await originate(a, 'PJSIP/1002@internode-b');
    const destroyed = await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed');
    expect(destroyed).toMatchObject({ cause: 34, tech_cause: 503 });
    expect(dialStatuses(a.app.events, out.id)).toEqual(['', 'CONGESTION']);
  });

  it('a node restarting during a call takes the call with it: the other node hangs up its side with 34 at once', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    const out = await originate(a, 'PJSIP/1002@internode-b');
    await a.app.waitFor(ofType('StasisStart', out.id), 'StasisStart');
    b.sim.fault('restart', 50);
    const request = await a.app.waitFor(ofType('ChannelHangupRequest', out.id), 'the hang-up on a');
    expect(request['cause']).toBe(34);
    await a.app.waitFor(ofType('ChannelDestroyed', out.id), 'the leg destroyed');
  });

  it('a node restarting takes the calls that came to it from the other node too', async () => {
    const nodes = await startNodes(['a', 'b']);
    const a = node(nodes, 'a');
    const b = node(nodes, 'b');
    const out = await originate(a, 'PJSIP/1002@internode-b');
    await a.app.waitFor(ofType('StasisStart', out.id), 'StasisStart');
    const inc = await incomingFrom(b, 'a');
    a.sim.fault('restart', 50);
    expect((await b.all.waitFor(ofType('ChannelHangupRequest', inc.id), 'the hang-up on b'))['cause']).toBe(34);
    await until(async () => (await channels(b)).length === 0, 'b without channels');
  });
});

describe('three nodes', () => {
  it('link pairwise: a→b, b→c and c→a each arrive on the endpoint named after the caller', async () => {
    const nodes = await startNodes(['a', 'b', 'c']);
    for (const [from, to, phone] of [
      ['a', 'b', '1001'],
      ['b', 'c', '1002'],
      ['c', 'a', '1003'],
    ] as const) {
      const caller = node(nodes, from);
      const callee = node(nodes, to);
      const out = await originate(caller, `PJSIP/${phone}@internode-${to}`);
      expect(out.name.startsWith(`PJSIP/internode-${to}-`)).toBe(true);
      await caller.app.waitFor(ofType('StasisStart', out.id), `StasisStart on ${from}`);
      const inc = await incomingFrom(callee, from);
      expect(inc).toMatchObject({ state: 'Up', dialplan: { context: 'from-internode', exten: phone } });
      expect(inc.id.startsWith(`${to}-`)).toBe(true);
      expect((await channels(callee)).some((c) => c.name.startsWith(`PJSIP/${phone}-`) && c.state === 'Up')).toBe(true);
    }
    // Each node holds its own leg of its own call and the far side of the call into it.
    for (const name of ['a', 'b', 'c']) expect((await channels(node(nodes, name))).length).toBe(3);
  });
});
