/**
 * Reads a KPI report for Shanghai days [from, to] from the store: the calls that arrived in them,
 * all their rings, and the agent state history that shapes the window.
 */
import { clockOf, listAgentStatesForWindow, listAgents, listCallFactsBetween, listOffersOfCalls, shanghaiDayBounds, type Db } from '../../store/index.js';
import { kpiTargets } from './kpi-targets.js';
import { buildKpiReport } from './kpis.js';
import type { KpiGrouping, KpiInterval, KpiReport } from './kpi-row.js';

/** The longest range one report covers (a quarter). */
export const MAX_REPORT_DAYS = 92;

export function daysBetween(from: string, to: string): number {
  return Math.round((Date.parse(`${to}T00:00:00Z`) - Date.parse(`${from}T00:00:00Z`)) / 86_400_000) + 1;
}

export async function kpiReport(db: Db, q: { from: string; to: string; by: KpiGrouping; interval: KpiInterval }): Promise<KpiReport> {
  const window = { from: shanghaiDayBounds(q.from).from, to: shanghaiDayBounds(q.to).to };
  const facts = await listCallFactsBetween(db, window.from, window.to);
  const offers = await listOffersOfCalls(
    db,
    facts.map((f) => f.linkedId),
  );
  // Every grouping: agent time (agent, total) and each call's conversations (平均通话时长) come from it.
  const states = await listAgentStatesForWindow(db, window.from, window.to);
  const logins = new Map((await listAgents(db)).map((a) => [a.id, a.login]));
  const targets = await kpiTargets(db);
  const report = buildKpiReport({
    facts,
    offers,
    states,
    window,
    by: q.by,
    interval: q.interval,
    now: clockOf(db).now(),
    agentLogin: (id) => logins.get(id) ?? String(id),
    targets: { answerRate: targets.answerRate, answeredWithin15sRate: targets.answeredWithin15sRate },
  });
  return { from: q.from, to: q.to, ...report };
}
