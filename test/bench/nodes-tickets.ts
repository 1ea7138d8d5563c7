/**
 * What the server wrote for the nodes phase's callers, read back from its database once the phase is
 * over: exactly one call row and one ticket per caller placed (none lost, none twice), each call row
 * on the caller's node, and how fast the tickets were written while the queue filled.
 */
import { inArray } from 'drizzle-orm';
import { calls, openDatabase, tickets } from '../../store/index.js';
import type { PlacedCaller } from './crowd.js';
import { crowdRow } from './crowd.js';
import { fixed } from './figures.js';

export interface TicketCheck {
  rows: string[];
  lines: string[];
}

/** Counts by caller number. */
function countBy(numbers: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const n of numbers) counts.set(n, (counts.get(n) ?? 0) + 1);
  return counts;
}

/** How many callers have exactly one entry, none, or more than one. */
function tally(callers: readonly PlacedCaller[], counts: Map<string, number>): { one: number; none: number; several: number } {
  let one = 0;
  let none = 0;
  let several = 0;
  for (const { number } of callers) {
    const n = counts.get(number) ?? 0;
    if (n === 1) one += 1;
    else if (n === 0) none += 1;
    else several += 1;
  }
  return { one, none, several };
}

/** `fill` is when the first and the last caller were placed (epoch ms). */
export async function checkTickets(dbPath: string, callers: readonly PlacedCaller[], fill: { firstAt: number; lastAt: number }): Promise<TicketCheck> {
  const numbers = callers.map((c) => c.number);
  const store = await openDatabase(dbPath);
  try {
    const callRows = numbers.length > 0 ? await store.db.select({ callerNumber: calls.callerNumber, node: calls.node }).from(calls).where(inArray(calls.callerNumber, numbers)) : [];
    const ticketRows =
      numbers.length > 0 ? await store.db.select({ callerNumber: tickets.callerNumber, createdAt: tickets.createdAt }).from(tickets).where(inArray(tickets.callerNumber, numbers)) : [];
    const callCounts = tally(callers, countBy(callRows.map((r) => r.callerNumber)));
    const ticketCounts = tally(callers, countBy(ticketRows.map((r) => r.callerNumber)));
    const nodeOf = new Map(callers.map((c) => [c.number, c.node]));
    const onOtherNode = callRows.filter((r) => r.node !== nodeOf.get(r.callerNumber)).length;

    // The tickets' own timestamps (the server's clock, the same machine's as `fill`).
    const created = ticketRows.map((r) => Date.parse(r.createdAt)).sort((a, b) => a - b);
    const first = created[0] ?? NaN;
    const last = created[created.length - 1] ?? NaN;
    const writeRate = created.length > 1 ? ((created.length - 1) * 1000) / (last - first) : NaN;
    const arrivalRate = callers.length > 1 ? ((callers.length - 1) * 1000) / (fill.lastAt - fill.firstAt) : NaN;
    // The busiest second of writing, counted from the first ticket.
    const perSecond = new Map<number, number>();
    for (const t of created) perSecond.set(Math.floor((t - first) / 1000), (perSecond.get(Math.floor((t - first) / 1000)) ?? 0) + 1);
    const busiest = Math.max(0, ...perSecond.values());

    const met = callCounts.one === callers.length && ticketCounts.one === callers.length && callRows.length === callers.length && ticketRows.length === callers.length;
    const problems = (what: string, c: { none: number; several: number }) => (c.none + c.several > 0 ? `${what}: ${c.none} callers without, ${c.several} with more than one` : '');
    const details = [problems('call rows', callCounts), problems('tickets', ticketCounts)].filter(Boolean).join('; ');
    return {
      rows: [
        crowdRow('ticket writes per second while the queue filled (first to last ticket, their created times)', `${fixed(writeRate, 1)}/s, busiest second ${busiest} (callers arrived at ${fixed(arrivalRate, 1)}/s)`),
        crowdRow('last ticket written after the last caller arrived', `${fixed(last - fill.lastAt, 0)} ms`),
        crowdRow('call rows / tickets for the callers placed', `${callRows.length} / ${ticketRows.length} of ${callers.length}`),
      ],
      lines: [
        `one call row and one ticket per caller placed (none lost, none twice): ${met ? 'met' : 'NOT met'} (${callCounts.one} callers with one call row, ${ticketCounts.one} with one ticket, of ${callers.length}${details ? `; ${details}` : ''})`,
        `call rows on the node the caller arrived on: ${callRows.length - onOtherNode} of ${callRows.length}`,
      ],
    };
  } finally {
    await store.close();
  }
}
