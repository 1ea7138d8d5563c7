/**
 * A colleague takes the caller over: a blind transfer they answered, an attended transfer completed to
 * them, or a three-way call the first agent left. The call is theirs from then on — its row names them
 * (a server restarted meanwhile gives the call back to them, not to the agent who left it) and so does
 * its ticket, to read, fill and register. The flow awaits this before the colleague's desktop is told,
 * as an answer is written before `call.answered` goes out. Never rejects: a write the database refuses
 * is kept and tried again (call-writes.ts, ticket-notes.ts).
 */
import { setCallAgent } from '../../store/index.js';
import type { CallContext } from './call-context.js';
import type { InboundCall } from './inbound-call.js';

export async function handCallTo(ctx: CallContext, call: InboundCall, agentId: number): Promise<void> {
  const callId = call.callId;
  // In turn with the call's other writes: after its answer, before its end.
  ctx.writes.write(callId, 'handed over', (tx) => setCallAgent(tx, callId, agentId));
  await Promise.all([call.handTicketTo(agentId), ctx.writes.drain(callId)]);
}
