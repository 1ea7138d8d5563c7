/**
 * A citizen's call enters the Stasis application: record it, open its ticket, answer — in that order,
 * so the ticket is on disk before the caller hears anything. A repeated StasisStart for the same call
 * (a redelivery, or the server reconnecting) finds the existing rows and opens nothing new.
 */
import {
  atomically,
  listRoutes,
  openTicketForCall,
  recordCallArrival,
  type Db,
  type RouteRow,
  type TicketRow,
} from '../../store/index.js';
import { servingRoute } from '../../routing/route-decision.js';
import type { AriChannel } from '../ari/ari-types.js';
import { maskNumber, type Logger } from '../logging.js';

export interface ArrivedCall {
  linkedId: string;
  channelId: string;
  callId: number;
  ticket: TicketRow;
  /** The route that serves the call: the dialled number's own, else the main route (routing/route-decision.ts). */
  route: RouteRow | undefined;
  /** False when this arrival had already been handled (duplicate delivery). */
  isNew: boolean;
  /** The call was already closed (e.g. its node was lost and it was accounted for). */
  closed?: boolean;
}

/**
 * ARI has no linkedid on the channel object; for a call that enters from the dialplan the caller's own
 * channel starts the linked group, and its id is the stable key for the call.
 */
export function callKeyOf(channel: AriChannel): string {
  return channel.id;
}

export async function admitInboundCall(db: Db, channel: AriChannel, dialledNumber: string, log: Logger, now: Date, node: string | null = null): Promise<ArrivedCall> {
  // A number with no enabled route is served as 12345: its row and ticket name the main route, the
  // number dialled is kept beside it. The routes are a cached read (store/config-cache.ts).
  const route = servingRoute(await listRoutes(db), dialledNumber);
  const linkedId = callKeyOf(channel);
  const callerNumber = channel.caller.number;
  // The call row and its ticket in one transaction: one commit (one fsync) instead of two, and never a
  // call without its ticket.
  const { call, created, ticket } = await atomically(db, async (tx) => {
    const arrival = await recordCallArrival(tx, {
      linkedId,
      channelId: channel.id,
      channelName: channel.name,
      callerNumber,
      dialledNumber,
      routeId: route?.id ?? null,
      arrivedAt: now.toISOString(),
      node,
    });
    const opened = await openTicketForCall(tx, {
      callKey: linkedId,
      callId: arrival.call.id,
      callerNumber,
      dialledNumber,
      routeId: route?.id ?? null,
      hotline: route?.name ?? dialledNumber,
      at: now,
      newCall: arrival.created,
    });
    return { ...arrival, ticket: opened.ticket };
  });
  log.info(
    { channelId: channel.id, caller: maskNumber(callerNumber), dialled: dialledNumber, route: route?.mode ?? 'none', ticket: ticket.number, isNew: created },
    created ? 'call arrived, ticket opened' : 'call arrival repeated, existing ticket kept',
  );
  return { linkedId, channelId: channel.id, callId: call.id, ticket, route, isNew: created, closed: call.endedAt !== null };
}

/** Waits before the 2nd and 3rd try of an arrival's write (a database failing over, a busy moment). */
export const ARRIVAL_RETRY_MS = [100, 500] as const;

/**
 * `admitInboundCall`, tried again after 100 and 500 ms when the write fails (each failure logged);
 * rejects with the last failure. `retried`: a later try succeeded, so a row found already there
 * (`isNew` false) may be an earlier try's own, committed though its answer was lost.
 */
export async function admitWithRetries(
  db: Db,
  channel: AriChannel,
  dialledNumber: string,
  log: Logger,
  now: Date,
  node: string | null,
  stopped: () => boolean,
): Promise<ArrivedCall & { retried: boolean }> {
  for (let attempt = 0; ; attempt++) {
    try {
      return { ...(await admitInboundCall(db, channel, dialledNumber, log, now, node)), retried: attempt > 0 };
    } catch (error) {
      const delay = ARRIVAL_RETRY_MS[attempt];
      if (delay === undefined || stopped()) throw error;
      log.warn({ channelId: channel.id, err: (error as Error).message, attempt: attempt + 1, retryInMs: delay }, 'could not record the call, trying again');
      await new Promise((resolve) => setTimeout(resolve, delay));
    }
  }
}
