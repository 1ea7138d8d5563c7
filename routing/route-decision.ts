/**
 * What happens to a call, decided from the dialled number's route, the blacklist and the repeat-call
 * policy. Pure: the caller of this function reads the rows; this only decides.
 *
 * 7×24 human service means no dead end: an unknown DID is served like 12345 itself, and a disabled
 * route is simply not found (the caller of this function passes `undefined`).
 */
import type { BlacklistRow, RouteMode, RouteRow } from '../store/index.js';

export interface RepeatCallPolicy {
  /** More than this many calls … */
  maxCalls: number;
  /** … within this many minutes … */
  windowMinutes: number;
  /** … and the caller first hears a warning before being queued. */
  action: 'warn';
}

export const DEFAULT_REPEAT_POLICY: RepeatCallPolicy = { maxCalls: 5, windowMinutes: 60, action: 'warn' };

export type RouteDecision =
  | { kind: 'blocked'; reason: string }
  | {
      kind: 'serve';
      mode: RouteMode;
      routeId: number | null;
      hotline: string;
      /** The route's own prompt (notice for a merged number, own greeting); null: the 12345 greeting. */
      greeting: string | null;
      /** The menu to run, when the route has one; otherwise straight to the skill's queue. */
      menuId: number | null;
      skillId: number | null;
      priority: number;
      /** Over the repeat-call limit: hears a warning first. */
      repeatCaller: boolean;
    };

export interface RouteFacts {
  dialledNumber: string;
  /** The route that serves the number (`servingRoute`: its own, else the main 12345 route); none: served as 12345 all the same. */
  route: RouteRow | undefined;
  block: BlacklistRow | undefined;
  /** Calls from this number in the policy window, this one included. */
  recentCalls: number;
  policy: RepeatCallPolicy;
}

export function decideRoute(facts: RouteFacts): RouteDecision {
  if (facts.block) return { kind: 'blocked', reason: facts.block.reason };
  const route = facts.route;
  const repeatCaller = facts.recentCalls > facts.policy.maxCalls;
  return {
    kind: 'serve',
    mode: route?.mode ?? 'main',
    routeId: route?.id ?? null,
    hotline: route?.name ?? facts.dialledNumber,
    greeting: route?.prompt ?? null,
    menuId: route?.menuId ?? null,
    skillId: route?.skillId ?? null,
    priority: route?.priority ?? 0,
    repeatCaller,
  };
}

/**
 * The route that serves a call to `dialledNumber`: its own when enabled, else the main route (no dead
 * end, as `decideRoute`). A call is recorded and ticketed as this route — its name is the ticket's
 * hotline — while the number dialled is kept beside it.
 */
export function servingRoute(routes: readonly RouteRow[], dialledNumber: string): RouteRow | undefined {
  return routes.find((r) => r.number === dialledNumber && r.enabled) ?? routes.find((r) => r.mode === 'main' && r.enabled);
}

/**
 * The route a callback of a ticket's citizen runs on — an agent's 回拨 as the automatic 漏接回拨: the
 * route they had called (a parallel hotline's caller is called back as that hotline), or the main
 * route when that one is gone or disabled.
 */
export function callbackRoute(routes: readonly RouteRow[], ticketRouteId: number | null): RouteRow | undefined {
  const own = ticketRouteId === null ? undefined : routes.find((r) => r.id === ticketRouteId && r.enabled);
  return own ?? routes.find((r) => r.mode === 'main' && r.enabled);
}
