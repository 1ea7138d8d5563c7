/**
 * The early warning's reads: the registered tickets of a window, and how many registered tickets
 * carried a key (routing/hotspots/ticket-keys.ts) in a past window. Counted by arrival time
 * (`created_at`), the moment the citizen called.
 */
import { and, gte, isNotNull, lt, sql } from 'drizzle-orm';
import type { Db } from '../db.js';
import { first } from '../prepared.js';
import { tickets } from '../schema.js';
import { escapeLike } from './tickets.js';

export interface WindowTicket {
  id: number;
  number: string;
  createdAt: string;
  hotline: string;
  matterPath: string | null;
  streetCode: string | null;
  streetName: string | null;
}

export async function registeredTicketsBetween(db: Db, fromIso: string, toIso: string): Promise<WindowTicket[]> {
  return db
    .select({
      id: tickets.id,
      number: tickets.number,
      createdAt: tickets.createdAt,
      hotline: tickets.hotline,
      matterPath: tickets.matterPath,
      streetCode: tickets.streetCode,
      streetName: tickets.streetName,
    })
    .from(tickets)
    .where(and(gte(tickets.createdAt, fromIso), lt(tickets.createdAt, toIso), isNotNull(tickets.registeredAt)));
}

/** Registered tickets under `key` (`hotline:…`, `matter:<path prefix>`, `area:<street code>`) that arrived in [from, to). */
export async function countTicketsUnderKey(db: Db, key: string, fromIso: string, toIso: string): Promise<number> {
  const colon = key.indexOf(':');
  const kind = key.slice(0, colon);
  const value = key.slice(colon + 1);
  const under =
    kind === 'hotline'
      ? sql`${tickets.hotline} = ${value}`
      : kind === 'area'
        ? sql`${tickets.streetCode} = ${value}`
        : kind === 'matter'
          ? sql`(${tickets.matterPath} = ${value} or ${tickets.matterPath} like ${`${escapeLike(value)} > %`} escape '\\')`
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
