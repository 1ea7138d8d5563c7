/**
 * Callers who withhold their number all reach the centre under the same text (PJSIP presents them as
 * `anonymous`). Nothing keyed by the number is theirs: the screen-pop of one lists no other's ticket
 * (an agent would read a stranger's complaint as this citizen's own — Chongqing art. 22), the call is
 * not tagged 重复来电, and the repeat-call policy does not count their calls together (the second
 * withheld citizen of the hour does not hear the malicious-call warning meant for the first).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { putSetting } from '../../store/index.js';
import { OpenDesks, type AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { simRequest } from '../support/sim-client.js';

const h = useHarness();
const desks = new OpenDesks(() => h.server.httpUrl);
/** The prompts each channel heard. */
const heard: { channel: string; media: string }[] = [];
let unsubscribe: () => void = () => undefined;
/** The one agent ready: every call is offered to them. */
let desk: AgentDesktop;

beforeAll(async () => {
  await registerPhones(h.sim);
  desk = await desks.open('1001', true);
  // A second call from the same number within the hour is a repeat call.
  await putSetting(h.server.store.db, 'repeat-call-policy', { maxCalls: 1, windowMinutes: 60, action: 'warn' });
  unsubscribe = h.sim.core.subscribe((event) => {
    if (event.type === 'playback.started' && event.playback.targetUri.startsWith('channel:')) {
      heard.push({ channel: event.playback.targetUri.slice('channel:'.length), media: event.playback.mediaUri });
    }
  });
});
afterAll(() => {
  unsubscribe();
  desks.closeAll();
});

/** A call from a withheld number, placed in the simulator as Asterisk presents it. */
const withheldCall = () => h.sim.core.placeCall({ from: 'anonymous', to: '12345' }).id;

describe('callers who withhold their number', () => {
  it("do not see each other's tickets in the pop, nor count as one repeat caller", async () => {
    const first = withheldCall();
    const pop = await desk.next('call.offered', (m) => m.callId === first);
    await desk.next('call.answered', (m) => m.callId === first);
    const res = await fetch(`${h.server.httpUrl}/api/v1/tickets/${String(pop.ticketNumber)}`, {
      method: 'PATCH',
      headers: { authorization: `Bearer ${desk.token}`, 'content-type': 'application/json' },
      body: JSON.stringify({ content: '举报邻居在家中私设赌场' }),
    });
    expect(res.status).toBe(200);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${first}/hangup`);
    await desk.next('call.ended', (m) => m.callId === first);
    await desk.next('agent.state', (m) => m.state === 'ready' && desk.received.indexOf(m) > desk.received.findIndex((x) => x.type === 'call.ended'));

    // Another citizen, number withheld too, in the same hour.
    const second = withheldCall();
    const next = await desk.next('call.offered', (m) => m.callId === second);
    // The warning comes before the queue: by the offer, it would have started.
    const prompts = heard.filter((p) => p.channel === second).map((p) => p.media);
    await desk.next('call.answered', (m) => m.callId === second);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${second}/hangup`);
    await desk.next('call.ended', (m) => m.callId === second);
    await desk.next('agent.state', (m) => m.state === 'ready' && desk.received.indexOf(m) > desk.received.findIndex((x) => x.type === 'call.ended' && x.callId === second));
    expect(next.history, "the pop of a withheld caller lists no stranger's ticket").toEqual([]);
    expect(next.repeatCaller).toBe(false);
    expect(prompts, 'what the second caller heard').not.toContain('sound:repeat-call-warning');
  });

  it('(control) a caller who shows the same number twice is warned and shown their ticket', async () => {
    const place = () => h.sim.core.placeCall({ from: '13700004321', to: '12345' }).id;
    const first = place();
    await desk.next('call.answered', (m) => m.callId === first);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${first}/hangup`);
    await desk.next('call.ended', (m) => m.callId === first);
    await desk.next('agent.state', (m) => m.state === 'ready' && desk.received.indexOf(m) > desk.received.findIndex((x) => x.type === 'call.ended' && x.callId === first));

    const second = place();
    const next = await desk.next('call.offered', (m) => m.callId === second);
    expect(next.history).toHaveLength(1);
    expect(next.repeatCaller).toBe(true);
    expect(heard.filter((p) => p.channel === second).map((p) => p.media)).toContain('sound:repeat-call-warning');
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${second}/hangup`);
  });
});
