/**
 * The centre's KPIs, computed from the call rows, the offers and the agent state history (never
 * from counters that can drift). Every call figure counts a CALL once, however often it went back to
 * the queue; offer figures count each RING. Definitions (written once; the README repeats them):
 *
 * Per call — inbound calls that arrived in the period, blacklisted callers excluded (`blocked` from
 *   the start of the notice, inbound-call.ts):
 * - 呼入量 offered = 接通 answered + 放弃 abandoned + 其他未接通 unansweredOther + 进行中 inProgress (a partition);
 * - answered: the call reached an agent at least once (an answered ring, or the call row's answer
 *   time: outage imports, the IVR handing it to an outside party). Re-offers, transfers and a return
 *   to the queue after an answer do not count it again, and it is never also abandoned;
 * - abandoned: never answered, and the caller hung up (in the IVR, the queue or while it rang);
 * - unansweredOther: never answered and ended otherwise (a failure); inProgress: neither answered nor ended;
 * - 接通率 answerRate = answered / (offered − inProgress): a caller still waiting is not yet a failure;
 * - wait: queue and ring time before the FIRST answer (the ring's queue wait plus its ring time, or
 *   the call row's wait when no ring was recorded); 15 秒接通量 answeredWithin15s: wait ≤ 15 s;
 *   15 秒接通率 = answeredWithin15s / (offered − inProgress); average and p90 (nearest rank) wait of answered calls;
 * - abandon wait: the abandoned calls' wait; handle time (ended answered calls): the time the call's
 *   conversations cover — each answered ring from its answer until that agent left the call (the
 *   state history: a transfer, their line lost, the hang-up), never past the call's end — so a
 *   caller's second wait in line and next ring are not in it (A 300 s, 30 s in line, B 45 s: 345 s,
 *   not 375 s), and a consultation's or three-way call's overlapping minutes count once. Once
 *   answered and talked to the hang-up, that is the first answer to the hang-up, as before (sent on by
 *   its agent — back to a queue where the caller gave up, to an outside number — that agent's talk
 *   only). A call with no answered ring on record (outage imports), or a report given no state
 *   history: first answer to hang-up. Not the calls the IVR put through to an outside line: that talk
 *   is not the centre's (their wait is the ring);
 * - reoffered: calls rung more than once; abandonedCalledBack: abandoned calls whose missed-call entry is done;
 * - transfers / conferences: in the calls' ticket history; satisfaction rate: (satisfied + basically
 *   satisfied) / evaluated; repeat-call rate: calls whose number called in the 24 h before / offered
 *   (an earlier call turned away as blacklisted does not count: call-stats.ts, earlierCalls);
 *   tickets overdue: the calls' tickets past their deadline and not closed, at the time of the report;
 * - knowledge answered: answered calls whose ticket has a knowledge entry linked; rate = / answered;
 * - outbound / outboundAnswered: calls the centre placed (click-to-call, missed-call callbacks, also
 *   those under an earlier ticket), not part of any inbound figure.
 * Per offer — each ring of an agent for an inbound call of the period, by how it ended: answered,
 *   no-answer (timed out), rejected (拒接), caller-hung-up, other (withdrawn by the system, not
 *   reached, still ringing); 振铃未接率 ringNoAnswerRate = no-answer / offers.
 * Grouping — hotline: the call's ticket's hotline (or its route's); skill: the last queue it waited
 *   in; agent: call figures go to the agent who FIRST answered it ('-' for calls never answered),
 *   offer figures to the agent rung. So the rows of any grouping add up to the total. Except handle
 *   time per agent: each agent's own conversations, one per answered ring, from its answer until the
 *   agent left the call (the state history: a blind transfer, their line lost, the hang-up) — a call
 *   answered by A, put back in line and answered by B gives A their talk and B theirs, not A the time
 *   to B's hang-up; a consultation's minutes count for each agent on it. The agent report's total
 *   averages these per conversation (A's and B's: two), the total report the covered time per call
 *   (one), so the two differ where calls were answered more than once. (Per agent, a conversation
 *   counts once its agent left, even while the call goes on; per call, once the call ended.)
 * Agent time — from the state history, clipped to the period (and to now): talk (on a call, not
 *   held), hold, wrap-up, ready, 示忙 by reason; 占用率 occupancy = (ringing + talk + hold + wrap-up) /
 *   (ringing + talk + hold + wrap-up + ready); 示忙 and offline time are outside it. Only the agent
 *   and total groupings carry agent time.
 * Any rate or average with nothing to divide by is null ("—"), never 0.
 */
