/**
 * The screen-pop: what an agent sees the moment their phone rings — who calls, which hotline (and its
 * merge mode), what they chose in the IVR, how long they waited, and their recent tickets so a repeat
 * caller stands out.
 */
import type { IvrStep } from '../../ivr/interpreter.js';
import { CONFIDENTIAL_CONTENT } from '../../routing/tickets/confidentiality.js';
import { listTicketsOfCaller, type Db } from '../../store/index.js';
import type { CallSummary } from '../../cti/events/domain-events.js';

export interface ScreenPop {
  type: 'call.offered';
  callId: string;
  ticketId: number;
  ticketNumber: string;
  callerNumber: string;
  dialledNumber: string;
  hotline: string;
  mode: string;
  ivrChoices: IvrStep[];
  waitedSeconds: number;
  repeatCaller: boolean;
  history: { ticketNumber: string; status: string; category: string | null; createdAt: string; content: string }[];
}

const HISTORY = 5;

export async function buildScreenPop(db: Db, call: CallSummary, ivrSteps: IvrStep[], waitedMs: number): Promise<ScreenPop> {
  const history = (await listTicketsOfCaller(db, call.callerNumber, HISTORY + 1))
    .filter((t) => t.id !== call.ticketId)
    .slice(0, HISTORY)
    // A confidential ticket shows its number and stage, never its content (routing/tickets/confidentiality.ts).
    .map((t) => ({ ticketNumber: t.number, status: t.status, category: t.category, createdAt: t.createdAt, content: t.confidential ? CONFIDENTIAL_CONTENT : t.content }));
  return {
    type: 'call.offered',
    callId: call.callId,
    ticketId: call.ticketId,
    ticketNumber: call.ticketNumber,
    callerNumber: call.callerNumber,
    dialledNumber: call.dialledNumber,
    hotline: call.hotline,
    mode: call.mode,
    ivrChoices: ivrSteps,
    waitedSeconds: Math.round(waitedMs / 1000),
    repeatCaller: history.length > 0,
    history,
  };
}
