/**
 * The screen-pop: what an agent sees the moment their phone rings — who calls, which hotline (and its
 * merge mode), what they chose in the IVR, how long they waited, and their recent tickets so a repeat
 * caller stands out. The tickets are the ones read when the call arrived (cti/calls/caller-history.ts):
 * building the pop queries nothing.
 */
import type { IvrStep } from '../../ivr/interpreter.js';
import { CONFIDENTIAL_CONTENT } from '../../routing/tickets/confidentiality.js';
import { HISTORY_SHOWN, type PastTicket } from '../../cti/calls/caller-history.js';
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

/** The pop from the caller's tickets read at arrival (`past`, newest first, maybe with the call's own). */
export function buildScreenPop(call: CallSummary, ivrSteps: IvrStep[], waitedMs: number, past: readonly PastTicket[]): ScreenPop {
  const history = past
    .filter((t) => t.id !== call.ticketId)
    .slice(0, HISTORY_SHOWN)
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
