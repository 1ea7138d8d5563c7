/**
 * The shipped dialplan run by the PBX simulator: what agent phones may dial, what the carrier may
 * reach, how failed calls end, and the outbound allow-list that AMI/ARI originates go through.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PbxEvent } from '../pbx-sim/core/events.js';
import { startPbxSim, type PbxSim } from '../pbx-sim/index.js';
import { simRequest, waitFor } from '../support/sim-client.js';

let sim: PbxSim;
const events: PbxEvent[] = [];

beforeAll(async () => {
  sim = await startPbxSim({ amiPort: 0, httpPort: 0, timeScale: 0.05 });
  sim.core.subscribe((event) => events.push(event));
  for (const phone of ['1001', '1002']) await simRequest(sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: true, answer: 'auto', answerDelayMs: 5 });
  await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { online: true, answer: 'manual' });
});
afterAll(async () => {
  await sim.stop();
});

/** Phone `from` dials `to` in its own context (agents); the phone's channel id. */
async function dialFrom(from: string, to: string): Promise<string> {
  const res = await simRequest<{ channelId: string }>(sim.httpUrl, 'POST', '/sim/calls', { from, to, endpoint: `PJSIP/${from}` });
  expect(res.status).toBe(201);
  return res.body.channelId;
}

const appsOf = (id: string) => events.flatMap((e) => (e.type === 'channel.dialplan' && e.channel.id === id ? [e.app] : []));
const causeOf = (id: string) => waitFor(() => events.find((e) => e.type === 'channel.destroyed' && e.channel.id === id), `${id} to end`);
const trunkChannel = () => waitFor(() => sim.core.listChannels().find((c) => c.name.startsWith('PJSIP/trunk-')), 'a call on the trunk');

async function hangUpAll(): Promise<void> {
  for (const c of sim.core.listChannels()) sim.core.hangup(c.id);
  await waitFor(() => sim.core.listChannels().length === 0, 'no channels left');
}

describe('the shipped dialplan on the simulator', () => {
  it('an agent calls another agent; a busy one gives busy (cause 17) through dial-result', async () => {
    await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { answer: 'busy' });
    const id = await dialFrom('1001', '1002');
    expect(await causeOf(id)).toMatchObject({ cause: 17 });
    expect(appsOf(id)).toEqual(['Dial', 'Goto', 'Busy']);
    await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { answer: 'auto' });
  });

  it('an agent hears the installed greeting on *44', async () => {
    const id = await dialFrom('1001', '*44');
    await waitFor(async () => (await simRequest<{ hearing: string | null }>(sim.httpUrl, 'GET', `/sim/channels/${id}`)).body.hearing === 'sound:greeting-12345', 'the greeting');
    await hangUpAll();
  });

  it('an agent reaches 110 on the trunk; other outside numbers are not dialled from the phone', async () => {
    const id = await dialFrom('1001', '110');
    expect((await trunkChannel()).name).toMatch(/^PJSIP\/trunk-/);
    expect(appsOf(id)[0]).toBe('Dial');
    await hangUpAll();
    const refused = await simRequest(sim.httpUrl, 'POST', '/sim/calls', { from: '1001', to: '13800138000', endpoint: 'PJSIP/1001' });
    expect(refused.status).toBe(404);
  });

  it('the carrier reaches the hotline numbers only', async () => {
    for (const to of ['110', '1001', '13800138000', '*44']) {
      expect((await simRequest(sim.httpUrl, 'POST', '/sim/calls', { from: '13800138000', to })).status, to).toBe(404);
    }
  });

  it('originates to domestic numbers through outbound, never international ones', async () => {
    const outcome = sim.core.originate({ endpoint: 'Local/02388880000@outbound', application: 'Wait', data: '5', timeout: 5 });
    expect((await trunkChannel()).name).toMatch(/^PJSIP\/trunk-/);
    await hangUpAll();
    await outcome.settled;
    // As on Asterisk (run 10 of 2026-12-04), a Local channel to an extension that does not exist is
    // created and destroyed at once with cause 0: nothing ever reaches the trunk.
    for (const number of ['0044201234567', '00862388880000']) {
      const attempt = sim.core.originate({ endpoint: `Local/${number}@outbound`, application: 'Wait', data: '5', timeout: 5 });
      expect((await attempt.settled).answered, number).toBe(false);
      expect(sim.core.listChannels().some((c) => c.name.startsWith('PJSIP/trunk-')), number).toBe(false);
    }
  });
});
