/**
 * The connected agent desktops, by agent, fed from one subscription to the domain event bus: an
 * event goes straight to the desktops of the agent it concerns and its wire form (a screen-pop reads
 * the database) is built once. With one subscription per desktop, every event visited every desktop
 * connected — 2,000 of them in a large centre — before reaching the one it was for.
 */
import type { DomainEvent, DomainEventBus } from '../../cti/events/domain-events.js';
import { KeyedSets } from '../../cti/events/keyed-sets.js';

export type DeskSend = (message: object) => void;

export class DeskRegistry {
  private readonly byAgent = new KeyedSets<number, DeskSend>();
  private readonly unsubscribe: () => void;

  constructor(
    bus: DomainEventBus,
    addresseeOf: (event: DomainEvent) => number | null,
    wireForm: (event: DomainEvent) => object | null,
  ) {
    this.unsubscribe = bus.subscribe((event) => {
      const agentId = addresseeOf(event);
      const desks = agentId === null ? [] : this.byAgent.valuesOf(agentId);
      if (desks.length === 0) return;
      const message = wireForm(event);
      if (message) for (const send of desks) send(message);
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
