/**
 * Call offers (each ring of an agent) and the agent state history: written as the domain events
 * arrive, read by the KPI reports for a time window.
 */
import { and, asc, desc, eq, gte, inArray, isNull, lt, ne, sql } from 'drizzle-orm';
import { inChunks } from '../chunks.js';
import type { Db } from '../db.js';
import { progressWrite } from '../durability.js';
import { first } from '../prepared.js';
import { agentStateChanges, callOffers } from '../schema.js';

export type CallOfferRow = typeof callOffers.$inferSelect;
export type AgentStateChangeRow = typeof agentStateChanges.$inferSelect;

export async function recordOffer(db: Db, offer: { callKey: string; agentId: number; offeredAt: string; waitedMs: number; outbound: boolean }): Promise<void> {
  await progressWrite(db, async (tx) => {
    await tx.insert(callOffers).values(offer);
  });
}

/** Ends the agent's open ring of the call with its outcome; false when there was none. */
export async function endOffer(db: Db, callKey: string, agentId: number, end: { at: string; outcome: string }): Promise<boolean> {
  return progressWrite(db, async (tx) => {
    const open = first(
      await tx
        .select({ id: callOffers.id })
        .from(callOffers)
        .where(and(eq(callOffers.callKey, callKey), eq(callOffers.agentId, agentId), isNull(callOffers.outcome)))
        .orderBy(desc(callOffers.id))
        .limit(1),
    );
    if (!open) return false;
    await tx.update(callOffers).set({ endedAt: end.at, outcome: end.outcome }).where(eq(callOffers.id, open.id));
    return true;
  });
}

/**
 * Ends the agent's open rings of `callKey`: they are on that call now, so they took its ring (a
 * consulted or third-party colleague has no `call.answered` of their own). Only that call's: a ring
 * of another call left open is not one they answered.
 */
export async function endOpenOffersOfAgent(db: Db, agentId: number, callKey: string, end: { at: string; outcome: string }): Promise<void> {
  await progressWrite(db, async (tx) => {
    await tx
      .update(callOffers)
      .set({ endedAt: end.at, outcome: end.outcome })
      .where(and(eq(callOffers.callKey, callKey), eq(callOffers.agentId, agentId), isNull(callOffers.outcome)));
  });
}

/**
 * Ends the open rings of a call that a restart cut off (the reconciliation pass hung their legs up, or
 * they ended unseen): none can be answered any more. `keep`: the agent found talking on the call,
 * whose ring their going on the call closes as answered. Returns how many were ended.
 */
export async function endOpenOffersOfCall(db: Db, callKey: string, keep: number | null, end: { at: string; outcome: string }): Promise<number> {
  return progressWrite(db, async (tx) => {
    const open = and(eq(callOffers.callKey, callKey), isNull(callOffers.outcome), keep === null ? undefined : ne(callOffers.agentId, keep));
    const ended = await tx.update(callOffers).set({ endedAt: end.at, outcome: end.outcome }).where(open).returning({ id: callOffers.id });
    return ended.length;
  });
}

/**
 * How long the caller had waited when `agentId`'s latest ring of the call started — the pop's 排队等待
 * of that ring — or undefined when no ring of theirs is on record (their ring's row not written).
 */
export async function findLatestOfferWait(db: Db, callKey: string, agentId: number): Promise<number | undefined> {
  const latest = first(
    await db
      .select({ waitedMs: callOffers.waitedMs })
      .from(callOffers)
      .where(and(eq(callOffers.callKey, callKey), eq(callOffers.agentId, agentId)))
      .orderBy(desc(callOffers.id))
      .limit(1),
  );
  return latest?.waitedMs;
}

/** Offers of the calls whose keys are given (all their rings, whenever they rang). */
export async function listOffersOfCalls(db: Db, callKeys: readonly string[]): Promise<CallOfferRow[]> {
  if (callKeys.length === 0) return [];
  // Read by call, not by time: a window's calls may have rung after the window ended.
  const rows = await inChunks(callKeys, (chunk) => db.select().from(callOffers).where(inArray(callOffers.callKey, chunk)));
  return rows.sort((a, b) => a.id - b.id);
}

/** Offers that started in [fromIso, toIso). */
export async function listOffersBetween(db: Db, fromIso: string, toIso: string): Promise<CallOfferRow[]> {
  return db
    .select()
    .from(callOffers)
    .where(and(gte(callOffers.offeredAt, fromIso), lt(callOffers.offeredAt, toIso)))
    .orderBy(asc(callOffers.id));
}

export async function recordAgentState(db: Db, change: { agentId: number; at: string; state: string; reason: string | null }): Promise<void> {
  await progressWrite(db, async (tx) => {
    await tx.insert(agentStateChanges).values(change);
  });
}

/**
 * The state changes that shape [fromIso, toIso): each agent's last change before the window (the
 * state they entered it in) and every change inside it, in order.
 */
export async function listAgentStatesForWindow(db: Db, fromIso: string, toIso: string): Promise<AgentStateChangeRow[]> {
  // Per agent (a small table), the latest change before the window, found on the (agent_id, at) index.
  const lastBefore = await db
    .select()
    .from(agentStateChanges)
    .where(
      sql`${agentStateChanges.id} in (select (select b.id from agent_state_changes b where b.agent_id = a.agent_id and b.at < ${fromIso} order by b.at desc, b.id desc limit 1) from (select id as agent_id from agents) a)`,
    );
  const inside = await db
    .select()
    .from(agentStateChanges)
    .where(and(gte(agentStateChanges.at, fromIso), lt(agentStateChanges.at, toIso)))
    .orderBy(asc(agentStateChanges.at), asc(agentStateChanges.id));
  return [...lastBefore, ...inside];
}
