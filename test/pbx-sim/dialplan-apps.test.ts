/** Dialplan applications on the lab configuration: Queue() (minimal), Dial() with D(), Playback(). */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Dialplan } from './core/dialplan.js';
import type { PbxEvent } from './core/events.js';
import { startPbxSim } from './index.js';
import type { PbxSim } from './index.js';
import { until } from './support/ari-harness.js';

let sim: PbxSim;
let events: PbxEvent[];

beforeEach(async () => {
  sim = await startPbxSim({
    configDir: '/work/shared/asterisk/lab-conf',
    timeScale: 0.1,
    playbackMsPerSecond: 200,
    core: {
      // The lab dialplan plus a context that plays a prompt.
      dialplan: Dialplan.parse(
        `
[from-pstn]
exten => 777,1,Playback(hello-world&beep)
 same => n,Hangup(17)
[agents]
include => from-pstn
exten => _1XXX,1,Answer()
 same => n,Wait(60)
exten => 500,1,Answer()
 same => n,Queue(support)
[caller-sim]
exten => s,1,Dial(Local/1001@agents,,D(ww12))
`,
      ),
    },
  });
  events = [];
  sim.core.subscribe((e) => events.push(e));
});
afterEach(async () => {
  await sim.stop();
});

describe('dialplan applications', () => {
  it('Queue(support): music on hold, ring all members, bridge the first to answer', async () => {
    const out = sim.core.originate({ endpoint: 'Local/500@agents', application: 'Wait', data: '30' });
    await expect(out.settled).resolves.toEqual({ answered: true, reason: 4 });
    await until(() => sim.core.listBridges().some((b) => b.channelIds.length === 2), 'caller and an agent bridged');
    expect(events.some((e) => e.type === 'channel.moh.start' && e.musicClass === 'default')).toBe(true);
    expect(events.some((e) => e.type === 'channel.moh.stop')).toBe(true);
    const dials = events.filter((e): e is Extract<PbxEvent, { type: 'dial' }> => e.type === 'dial' && e.caller !== null);
    expect(dials.map((d) => `${d.peer.name.replace(/-\w+;1$/, '')} ${d.dialStatus}`)).toEqual([
      'Local/1001@agents ',
      'Local/1002@agents ',
      'Local/1001@agents ANSWER',
      'Local/1002@agents CANCEL',
    ]);
    sim.core.hangup(out.channel.id);
    await until(() => sim.core.listChannels().length === 0, 'everything hung up');
  });

  it('Dial(...,D(ww12)) sends the digits to the callee once it answers', async () => {
    sim.core.originate({ endpoint: 'Local/s@caller-sim', application: 'Wait', data: '30' });
    await until(() => events.filter((e) => e.type === 'channel.dtmf.end').length === 2, 'two digits');
    const digits = events.filter((e): e is Extract<PbxEvent, { type: 'channel.dtmf.end' }> => e.type === 'channel.dtmf.end');
    expect(digits.map((d) => [d.digit, d.durationMs, d.direction, d.channel.name.replace(/-\w+;/, ';')])).toEqual([
      ['1', 100, 'Received', 'Local/1001@agents;2'],
      ['2', 100, 'Received', 'Local/1001@agents;2'],
    ]);
    await until(() => sim.core.listBridges().length === 1, 'the Dial bridge');
    for (const c of sim.core.listChannels()) sim.core.hangup(c.id);
    await until(() => sim.core.listChannels().length === 0, 'everything hung up');
  });

  it('Playback() plays its files in turn (heard through the control API), then Hangup(17)', async () => {
    const res = await fetch(`${sim.httpUrl}/sim/calls`, { method: 'POST', body: JSON.stringify({ from: '1001', to: '777', endpoint: 'PJSIP/1001' }) });
    expect(res.status).toBe(201);
    const { channelId } = (await res.json()) as { channelId: string };
    const heard = new Set<string>();
    await until(async () => {
      const view = await fetch(`${sim.httpUrl}/sim/channels/${channelId}`);
      if (view.status === 404) return true;
      const body = (await view.json()) as { hearing: string | null };
      if (body.hearing) heard.add(body.hearing);
      return false;
    }, 'the call to end');
    expect([...heard]).toEqual(expect.arrayContaining(['sound:hello-world']));
    expect(events.find((e) => e.type === 'channel.destroyed' && e.channel.id === channelId)).toMatchObject({ cause: 17 });
  });
});