import type { AgentStateChangeRow, CallFacts, CallOfferRow } from '../../store/index.js';
import type { KpiGrouping, KpiInterval, KpiReport, KpiRow, KpiTargetsOnWire } from './kpi-row.js';

export type { KpiGrouping, KpiInterval, KpiReport, KpiRow } from './kpi-row.js';

const ratio = (a: number, b: number): number | null => (b === 0 ? null : Math.round((a / b) * 1000) / 1000);
const round1 = (v: number) => Math.round(v * 10) / 10;
const mean = (values: number[]) => (values.length === 0 ? null : round1(values.reduce((s, v) => s + v, 0) / values.length));
const seconds = (ms: number) => Math.round(ms) / 1000;
function p90(values: number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  return round1(sorted[Math.ceil(0.9 * sorted.length) - 1] ?? 0);
}
const gap = (rate: number | null, target: number) => (rate === null ? null : Math.round((rate - target) * 1000) / 1000);

const CLOSED = new Set(['closed', 'callback', 'evaluated']);
const EVALUATED = new Set(['satisfied', 'basically-satisfied', 'dissatisfied']);
const NO_REASON = '未说明';
const COUNTED_STATES = new Set(['on_call', 'held', 'wrap_up', 'ready', 'ringing', 'not_ready']);
const HALF_HOUR_MS = 30 * 60_000;
const DAY_MS = 86_400_000;
const OFFSET_MS = 8 * 3600_000;

/** Raw sums of one row: rows merge into totals exactly, rates are recomputed from them. */
class Tally {
  offered = 0;
  answered = 0;
  abandoned = 0;
  unansweredOther = 0;
  inProgress = 0;
  within15 = 0;
  waits: number[] = [];
  abandonWaits: number[] = [];
  handles: number[] = [];
  reoffered = 0;
  calledBack = 0;
  transfers = 0;
  conferences = 0;
  evaluated = 0;
  satisfied = 0;
  repeat = 0;
  overdue = 0;
  outbound = 0;
  outboundAnswered = 0;
  knowledge = 0;
  offers = { total: 0, answered: 0, noAnswer: 0, rejected: 0, callerHungUp: 0, other: 0 };
  ms = { talk: 0, hold: 0, wrapUp: 0, ready: 0, ringing: 0, notReady: 0 };
  notReady = new Map<string, number>();

  merge(o: Tally): void {
    for (const k of ['offered', 'answered', 'abandoned', 'unansweredOther', 'inProgress', 'within15', 'reoffered', 'calledBack', 'transfers', 'conferences', 'evaluated', 'satisfied', 'repeat', 'overdue', 'outbound', 'outboundAnswered', 'knowledge'] as const) {
      this[k] += o[k];
    }
    this.waits.push(...o.waits);
    this.abandonWaits.push(...o.abandonWaits);
    this.handles.push(...o.handles);
    for (const k of Object.keys(this.offers) as (keyof Tally['offers'])[]) this.offers[k] += o.offers[k];
    for (const k of Object.keys(this.ms) as (keyof Tally['ms'])[]) this.ms[k] += o.ms[k];
    for (const [reason, ms] of o.notReady) this.notReady.set(reason, (this.notReady.get(reason) ?? 0) + ms);
  }

