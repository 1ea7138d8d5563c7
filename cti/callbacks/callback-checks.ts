/**
 * What the automatic campaigns (漏接回拨, 回访) check before and after dialling a citizen: whether the
 * number may be called at all, and whether a dial that did not get through used up an attempt.
 */
import { dialRefusal } from '../../routing/dial-policy.js';
import { findActiveBlock, type Db } from '../../store/index.js';
import type { RingFailure } from '../calls/ring-leg.js';

/**
 * Why the campaigns must not call `number` (the reason written in the ticket's history), or null: a
 * number the dial policy refuses (routing/dial-policy.ts), or one on the active blacklist (骚扰号码,
 * put there since the citizen gave up or the ticket closed).
 */
export async function callbackRefusal(db: Db, number: string, directory: ReadonlySet<string>, now: Date): Promise<string | null> {
  const refusal = dialRefusal(number, directory);
  if (refusal) return refusal;
  return (await findActiveBlock(db, number, now)) ? '号码已列入黑名单' : null;
}

/**
 * The dial never went out (Asterisk did not answer the originate, or refused to dial the trunk): no
 * phone of the citizen rang, so no attempt is used. The try still counts for the spacing, so it is
 * retried at the usual interval, never at once.
 */
export function dialNeverPlaced(failure: RingFailure | null): boolean {
  return failure === 'not-placed' || failure === 'trunk-down';
}
