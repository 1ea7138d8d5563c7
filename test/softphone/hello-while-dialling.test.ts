/**
 * A desktop that reconnects (a page reload, a network blip) while its 外呼 still rings the citizen:
 * `hello` names the active call "as `allowed` reads it" (PROTOCOL.md). `allowed` says 挂断 is possible
 * on a call, so `hello.call` must be that call — otherwise the page has a 挂断 button that names no
 * call, cannot show the pop, and cannot end the attempt.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { simRequest, waitFor } from '../support/sim-client.js';

const h = useHarness();
const desks: AgentDesktop[] = [];
const setPhone = (phone: string, answer: 'auto' | 'manual') => simRequest(h.sim.httpUrl, 'PUT', `/sim/endpoints/PJSIP/${phone}`, { online: true, answer, answerDelayMs: 50 });

beforeAll(async () => {
  await registerPhones(h.sim);
});
afterAll(() => {
  for (const d of desks) d.close();
});

describe('a desktop that comes back while its 外呼 rings the citizen', () => {
  it('gets the dialling call back in hello, matching the 挂断 that allowed offers', async () => {
    await setPhone('1002', 'auto');
    await setPhone('trunk', 'manual');
    const desk = await AgentDesktop.login(h.server.httpUrl, '1002');
    desks.push(desk);
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    // Answered on the socket that sent it, which goes away below: nobody waits for it.
    desk.command('call.dial', { number: '13911113333' }).catch(() => undefined);
    const pop = await desk.next('call.offered', (m) => m.outbound === true);
    const callId = String(pop.callId);

    desk.close();
    await desk.connect();
    const hello = await waitFor(() => desk.received.filter((m) => m.type === 'hello')[1], 'the second hello');
    expect(hello.allowed).toEqual(['call.hangup']);
    expect(hello.call, 'hello.call names the dialling call the 挂断 is for').toMatchObject({ callId, callerNumber: '13911113333', ticketNumber: pop.ticketNumber, state: 'offered', outbound: true, missedCallId: null });

    // The attempt is ended from the reconnected desktop.
    expect(await desk.command('call.hangup', { callId })).toMatchObject({ ok: true });
    expect(await desk.next('call.offer.withdrawn', (m) => m.callId === callId)).toMatchObject({ reason: 'not-reached' });
    await setPhone('trunk', 'auto');
  });
});