  row(key: string, period: string, targets: KpiTargetsOnWire): KpiRow {
    const settled = this.offered - this.inProgress;
    const answerRate = ratio(this.answered, settled);
    const within15Rate = ratio(this.within15, settled);
    const busy = this.ms.ringing + this.ms.talk + this.ms.hold + this.ms.wrapUp;
    return {
      key,
      period,
      offered: this.offered,
      answered: this.answered,
      abandoned: this.abandoned,
      unansweredOther: this.unansweredOther,
      inProgress: this.inProgress,
      answerRate,
      answerRateGap: gap(answerRate, targets.answerRate),
      answeredWithin15s: this.within15,
      answeredWithin15sRate: within15Rate,
      answeredWithin15sRateGap: gap(within15Rate, targets.answeredWithin15sRate),
      averageWaitSeconds: mean(this.waits),
      p90WaitSeconds: p90(this.waits),
      averageAbandonWaitSeconds: mean(this.abandonWaits),
      averageHandleSeconds: mean(this.handles),
      reoffered: this.reoffered,
      abandonedCalledBack: this.calledBack,
      transfers: this.transfers,
      conferences: this.conferences,
      evaluated: this.evaluated,
      satisfactionRate: ratio(this.satisfied, this.evaluated),
      repeatCallRate: ratio(this.repeat, this.offered),
      ticketsOverdue: this.overdue,
      outbound: this.outbound,
      outboundAnswered: this.outboundAnswered,
      knowledgeAnswered: this.knowledge,
      knowledgeAnswerRate: ratio(this.knowledge, this.answered),
      offers: this.offers.total,
      offersAnswered: this.offers.answered,
      offersNoAnswer: this.offers.noAnswer,
      offersRejected: this.offers.rejected,
      offersCallerHungUp: this.offers.callerHungUp,
      offersOther: this.offers.other,
      ringNoAnswerRate: ratio(this.offers.noAnswer, this.offers.total),
      talkSeconds: seconds(this.ms.talk),
      holdSeconds: seconds(this.ms.hold),
      wrapUpSeconds: seconds(this.ms.wrapUp),
      readySeconds: seconds(this.ms.ready),
      notReadySeconds: seconds(this.ms.notReady),
      notReadyByReason: Object.fromEntries([...this.notReady.entries()].sort(([a], [b]) => a.localeCompare(b)).map(([r, ms]) => [r, seconds(ms)])),
      occupancy: ratio(busy, busy + this.ms.ready),
    };
  }
}

/** The period an instant falls in: '' (none), its Shanghai day, or its half hour `YYYY-MM-DD HH:MM`. */
export function periodOf(interval: KpiInterval, atMs: number): string {
  if (interval === 'none') return '';
  const local = new Date(atMs + OFFSET_MS).toISOString();
  if (interval === 'day') return local.slice(0, 10);
  const minute = Number(local.slice(14, 16)) < 30 ? '00' : '30';
  return `${local.slice(0, 10)} ${local.slice(11, 13)}:${minute}`;
}

function periodEnd(interval: KpiInterval, atMs: number): number {
  if (interval === 'none') return Number.POSITIVE_INFINITY;
  const size = interval === 'day' ? DAY_MS : HALF_HOUR_MS;
  return Math.floor((atMs + OFFSET_MS) / size) * size + size - OFFSET_MS;
}

export interface KpiInput {
  facts: readonly CallFacts[];
  offers?: readonly CallOfferRow[];
  states?: readonly AgentStateChangeRow[];
  /** The report's window [from, to) as ISO instants (agent time is clipped to it and to `now`). */
  window?: { from: string; to: string };
  by: KpiGrouping;
  interval?: KpiInterval;
  now: Date;
  agentLogin?: (id: number) => string;
  targets?: KpiTargetsOnWire;
}

const NO_TARGETS: KpiTargetsOnWire = { answerRate: 0.95, answeredWithin15sRate: 0.95 };

