/**
 * A desktop that reconnects (a page reload, a network blip) while its phone rings or the agent talks
 * gets the pop back in `hello`: the waited seconds, the repeat-caller mark and the caller's history
 * as the `call.offered` had them — not a bare call the page can only show as "重新连接后不含历史".
 */
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { OpenDesks, type WireMessage } from '../support/agent-desktop.js';
import { hangUpEverything, registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simChannels, simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness({ wrapUpSeconds: 600 });
const desks = new OpenDesks(() => h.server.httpUrl);

beforeAll(async () => {
  await registerPhones(h.sim, ['1001'], 'manual');
  await registerPhones(h.sim, ['1002'], 'auto');
  await registerPhones(h.sim, ['trunk'], 'manual');
});
afterEach(async () => {
  await hangUpEverything(h);
  desks.closeAll();
});


const POP_CONTENT = ['ticketNumber', 'callerNumber', 'hotline', 'mode', 'ivrChoices', 'waitedSeconds', 'repeatCaller', 'history'] as const;
const contentOf = (m: WireMessage) => Object.fromEntries(POP_CONTENT.map((k) => [k, m[k]]));

describe('hello brings the pop back', () => {
  it('while the phone rings and once answered: waited seconds, repeat caller, history', async () => {
    const caller = '13900008401';
    // An earlier call of the same citizen: the next one is a repeat call with a history.
    const earlier = await placeCall(h.sim.httpUrl, caller, '12345');
    await waitFor(() => h.server.calls.call(earlier)?.summary.ticketNumber, 'the earlier ticket');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${earlier}/hangup`);
    await waitFor(() => h.server.calls.calls().length === 0, 'the earlier call over');

    const a = await desks.open('1001');
    const callId = await placeCall(h.sim.httpUrl, caller, '12345');
    await waitFor(() => h.server.calls.call(callId)?.state === 'queued', 'the caller in line');
    // Forty seconds in line before an agent is free.
    h.clock.set(new Date(h.clock.now().getTime() + 40_000).toISOString());
    expect(await a.command('agent.ready')).toMatchObject({ ok: true });
    const pop = await a.next('call.offered', (m) => m.callId === callId);
    expect(pop).toMatchObject({ repeatCaller: true });
    // The test clock moves on with real time too: at least the forty seconds (the reconnects below
    // must give back exactly what the pop said).
    expect(pop.waitedSeconds).toBeGreaterThanOrEqual(40);

    const ringing = await a.reconnect();
    expect(ringing.call).toMatchObject({ callId, state: 'offered', ...contentOf(pop) });

    await simRequest(h.sim.httpUrl, 'POST', '/sim/endpoints/PJSIP/1001/answer');
    await a.next('call.answered', (m) => m.callId === callId);
    const talking = await a.reconnect();
    expect(talking.call).toMatchObject({ callId, state: 'connected', ...contentOf(pop) });
  });

  it('of a 外呼 the citizen answered: still the agent’s own outgoing call', async () => {
    const d = await desks.open('1002', true);
    d.command('call.dial', { number: '13911118888' }).catch(() => undefined);
    const pop = await d.next('call.offered', (m) => m.outbound === true);
    const citizen = await waitFor(async () => (await simChannels(h.sim.httpUrl)).find((c) => c.name.includes('trunk') && c.state === 'Ringing'), 'the citizen ringing');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${citizen.id}/answer`);
    await d.next('call.answered', (m) => m.callId === pop.callId);
    const hello = await d.reconnect();
    expect(hello.call).toMatchObject({ callId: pop.callId, state: 'connected', outbound: true, missedCallId: null });
  });
});
