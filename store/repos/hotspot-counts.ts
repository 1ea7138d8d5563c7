/**
 * The early warning's reads: the registered tickets of a window, and how many registered tickets
 * carried a key (routing/hotspots/ticket-keys.ts) in a past window. Counted by arrival time
 * (`created_at`), the moment the citizen called.
 *
 * A ticket's hotline is its route (by id) and its 诉求分类 its node (by id) in the tree as it is now, so
 * that renaming a hotline or renaming or moving a classification leaves past weeks counted under the
 * same key as this hour.
 */
import { and, eq, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { first } from '../prepared.js';
import { routes, ticketMatters, tickets } from '../schema.js';
import { MATTER_MAX_DEPTH, listTicketMatters, type TicketMatterRow } from './ticket-matters.js';

export interface WindowTicket {
  id: number;
  number: string;
  createdAt: string;
  /** The route that served it; null when the route is gone. */
  routeId: number | null;
  /** Its route's name now; the name the ticket kept when the route is gone. */
  hotline: string;
  /** Its 诉求分类 and the node's ancestors in today's tree, root first (empty without one). */
  matterLine: { id: number; name: string }[];
  streetCode: string | null;
  streetName: string | null;
}

/** The node `id` and its ancestors, root first, from the whole tree read once. */
function lineOf(byId: ReadonlyMap<number, TicketMatterRow>, id: number | null): { id: number; name: string }[] {
  const line: { id: number; name: string }[] = [];
  for (let node = id === null ? undefined : byId.get(id); node && line.length < MATTER_MAX_DEPTH; node = node.parentId === null ? undefined : byId.get(node.parentId)) {
    line.unshift({ id: node.id, name: node.name });
  }
  return line;
}

export async function registeredTicketsBetween(db: Db, fromIso: string, toIso: string): Promise<WindowTicket[]> {
  const rows = await db
    .select({
      id: tickets.id,
      number: tickets.number,
      createdAt: tickets.createdAt,
      routeId: tickets.routeId,
      keptHotline: tickets.hotline,
      routeName: routes.name,
      matterId: tickets.matterId,
      streetCode: tickets.streetCode,
      streetName: tickets.streetName,
    })
    .from(tickets)
    .leftJoin(routes, eq(routes.id, tickets.routeId))
    .where(and(gte(tickets.createdAt, fromIso), lt(tickets.createdAt, toIso), isNotNull(tickets.registeredAt)));
  const byId = new Map((await listTicketMatters(db)).map((m) => [m.id, m]));
  return rows.map(({ keptHotline, routeName, matterId, ...row }) => ({ ...row, hotline: routeName ?? keptHotline, matterLine: lineOf(byId, matterId) }));
}

/** A key's id part, when it is one. */
const idOf = (value: string): number | null => (/^[1-9]\d{0,9}$/.test(value) ? Number(value) : null);

/** The tickets whose 诉求分类 is the node `id` or below it (the tree is at most three levels deep). */
function underMatter(id: number) {
  const children = sql`select ${ticketMatters.id} from ${ticketMatters} where ${ticketMatters.parentId} = ${id}`;
  const grandchildren = sql`select ${ticketMatters.id} from ${ticketMatters} where ${ticketMatters.parentId} in (${children})`;
  return sql`(${tickets.matterId} = ${id} or ${tickets.matterId} in (${children}) or ${tickets.matterId} in (${grandchildren}))`;
}

/**
 * Registered tickets under `key` (`route:<route id>`, `hotline:<name>` of a ticket whose route is gone,
 * `matter:<node id>`, `area:<street code>`) that arrived in [from, to).
 */
export async function countTicketsUnderKey(db: Db, key: string, fromIso: string, toIso: string): Promise<number> {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const value = key.slice(colon + 1);
  const id = idOf(value);
  const under =
    kind === 'route' && id !== null
      ? sql`${tickets.routeId} = ${id}`
      : kind === 'hotline'
        ? sql`(${tickets.hotline} = ${value} and ${tickets.routeId} is null)`
        : kind === 'area'
          ? sql`${tickets.streetCode} = ${value}`
          : kind === 'matter' && id !== null
            ? underMatter(id)
            : undefined;
  if (!under) return 0;
  const row = first(
    await db
      .select({ n: sql<number>`count(*)`.mapWith(Number) })
      .from(tickets)
      .where(and(gte(tickets.createdAt, fromIso), lt(tickets.createdAt, toIso), isNotNull(tickets.registeredAt), under))
      .limit(1),
  );
  return row?.n ?? 0;
}
