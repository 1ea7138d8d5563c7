/**
 * The legs ringing now (ring-leg.ts) whose originate Asterisk accepted, so that a reconciliation after
 * an ARI reconnect can settle those whose outcome was told while nobody listened: a leg that ended in
 * the gap (declined, not answered, or picked up into an application that had no socket, which
 * Asterisk then hangs up) sends no event again, and without this its flow would wait for its safety
 * timer, the ring timeout and more.
 */
import type { AriChannel } from '../ari/ari-types.js';

/** A ringing leg as the registry keeps it: told what a node's listing says of it. */
export interface RingCheck {
  legId: string;
  /** `listed`: the leg's channel in the listing, or undefined when the node no longer has it. */
  recheck(listed: AriChannel | undefined): void;
}

export class RingingLegs {
  /** legId → the leg and the turn at which it was known to Asterisk. */
  private readonly legs = new Map<string, { leg: RingCheck; turn: number }>();
  private turns = 0;

  /** Asterisk accepted the leg's originate; the returned function removes it once its ring is over. */
  add(leg: RingCheck): () => void {
    const entry = { leg, turn: ++this.turns };
    this.legs.set(leg.legId, entry);
    return () => {
      if (this.legs.get(leg.legId) === entry) this.legs.delete(leg.legId);
    };
  }

  /** Taken before a node's channels are listed: only legs Asterisk had accepted by then can be judged by that listing. */
  mark(): number {
    return this.turns;
  }

  /**
   * Tells each leg on `node` accepted before `mark` what the listing says of it. Each leg decides
   * what a missing or changed channel means (ring-leg.ts).
   */
  recheck(mark: number, onNode: (legId: string) => boolean, listing: readonly AriChannel[]): void {
    const listed = new Map(listing.map((c) => [c.id, c]));
    for (const { leg, turn } of [...this.legs.values()]) {
      if (turn <= mark && onNode(leg.legId)) leg.recheck(listed.get(leg.legId));
    }
  }
}
