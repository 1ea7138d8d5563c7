/**
 * Keeps what the per-offer and per-agent KPIs need, from the domain events (no special cases in the
 * call flow): each ring of an agent with its outcome (`call_offers`), and each agent state change
 * plus hold/resume of their call (`agent_state_changes`).
 */
import type { DomainEvent, DomainEventBus } from '../../cti/events/domain-events.js';
import type { Logger } from '../../cti/logging.js';
import { endOffer, endOpenOffersOfAgent, progressWrite, recordAgentState, recordOffer, type Db } from '../../store/index.js';

export async function recordActivity(db: Db, event: DomainEvent): Promise<void> {
  switch (event.type) {
    case 'call.offered':
      await recordOffer(db, { callKey: event.call.callId, agentId: event.agentId, offeredAt: event.at, waitedMs: Math.max(0, Math.round(event.waitedMs)), outbound: event.outbound !== undefined });
      return;
    case 'call.answered':
      await endOffer(db, event.call.callId, event.agentId, { at: event.at, outcome: 'answered' });
      return;
    case 'call.offer.withdrawn':
      await endOffer(db, event.call.callId, event.agentId, { at: event.at, outcome: event.reason });
      return;
    case 'agent.state':
      await recordAgentState(db, { agentId: event.agentId, at: event.at, state: event.state, reason: event.reason });
      // A consulted or third-party agent picking up has no call.answered of their own: on a call means they took the ring.
      if (event.state === 'on_call') await endOpenOffersOfAgent(db, event.agentId, { at: event.at, outcome: 'answered' });
      return;
    case 'call.held':
      await recordAgentState(db, { agentId: event.agentId, at: event.at, state: 'held', reason: null });
      return;
    case 'call.resumed':
      await recordAgentState(db, { agentId: event.agentId, at: event.at, state: 'on_call', reason: null });
      return;
    default:
  }
}

/**
 * Subscribes the recorder; returns the stop, which unsubscribes and waits for the writes still pending.
 * A failed write is logged, never thrown into the call flow.
 *
 * The events are written one after another in the order they were published, on one promise chain: a
 * ring's end must never be written before the ring itself (that would find no open ring to end), and
 * an agent's states must keep their order.
 */
export function startActivityRecorder(db: Db, bus: DomainEventBus, log: Logger): () => Promise<void> {
  let tail: Promise<void> = Promise.resolve();
  const unsubscribe = bus.subscribe((event) => {
    tail = tail.then(async () => {
      try {
        // History, several rows a call: committed without waiting for the disk (store/durability.ts), so
        // it never holds up the call flow; a power loss may cost its last moments, not a ticket.
        await progressWrite(db, (tx) => recordActivity(tx, event));
      } catch (error) {
        log.error({ err: error, event: event.type }, 'activity not recorded');
      }
    });
  });
  return async () => {
    unsubscribe();
    await tail;
  };
}
