/**
 * How a caller may be handed to a sub-centre (分中心, DESIGN.md §3), by the transfer mode the admin set
 * on its route: `three-way` (三方) — only in a three-way call, the 12345 agent staying on the line to
 * introduce the case; `blind` (盲转) — only by 转接, blind or attended (either way the caller ends up
 * with the sub-centre alone). A route with no mode set counts as `blind`. Pure: the caller reads the route.
 */
import type { RouteRow } from '../store/index.js';

export type SubcentreTransferMode = 'blind' | 'three-way';

/** What the agent asked for: 转接 (blind or attended) or 三方通话. */
export type HandOver = 'transfer' | 'conference';

export function subcentreTransferMode(route: Pick<RouteRow, 'transferMode'>): SubcentreTransferMode {
  return route.transferMode ?? 'blind';
}

/** Why `handOver` is not how this sub-centre takes callers, in words that tell the agent what to do instead; null when it is. */
export function subcentreRefusal(route: Pick<RouteRow, 'name' | 'transferMode'>, handOver: HandOver): string | null {
  const mode = subcentreTransferMode(route);
  if (mode === 'three-way' && handOver === 'transfer') return `分中心「${route.name}」要求三方通话转接，请使用三方通话`;
  if (mode === 'blind' && handOver === 'conference') return `分中心「${route.name}」要求直接转接，请使用转接`;
  return null;
}
