/**
 * A consultation or three-way call that ends without the other party hands the caller back to the
 * agent: off hold, into the call's bridge. When Asterisk refuses that move the caller is still on hold
 * with music (caller-hold.ts), so the call is 保持中 as it stands on the PBX: the agent's desk offers
 * 恢复 to try again, rather than 通话中 with the caller kept in the music and only 保持 offered.
 */
import { noteTicket } from '../tickets/ticket-notes.js';
import type { CallContext } from './call-context.js';
import type { InboundCall } from './inbound-call.js';

/** Takes the caller off hold; false (logged, the call `held`) when Asterisk would not. Never throws. */
export async function callerBackToAgent(ctx: CallContext, call: InboundCall, flow: string): Promise<boolean> {
  try {
    await call.callerHold.release();
    return true;
  } catch (error) {
    ctx.log.warn({ callId: call.callId, flow, err: (error as Error).message }, `${flow} ended; taking the caller off hold failed: the call stays on hold`);
    if (!call.hasEnded && call.callerHold.isHeld && call.fire('hold')) {
      void noteTicket(ctx, { ticketId: call.summary.ticketId, actor: 'system', kind: 'held', note: '来电人未能接回通话，仍在保持中' });
    }
    return false;
  }
}

/** Tells the agent's desk the call is on hold (after the flow's own message), when it is. */
export function tellHeldIfSo(call: InboundCall, agentId: number): void {
  if (!call.hasEnded && call.state === 'held') call.publish({ type: 'call.held', agentId });
}
