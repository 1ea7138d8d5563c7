/**
 * Citizens who give up in the queue (the missed-call list's entries) and the calls the centre then
 * places to them on the trunk: the steps the callback tests share.
 */
import { eq } from 'drizzle-orm';
import type { PbxSim } from '../pbx-sim/index.js';
import { missedCalls, type Db, type MissedCallRow } from '../../store/index.js';
import { AgentDesktop } from './agent-desktop.js';
import { placeCall, simRequest, waitFor } from './sim-client.js';

/** Calls `dialled` from `caller`, waits until the caller is in the queue's holding bridge, hangs up; the call's id. */
export async function giveUpInQueue(simUrl: string, caller: string, dialled = '12345'): Promise<string> {
  const id = await placeCall(simUrl, caller, dialled);
  await waitFor(async () => (await simRequest<{ bridgeId: string | null }>(simUrl, 'GET', `/sim/channels/${id}`)).body.bridgeId !== null, `${caller} queued`);
  await simRequest(simUrl, 'POST', `/sim/channels/${id}/hangup`);
  return id;
}

/** The dial strings of the calls the server places on the trunk to `numbers` from now on (filled as they are placed). */
export function trunkDials(sim: PbxSim, ...numbers: string[]): string[] {
  const dialled: string[] = [];
  sim.core.subscribe((event) => {
    if (event.type === 'dial' && event.dialStatus === '' && numbers.some((n) => event.dialString === `${n}@trunk`)) dialled.push(event.dialString);
  });
  return dialled;
}

/** The missed-call list's entry of `caller`, once it is there. */
export async function missedEntryOf(db: Db, caller: string): Promise<MissedCallRow> {
  return waitFor(async () => (await db.select().from(missedCalls).where(eq(missedCalls.callerNumber, caller)).limit(1))[0], `missed-call entry of ${caller}`);
}

/**
 * `caller` calls again and gets through: agent `login` (logged in and ready for it) answers, then the
 * caller hangs up and the call ends. The call's id.
 */
export async function getThroughTo(urls: { sim: string; server: string }, login: string, caller: string): Promise<string> {
  const desk = await AgentDesktop.login(urls.server, login);
  try {
    if (!(await desk.command('agent.ready')).ok) throw new Error(`agent ${login} could not be made ready`);
    const id = await placeCall(urls.sim, caller, '12345');
    await desk.next('call.answered', (m) => m.callId === id, 15_000);
    await simRequest(urls.sim, 'POST', `/sim/channels/${id}/hangup`);
    await desk.next('call.ended', (m) => m.callId === id);
    return id;
  } finally {
    desk.close();
  }
}
