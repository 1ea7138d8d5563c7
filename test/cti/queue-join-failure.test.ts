/**
 * A caller whose way into the line fails on the PBX side (Asterisk refuses to make the holding bridge)
 * is never left in silence outside the line: the step is tried again, and if it keeps failing the
 * caller is told the service is unavailable and put on the missed-call list to be called back.
 */
import { eq } from 'drizzle-orm';
import { describe, expect, it } from 'vitest';
import { calls, missedCalls } from '../../store/index.js';
import { HttpError } from '../pbx-sim/ari/http.js';
import type { AriRequestRecord } from '../pbx-sim/ari/server.js';
import { AgentDesktop } from '../support/agent-desktop.js';
import { registerPhones, useHarness } from '../support/harness.js';
import { placeCall, simRequest, waitFor } from '../support/sim-client.js';

/** How many of the next holding bridges Asterisk refuses to make (500). */
let refuseHoldingBridges = 0;
/** A caller Asterisk refuses to move into any bridge (500), every time. */
let refuseToMove: string | null = null;

function refuse(request: AriRequestRecord): void {
  if (request.method !== 'POST') return;
  const query = new Map(request.query);
  const holding = request.path === '/bridges' && query.get('type')?.includes('holding') === true;
  if (holding && refuseHoldingBridges > 0) {
    refuseHoldingBridges--;
    throw new HttpError(500, 'Internal Server Error');
  }
  if (refuseToMove !== null && request.path.endsWith('/addChannel') && query.get('channel') === refuseToMove) throw new HttpError(500, 'Internal Server Error');
}

const h = useHarness({}, { onAriAnswer: refuse });
const played = new Map<string, string[]>();

describe('a caller the PBX would not put in the line', () => {
  it('is put in the line on a later try and served', async () => {
    await registerPhones(h.sim, ['1001']);
    const desk = await AgentDesktop.login(h.server.httpUrl, '1001');
    expect(await desk.command('agent.ready')).toMatchObject({ ok: true });
    refuseHoldingBridges = 1;
    const id = await placeCall(h.sim.httpUrl, '13100131031', '12345');
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    expect(refuseHoldingBridges).toBe(0);
    await simRequest(h.sim.httpUrl, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.ended', (m) => m.callId === id);
    desk.close();
  });

  it('is told the service is unavailable and called back when every try fails', async () => {
    h.sim.core.subscribe((event) => {
      if (event.type !== 'playback.started' || !event.playback.targetUri.startsWith('channel:')) return;
      const channel = event.playback.targetUri.slice('channel:'.length);
      played.set(channel, [...(played.get(channel) ?? []), event.playback.mediaUri]);
    });
    const id = await placeCall(h.sim.httpUrl, '13100131032', '12345');
    // Set while the caller hears the greeting, before the server moves them into the holding bridge.
    refuseToMove = id;
    const row = async () => (await h.server.store.db.select().from(calls).where(eq(calls.linkedId, id)).limit(1))[0];
    await waitFor(async () => (await row())?.endedAt, 'the call ended', 15_000);
    refuseToMove = null;
    expect(played.get(id)).toContain('sound:service-unavailable');
    await waitFor(async () => (await simRequest(h.sim.httpUrl, 'GET', `/sim/channels/${id}`)).status === 404, 'the caller hung up by the server');
    expect(await row()).toMatchObject({ outcome: 'abandoned' });
    const missed = (await h.server.store.db.select().from(missedCalls).where(eq(missedCalls.callerNumber, '13100131032')))[0];
    expect(missed).toMatchObject({ status: 'pending' });
  });
});