/** The report: rows per (period, key), sorted, and their totals. */
export function buildKpiReport(input: KpiInput): Omit<KpiReport, 'from' | 'to'> {
  const { facts, by, now } = input;
  const interval = input.interval ?? 'none';
  const targets = input.targets ?? NO_TARGETS;
  const login = input.agentLogin ?? String;
  const tallies = new Map<string, { key: string; period: string; tally: Tally }>();
  const tallyOf = (key: string, period: string): Tally => {
    const id = `${period}\u0000${key}`;
    let entry = tallies.get(id);
    if (!entry) tallies.set(id, (entry = { key, period, tally: new Tally() }));
    return entry.tally;
  };
  const offersByCall = groupBy(input.offers ?? [], (o) => o.callKey);
  const statesByAgent = groupBy(input.states ?? [], (s) => s.agentId);
  // Conversations need the state history (when each agent left): a report given none (`states` left
  // out) measures a call's handle time from its first answer to the hang-up instead.
  const conversationsKnown = input.states !== undefined;
  const conversation = (ring: CallOfferRow, callEndedAt: string | null) => conversationSpan(ring, callEndedAt, statesByAgent.get(ring.agentId) ?? []);

  for (const call of facts) {
    if (call.outcome === 'blocked') continue;
    const period = periodOf(interval, Date.parse(call.arrivedAt));
    const rings = (offersByCall.get(call.linkedId) ?? []).filter((o) => !o.outbound);
    const firstAnswer = rings.find((o) => o.outcome === 'answered' && o.endedAt !== null);
    const groupKey = (): string => {
      if (by === 'total') return 'total';
      if (by === 'hotline') return call.hotline ?? (call.direction === 'inbound' ? call.dialledNumber : '-');
      if (by === 'skill') return call.skill ?? '-';
      const agentId = firstAnswer?.agentId ?? (call.answeredAt !== null ? call.agentId : null);
      return agentId === null ? '-' : login(agentId);
    };
    const t = tallyOf(groupKey(), period);
    if (call.direction === 'outbound') {
      t.outbound += 1;
      if (call.answeredAt !== null) t.outboundAnswered += 1;
      continue;
    }
    t.offered += 1;
    const answeredAtMs = firstAnswer?.endedAt ? Date.parse(firstAnswer.endedAt) : call.answeredAt !== null ? Date.parse(call.answeredAt) : null;
    if (answeredAtMs !== null) {
      t.answered += 1;
      const waitMs = firstAnswer?.endedAt ? firstAnswer.waitedMs + (answeredAtMs - Date.parse(firstAnswer.offeredAt)) : (call.waitMs ?? 0);
      t.waits.push(waitMs / 1000);
      if (waitMs <= 15_000) t.within15 += 1;
      // Put through by the IVR to an outside line (no agent ever on it): answered, but the talk that
      // follows is the department's, not the centre's handle time.
      const ivrPutThrough = !firstAnswer && call.agentId === null && call.outcome === 'transferred';
      if (by === 'agent' && firstAnswer) {
        // Per agent, each agent's own conversations: not the first answerer's stretched to the hang-up.
        for (const ring of rings) {
          const span = conversation(ring, call.endedAt);
          if (span !== null) tallyOf(login(ring.agentId), period).handles.push((span.to - span.from) / 1000);
        }
      } else if (firstAnswer && conversationsKnown) {
        // Per call, once it ended: the time its agents' conversations cover — not the first answer to
        // the hang-up, which holds a caller's second wait in line and their next ring.
        const endedAt = call.endedAt;
        if (endedAt !== null) t.handles.push(coveredSeconds(rings.flatMap((ring) => conversation(ring, endedAt) ?? [])));
      } else if (call.endedAt !== null && !ivrPutThrough) t.handles.push((Date.parse(call.endedAt) - answeredAtMs) / 1000);
      if (call.knowledgeLinks > 0) t.knowledge += 1;
    } else if (call.endedAt === null) {
      t.inProgress += 1;
    } else if (call.outcome === 'abandoned') {
      t.abandoned += 1;
      t.abandonWaits.push((call.waitMs ?? 0) / 1000);
      if (call.missedStatus === 'done') t.calledBack += 1;
    } else {
      t.unansweredOther += 1;
    }
    if (rings.length > 1) t.reoffered += 1;
    t.transfers += call.transfers;
    t.conferences += call.conferences;
    if (call.satisfaction !== null && EVALUATED.has(call.satisfaction)) {
      t.evaluated += 1;
      if (call.satisfaction !== 'dissatisfied') t.satisfied += 1;
    }
    if (call.earlierCalls > 0) t.repeat += 1;
    if (call.dueAt !== null && Date.parse(call.dueAt) < now.getTime() && !CLOSED.has(call.ticketStatus ?? '')) t.overdue += 1;
    for (const ring of rings) {
      const rt = by === 'agent' ? tallyOf(login(ring.agentId), period) : t;
      rt.offers.total += 1;
      if (ring.outcome === 'answered') rt.offers.answered += 1;
      else if (ring.outcome === 'no-answer') rt.offers.noAnswer += 1;
      else if (ring.outcome === 'rejected') rt.offers.rejected += 1;
      else if (ring.outcome === 'caller-hung-up') rt.offers.callerHungUp += 1;
      else rt.offers.other += 1;
    }
  }

  if (input.window && (by === 'agent' || by === 'total')) addAgentTime(input.states ?? [], input.window, now, interval, (agentId, period) => tallyOf(by === 'total' ? 'total' : login(agentId), period));

  const entries = [...tallies.values()].sort((a, b) => a.period.localeCompare(b.period) || a.key.localeCompare(b.key));
  const total = new Tally();
  for (const e of entries) total.merge(e.tally);
  const rows = entries.map((e) => e.tally.row(e.key, e.period, targets));
  const notReadyReasons = [...total.notReady.keys()].sort((a, b) => a.localeCompare(b));
  return { by, interval, targets, rows, totals: total.row('total', '', targets), notReadyReasons };
}

