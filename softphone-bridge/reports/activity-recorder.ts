/**
 * Keeps what the per-offer and per-agent KPIs need, from the domain events (no special cases in the
 * call flow): each ring of an agent with its outcome (`call_offers`), and each agent state change
 * plus hold/resume of their call (`agent_state_changes`).
 */
import type { DomainEvent, DomainEventBus } from '../../cti/events/domain-events.js';
import type { Logger } from '../../cti/logging.js';
import { endOffer, endOpenOffersOfAgent, progressWriteSync, recordAgentState, recordOffer, type Db } from '../../store/index.js';

export function recordActivity(db: Db, event: DomainEvent): void {
  switch (event.type) {
    case 'call.offered':
      recordOffer(db, { callKey: event.call.callId, agentId: event.agentId, offeredAt: event.at, waitedMs: Math.max(0, Math.round(event.waitedMs)), outbound: event.outbound !== undefined });
      return;
    case 'call.answered':
      endOffer(db, event.call.callId, event.agentId, { at: event.at, outcome: 'answered' });
      return;
    case 'call.offer.withdrawn':
      endOffer(db, event.call.callId, event.agentId, { at: event.at, outcome: event.reason });
      return;
    case 'agent.state':
      recordAgentState(db, { agentId: event.agentId, at: event.at, state: event.state, reason: event.reason });
      // A consulted or third-party agent picking up has no call.answered of their own: on a call means they took the ring.
      if (event.state === 'on_call') endOpenOffersOfAgent(db, event.agentId, { at: event.at, outcome: 'answered' });
      return;
    case 'call.held':
      recordAgentState(db, { agentId: event.agentId, at: event.at, state: 'held', reason: null });
      return;
    case 'call.resumed':
      recordAgentState(db, { agentId: event.agentId, at: event.at, state: 'on_call', reason: null });
      return;
    default:
  }
}

/** Subscribes the recorder; returns the unsubscribe. A failed write is logged, never thrown into the call flow. */
export function startActivityRecorder(db: Db, bus: DomainEventBus, log: Logger): () => void {
  return bus.subscribe((event) => {
    try {
      // History, several rows a call: committed without waiting for the disk (store/durability.ts), so
      // it never holds up the call flow; a power loss may cost its last moments, not a ticket.
      progressWriteSync(db, () => recordActivity(db, event));
    } catch (error) {
      log.error({ err: error, event: event.type }, 'activity not recorded');
    }
  });
}
