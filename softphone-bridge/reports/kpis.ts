/**
 * The centre's KPIs, computed from call rows (never from counters that can drift). Definitions:
 * - offered: calls that arrived, blacklisted callers excluded;
 * - answered: reached an agent (or were handed to an outside party by the IVR); answer rate 接通率 =
 *   answered / offered; 15-second answer rate = answered after waiting at most 15 s in queue / offered;
 * - wait: seconds in queue before answer (average, and p90 by nearest rank); abandoned: gave up before
 *   an answer, with their average wait;
 * - handle time: answer to hang-up, averaged over answered calls that ended;
 * - transfers / three-way calls: completed transfers and three-way calls in the calls' ticket history;
 * - satisfaction rate: (satisfied + basically satisfied) / calls with an evaluation;
 * - repeat-call rate: offered calls whose number had called in the 24 hours before / offered;
 * - tickets overdue: the calls' tickets past their deadline and not closed, at the time of the report;
 * - outbound / outbound answered: calls the centre placed (click-to-call, missed-call callbacks) and
 *   those the citizen answered. Every figure above counts inbound calls only.
 * - knowledge answered 知识库解答数: answered calls whose ticket has a knowledge base entry linked
 *   by the agent (the `knowledge-linked` history entry); 知识库解答率 = knowledge answered / answered.
 */
import type { CallFacts } from '../../store/index.js';
import type { KpiGrouping, KpiRow } from './kpi-row.js';

export type { KpiGrouping, KpiRow } from './kpi-row.js';

const ratio = (a: number, b: number) => (b === 0 ? 0 : Math.round((a / b) * 1000) / 1000);
const round1 = (v: number) => Math.round(v * 10) / 10;
const mean = (values: number[]) => (values.length === 0 ? 0 : round1(values.reduce((s, v) => s + v, 0) / values.length));
function p90(values: number[]): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return round1(sorted[Math.ceil(0.9 * sorted.length) - 1] ?? 0);
}

const CLOSED = new Set(['closed', 'callback', 'evaluated']);
const EVALUATED = new Set(['satisfied', 'basically-satisfied', 'dissatisfied']);

function kpisOf(key: string, all: readonly CallFacts[], now: Date): KpiRow {
  const rows = all.filter((r) => r.direction === 'inbound');
  const outbound = all.filter((r) => r.direction === 'outbound');
  const offered = rows.filter((r) => r.outcome !== 'blocked');
  const answered = offered.filter((r) => r.answeredAt !== null);
  const abandoned = offered.filter((r) => r.outcome === 'abandoned');
  const waits = answered.map((r) => (r.waitMs ?? 0) / 1000);
  const evaluated = offered.filter((r) => r.satisfaction !== null && EVALUATED.has(r.satisfaction));
  return {
    key,
    offered: offered.length,
    answered: answered.length,
    answerRate: ratio(answered.length, offered.length),
    answeredWithin15sRate: ratio(answered.filter((r) => (r.waitMs ?? 0) <= 15_000).length, offered.length),
    averageWaitSeconds: mean(waits),
    p90WaitSeconds: p90(waits),
    abandoned: abandoned.length,
    averageAbandonWaitSeconds: mean(abandoned.map((r) => (r.waitMs ?? 0) / 1000)),
    averageHandleSeconds: mean(
      answered.filter((r) => r.endedAt !== null).map((r) => (Date.parse(r.endedAt ?? '') - Date.parse(r.answeredAt ?? '')) / 1000),
    ),
    transfers: offered.reduce((s, r) => s + r.transfers, 0),
    conferences: offered.reduce((s, r) => s + r.conferences, 0),
    satisfactionRate: ratio(evaluated.filter((r) => r.satisfaction !== 'dissatisfied').length, evaluated.length),
    repeatCallRate: ratio(offered.filter((r) => r.earlierCalls > 0).length, offered.length),
    ticketsOverdue: offered.filter((r) => r.dueAt !== null && Date.parse(r.dueAt) < now.getTime() && !CLOSED.has(r.ticketStatus ?? '')).length,
    outbound: outbound.length,
    outboundAnswered: outbound.filter((r) => r.answeredAt !== null).length,
    knowledgeAnswered: answered.filter((r) => r.knowledgeLinks > 0).length,
    knowledgeAnswerRate: ratio(answered.filter((r) => r.knowledgeLinks > 0).length, answered.length),
  };
}

export function computeKpis(rows: readonly CallFacts[], by: KpiGrouping, now: Date, agentLogin: (id: number) => string = String): KpiRow[] {
  if (by === 'total') return [kpisOf('total', rows, now)];
  const keyOf = (r: CallFacts): string =>
    by === 'hotline' ? (r.hotline ?? r.dialledNumber) : by === 'skill' ? (r.skill ?? '-') : r.agentId === null ? '-' : agentLogin(r.agentId);
  const groups = new Map<string, CallFacts[]>();
  for (const row of rows) groups.set(keyOf(row), [...(groups.get(keyOf(row)) ?? []), row]);
  return [...groups.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([key, group]) => kpisOf(key, group, now));
}

export const KPI_COLUMNS: (keyof KpiRow)[] = [
  'key',
  'offered',
  'answered',
  'answerRate',
  'answeredWithin15sRate',
  'averageWaitSeconds',
  'p90WaitSeconds',
  'abandoned',
  'averageAbandonWaitSeconds',
  'averageHandleSeconds',
  'transfers',
  'conferences',
  'satisfactionRate',
  'repeatCallRate',
  'ticketsOverdue',
  'outbound',
  'outboundAnswered',
  'knowledgeAnswered',
  'knowledgeAnswerRate',
];

/** CSV with a BOM so spreadsheet programs read the Chinese hotline names right. */
export function kpisToCsv(rows: readonly KpiRow[]): string {
  const cell = (v: string | number) => (typeof v === 'number' ? String(v) : /[",\n]/.test(v) ? `"${v.replaceAll('"', '""')}"` : v);
  return `\uFEFF${[KPI_COLUMNS.join(','), ...rows.map((r) => KPI_COLUMNS.map((c) => cell(r[c])).join(','))].join('\r\n')}\r\n`;
}
