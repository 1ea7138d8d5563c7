/**
 * The connected agent desktops, by agent, fed from one subscription to the domain event bus: an
 * event goes straight to the desktops of the agent it concerns and its wire form is built once. With
 * one subscription per desktop, every event visited every desktop connected — 2,000 of them in a large
 * centre — before reaching the one it was for.
 *
 * A wire form that is not ready at once (a screen-pop whose caller history is still being read) comes
 * later than the event; the agent's later events wait for it, so each desktop still gets its events in
 * the order they happened (the pop before the answer).
 */
import type { DomainEvent, DomainEventBus } from '../../cti/events/domain-events.js';
import { KeyedSets } from '../../cti/events/keyed-sets.js';
import { KeyedTurns } from '../../cti/events/keyed-turns.js';

export type DeskSend = (message: object) => void;

export class DeskRegistry {
  private readonly byAgent = new KeyedSets<number, DeskSend>();
  private readonly unsubscribe: () => void;
  /** Per agent, deliveries whose wire form is still being built: the agent's next events go after them. */
  private readonly pending = new KeyedTurns<number>();

  constructor(
    bus: DomainEventBus,
    addresseeOf: (event: DomainEvent) => number | null,
    wireForm: (event: DomainEvent) => object | null | Promise<object | null>,
    /** Applied to a message as it is sent (what must be read at delivery time). */
    atDelivery: (agentId: number, message: object) => object = (_agentId, message) => message,
    onError: (error: unknown) => void = () => undefined,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      const agentId = addresseeOf(event);
      const desks = agentId === null ? [] : this.byAgent.valuesOf(agentId);
      if (agentId === null || desks.length === 0) return;
      const message = wireForm(event);
      const deliver = (ready: object | null) => {
        if (!ready) return;
        const sent = atDelivery(agentId, ready);
        for (const send of desks) send(sent);
      };
      if (!this.pending.busy(agentId) && !(message instanceof Promise)) {
        deliver(message);
        return;
      }
      // Failing while an earlier delivery is still pending is not an unhandled rejection: the chain reports it.
      if (message instanceof Promise) message.catch(() => undefined);
      void this.pending.run(agentId, async () => deliver(await message)).catch(onError);
    });
  }

  /** Delivers the agent's events to `send` until the returned function is called. */
  add(agentId: number, send: DeskSend): () => void {
    return this.byAgent.add(agentId, send);
  }

  close(): void {
    this.unsubscribe();
    this.byAgent.clear();
  }
}