/**
 * `items` by `key`, each group in the items' order. Appended in place: copying a group at every item
 * made a long report's grouping quadratic in an agent's state changes (92 days of them, say).
 */
function groupBy<T, K>(items: readonly T[], key: (item: T) => K): Map<K, T[]> {
  const groups = new Map<K, T[]>();
  for (const item of items) {
    const group = groups.get(key(item));
    if (group) group.push(item);
    else groups.set(key(item), [item]);
  }
  return groups;
}

/** States in which an agent is still in the conversation they answered (a ring comes before the answer). */
const IN_CONVERSATION = new Set(['on_call', 'held', 'ringing']);

/**
 * An answered ring's conversation, as epoch ms: from the answer until the agent left the call (their
 * first state change after it out of talk and hold: wrap-up, ready, 示忙, offline — a blind transfer,
 * their line lost, the hang-up), and never past the call's end. Null while it goes on (neither is
 * known yet), and for rings not answered. `states`: the agent's changes in order.
 */
function conversationSpan(ring: CallOfferRow, callEndedAt: string | null, states: readonly AgentStateChangeRow[]): { from: number; to: number } | null {
  if (ring.outcome !== 'answered' || ring.endedAt === null) return null;
  const answeredMs = Date.parse(ring.endedAt);
  // The first change at or after the answer (binary search: a long report has many), then on to the leaving.
  let lo = 0;
  let hi = states.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (Date.parse(states[mid]?.at ?? '') < answeredMs) lo = mid + 1;
    else hi = mid;
  }
  let left: AgentStateChangeRow | undefined;
  for (let i = lo; i < states.length && !left; i++) if (!IN_CONVERSATION.has(states[i]?.state ?? '')) left = states[i];
  const ends = [left ? Date.parse(left.at) : null, callEndedAt === null ? null : Date.parse(callEndedAt)].filter((ms): ms is number => ms !== null);
  return ends.length === 0 ? null : { from: answeredMs, to: Math.max(answeredMs, Math.min(...ends)) };
}

/**
 * Seconds in which at least one agent was in conversation with the call: its conversations' union, so
 * that a consultation's or a three-way call's overlapping minutes count once, and a caller's second
 * wait in line between two agents not at all.
 */
function coveredSeconds(spans: readonly { from: number; to: number }[]): number {
  let total = 0;
  let end = -Infinity;
  for (const span of [...spans].sort((a, b) => a.from - b.from)) {
    if (span.to <= end) continue;
    total += span.to - Math.max(span.from, end);
    end = span.to;
  }
  return total / 1000;
}

function addAgentTime(
  states: readonly AgentStateChangeRow[],
  window: { from: string; to: string },
  now: Date,
  interval: KpiInterval,
  tallyOf: (agentId: number, period: string) => Tally,
): void {
  const fromMs = Date.parse(window.from);
  const toMs = Math.min(Date.parse(window.to), now.getTime());
  const byAgent = groupBy(states, (s) => s.agentId);
  for (const [agentId, changes] of byAgent) {
    changes.forEach((change, i) => {
      const next = changes[i + 1];
      let start = Math.max(fromMs, Date.parse(change.at));
      const end = Math.min(toMs, next ? Date.parse(next.at) : toMs);
      // Offline time counts for nothing (and makes no row).
      while (start < end && COUNTED_STATES.has(change.state)) {
        const stop = Math.min(end, periodEnd(interval, start));
        const ms = stop - start;
        const t = tallyOf(agentId, periodOf(interval, start));
        if (change.state === 'on_call') t.ms.talk += ms;
        else if (change.state === 'held') t.ms.hold += ms;
        else if (change.state === 'wrap_up') t.ms.wrapUp += ms;
        else if (change.state === 'ready') t.ms.ready += ms;
        else if (change.state === 'ringing') t.ms.ringing += ms;
        else if (change.state === 'not_ready') {
          t.ms.notReady += ms;
          const reason = change.reason ?? NO_REASON;
          t.notReady.set(reason, (t.notReady.get(reason) ?? 0) + ms);
        }
        start = stop;
      }
    });
  }
}

/** Rows from the call rows alone: no rings, no agent time (handle time first answer to hang-up). */
export function computeKpis(rows: readonly CallFacts[], by: KpiGrouping, now: Date, agentLogin: (id: number) => string = String): KpiRow[] {
  const report = buildKpiReport({ facts: rows, by, now, agentLogin });
  return by === 'total' ? [report.rows[0] ?? report.totals] : report.rows;
}
