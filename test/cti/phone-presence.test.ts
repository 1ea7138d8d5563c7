/**
 * Which phones are free, as the server follows them: a listing of the endpoints (asked again after
 * every AMI or ARI reconnect) answers for the moment Asterisk handled it, and a device state heard
 * after it was asked is newer. A slow answer must not put back what has changed since — a phone
 * taken as still on a call is never offered one, and nothing would ever say otherwise.
 */
import { describe, expect, it } from 'vitest';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** The next endpoint listing's answer, held on its way back until the test lets it go. */
interface HeldListing {
  handled: Promise<void>;
  release: () => void;
}
let armed: { handled: () => void; released: Promise<void> } | null = null;

function holdNextListing(): HeldListing {
  let handled: () => void = () => undefined;
  let release: () => void = () => undefined;
  const whenHandled = new Promise<void>((resolve) => (handled = resolve));
  const released = new Promise<void>((resolve) => (release = resolve));
  armed = { handled, released };
  return { handled: whenHandled, release };
}

function holdAnswer(request: AriRequestRecord): Promise<void> | undefined {
  if (!armed || request.method !== 'GET' || request.path !== '/endpoints') return undefined;
  const hold = armed;
  armed = null;
  hold.handled();
  return hold.released;
}

const h = useHarness({}, { onAriAnswer: holdAnswer });

describe('phone presence', () => {
  it('an endpoint listing answered late does not mark a phone busy again after it hung up', async () => {
    await registerPhones(h.sim);
    const agents = h.server.calls.agents;
    // 1003's phone calls colleague 1001 directly: on a call the server did not give it.
    const own = await simRequest<{ channelId: string }>(h.sim.httpUrl, 'POST', '/sim/calls', { from: '1003', to: '1001', endpoint: 'PJSIP/1003' });
    await waitFor(() => agents.isPhoneInUse('PJSIP/1003'), "the server sees 1003's phone in use");

    // The manager link drops and comes back: the server lists the endpoints again. Asterisk handles
    // the listing while 1003 is still on its call; the answer is slow on its way back.
    const listing = holdNextListing();
    expect((await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind: 'drop-ami', downtimeMs: 200 })).status).toBe(202);
    await listing.handled;
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${own.body.channelId}/hangup`);
    await waitFor(() => !agents.isPhoneInUse('PJSIP/1003'), "the server hears that 1003's phone hung up");
    listing.release();

    // 1003 is free: the next caller is offered to them.
    const desk = await AgentDesktop.login(h.server.httpUrl, '1003');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    const id = await placeCall(h.sim.httpUrl, '13100131011', '12345');
    await desk.next('call.offered', (m) => m.callId === id);
    await desk.next('call.answered', (m) => m.callId === id);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.ended', (m) => m.callId === id);
    desk.close();
  });

  it('an endpoint listing answered late does not take a phone that went offline as registered again', async () => {
    await registerPhones(h.sim);
    const agents = h.server.calls.agents;
    const listing = holdNextListing();
    expect((await simRequest(h.sim.httpUrl, 'POST', '/sim/faults', { kind: 'drop-ami', downtimeMs: 200 })).status).toBe(202);
    await listing.handled;
    // Handled while 1002 was still registered; its phone goes offline before the answer arrives.
    await simRequest(h.sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/1002', { online: false });
    await waitFor(() => !agents.isPhoneRegistered('PJSIP/1002'), "the server hears that 1002's phone went offline");
    listing.release();
    // A caller's greeting and place in line take many turns of the server's loop after the answer came.
    const id = await placeCall(h.sim.httpUrl, '13100131012', '12345');
    await waitFor(() => h.server.calls.call(id)?.state === 'queued', 'the caller queued');
    expect(agents.isPhoneRegistered('PJSIP/1002')).toBe(false);
    expect(agents.isPhoneRegistered('PJSIP/1003')).toBe(true);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await registerPhones(h.sim);
  });
});
