/**
 * The shape of one KPI row on the wire (`GET /api/v1/kpis`), with no imports: the reports page
 * shares it with the server, so a figure added here is one the page is told about.
 */
export type KpiGrouping = 'total' | 'hotline' | 'skill' | 'agent';

export interface KpiRow {
  key: string;
  offered: number;
  answered: number;
  answerRate: number;
  answeredWithin15sRate: number;
  averageWaitSeconds: number;
  p90WaitSeconds: number;
  abandoned: number;
  averageAbandonWaitSeconds: number;
  averageHandleSeconds: number;
  transfers: number;
  conferences: number;
  satisfactionRate: number;
  repeatCallRate: number;
  ticketsOverdue: number;
  /** Calls the centre placed (click-to-call, missed-call callbacks), and those the citizen answered. */
  outbound: number;
  outboundAnswered: number;
  /** Answered calls whose ticket was answered from the knowledge base (an entry linked), and their share. */
  knowledgeAnswered: number;
  knowledgeAnswerRate: number;
}
