/**
 * Keeps what the per-offer and per-agent KPIs need, from the domain events (no special cases in the
 * call flow): each ring of an agent with its outcome (`call_offers`), and each agent state change
 * plus hold/resume of their call (`agent_state_changes`).
 */
import type { DomainEvent, DomainEventBus } from '../../cti/events/domain-events.js';
import type { Logger } from '../../cti/logging.js';
import { RetriedTurns } from '../../cti/events/retried-turns.js';
import { endOffer, endOpenOffersOfAgent, progressWrite, recordAgentState, recordOffer, type Db } from '../../store/index.js';

/**
 * What `event` adds to the history, as a write; null for the events it keeps nothing of (most of a
 * call's), which then cost no transaction at all.
 */
function activityWrite(event: DomainEvent): ((db: Db) => Promise<void>) | null {
  switch (event.type) {
    case 'call.offered':
      return async (db) => {
        await recordOffer(db, { callKey: event.call.callId, agentId: event.agentId, offeredAt: event.at, waitedMs: Math.max(0, Math.round(event.waitedMs)), outbound: event.outbound !== undefined });
      };
    case 'call.answered':
      return async (db) => {
        await endOffer(db, event.call.callId, event.agentId, { at: event.at, outcome: 'answered' });
      };
    case 'call.offer.withdrawn':
      return async (db) => {
        await endOffer(db, event.call.callId, event.agentId, { at: event.at, outcome: event.reason });
      };
    case 'agent.state':
      return async (db) => {
        await recordAgentState(db, { agentId: event.agentId, at: event.at, state: event.state, reason: event.reason });
        // A consulted or third-party agent picking up has no call.answered of their own: on a call means
        // they took its ring (that call's only: a ring of another call left open was not answered).
        if (event.state === 'on_call' && event.callId !== undefined) await endOpenOffersOfAgent(db, event.agentId, event.callId, { at: event.at, outcome: 'answered' });
      };
    case 'call.held':
      return (db) => recordAgentState(db, { agentId: event.agentId, at: event.at, state: 'held', reason: null });
    case 'call.resumed':
      return (db) => recordAgentState(db, { agentId: event.agentId, at: event.at, state: 'on_call', reason: null });
    default:
      return null;
  }
}

/**
 * Subscribes the recorder; returns the stop, which unsubscribes and waits for the writes still pending.
 * A failed write is logged, never thrown into the call flow, and tried again until the database takes
 * it (cti/events/retried-turns.ts): the history of a database outage is written once it is over.
 *
 * The events are written one after another in the order they were published, on one turn: a ring's
 * end must never be written before the ring itself (that would find no open ring to end), and an
 * agent's states must keep their order.
 */
export function startActivityRecorder(db: Db, bus: DomainEventBus, log: Logger): () => Promise<void> {
  const turns = new RetriedTurns<'activity'>(log, { subject: 'activity', keyField: 'turn' });
  const unsubscribe = bus.subscribe((event) => {
    const write = activityWrite(event);
    if (!write) return;
    // History, several rows a call: committed without waiting for the disk (store/durability.ts), so
    // it never holds up the call flow; a power loss may cost its last moments, not a ticket.
    void turns.run('activity', event.type, () => progressWrite(db, write));
  });
  return async () => {
    unsubscribe();
    await turns.idleAll();
  };
}
