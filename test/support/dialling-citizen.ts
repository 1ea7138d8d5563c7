/**
 * A click-to-call (外呼) caught while the citizen's phone rings: the agent on phone 1001 logs in, goes
 * ready and dials; the citizen's phone (the trunk) rings until the test answers it
 * (`POST /sim/channels/<callId>/answer`).
 */
import type { RunningServer } from '../../main.js';
import type { PbxSim } from '../pbx-sim/index.js';
import { AgentDesktop, type WireMessage } from './agent-desktop.js';
import { simRequest, waitFor } from './sim-client.js';

export async function diallingCitizen(sim: PbxSim, server: RunningServer): Promise<{ desk: AgentDesktop; callId: string; reply: Promise<WireMessage> }> {
  await simRequest(sim.httpUrl, 'PUT', '/sim/endpoints/PJSIP/trunk', { answer: 'manual' });
  const desk = await AgentDesktop.login(server.httpUrl, '1001');
  await desk.command('agent.ready');
  // The command's answer comes once the citizen answered or the attempt failed.
  const reply = desk.command('call.dial', { number: '13911112222' });
  const pop = await desk.next('call.offered', (m) => m.outbound === true);
  const callId = String(pop.callId);
  const ringing = async () => (await simRequest<{ id: string }[]>(sim.httpUrl, 'GET', '/sim/channels')).body.some((c) => c.id === callId);
  await waitFor(ringing, "the citizen's phone ringing");
  return { desk, callId, reply };
}
