/**
 * The shape of one KPI row on the wire (`GET /api/v1/kpis`), with no imports: the reports page
 * shares it with the server, so a figure added here is one the page is told about. A rate or an
 * average with nothing to divide by is null (shown "—", exported as an empty CSV cell), never 0.
 */
export type KpiGrouping = 'total' | 'hotline' | 'skill' | 'agent';
/** `none`: one row per key over the whole range; `day`: per Shanghai day; `half-hour`: per half hour (staffing). */
export type KpiInterval = 'none' | 'day' | 'half-hour';

export interface KpiRow {
  key: string;
  /** '' (the whole range), `YYYY-MM-DD` (a day) or `YYYY-MM-DD HH:MM` (the half hour starting then, Shanghai time). */
  period: string;
  /** Inbound calls, blacklisted callers excluded; offered = answered + abandoned + unansweredOther + inProgress. */
  offered: number;
  answered: number;
  abandoned: number;
  unansweredOther: number;
  inProgress: number;
  answerRate: number | null;
  /** Rate − target (negative: below target). */
  answerRateGap: number | null;
  answeredWithin15s: number;
  answeredWithin15sRate: number | null;
  answeredWithin15sRateGap: number | null;
  averageWaitSeconds: number | null;
  p90WaitSeconds: number | null;
  averageAbandonWaitSeconds: number | null;
  averageHandleSeconds: number | null;
  /** Calls rung at an agent more than once (missed ring, re-offer, back to the queue). */
  reoffered: number;
  /** Abandoned calls the centre has called back (their missed-call entry done). */
  abandonedCalledBack: number;
  transfers: number;
  conferences: number;
  evaluated: number;
  satisfactionRate: number | null;
  repeatCallRate: number | null;
  ticketsOverdue: number;
  /** Calls the centre placed (click-to-call, missed-call callbacks), and those the citizen answered. */
  outbound: number;
  outboundAnswered: number;
  /** Answered calls whose ticket was answered from the knowledge base (an entry linked), and their share. */
  knowledgeAnswered: number;
  knowledgeAnswerRate: number | null;
  /** Rings of agents (offers) for inbound calls, by how each ended. */
  offers: number;
  offersAnswered: number;
  offersNoAnswer: number;
  offersRejected: number;
  offersCallerHungUp: number;
  /** Withdrawn by the system (the call went elsewhere, the phone was not reached) or still ringing. */
  offersOther: number;
  ringNoAnswerRate: number | null;
  /** Agent time in the period, seconds (agent and total reports only). */
  talkSeconds: number;
  holdSeconds: number;
  wrapUpSeconds: number;
  readySeconds: number;
  notReadySeconds: number;
  /** 示忙 seconds by reason (未说明 when none was given). */
  notReadyByReason: Record<string, number>;
  occupancy: number | null;
}

export interface KpiTargetsOnWire {
  answerRate: number;
  answeredWithin15sRate: number;
}

export interface KpiReport {
  from: string;
  to: string;
  by: KpiGrouping;
  interval: KpiInterval;
  targets: KpiTargetsOnWire;
  rows: KpiRow[];
  /** Additive figures are the sums of the rows; rates and averages recomputed from those sums. */
  totals: KpiRow;
  /** The 示忙 reasons that occur, in column order. */
  notReadyReasons: string[];
}
